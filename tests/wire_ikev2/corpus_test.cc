// The committed seed corpora (fuzz/corpus/ikev2_*/, written by gen_corpus_ikev2) exist for
// every IKEv2 fuzz target and still parse: a codec change that breaks them shows up here,
// not only in a fuzz run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "engine/wire/ikev2/message.h"
#include "engine/wire/reader.h"

namespace ikesuite::v2 {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(IKESUITE_SOURCE_DIR) / "fuzz" / "corpus";

Bytes read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::pair<std::string, Bytes>> seeds(const std::string& target) {
  std::vector<std::pair<std::string, Bytes>> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kCorpus / target, ec))
    if (entry.is_regular_file())
      out.emplace_back(entry.path().filename().string(), read(entry.path()));
  EXPECT_FALSE(ec) << target << ": " << ec.message();
  EXPECT_GE(out.size(), 10u) << target << " has too few seeds";
  return out;
}

TEST(V2Corpus, MessageSeedsParseAndRoundTrip) {
  ParseOptions keep;
  keep.reject_unknown_critical = false;
  for (const char* target : {"ikev2_message", "ikev2_roundtrip"}) {
    for (const auto& [name, data] : seeds(target)) {
      auto m = parse(data, keep);
      ASSERT_TRUE(m.ok()) << target << "/" << name << ": " << m.error().message();
      auto again = parse(serialize(*m).value(), keep);
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(*again, *m) << target << "/" << name;
    }
  }
}

TEST(V2Corpus, Port4500SeedsAreIkeOrSkipped) {
  size_t ike = 0;
  for (const auto& [name, data] : seeds("ikev2_message_4500")) {
    wire::Reader r(data);
    auto marker = r.u32();
    if (!marker.ok() || *marker != 0) continue;  // ESP or keepalive seeds
    auto m = parse(r.rest());
    EXPECT_TRUE(m.ok()) << name << ": " << m.error().message();
    ++ike;
  }
  EXPECT_GE(ike, 10u);
}

TEST(V2Corpus, ChainSeedsParse) {
  for (const auto& [name, data] : seeds("ikev2_chain")) {
    wire::Reader r(data);
    auto first = r.u8();
    ASSERT_TRUE(first.ok()) << name;
    auto chain = parse_chain(static_cast<PayloadType>(*first), r.rest(), 28);
    EXPECT_TRUE(chain.ok()) << name << ": " << chain.error().message();
  }
}

TEST(V2Corpus, BodySeedsParse) {
  const std::pair<const char*, PayloadType> targets[] = {
      {"ikev2_sa", PayloadType::SA},           {"ikev2_ke", PayloadType::KE},
      {"ikev2_id", PayloadType::IDi},          {"ikev2_cert", PayloadType::CERT},
      {"ikev2_certreq", PayloadType::CERTREQ}, {"ikev2_auth", PayloadType::AUTH},
      {"ikev2_nonce", PayloadType::Nonce},     {"ikev2_notify", PayloadType::Notify},
      {"ikev2_delete", PayloadType::Delete},   {"ikev2_vendor", PayloadType::VendorId},
      {"ikev2_ts", PayloadType::TSi},          {"ikev2_sk", PayloadType::SK},
      {"ikev2_cp", PayloadType::CP},           {"ikev2_eap", PayloadType::EAP},
      {"ikev2_skf", PayloadType::SKF}};
  for (const auto& [target, type] : targets) {
    for (const auto& [name, data] : seeds(target)) {
      auto body = parse_body(type, data);
      ASSERT_TRUE(body.ok()) << target << "/" << name << ": " << body.error().message();
      EXPECT_EQ(serialize_body(*body).value(), data) << target << "/" << name;
    }
  }
}

}  // namespace
}  // namespace ikesuite::v2
