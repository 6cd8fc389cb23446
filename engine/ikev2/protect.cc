// Encrypted payloads: SK (RFC 7296 §3.14) and, for large messages, SKF fragments (RFC 7383).
// The codec lays out the header and the SK/SKF header; engine/crypto seals and opens the body
// with the AAD/ICV coverage those RFCs define (everything before the body).
#include "engine/ikev2/engine_impl.h"

namespace ikesuite::ikev2 {

namespace {

constexpr size_t kSkHeader = 4;
constexpr size_t kSkfHeader = 8;
constexpr uint16_t kMaxFragments = 64;

// The bytes before an encrypted body of `body_size` bytes: header and SK/SKF payload header,
// with every length final. Built by serializing the message with a zero body of that size.
Result<Bytes> encrypted_prefix(const v2::Header& header, const v2::Payload& encrypted_template,
                               size_t body_size) {
  v2::Message m;
  m.header = header;
  v2::Payload p = encrypted_template;
  if (auto* sk = p.as<v2::EncryptedPayload>()) sk->body.assign(body_size, 0);
  if (auto* skf = p.as<v2::EncryptedFragmentPayload>()) skf->body.assign(body_size, 0);
  m.payloads.push_back(std::move(p));
  TRY_ASSIGN(Bytes bytes, v2::serialize(m));
  bytes.resize(bytes.size() - body_size);
  return bytes;
}

}  // namespace

Result<std::vector<Bytes>> Engine::Impl::protect(IkeSa& ike, v2::Header header,
                                                 const Payloads& payloads) {
  if (!ike.suite) return Error(ErrorCode::kState, "no keys to protect the message with");
  const crypto::SkSuite& suite = *ike.suite;
  crypto::SkKeys keys{ike.initiator ? ike.keys.SK_ei : ike.keys.SK_er,
                      ike.initiator ? ike.keys.SK_ai : ike.keys.SK_ar};
  v2::PayloadType first = payloads.empty() ? v2::PayloadType::None : payloads.front().type;
  Bytes plaintext;
  if (!payloads.empty()) {
    TRY_ASSIGN(plaintext, v2::serialize_chain(payloads));
  }

  // RFC 7383 §2.5.1: fragment when both sides support it and the message would exceed the
  // path's limit (strongSwan's fragment_size counts the IP and UDP headers).
  size_t overhead = (ike.remote.addr.is_v6() ? 40 : 20) + 8 + (ike.on_4500 ? 4 : 0);
  size_t limit = settings.fragment_size > overhead ? settings.fragment_size - overhead : 576;
  size_t whole = v2::Header::kSize + kSkHeader + crypto::sealed_size(suite, plaintext.size());
  bool may_fragment = ike.peer_fragmentation && ike.config->fragmentation != Fragmentation::No &&
                      header.exchange != v2::ExchangeType::IkeSaInit;
  bool force = ike.config->fragmentation == Fragmentation::Force && may_fragment &&
               header.exchange == v2::ExchangeType::IkeAuth;

  std::vector<Bytes> out;
  if (!may_fragment || (whole <= limit && !force)) {
    v2::Payload sk = make_payload(v2::PayloadType::SK, v2::EncryptedPayload{first, {}});
    size_t body_size = crypto::sealed_size(suite, plaintext.size());
    TRY_ASSIGN(Bytes prefix, encrypted_prefix(header, sk, body_size));
    TRY_ASSIGN(Bytes body, crypto::seal(suite, keys, prefix, plaintext, env.rng));
    if (body.size() != body_size)
      return Error(ErrorCode::kInternal, "sealed size differs from the announced size");
    append(prefix, body);
    out.push_back(std::move(prefix));
    return out;
  }

  // The largest chunk whose fragment fits the limit.
  size_t fixed = v2::Header::kSize + kSkfHeader;
  size_t chunk = limit > fixed ? limit - fixed : 0;
  while (chunk > 0 && fixed + crypto::sealed_size(suite, chunk) > limit) --chunk;
  if (chunk == 0) return Error(ErrorCode::kLimit, "fragment_size too small for any fragment");
  size_t total = (plaintext.size() + chunk - 1) / chunk;
  if (total == 0) total = 1;
  if (total > kMaxFragments)
    return Error(ErrorCode::kLimit, "message needs " + std::to_string(total) + " fragments");
  for (size_t i = 0; i < total; ++i) {
    size_t begin = i * chunk;
    size_t end = std::min(plaintext.size(), begin + chunk);
    ByteView piece = ByteView(plaintext).subspan(begin, end - begin);
    v2::EncryptedFragmentPayload skf;
    // RFC 7383 §2.5: only the first fragment names the first inner payload.
    skf.inner_first = i == 0 ? first : v2::PayloadType::None;
    skf.fragment_number = static_cast<uint16_t>(i + 1);
    skf.total_fragments = static_cast<uint16_t>(total);
    v2::Payload p = make_payload(v2::PayloadType::SKF, skf);
    size_t body_size = crypto::sealed_size(suite, piece.size());
    TRY_ASSIGN(Bytes prefix, encrypted_prefix(header, p, body_size));
    TRY_ASSIGN(Bytes body, crypto::seal(suite, keys, prefix, piece, env.rng));
    append(prefix, body);
    out.push_back(std::move(prefix));
  }
  log(LogGroup::kEnc, 1, "splitting IKE message (" + std::to_string(whole) + " bytes) into " +
                             std::to_string(total) + " fragments");
  return out;
}

Result<std::optional<Payloads>> Engine::Impl::unprotect(IkeSa& ike, const Bytes& datagram,
                                                        const v2::Message& message) {
  if (!ike.suite) return Error(ErrorCode::kState, "no keys yet to decrypt with");
  if (message.payloads.empty())
    return Error(ErrorCode::kMalformed, "no encrypted payload").with_notify(
        static_cast<uint16_t>(v2::NotifyType::INVALID_SYNTAX));
  const crypto::SkSuite& suite = *ike.suite;
  crypto::SkKeys keys{ike.initiator ? ike.keys.SK_er : ike.keys.SK_ei,
                      ike.initiator ? ike.keys.SK_ar : ike.keys.SK_ai};
  const v2::Payload& last = message.payloads.back();

  if (const auto* sk = last.as<v2::EncryptedPayload>()) {
    if (message.payloads.size() != 1)
      return Error(ErrorCode::kMalformed, "payloads outside the SK payload")
          .with_notify(static_cast<uint16_t>(v2::NotifyType::INVALID_SYNTAX));
    size_t body_at = datagram.size() - sk->body.size();
    ByteView prefix = ByteView(datagram).first(body_at);
    TRY_ASSIGN(Bytes plain, crypto::open(suite, keys, prefix, sk->body));
    if (sk->inner_first == v2::PayloadType::None && plain.empty()) return {Payloads{}};
    TRY_ASSIGN(Payloads inner, v2::parse_chain(sk->inner_first, plain, 0));
    return {std::move(inner)};
  }

  const auto* skf = last.as<v2::EncryptedFragmentPayload>();
  if (!skf)
    return Error(ErrorCode::kMalformed, "message without SK payload")
        .with_notify(static_cast<uint16_t>(v2::NotifyType::INVALID_SYNTAX));
  if (ike.config->fragmentation == Fragmentation::No)
    return Error(ErrorCode::kState, "fragment received but fragmentation is disabled");
  // RFC 7383 §2.6: verify each fragment on its own before keeping it.
  size_t body_at = datagram.size() - skf->body.size();
  TRY_ASSIGN(Bytes plain, crypto::open(suite, keys, ByteView(datagram).first(body_at), skf->body));
  uint32_t mid = message.header.message_id;
  if (skf->total_fragments == 0 || skf->fragment_number == 0 ||
      skf->fragment_number > skf->total_fragments || skf->total_fragments > kMaxFragments)
    return Error(ErrorCode::kState, "fragment " + std::to_string(skf->fragment_number) + " of " +
                                        std::to_string(skf->total_fragments) + " is invalid");
  auto& buf = ike.fragments;
  if (!buf || buf->message_id != mid || buf->total < skf->total_fragments) {
    // RFC 7383 §2.6.1: a larger total means the sender re-fragmented; start over.
    buf = FragmentBuffer{mid, skf->total_fragments, v2::PayloadType::None, {}};
  } else if (buf->total > skf->total_fragments) {
    return std::optional<Payloads>{};  // a stale fragment of an earlier split
  }
  if (skf->fragment_number == 1) buf->first = skf->inner_first;
  buf->plaintext.emplace(skf->fragment_number, std::move(plain));
  log(LogGroup::kEnc, 1, "received fragment #" + std::to_string(skf->fragment_number) + " of " +
                             std::to_string(skf->total_fragments) + ", " +
                             (buf->plaintext.size() == buf->total ? "reassembling"
                                                                  : "waiting for complete IKE message"));
  if (buf->plaintext.size() < buf->total) return std::optional<Payloads>{};
  Bytes whole;
  for (auto& [n, piece] : buf->plaintext) append(whole, piece);
  v2::PayloadType first = buf->first;
  buf.reset();
  log(LogGroup::kEnc, 1, "reassembled fragmented IKE message (" + std::to_string(whole.size()) +
                             " bytes)");
  TRY_ASSIGN(Payloads inner, v2::parse_chain(first, whole, 0));
  return {std::move(inner)};
}

}  // namespace ikesuite::ikev2
