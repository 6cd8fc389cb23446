// RFC 7296 §3.13: Traffic Selector payloads, and the subnet/range helpers.
#include "tests/wire_ikev2/test_util.h"

namespace ikesuite::v2 {
namespace {

using testing::has_error;

constexpr size_t kBase = 300;

// RFC 7296 §3.13 and §3.13.1 figures.
const Bytes kTsBody =
    hex("02"      // Number of TSs 2
        "000000"  // RESERVED
        // selector #1 (offset 4)
        "07"        // TS Type: TS_IPV4_ADDR_RANGE
        "00"        // IP Protocol ID: any
        "0010"      // Selector Length 16
        "0000"      // Start Port 0
        "ffff"      // End Port 65535
        "0a010000"  // Starting Address 10.1.0.0
        "0a01ffff"  // Ending Address 10.1.255.255
        // selector #2 (offset 20)
        "08"                                  // TS_IPV6_ADDR_RANGE
        "06"                                  // TCP
        "0028"                                // Selector Length 40
        "0050"                                // Start Port 80
        "0050"                                // End Port 80
        "20010db8000000000000000000000000"    // 2001:db8::
        "20010db800000000ffffffffffffffff");  // 2001:db8::ffff:ffff:ffff:ffff

Bytes patched(Bytes b, size_t at, std::initializer_list<uint8_t> values) {
  for (uint8_t v : values) b.at(at++) = v;
  return b;
}

TEST(V2Ts, ParsesAndRoundTrips) {
  auto ts = testing::body_roundtrip<TsPayload>(PayloadType::TSi, kTsBody);
  ASSERT_EQ(ts.selectors.size(), 2u);
  const TrafficSelector& v4 = ts.selectors[0];
  EXPECT_EQ(v4.type, TsType::IPV4_ADDR_RANGE);
  EXPECT_EQ(v4.ip_protocol, 0);
  EXPECT_EQ(v4.start_port, 0);
  EXPECT_EQ(v4.end_port, 0xffff);
  EXPECT_EQ(v4.start_address.to_string(), "10.1.0.0");
  EXPECT_EQ(v4.end_address.to_string(), "10.1.255.255");
  EXPECT_EQ(v4.to_string(), "10.1.0.0/16");
  const TrafficSelector& v6 = ts.selectors[1];
  EXPECT_EQ(v6.type, TsType::IPV6_ADDR_RANGE);
  EXPECT_EQ(v6.ip_protocol, 6);
  EXPECT_EQ(v6.to_subnet()->to_string(), "2001:db8::/64");
  EXPECT_EQ(v6.to_string(), "2001:db8::/64[6/80]");
  testing::expect_body_prefixes_fail(PayloadType::TSr, kTsBody);
  testing::expect_payload_prefixes_fail(PayloadType::TSr, testing::with_generic_header(kTsBody));
}

TEST(V2Ts, BuildsTheSameBytes) {
  TsPayload ts;
  ts.selectors.push_back(TrafficSelector::from_subnet(*Subnet::parse("10.1.0.0/16")));
  ts.selectors.push_back(TrafficSelector::from_subnet(*Subnet::parse("2001:db8::/64"), 6, 80, 80));
  auto bytes = serialize_body(ts);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(to_hex(*bytes), to_hex(kTsBody));
}

TEST(V2Ts, SelectorLengthMustMatchTheType) {
  // RFC 7296 §3.13.1: 16 for IPv4, 40 for IPv6.
  EXPECT_TRUE(has_error(parse_body(PayloadType::TSi, patched(kTsBody, 4, {0x08}), kBase),
                        ErrorCode::kLength, kBase + 6, "TSi > selector #1"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::TSi, patched(kTsBody, 20, {0x07}), kBase),
                        ErrorCode::kLength, kBase + 22, "TSi > selector #2"));
  // Selector Length below the selector header, and past the payload.
  EXPECT_TRUE(has_error(parse_body(PayloadType::TSi, patched(kTsBody, 6, {0x00, 0x03}), kBase),
                        ErrorCode::kLength, kBase + 6, "TSi > selector #1"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::TSi, patched(kTsBody, 22, {0x00, 0x29}), kBase),
                        ErrorCode::kLength, kBase + 22, "TSi > selector #2"));
  // A shorter IPv4 selector.
  EXPECT_TRUE(has_error(parse_body(PayloadType::TSi, patched(kTsBody, 6, {0x00, 0x0c}), kBase),
                        ErrorCode::kLength, kBase + 6, "TSi > selector #1"));
}

TEST(V2Ts, NumberOfTssMustMatch) {
  EXPECT_TRUE(has_error(parse_body(PayloadType::TSi, patched(kTsBody, 0, {1}), kBase),
                        ErrorCode::kLength, kBase + 20, "TSi"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::TSi, patched(kTsBody, 0, {3}), kBase),
                        ErrorCode::kLength, kBase + 60, "TSi"));
  EXPECT_TRUE(has_error(parse_body(PayloadType::TSi, patched(kTsBody, 0, {200}), kBase),
                        ErrorCode::kLength, kBase, "TSi"));
  // Zero selectors parse; acceptability is policy.
  auto none = parse_body(PayloadType::TSi, hex("00000000"));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(std::get<TsPayload>(*none).selectors.empty());
}

TEST(V2Ts, UnknownAndFibreChannelTypesAreKeptRaw) {
  // RFC 4595 TS_FC_ADDR_RANGE: kept as raw selector bytes, with its second octet.
  Bytes fc = hex("01000000 09 00 0010 00 010203 00 040506 00ff 00ff");
  auto ts = testing::body_roundtrip<TsPayload>(PayloadType::TSi, fc);
  ASSERT_EQ(ts.selectors.size(), 1u);
  EXPECT_EQ(ts.selectors[0].type, TsType::FC_ADDR_RANGE);
  EXPECT_EQ(to_hex(ts.selectors[0].raw), "000102030004050600ff00ff");
  EXPECT_FALSE(ts.selectors[0].to_subnet());
  EXPECT_EQ(ts.selectors[0].to_string(), "TS_FC_ADDR_RANGE(12 bytes)");
  Bytes unknown = hex("01000000 63 11 0006 abcd");
  auto u = testing::body_roundtrip<TsPayload>(PayloadType::TSr, unknown);
  EXPECT_EQ(u.selectors[0].ip_protocol, 0x11);
  EXPECT_EQ(to_hex(u.selectors[0].raw), "abcd");
}

TEST(V2Ts, OpaqueAndReversedRangesAreNotSyntaxErrors) {
  // RFC 7296 §3.13.1: OPAQUE ports are start 65535, end 0.
  TrafficSelector opaque =
      TrafficSelector::from_subnet(*Subnet::parse("10.0.0.1/32"), 17, 0xffff, 0);
  auto bytes = serialize_body(TsPayload{{opaque}});
  ASSERT_TRUE(bytes.ok());
  auto back = parse_body(PayloadType::TSi, *bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<TsPayload>(*back).selectors[0], opaque);
  auto reversed =
      TrafficSelector::from_range(*IpAddress::parse("10.0.0.9"), *IpAddress::parse("10.0.0.1"));
  ASSERT_TRUE(reversed.ok());
  EXPECT_TRUE(parse_body(PayloadType::TSi, *serialize_body(TsPayload{{*reversed}})).ok());
}

TEST(V2Ts, Reserved) {
  ParseOptions strict;
  strict.reject_nonzero_reserved = true;
  EXPECT_TRUE(parse_body(PayloadType::TSi, patched(kTsBody, 3, {1})).ok());
  EXPECT_TRUE(has_error(parse_body(PayloadType::TSi, patched(kTsBody, 3, {1}), kBase, strict),
                        ErrorCode::kMalformed, kBase + 1, "TSi"));
}

TEST(V2Ts, SerializeNeedsAddressesOfTheType) {
  TrafficSelector ts = TrafficSelector::from_subnet(*Subnet::parse("10.0.0.0/8"));
  ts.type = TsType::IPV6_ADDR_RANGE;
  EXPECT_FALSE(serialize_body(TsPayload{{ts}}).ok());
  EXPECT_FALSE(serialize_body(TsPayload{{TrafficSelector{}}}).ok());
  TsPayload many;
  many.selectors.assign(256, TrafficSelector::from_subnet(*Subnet::parse("10.0.0.0/8")));
  EXPECT_FALSE(serialize_body(many).ok());
  many.selectors.pop_back();
  auto bytes = serialize_body(many);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(std::get<TsPayload>(*parse_body(PayloadType::TSi, *bytes)).selectors.size(), 255u);
}

TEST(V2TsHelpers, PrefixLength) {
  auto ip = [](const char* s) { return *IpAddress::parse(s); };
  EXPECT_EQ(prefix_length(ip("10.1.0.0"), ip("10.1.255.255")), 16u);
  EXPECT_EQ(prefix_length(ip("0.0.0.0"), ip("255.255.255.255")), 0u);
  EXPECT_EQ(prefix_length(ip("192.0.2.7"), ip("192.0.2.7")), 32u);
  EXPECT_EQ(prefix_length(ip("::"), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")), 0u);
  EXPECT_EQ(prefix_length(ip("2001:db8::"), ip("2001:db8::1")), 127u);
  EXPECT_EQ(prefix_length(ip("2001:db8::1"), ip("2001:db8::1")), 128u);
  // Not a prefix: host bits set at the start, clear at the end, or a range across prefixes.
  EXPECT_FALSE(prefix_length(ip("10.1.0.1"), ip("10.1.255.255")));
  EXPECT_FALSE(prefix_length(ip("10.1.0.0"), ip("10.1.255.254")));
  EXPECT_FALSE(prefix_length(ip("10.0.0.0"), ip("10.2.255.255")));
  EXPECT_FALSE(prefix_length(ip("10.0.0.5"), ip("10.0.0.4")));
  EXPECT_FALSE(prefix_length(ip("10.0.0.0"), ip("::ffff")));
  EXPECT_FALSE(prefix_length(IpAddress{}, IpAddress{}));
}

TEST(V2TsHelpers, SubnetRoundTrip) {
  for (const char* s :
       {"10.1.0.0/16", "0.0.0.0/0", "192.0.2.1/32", "2001:db8::/32", "::/0", "fe80::1/128"}) {
    auto subnet = *Subnet::parse(s);
    auto ts = TrafficSelector::from_subnet(subnet);
    EXPECT_TRUE(ts.is_ip());
    EXPECT_EQ(ts.type, subnet.addr.is_v6() ? TsType::IPV6_ADDR_RANGE : TsType::IPV4_ADDR_RANGE);
    ASSERT_TRUE(ts.to_subnet()) << s;
    EXPECT_EQ(*ts.to_subnet(), subnet) << s;
    EXPECT_EQ(ts.to_string(), s);
  }
}

TEST(V2TsHelpers, Ranges) {
  auto r = TrafficSelector::from_range(*IpAddress::parse("10.0.0.5"), *IpAddress::parse("10.0.0.9"),
                                       17, 500, 4500);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->to_subnet());
  EXPECT_EQ(r->to_string(), "10.0.0.5..10.0.0.9[17/500-4500]");
  auto exact =
      TrafficSelector::from_range(*IpAddress::parse("10.0.0.0"), *IpAddress::parse("10.0.0.255"));
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->to_subnet()->to_string(), "10.0.0.0/24");
  EXPECT_FALSE(
      TrafficSelector::from_range(*IpAddress::parse("10.0.0.0"), *IpAddress::parse("::1")).ok());
  EXPECT_FALSE(TrafficSelector::from_range(IpAddress{}, IpAddress{}).ok());
  EXPECT_EQ(TrafficSelector::from_subnet(*Subnet::parse("10.0.0.0/8"), 1).to_string(),
            "10.0.0.0/8[1]");
  EXPECT_EQ(TrafficSelector::from_subnet(*Subnet::parse("10.0.0.0/8"), 6, 22, 22).to_string(),
            "10.0.0.0/8[6/22]");
}

}  // namespace
}  // namespace ikesuite::v2
