// Wireshark decrypts what the IKEv1 engine sends, with the keys its Observer reports: a
// two-engine Main Mode + Quick Mode is written as a pcap (pcaps/src PcapWriter), the keys as
// Wireshark's ikev1_decryption_table and esp_sa (KeyTables), and tshark must show the
// payloads of the encrypted messages 5/6 and of Quick Mode (RFC 2409 Appendix B IVs, which
// Wireshark derives itself from the capture).
#include <gtest/gtest.h>

#include <vector>

#include "pcaps/src/key_tables.h"
#include "pcaps/src/pcap_writer.h"
#include "tests/ikev1/world.h"
#include "tests/pcap/test_util.h"

namespace ikesuite::ikev1::testing {
namespace {

using pcap::testing::count_of;
using pcap::testing::TempDir;
using pcap::testing::tshark_verbose;

class KeyCollector final : public Observer {
 public:
  void on_ike_keys(const IkeKeysEvent& k) override { ike.push_back(k); }
  void on_child_keys(const ChildKeysEvent& k) override { child.push_back(k); }
  std::vector<IkeKeysEvent> ike;
  std::vector<ChildKeysEvent> child;
};

struct Captured {
  Time t;
  Endpoint src, dst;
  Bytes payload;
};

TEST(Ikev1Wireshark, DecryptsMainModeAndQuickMode) {
  REQUIRE_TSHARK();
  KeyCollector moon_keys;
  World w({}, {}, 1, "secret", "secret", &moon_keys, nullptr);
  w.moon_conn.ike_proposals = ike("aes128-sha1-modp2048");
  w.sun_conn.ike_proposals = w.moon_conn.ike_proposals;
  w.moon_conn.children[0].esp_proposals = esp("aes128-sha1-modp2048");
  w.sun_conn.children[0].esp_proposals = w.moon_conn.children[0].esp_proposals;
  std::vector<Captured> wire;
  w.net.net().add_tap([&wire](const net::WireEvent& e) {
    if (e.fate == net::Fate::kSent)
      wire.push_back({e.time, e.src, e.dst, Bytes(e.payload.begin(), e.payload.end())});
  });
  w.start();
  w.net.run_for(2.0);
  ASSERT_TRUE(w.both_established()) << w.logs();
  ASSERT_EQ(wire.size(), 9u) << w.logs();  // Main Mode 6 + Quick Mode 3

  // One ISAKMP SA, both directions of one IPsec SA.
  ASSERT_EQ(moon_keys.ike.size(), 1u);
  ASSERT_EQ(moon_keys.child.size(), 2u);
  const IkeKeysEvent& k = moon_keys.ike[0];
  auto sas = w.moon->engine->list_sas();
  EXPECT_EQ(k.cookie_i, sas[0].spi_i);
  EXPECT_EQ(k.cookie_r, sas[0].spi_r);
  EXPECT_EQ(k.ka.size(), 16u);

  TempDir dir;
  std::string capture = dir.file("ikev1.pcap");
  {
    auto writer = pcap::PcapWriter::open(capture);
    ASSERT_TRUE(writer.ok());
    for (const auto& c : wire) ASSERT_TRUE(writer->write(c.t, c.src, c.dst, c.payload).ok());
  }
  auto tables = pcap::KeyTables::create(dir.file("keys"));
  ASSERT_TRUE(tables.ok());
  pcap::Ikev1SaKeys v1k;
  v1k.cookie_i = k.cookie_i;
  v1k.ka = k.ka;
  v1k.encr = k.encr;
  v1k.encr_key_bits = k.encr_key_bits;
  v1k.hash = k.hash;
  ASSERT_TRUE(tables->add(v1k).ok());
  for (const auto& c : moon_keys.child) {
    pcap::EspSaKeys e;
    e.src = c.src;
    e.dst = c.dst;
    e.spi = c.spi;
    e.encr = c.encr;
    e.encr_key = c.encr_key;
    e.integ = c.integ;
    e.integ_key = c.integ_key;
    ASSERT_TRUE(tables->add(e).ok());
  }

  // Only the encrypted messages: 5, 6 and the three of Quick Mode.
  auto out = tshark_verbose(tables->folder(), capture, "-Y isakmp.flags==0x01");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_EQ(out.output.find("Error loading table"), std::string::npos) << out.output;
  EXPECT_EQ(count_of(out.output, "Internet Security Association and Key Management Protocol"),
            5u)
      << out.output;
  // Messages 5 and 6: IDii and IDir (FQDN) with their HASH.
  EXPECT_NE(out.output.find("ID_FQDN: moon.strongswan.org"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("ID_FQDN: sun.strongswan.org"), std::string::npos) << out.output;
  // Quick Mode 1 and 2: SA, nonce, KE (PFS), and the client IDs IDci/IDcr as subnets.
  EXPECT_EQ(count_of(out.output, "Payload: Nonce (10)"), 2u) << out.output;
  EXPECT_EQ(count_of(out.output, "Payload: Key Exchange (4)"), 2u) << out.output;
  EXPECT_EQ(count_of(out.output, "ID type: IPV4_ADDR_SUBNET (4)"), 4u) << out.output;
  EXPECT_GE(count_of(out.output, "Payload: Hash (8)"), 5u) << out.output;

  // With another Ka nothing decrypts.
  v1k.ka = Bytes(16, 0x07);
  ASSERT_TRUE(tables->add(v1k).ok());
  out = tshark_verbose(tables->folder(), capture, "-Y isakmp.flags==0x01");
  EXPECT_EQ(out.output.find("ID_FQDN: moon.strongswan.org"), std::string::npos) << out.output;
  EXPECT_EQ(count_of(out.output, "Payload: Nonce (10)"), 0u) << out.output;
}

}  // namespace
}  // namespace ikesuite::ikev1::testing
