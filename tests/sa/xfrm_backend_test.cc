// The xfrm backend against the real kernel, each test in a fresh network namespace of its own
// (netns_child.h). On this project's machines the kernel has XFRM netlink but no ESP or AH
// (CONFIG_INET_ESP unset): every SA install is refused with EPROTONOSUPPORT, after the kernel
// has parsed and accepted the request's attributes and algorithms. The tests assert that
// refusal and its message, and, should a kernel accept ESP, the full add/list/delete round
// trip instead. Expire events come from the one state such a kernel can hold: the larval
// state ALLOCSPI creates, which expires (hard) after net.core.xfrm_acq_expires seconds.
#include "engine/sa/xfrm_backend.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstdio>

#include "engine/sa/kernel_error.h"
#include "tests/sa/netns_child.h"
#include "tests/sa/test_specs.h"

namespace ikesuite::sa {
namespace {

using testing::ChildResult;
using testing::esp_in;
using testing::esp_out;
using testing::Facts;
using testing::moon;
using testing::run_in_new_netns;
using testing::sun;

// Runs the body (a lambda taking Facts&) in a fresh network namespace and binds its facts
// to `out`; skips when namespaces cannot be made here. Variadic: the body's braces do not
// protect its commas from the preprocessor.
#define RUN_IN_NETNS(out, ...)                                         \
  ChildResult child_result_ = run_in_new_netns(__VA_ARGS__);           \
  if (!child_result_.skip.empty()) GTEST_SKIP() << child_result_.skip; \
  ASSERT_TRUE(child_result_.failure.empty()) << child_result_.failure; \
  const Facts& out = child_result_.facts

void record(Facts& f, const std::string& prefix, const Status& st) {
  f.set(prefix + ".ok", st.ok() ? 1 : 0);
  if (st.ok()) return;
  f.set(prefix + ".errno", st.error().sys_errno());
  f.set(prefix + ".reason", st.error().reason());
  f.set(prefix + ".code", std::string(to_string(st.error().code())));
}

template <typename T>
void record(Facts& f, const std::string& prefix, const Result<T>& r) {
  if (r.ok()) {
    record(f, prefix, ok_status());
  } else {
    record(f, prefix, Status(r.error()));
  }
}

std::unique_ptr<XfrmBackend> open_or_record(Facts& f, XfrmOptions options = {}) {
  auto backend = XfrmBackend::open(options);
  record(f, "open", backend);
  if (!backend.ok()) return nullptr;
  return std::move(backend).value();
}

std::string dump_facts(const Facts& f) {
  std::string out;
  for (const auto& [k, v] : f.all()) out += "  " + k + " = " + v + "\n";
  return out;
}

std::string hex_spi(long long spi) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08llx", spi);
  return buf;
}

class RecordingWatcher final : public FdWatcher {
 public:
  Status watch(int fd, std::function<void()> on_readable) override {
    watched = fd;
    callback = std::move(on_readable);
    return ok_status();
  }
  void unwatch(int fd) override { unwatched = fd; }
  int watched = -1;
  int unwatched = -1;
  std::function<void()> callback;
};

TEST(SaXfrmBackend, AllocatesAndReleasesSpis) {
  RUN_IN_NETNS(f, [](Facts& f) {
    XfrmOptions options;
    options.spi_min = 0xc0000000;  // strongSwan's default range
    options.spi_max = 0xcfffffff;
    auto backend = open_or_record(f, options);
    if (!backend) return;
    auto a = backend->allocate_spi(Protocol::ESP, sun(), moon());
    auto b = backend->allocate_spi(Protocol::ESP, sun(), moon());
    record(f, "alloc1", a);
    record(f, "alloc2", b);
    if (!a.ok() || !b.ok()) return;
    f.set("spi1", *a);
    f.set("spi2", *b);
    auto reserved = backend->list_reserved_spis();
    f.set("reserved", static_cast<long long>(reserved.size()));
    for (const auto& r : reserved) {
      if (r.key.spi == *a) {
        f.set("reserved1.dst", r.key.dst.to_string());
        f.set("reserved1.src", r.src.to_string());
        f.set("reserved1.proto", std::string(name(r.key.protocol)));
      }
    }
    f.set("sas", static_cast<long long>(backend->list_sas().size()));
    record(f, "release", backend->delete_sa(SaKey{Protocol::ESP, *a, moon()}));
    f.set("reserved_after", static_cast<long long>(backend->list_reserved_spis().size()));
    record(f, "release_again", backend->delete_sa(SaKey{Protocol::ESP, *a, moon()}));

    // The kernel itself rejects an empty range.
    XfrmOptions bad;
    bad.spi_min = 0x2000;
    bad.spi_max = 0x1000;
    auto other = XfrmBackend::open(bad);
    if (other.ok()) record(f, "bad_range", (*other)->allocate_spi(Protocol::ESP, sun(), moon()));
  });
  ASSERT_EQ(f.get("open.ok"), "1") << f.get("open.reason");
  ASSERT_EQ(f.get("alloc1.ok"), "1") << f.get("alloc1.reason");
  ASSERT_EQ(f.get("alloc2.ok"), "1") << f.get("alloc2.reason");
  EXPECT_NE(f.num("spi1"), f.num("spi2"));
  for (const char* k : {"spi1", "spi2"}) {
    EXPECT_GE(f.num(k), 0xc0000000LL) << k;
    EXPECT_LE(f.num(k), 0xcfffffffLL) << k;
  }
  EXPECT_EQ(f.num("reserved"), 2);
  EXPECT_EQ(f.get("reserved1.dst"), "192.168.0.1");
  EXPECT_EQ(f.get("reserved1.src"), "192.168.0.2");
  EXPECT_EQ(f.get("reserved1.proto"), "ESP");
  EXPECT_EQ(f.num("sas"), 0);  // larval states are reservations, not SAs
  EXPECT_EQ(f.get("release.ok"), "1") << f.get("release.reason");
  EXPECT_EQ(f.num("reserved_after"), 1);
  EXPECT_EQ(f.get("release_again.ok"), "0");
  EXPECT_EQ(f.num("release_again.errno"), ESRCH);
  EXPECT_EQ(f.get("release_again.code"), "not found");
  EXPECT_EQ(f.get("release_again.reason"),
            "delete SA ESP " + hex_spi(f.num("spi1")) +
                " dst 192.168.0.1: No such process (errno 3)");
  EXPECT_EQ(f.num("bad_range.errno"), EINVAL) << f.get("bad_range.reason");
  EXPECT_EQ(f.get("bad_range.reason")
                .rfind("allocate SPI ESP 192.168.0.2 => 192.168.0.1: Invalid argument (errno 22)",
                       0),
            0u)
      << f.get("bad_range.reason");
}

TEST(SaXfrmBackend, EspSaInstallIsRefusedWithoutEspOrRoundTrips) {
  RUN_IN_NETNS(f, [](Facts& f) {
    auto backend = open_or_record(f);
    if (!backend) return;
    // NEWSA: the SA of the interop notes, moon's inbound from sun.
    SaSpec spec = esp_in(0xc14f1c0a);
    record(f, "add", backend->add_sa(spec));
    f.set("sas_after_add", static_cast<long long>(backend->list_sas().size()));
    if (f.get("add.ok") == "1") {
      auto found = backend->find_sa(spec.key);
      f.set("found", found ? 1 : 0);
      if (found) {
        f.set("found.label", found->spec.label);
        f.set("found.inbound", found->spec.inbound ? 1 : 0);
        f.set("found.encr", v2::to_string(found->spec.encr));
        f.set("found.integ", v2::to_string(found->spec.integ));
        f.set("found.key_ok", found->spec.encr_key == spec.encr_key ? 1 : 0);
        f.set("found.hard", static_cast<long long>(found->spec.lifetime.hard_add_seconds));
        f.set("found.soft", static_cast<long long>(found->spec.lifetime.soft_add_seconds));
        f.set("found.reqid", found->spec.reqid);
      }
      record(f, "dup", backend->add_sa(spec));
      record(f, "delete", backend->delete_sa(spec.key));
      f.set("sas_after_delete", static_cast<long long>(backend->list_sas().size()));
    }
    // UPDSA on an allocated SPI, the path every inbound SA of an IKE exchange takes.
    auto spi = backend->allocate_spi(Protocol::ESP, sun(), moon());
    record(f, "alloc", spi);
    if (spi.ok()) {
      record(f, "upd", backend->add_sa(esp_in(*spi)));
      f.set("upd.spi", *spi);
      // A refused UPDSA leaves the larval state in place.
      f.set("reserved_after_upd", static_cast<long long>(backend->list_reserved_spis().size()));
    }
  });
  ASSERT_EQ(f.get("open.ok"), "1") << f.get("open.reason");
  const std::string expected =
      "add SA ESP 0xc14f1c0a 192.168.0.2 => 192.168.0.1: Protocol not supported (errno 93)";
  if (f.get("add.ok") == "0") {
    // The kernel of this project's machines: XFRM without ESP.
    EXPECT_EQ(f.num("add.errno"), EPROTONOSUPPORT) << dump_facts(f);
    EXPECT_EQ(f.get("add.code"), "system error");
    EXPECT_EQ(f.get("add.reason").rfind(expected, 0), 0u) << f.get("add.reason");
    EXPECT_EQ(f.num("sas_after_add"), 0);
    EXPECT_EQ(f.get("upd.ok"), "0");
    EXPECT_EQ(f.num("upd.errno"), EPROTONOSUPPORT) << f.get("upd.reason");
    EXPECT_EQ(f.get("upd.reason")
                  .rfind("add SA ESP " + hex_spi(f.num("upd.spi")) +
                             " 192.168.0.2 => 192.168.0.1: Protocol not supported (errno 93)",
                         0),
              0u)
        << f.get("upd.reason");
    EXPECT_EQ(f.num("reserved_after_upd"), 1);
  } else {
    // A kernel with ESP: the SA is there, reads back as installed, and goes away.
    EXPECT_EQ(f.num("sas_after_add"), 1) << dump_facts(f);
    EXPECT_EQ(f.get("found"), "1");
    EXPECT_EQ(f.get("found.label"), "net-net{1}");
    EXPECT_EQ(f.get("found.inbound"), "1");
    EXPECT_EQ(f.get("found.encr"), "ENCR_AES_CBC");
    EXPECT_EQ(f.get("found.integ"), "AUTH_HMAC_SHA2_256_128");
    EXPECT_EQ(f.get("found.key_ok"), "1");
    EXPECT_EQ(f.num("found.soft"), 5);
    EXPECT_EQ(f.num("found.hard"), 10);
    EXPECT_EQ(f.num("found.reqid"), 1);
    EXPECT_EQ(f.num("dup.errno"), EEXIST);
    EXPECT_EQ(f.get("delete.ok"), "1") << f.get("delete.reason");
    EXPECT_EQ(f.num("sas_after_delete"), 0);
    EXPECT_EQ(f.get("upd.ok"), "1") << f.get("upd.reason");
    EXPECT_EQ(f.num("reserved_after_upd"), 0);
  }
}

// Every mapping reaches the kernel's type lookup (EPROTONOSUPPORT) or its algorithm lookup
// (ENOSYS for ciphers this kernel's crypto lacks), never EINVAL: the kernel parsed the
// attributes, names and lengths and found nothing wrong with them.
TEST(SaXfrmBackend, EveryAlgorithmEncodingIsAcceptedByTheKernelsParser) {
  struct Combo {
    const char* name;
    v2::EncrId encr;
    size_t encr_key;
    v2::IntegId integ;
    size_t integ_key;
  };
  static const Combo kCombos[] = {
      {"aes-cbc-sha256", v2::EncrId::AES_CBC, 16, v2::IntegId::HMAC_SHA2_256_128, 32},
      {"aes256-cbc-sha512", v2::EncrId::AES_CBC, 32, v2::IntegId::HMAC_SHA2_512_256, 64},
      {"aes-ctr-sha1", v2::EncrId::AES_CTR, 20, v2::IntegId::HMAC_SHA1_96, 20},
      {"null-sha384", v2::EncrId::Null, 0, v2::IntegId::HMAC_SHA2_384_192, 48},
      {"3des-md5", v2::EncrId::TripleDES, 24, v2::IntegId::HMAC_MD5_96, 16},
      {"aes-cbc-xcbc", v2::EncrId::AES_CBC, 16, v2::IntegId::AES_XCBC_96, 16},
      {"aes-gcm16", v2::EncrId::AES_GCM_16, 20, v2::IntegId::None, 0},
      {"aes-ccm8", v2::EncrId::AES_CCM_8, 19, v2::IntegId::None, 0},
      {"aes-gmac", v2::EncrId::NULL_AUTH_AES_GMAC, 20, v2::IntegId::None, 0},
      {"chacha20poly1305", v2::EncrId::CHACHA20_POLY1305, 36, v2::IntegId::None, 0},
      {"aes-cbc-only", v2::EncrId::AES_CBC, 16, v2::IntegId::None, 0},
  };
  RUN_IN_NETNS(f, [](Facts& f) {
    auto backend = open_or_record(f);
    if (!backend) return;
    uint32_t spi = 0x1000;
    for (const Combo& c : kCombos) {
      SaSpec s = esp_out(spi++);
      s.encr = c.encr;
      s.encr_key.assign(c.encr_key, 0x5a);
      s.integ = c.integ;
      s.integ_key.assign(c.integ_key, 0xa5);
      record(f, c.name, backend->add_sa(s));
      if (f.get(std::string(c.name) + ".ok") == "1") (void)backend->delete_sa(s.key);
    }
    // ESN with a 128-packet window (XFRMA_REPLAY_ESN_VAL), NAT-T encapsulation, a
    // transport-mode SA with a port selector and byte/packet limits, IPv6, and AH.
    SaSpec esn = esp_in(spi++);
    esn.esn = true;
    esn.replay_window = 128;
    esn.encap = UdpEncap{4500, 4500};
    record(f, "esn-encap", backend->add_sa(esn));
    esn.key.spi = spi++;
    esn.replay_window = 4096;  // the largest bitmap XFRM takes
    record(f, "esn-4096", backend->add_sa(esn));
    SaSpec transport = esp_out(spi++);
    transport.mode = Mode::Transport;
    transport.selector = Selector{*Subnet::parse("192.168.0.1/32"),
                                  *Subnet::parse("192.168.0.2/32"), 6, 0, 179};
    transport.lifetime.soft_bytes = 1 << 20;
    transport.lifetime.hard_packets = 1000;
    record(f, "transport", backend->add_sa(transport));
    SaSpec v6 = esp_out(spi++);
    v6.src = *IpAddress::parse("2001:db8::1");
    v6.key.dst = *IpAddress::parse("2001:db8::2");
    record(f, "ipv6", backend->add_sa(v6));
    SaSpec ah = esp_out(spi++);
    ah.key.protocol = Protocol::AH;
    ah.encr_key.clear();
    record(f, "ah", backend->add_sa(ah));
  });
  ASSERT_EQ(f.get("open.ok"), "1") << f.get("open.reason");
  auto accepted = [&](const std::string& k) {
    if (f.get(k + ".ok") == "1") return true;
    long long e = f.num(k + ".errno");
    return e == EPROTONOSUPPORT || e == ENOSYS;
  };
  for (const auto& c : kCombos)
    EXPECT_TRUE(accepted(c.name)) << c.name << ": " << f.get(std::string(c.name) + ".reason");
  for (const char* k : {"esn-encap", "esn-4096", "transport", "ipv6", "ah"})
    EXPECT_TRUE(accepted(k)) << k << ": " << f.get(std::string(k) + ".reason");
  // Ciphers the kernel has in any configuration with XFRM: the refusal, if any, is the
  // missing ESP type, not the algorithm.
  for (const char* k : {"aes-cbc-sha256", "null-sha384", "aes-cbc-only"}) {
    if (f.get(std::string(k) + ".ok") == "0") {
      EXPECT_EQ(f.num(std::string(k) + ".errno"), EPROTONOSUPPORT)
          << f.get(std::string(k) + ".reason");
    }
  }
}

TEST(SaXfrmBackend, PoliciesAddListDelete) {
  RUN_IN_NETNS(f, [](Facts& f) {
    auto backend = open_or_record(f);
    if (!backend) return;
    std::vector<PolicySpec> policies = {testing::policy_out(), testing::policy_in(Direction::In),
                                        testing::policy_in(Direction::Fwd)};
    PolicySpec drop;
    drop.selector = Selector{*Subnet::parse("10.1.0.0/16"), *Subnet::parse("10.3.0.0/16")};
    drop.direction = Direction::Out;
    drop.action = PolicyAction::Drop;
    drop.priority = 100;
    policies.push_back(drop);
    PolicySpec pass = drop;
    pass.selector.dst = *Subnet::parse("10.4.0.0/16");
    pass.action = PolicyAction::Pass;
    policies.push_back(pass);
    PolicySpec transport = testing::policy_out();
    transport.selector = Selector{*Subnet::parse("192.168.0.1/32"),
                                  *Subnet::parse("192.168.0.2/32"), 6, 0, 179};
    transport.mode = Mode::Transport;
    transport.tmpl_src = transport.tmpl_dst = IpAddress();
    transport.reqid = 2;
    transport.priority = 2000;
    policies.push_back(transport);
    PolicySpec v6 = testing::policy_out();
    v6.selector = Selector{*Subnet::parse("2001:db8:1::/48"), *Subnet::parse("2001:db8:2::/48")};
    v6.tmpl_src = *IpAddress::parse("2001:db8::1");
    v6.tmpl_dst = *IpAddress::parse("2001:db8::2");
    v6.protocol = Protocol::AH;
    policies.push_back(v6);

    for (size_t i = 0; i < policies.size(); ++i)
      record(f, "add" + std::to_string(i), backend->add_policy(policies[i]));
    auto listed = backend->dump_policies();
    record(f, "dump", listed);
    if (listed.ok()) {
      f.set("listed", static_cast<long long>(listed->size()));
      for (size_t i = 0; i < policies.size(); ++i) {
        int matches = 0;
        for (const auto& p : *listed) matches += p == policies[i];
        f.set("match" + std::to_string(i), matches);
      }
    }
    PolicySpec dup = testing::policy_out();
    dup.priority = 7;
    record(f, "dup", backend->add_policy(dup));
    for (size_t i = 0; i < policies.size(); ++i)
      record(f, "del" + std::to_string(i),
             backend->delete_policy(policies[i].selector, policies[i].direction));
    record(f, "del_missing", backend->delete_policy(testing::net2net(), Direction::Out));
    f.set("left", static_cast<long long>(backend->list_policies().size()));
  });
  ASSERT_EQ(f.get("open.ok"), "1") << f.get("open.reason");
  for (int i = 0; i < 7; ++i) {
    std::string n = std::to_string(i);
    EXPECT_EQ(f.get("add" + n + ".ok"), "1") << n << ": " << f.get("add" + n + ".reason");
    EXPECT_EQ(f.num("match" + n), 1) << "policy " << n << " did not read back as installed";
    EXPECT_EQ(f.get("del" + n + ".ok"), "1") << n << ": " << f.get("del" + n + ".reason");
  }
  EXPECT_EQ(f.num("listed"), 7);
  EXPECT_EQ(f.num("dup.errno"), EEXIST);
  EXPECT_EQ(f.get("dup.reason"),
            "add policy 10.1.0.0/16 === 10.2.0.0/16 out: File exists (errno 17)");
  EXPECT_EQ(f.num("del_missing.errno"), ENOENT);
  EXPECT_EQ(f.get("del_missing.code"), "not found");
  EXPECT_EQ(f.get("del_missing.reason"),
            "delete policy 10.1.0.0/16 === 10.2.0.0/16 out: No such file or directory (errno 2)");
  EXPECT_EQ(f.num("left"), 0);
}

TEST(SaXfrmBackend, MissingSasAreEsrch) {
  RUN_IN_NETNS(f, [](Facts& f) {
    auto backend = open_or_record(f);
    if (!backend) return;
    const SaKey key{Protocol::ESP, 0xcb131d54, moon()};
    record(f, "delete", backend->delete_sa(key));
    SaUpdate u;
    u.encap = UdpEncap{};
    record(f, "update", backend->update_sa(key, u));
    f.set("found", backend->find_sa(key) ? 1 : 0);
    auto sas = backend->dump_sas();
    record(f, "dump", sas);
    if (sas.ok()) f.set("sas", static_cast<long long>(sas->size()));
  });
  ASSERT_EQ(f.get("open.ok"), "1") << f.get("open.reason");
  EXPECT_EQ(f.num("delete.errno"), ESRCH);
  EXPECT_EQ(f.get("delete.reason"),
            "delete SA ESP 0xcb131d54 dst 192.168.0.1: No such process (errno 3)");
  EXPECT_EQ(f.num("update.errno"), ESRCH);
  EXPECT_EQ(f.get("update.code"), "not found");
  EXPECT_EQ(f.get("update.reason"),
            "update SA ESP 0xcb131d54 dst 192.168.0.1: No such process (errno 3)");
  EXPECT_EQ(f.get("found"), "0");
  EXPECT_EQ(f.get("dump.ok"), "1") << f.get("dump.reason");
  EXPECT_EQ(f.num("sas"), 0);
}

// The only state a kernel without ESP/AH holds is ALLOCSPI's larval one. Its lifetime is
// net.core.xfrm_acq_expires (per namespace); when it runs out the kernel deletes the state
// and multicasts a hard XFRM_MSG_EXPIRE on XFRMNLGRP_EXPIRE, the path a real SA's expiry
// takes (seed 001: xfrm_timer_handler -> km_state_expired -> xfrm_exp_state_notify).
TEST(SaXfrmBackend, ExpireEventsArriveOnTheWatchedSocket) {
  RUN_IN_NETNS(f, [](Facts& f) {
    if (FILE* sysctl = std::fopen("/proc/sys/net/core/xfrm_acq_expires", "w")) {
      bool wrote = std::fputs("1", sysctl) >= 0;
      f.set("sysctl", std::fclose(sysctl) == 0 && wrote ? 1 : 0);
    } else {
      f.set("sysctl", 0);
    }
    RecordingWatcher watcher;
    std::vector<ExpireEvent> events;
    {
      XfrmOptions options;
      options.watcher = &watcher;
      auto backend = open_or_record(f, options);
      if (!backend) return;
      f.set("fd", backend->expire_fd());
      f.set("watched_is_expire_fd", watcher.watched == backend->expire_fd() ? 1 : 0);
      backend->set_expire_handler([&](const ExpireEvent& e) { events.push_back(e); });
      auto spi = backend->allocate_spi(Protocol::ESP, sun(), moon());
      record(f, "alloc", spi);
      if (!spi.ok()) return;
      f.set("spi", *spi);
      auto start = std::chrono::steady_clock::now();
      // Wait as an event loop would, and let the watcher's callback read the socket.
      while (events.empty() &&
             std::chrono::steady_clock::now() - start < std::chrono::seconds(15)) {
        pollfd p{backend->expire_fd(), POLLIN, 0};
        if (poll(&p, 1, 500) > 0 && watcher.callback) watcher.callback();
      }
      f.set("waited_ms", static_cast<long long>(
                             std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - start)
                                 .count()));
      f.set("events", static_cast<long long>(events.size()));
      if (!events.empty()) {
        f.set("ev.spi", events[0].key.spi);
        f.set("ev.hard", events[0].hard ? 1 : 0);
        f.set("ev.dst", events[0].key.dst.to_string());
        f.set("ev.proto", std::string(name(events[0].key.protocol)));
      }
      f.set("reserved_after", static_cast<long long>(backend->list_reserved_spis().size()));
      f.set("nothing_more", backend->process_expire_events() == 0 ? 1 : 0);
    }
    f.set("unwatched", watcher.unwatched);
  });
  ASSERT_EQ(f.get("open.ok"), "1") << f.get("open.reason");
  ASSERT_EQ(f.get("sysctl"), "1") << "could not shorten net.core.xfrm_acq_expires";
  EXPECT_EQ(f.get("watched_is_expire_fd"), "1");
  ASSERT_EQ(f.get("alloc.ok"), "1") << f.get("alloc.reason");
  ASSERT_EQ(f.num("events"), 1) << dump_facts(f);
  EXPECT_EQ(f.num("ev.spi"), f.num("spi"));
  EXPECT_EQ(f.get("ev.hard"), "1");
  EXPECT_EQ(f.get("ev.dst"), "192.168.0.1");
  EXPECT_EQ(f.get("ev.proto"), "ESP");
  EXPECT_EQ(f.num("reserved_after"), 0);  // the kernel deleted the state before telling us
  EXPECT_EQ(f.get("nothing_more"), "1");
  EXPECT_LT(f.num("waited_ms"), 5000);
  EXPECT_EQ(f.num("unwatched"), f.num("fd"));  // the backend unregistered on destruction
}

// Loops whose watch() returns nothing, and loops whose watch() reports a Status (as
// RealEventLoop's does), both fit LoopFdWatcher.
struct VoidLoop {
  void watch(int fd, std::function<void()> fn) {
    fds.push_back(fd);
    fn();
  }
  void unwatch(int fd) { fds.push_back(-fd); }
  std::vector<int> fds;
};
struct StatusLoop {
  Status watch(int fd, std::function<void()>) {
    if (fd < 0) return Error(ErrorCode::kSystem, "bad fd").with_errno(EBADF);
    fds.push_back(fd);
    return ok_status();
  }
  void unwatch(int fd) { fds.push_back(-fd); }
  std::vector<int> fds;
};

TEST(SaFdWatcher, AdaptsLoopsWithEitherWatchSignature) {
  VoidLoop v;
  LoopFdWatcher<VoidLoop> vw(v);
  int called = 0;
  EXPECT_TRUE(vw.watch(5, [&] { ++called; }).ok());
  vw.unwatch(5);
  EXPECT_EQ(called, 1);
  EXPECT_EQ(v.fds, (std::vector<int>{5, -5}));

  StatusLoop s;
  LoopFdWatcher<StatusLoop> sw(s);
  EXPECT_TRUE(sw.watch(7, [] {}).ok());
  auto bad = sw.watch(-1, [] {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().sys_errno(), EBADF);
  sw.unwatch(7);
  EXPECT_EQ(s.fds, (std::vector<int>{7, -7}));
}

class FailingWatcher final : public FdWatcher {
 public:
  Status watch(int, std::function<void()>) override {
    return Error(ErrorCode::kSystem, "epoll_ctl: No space left on device").with_errno(ENOSPC);
  }
  void unwatch(int) override { ++unwatched; }
  int unwatched = 0;
};

TEST(SaXfrmBackend, RefusesToStartWhenTheExpireSocketCannotBeWatched) {
  RUN_IN_NETNS(f, [](Facts& f) {
    FailingWatcher watcher;
    {
      XfrmOptions options;
      options.watcher = &watcher;
      auto backend = XfrmBackend::open(options);
      record(f, "open", backend);
    }
    f.set("unwatched", watcher.unwatched);
  });
  EXPECT_EQ(f.get("open.ok"), "0");
  EXPECT_EQ(f.num("open.errno"), ENOSPC);
  EXPECT_EQ(f.get("open.reason"),
            "watch the XFRM expire socket: system error: epoll_ctl: No space left on device");
  EXPECT_EQ(f.num("unwatched"), 0);  // nothing was watched, nothing to undo
}

}  // namespace
}  // namespace ikesuite::sa
