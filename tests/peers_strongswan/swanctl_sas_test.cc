// swanctl --list-sas --pretty as charon 5.9.8 prints it, and text that is not.
#include "harness/peers/strongswan/swanctl_sas.h"

#include <gtest/gtest.h>

namespace ikesuite::peers {
namespace {

constexpr const char* kTwoChildren = R"(list-sa event {
  net-net {
    uniqueid = 2
    version = 2
    state = ESTABLISHED
    local-host = 192.168.0.1
    local-id = C=CH, O=strongSwan, CN=moon
    initiator = yes
    initiator-spi = 41a56ddd9fce5067
    responder-spi = 662abae569af3fe4
    encr-alg = AES_CBC
    child-sas {
      net-net-1 {
        name = net-net
        uniqueid = 1
        reqid = 1
        state = DELETED
        local-ts = [
          10.1.0.0/16
        ]
        remote-ts = [
          10.2.0.0/16
        ]
      }
      net-net-2 {
        name = net-net
        uniqueid = 2
        reqid = 1
        state = INSTALLED
      }
    }
  }
}
list-sa event {
  other {
    uniqueid = 5
    version = 1
    state = CONNECTING
    initiator-spi = 0000000000000001
    responder-spi = 0000000000000000
    tasks-queued = [
      QUICK_MODE
    ]
    child-sas {
    }
  }
}
list-sas reply {
}
)";

TEST(ListSas, IkeAndChildSnapshots) {
  auto r = parse_list_sas(kTwoChildren);
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->size(), 2u);
  const SwanctlIkeSa& a = (*r)[0];
  EXPECT_EQ(a.snapshot.conn, "net-net");
  EXPECT_EQ(a.snapshot.unique_id, 2u);
  EXPECT_EQ(a.snapshot.state, "ESTABLISHED");
  EXPECT_EQ(a.spi_i, 0x41a56ddd9fce5067ull);
  EXPECT_EQ(a.spi_r, 0x662abae569af3fe4ull);
  EXPECT_TRUE(a.initiator);
  EXPECT_EQ(a.version, 2);
  ASSERT_EQ(a.snapshot.children.size(), 2u);
  EXPECT_EQ(a.snapshot.children[0].conn, "net-net");
  EXPECT_EQ(a.snapshot.children[0].unique_id, 1u);
  EXPECT_EQ(a.snapshot.children[0].state, "DELETED");
  EXPECT_EQ(a.snapshot.children[1].state, "INSTALLED");
  const SwanctlIkeSa& b = (*r)[1];
  EXPECT_EQ(b.snapshot.conn, "other");
  EXPECT_EQ(b.version, 1);
  EXPECT_EQ(b.snapshot.state, "CONNECTING");
  EXPECT_EQ(b.spi_i, 1u);
  EXPECT_TRUE(b.snapshot.children.empty());
}

TEST(ListSas, NoSas) {
  auto r = parse_list_sas("list-sas reply {\n}\n");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  auto e = parse_list_sas("");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->empty());
}

TEST(ListSas, MalformedOutputIsAnError) {
  for (const char* bad : {
           "list-sa event {\n  net-net {\n    uniqueid = 1\n",                 // cut short
           "}\n",                                                              // unbalanced
           "list-sa event {\n  net-net {\n    state = ESTABLISHED\n  }\n}\n",   // no uniqueid
           "list-sa event {\n  net-net {\n    uniqueid = x1\n  }\n}\n",         // bad number
           "list-sa event {\n  net-net {\n    uniqueid = 1\n    initiator-spi = zz\n  }\n}\n",
           "list-sa event {\n  net-net {\n    uniqueid = 1\n    child-sas {\n      c-1 {\n"
           "        state = INSTALLED\n      }\n    }\n  }\n}\n",                // child without id
           "list-sa event {\n  net-net {\n    uniqueid = 1\n    garbage line here\n  }\n}\n",
           "list-sa event {\n  net-net {\n    uniqueid = 1\n    local-ts = [\n      10.1.0.0/16\n",
       }) {
    EXPECT_FALSE(parse_list_sas(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace ikesuite::peers
