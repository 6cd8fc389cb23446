#include "engine/base/ip.h"

#include <gtest/gtest.h>

namespace ikesuite {
namespace {

TEST(IpAddress, ParseAndFormat) {
  auto a = IpAddress::parse("192.168.0.1");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(a->to_string(), "192.168.0.1");
  EXPECT_EQ(a->v4_host_order(), 0xc0a80001u);
  auto b = IpAddress::parse("2001:db8::1");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->is_v6());
  EXPECT_EQ(b->size(), 16u);
  EXPECT_EQ(b->to_string(), "2001:db8::1");
  EXPECT_FALSE(IpAddress::parse("300.1.1.1"));
  EXPECT_FALSE(IpAddress::parse("moon"));
}

TEST(Subnet, ParseMaskAndContain) {
  auto s = Subnet::parse("10.1.2.3/16");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->to_string(), "10.1.0.0/16");
  EXPECT_EQ(s->last().to_string(), "10.1.255.255");
  EXPECT_TRUE(s->contains(*IpAddress::parse("10.1.200.1")));
  EXPECT_FALSE(s->contains(*IpAddress::parse("10.2.0.1")));
  auto host = Subnet::parse("2001:db8::5");
  ASSERT_TRUE(host.ok());
  EXPECT_EQ(host->prefix, 128u);
  EXPECT_FALSE(Subnet::parse("10.0.0.0/33").ok());
  EXPECT_FALSE(Subnet::parse("10.0.0.0/x").ok());
  EXPECT_FALSE(Subnet::parse("10.0.0.0/").ok());
}

TEST(Endpoint, FormatsLikeCharon) {
  Endpoint e{*IpAddress::parse("192.168.0.2"), 4500};
  EXPECT_EQ(e.to_string(), "192.168.0.2[4500]");
}

}  // namespace
}  // namespace ikesuite
