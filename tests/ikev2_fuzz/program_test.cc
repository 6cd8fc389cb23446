// The fuzzer's input language (fuzz/ikev2_engine/program.h): every byte string decodes, the
// encoder writes what the decoder reads back, and the fields mean what the grammar says.
#include <gtest/gtest.h>

#include "engine/base/random.h"
#include "fuzz/ikev2_engine/program.h"

namespace ikesuite::ikev2::fuzz {
namespace {

Program every_kind_of_op() {
  Program p;
  p.start = StartState::IkeRekeying;
  p.swap_roles = true;
  p.variant = 0xa5;
  p.ops.push_back(RawOp{{Side::Responder, PortMode::Raw4500, 0}, Bytes{0xff}});
  ClearOp clear;
  clear.at = {Side::Initiator, PortMode::ExplicitSource, 33000};
  clear.sa = 3;
  clear.spi_i = 0x0102030405060708;
  clear.exchange = 34;
  clear.flags = kFlagsVerbatim | 0x28;
  clear.mid = {MidMode::Explicit, 0xdeadbeef};
  clear.first_payload = 33;
  clear.chain = Bytes(300, 0x41);
  p.ops.emplace_back(std::in_place_type<ClearOp>, clear);
  ClearOp clear_r = clear;
  clear_r.spi_i.reset();
  clear_r.spi_r = 42;
  clear_r.mid = {MidMode::Next, 0};
  p.ops.emplace_back(std::in_place_type<ClearOp>, clear_r);
  SealedOp sealed;
  sealed.at = {Side::Responder, PortMode::Natt4500, 0};
  sealed.sa = 1;
  sealed.exchange = 36;
  sealed.flags = kFlagsResponse;
  sealed.mid = {MidMode::Previous, 0};
  sealed.first_payload = 41;
  sealed.fragment = std::make_pair(uint8_t{2}, uint8_t{3});
  sealed.chain = Bytes{1, 2, 3};
  p.ops.emplace_back(std::in_place_type<SealedOp>, sealed);
  p.ops.push_back(TimeOp{0x8000 + 17});
  for (uint8_t kind = 0; kind < kKernelKinds; ++kind) {
    KernelOp k;
    k.side = Side::Responder;
    k.kind = static_cast<KernelKind>(kind);
    if (k.kind == KernelKind::AddFault) k.a = 1, k.b = 2, k.c = 3, k.d = 4, k.e = 5;
    if (k.kind == KernelKind::SoftExpire || k.kind == KernelKind::HardExpire) k.a = 7, k.b = 1;
    if (k.kind == KernelKind::SpuriousExpire) k.spi = 0xc0ffee, k.a = 1;
    p.ops.push_back(k);
  }
  for (uint8_t call = 0; call < kApiCalls; ++call)
    p.ops.push_back(ApiOp{Side::Initiator, static_cast<ApiCall>(call)});
  p.ops.push_back(NetworkOp{NetworkKind::Heal});
  p.ops.push_back(NetworkOp{NetworkKind::Impair, 1, 2, 3, 4});
  p.ops.push_back(NetworkOp{NetworkKind::HostUp, 1, 0});
  p.ops.push_back(ReplayOp{5, 3, 0x1234, 0x80});
  p.ops.push_back(ReplayOp{1, 2, 0, 0});
  return p;
}

TEST(EngineFuzzProgram, EncodeDecodeRoundTrip) {
  Program p = every_kind_of_op();
  EXPECT_EQ(decode(encode(p)), p);
}

TEST(EngineFuzzProgram, EmptyInputIsAFreshResponderWithoutOps) {
  Program p = decode({});
  EXPECT_EQ(p.start, StartState::FreshResponder);
  EXPECT_FALSE(p.swap_roles);
  EXPECT_EQ(p.variant, 0);
  EXPECT_TRUE(p.ops.empty());
}

TEST(EngineFuzzProgram, StartByteSelectsStateAndRoles) {
  Program p = decode(Bytes{0x0b, 0x05});
  EXPECT_EQ(p.start, StartState::Established);
  EXPECT_TRUE(p.swap_roles);
  EXPECT_EQ(p.variant, 5);
  // 7 is not a state: it wraps to the first.
  EXPECT_EQ(decode(Bytes{0x07}).start, StartState::FreshResponder);
  EXPECT_EQ(decode(Bytes{0x06}).start, StartState::Deleting);
}

TEST(EngineFuzzProgram, OpCodesWrap) {
  // Code 8 is Raw again, 11 is Time.
  Program p = decode(Bytes{0, 0, 8, 0, 0, 0, 11, 0x01, 0x02});
  ASSERT_EQ(p.ops.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<RawOp>(p.ops[0]));
  ASSERT_TRUE(std::holds_alternative<TimeOp>(p.ops[1]));
  EXPECT_EQ(std::get<TimeOp>(p.ops[1]).amount, 0x0102);
}

TEST(EngineFuzzProgram, LengthsAreClippedToTheInput) {
  // Raw to the responder on 4500 (target byte 0b011), length 100, three bytes present.
  Program p = decode(Bytes{0, 0, 0, 0x03, 0x00, 100, 1, 2, 3});
  ASSERT_EQ(p.ops.size(), 1u);
  const auto& raw = std::get<RawOp>(p.ops[0]);
  EXPECT_EQ(raw.at.to, Side::Responder);
  EXPECT_EQ(raw.at.port, PortMode::Natt4500);
  EXPECT_EQ(raw.udp_payload, (Bytes{1, 2, 3}));
}

TEST(EngineFuzzProgram, MissingFieldsReadAsZero) {
  // A sealed op cut after its target byte: every later field is zero.
  Program p = decode(Bytes{0, 0, 2, 0x01});
  ASSERT_EQ(p.ops.size(), 1u);
  const auto& s = std::get<SealedOp>(p.ops[0]);
  EXPECT_EQ(s.at.to, Side::Responder);
  EXPECT_EQ(s.sa, 0);
  EXPECT_EQ(s.exchange, 0);
  EXPECT_EQ(s.mid.mode, MidMode::Natural);
  EXPECT_FALSE(s.fragment.has_value());
  EXPECT_TRUE(s.chain.empty());
  // An explicit source port reads two more bytes; a 16-bit field cut after one byte keeps it
  // as the high byte.
  Program q = decode(Bytes{0, 0, 0, 0x06, 0x12});
  EXPECT_EQ(std::get<RawOp>(q.ops[0]).at.src_port, 0x1200);
}

TEST(EngineFuzzProgram, ExplicitMessageIdReadsFourBytes) {
  ClearOp c;
  c.mid = {MidMode::Explicit, 0x01020304};
  Program p;
  p.ops.push_back(c);
  Bytes b = encode(p);
  Program back = decode(b);
  EXPECT_EQ(std::get<ClearOp>(back.ops[0]).mid.value, 0x01020304u);
  // Any other mode reads no value.
  c.mid = {MidMode::Natural, 0x01020304};
  p.ops = {c};
  EXPECT_EQ(encode(p).size(), b.size() - 4);
}

TEST(EngineFuzzProgram, AtMostMaxOps) {
  Program p;
  p.ops.assign(kMaxOps + 50, TimeOp{1});
  EXPECT_EQ(decode(encode(p)).ops.size(), kMaxOps);
}

TEST(EngineFuzzProgram, RandomBytesAlwaysDecode) {
  SeededRandom rng(7);
  for (int i = 0; i < 2000; ++i) {
    Bytes b = rng.bytes(rng.uniform(600));
    Program p = decode(b);
    EXPECT_LE(p.ops.size(), kMaxOps);
    // What decodes re-encodes to a program that decodes the same way.
    EXPECT_EQ(decode(encode(p)), p);
  }
}

TEST(EngineFuzzProgram, Describe) {
  EXPECT_EQ(describe(TimeOp{1500}), "time +1500 ms");
  EXPECT_EQ(describe(TimeOp{0x8000 + 30}), "time +30 s");
  EXPECT_EQ(describe(ApiOp{Side::Responder, ApiCall::RekeyIke}), "api responder rekey-ike");
  SealedOp s;
  s.at = {Side::Initiator, PortMode::Natt4500, 0};
  s.flags = kFlagsResponse;
  s.fragment = std::make_pair(uint8_t{1}, uint8_t{2});
  s.chain = Bytes(5);
  EXPECT_EQ(describe(s),
            "sealed -> initiator:4500 sa 0 exchange 37 response mid natural first 0 fragment 1/2 "
            "(5 bytes)");
  RawOp r{{Side::Responder, PortMode::ExplicitSource, 1234}, Bytes(3)};
  EXPECT_EQ(describe(r), "raw -> responder:4500 from port 1234 (3 bytes)");
}

}  // namespace
}  // namespace ikesuite::ikev2::fuzz
