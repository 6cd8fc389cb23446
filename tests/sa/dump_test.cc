#include "engine/sa/dump.h"

#include <gtest/gtest.h>

#include "engine/base/random.h"
#include "engine/sa/memory_backend.h"
#include "tests/sa/fake_loop.h"
#include "tests/sa/test_specs.h"

namespace ikesuite::sa {
namespace {

using testing::esp_in;

TEST(SaDump, StateInTheShapeOfIpXfrmState) {
  // Seed 001's moon, inbound SA from sun: soft 5 s, hard 10 s, 168 bytes in 2 packets.
  SaEntry e;
  e.spec = esp_in(0xcb131d54);
  e.added = seconds(1);
  e.bytes = 168;
  e.packets = 2;
  e.first_use = seconds(2);
  EXPECT_EQ(format_sa(e),
            "src 192.168.0.2 dst 192.168.0.1\n"
            "\tproto esp spi 0xcb131d54(3407027540) reqid 1(0x00000001) mode tunnel\n"
            "\treplay-window 32\n"
            "\tauth-trunc hmac(sha256) (256 bits) 128\n"
            "\tenc cbc(aes) (128 bits)\n"
            "\tlifetime config:\n"
            "\t  limit: soft (INF)(bytes), hard (INF)(bytes)\n"
            "\t  limit: soft (INF)(packets), hard (INF)(packets)\n"
            "\t  expire add: soft 5(sec), hard 10(sec)\n"
            "\t  expire use: soft 0(sec), hard 0(sec)\n"
            "\tlifetime current:\n"
            "\t  168(bytes), 2(packets)\n"
            "\t  add 1.000000s use 2.000000s\n"
            "\tikesuite: net-net{1} inbound\n");
}

TEST(SaDump, KeysDatesEncapAeadAndSelector) {
  SaEntry e;
  e.spec = esp_in(0xc14f1c0a);
  e.spec.encr = v2::EncrId::AES_GCM_16;
  e.spec.encr_key = hex("00112233445566778899aabbccddeeff01020304");
  e.spec.integ = v2::IntegId::None;
  e.spec.esn = true;
  e.spec.replay_window = 128;
  e.spec.encap = UdpEncap{4500, 4501};
  e.spec.mode = Mode::Transport;
  e.spec.selector = Selector{*Subnet::parse("192.168.0.2/32"), *Subnet::parse("192.168.0.1/32"),
                             17, 0, 53};
  e.spec.lifetime.hard_bytes = 1000000;
  e.spec.label.clear();
  e.spec.inbound = false;
  e.soft_expired = true;
  e.added = seconds(1575884661);  // 2019-12-09 09:44:21 UTC, seed 001's add time
  DumpOptions options;
  options.time_style = DumpOptions::TimeStyle::kUtcDate;
  options.show_keys = true;
  std::string text = format_sa(e, options);
  EXPECT_NE(text.find("\tproto esp spi 0xc14f1c0a(3243187210) reqid 1(0x00000001) mode transport\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("\treplay-window 128 flag esn\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\taead rfc4106(gcm(aes)) 0x00112233445566778899aabbccddeeff01020304 128\n"),
            std::string::npos) << text;
  EXPECT_EQ(text.find("auth-trunc"), std::string::npos);
  EXPECT_NE(text.find("\tencap type espinudp sport 4500 dport 4501 addr 0.0.0.0\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("\tsel src 192.168.0.2/32 dst 192.168.0.1/32 proto udp dport 53\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("limit: soft (INF)(bytes), hard 1000000(bytes)"), std::string::npos);
  EXPECT_NE(text.find("\t  add 2019-12-09 09:44:21 use -\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\tikesuite: soft-expired\n"), std::string::npos) << text;
}

TEST(SaDump, Policies) {
  PolicySpec drop = testing::policy_in(Direction::Fwd);
  drop.action = PolicyAction::Drop;
  PolicySpec transport = testing::policy_out();
  transport.mode = Mode::Transport;
  transport.tmpl_src = transport.tmpl_dst = IpAddress();
  transport.selector.ip_protocol = 6;
  transport.selector.dst_port = 443;
  transport.priority = 2000;
  EXPECT_EQ(format_policies({testing::policy_out(), drop, transport}),
            "src 10.1.0.0/16 dst 10.2.0.0/16\n"
            "\tdir out priority 0\n"
            "\ttmpl src 192.168.0.1 dst 192.168.0.2\n"
            "\t\tproto esp reqid 1 mode tunnel\n"
            "src 10.2.0.0/16 dst 10.1.0.0/16\n"
            "\tdir fwd action block priority 0\n"
            "src 10.1.0.0/16 dst 10.2.0.0/16 proto tcp dport 443\n"
            "\tdir out priority 2000\n"
            "\ttmpl src 0.0.0.0 dst 0.0.0.0\n"
            "\t\tproto esp reqid 1 mode transport\n");
}

TEST(SaDump, MemoryBackendDumpsInInstallOrder) {
  testing::FakeLoop loop;
  SeededRandom random(3);
  MemoryBackend backend(loop, loop, random);
  ASSERT_TRUE(backend.add_sa(esp_in(0x300)).ok());
  loop.run_until(seconds(2));
  ASSERT_TRUE(backend.add_sa(testing::esp_out(0x100)).ok());
  ASSERT_TRUE(backend.add_policy(testing::policy_out()).ok());
  std::string state = backend.dump_state();
  auto first = state.find("spi 0x00000300");
  auto second = state.find("spi 0x00000100");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(first, second);
  EXPECT_NE(state.find("add 2.000000s use -"), std::string::npos);
  EXPECT_EQ(backend.dump_policy(), format_policy(testing::policy_out()));
}

}  // namespace
}  // namespace ikesuite::sa
