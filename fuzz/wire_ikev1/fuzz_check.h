// Shared checks of the IKEv1 fuzz targets: whatever parses must serialize, and what that
// serializes to must parse back to the same value (the codec's canonical form is a fixed
// point). A violation aborts, which libFuzzer reports as a crash with the input kept.
#pragma once

#include <cstdio>
#include <cstdlib>

#include "engine/wire/ikev1/message.h"

namespace ikesuite::v1::fuzz {

[[noreturn]] inline void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "ikev1 fuzz check failed: %s %s\n", what, detail.c_str());
  std::abort();
}

// Reads what a parsed body offers beyond its fields (typed attributes, ID helpers, ...), so
// that those paths run under the sanitizers too.
inline void exercise(const PayloadBody& body) {
  if (const auto* sa = std::get_if<SaPayload>(&body)) {
    for (const auto& p : sa->proposals)
      for (const auto& t : p.transforms) {
        if (auto a = Phase1Attributes::decode(t.attributes); a.ok() && a->encode().size() > 4096)
          fail("phase-1 attributes grew");
        if (auto a = Phase2Attributes::decode(t.attributes); a.ok() && a->encode().size() > 4096)
          fail("phase-2 attributes grew");
        for (const auto& attr : t.attributes) (void)attr.number();
      }
  } else if (const auto* id = std::get_if<IdPayload>(&body)) {
    (void)id->address();
    (void)id->subnet();
    (void)id->range();
    (void)id->to_string();
  } else if (const auto* n = std::get_if<NotifyPayload>(&body)) {
    (void)n->dpd_sequence();
    (void)split_cookie_pair(n->spi);
    if (auto attrs = parse_attributes(n->data); attrs.ok()) (void)Phase2Attributes::decode(*attrs);
  } else if (const auto* d = std::get_if<DeletePayload>(&body)) {
    (void)d->cookies();
  }
}

// parse_body(serialize_body(b)) == b for every body that parsed.
inline void check_body(PayloadType type, const PayloadBody& body) {
  exercise(body);
  auto bytes = serialize_body(body);
  if (!bytes.ok()) fail("a parsed body does not serialize:", bytes.error().message());
  auto again = parse_body(type, *bytes);
  if (!again.ok()) fail("a serialized body does not parse:", again.error().message());
  if (!(*again == body)) fail("body changed through serialize/parse");
}

// Errors always say where and which notify answers them.
template <typename T>
void check_error(const Result<T>& r, size_t size) {
  if (r.ok()) return;
  const Error& e = r.error();
  if (!e.notify()) fail("error without a notify:", e.message());
  if (!e.offset()) fail("error without an offset:", e.message());
  if (*e.offset() > size) fail("error offset beyond the input:", e.message());
}

}  // namespace ikesuite::v1::fuzz
