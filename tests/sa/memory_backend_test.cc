#include "engine/sa/memory_backend.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <set>

#include "engine/base/random.h"
#include "tests/sa/fake_loop.h"
#include "tests/sa/test_specs.h"

namespace ikesuite::sa {
namespace {

using testing::FakeLoop;
using testing::esp_in;
using testing::esp_out;
using testing::moon;
using testing::sun;

struct Fired {
  Time at;
  ExpireEvent event;
  bool present;  // whether find_sa still saw the SA while the handler ran
};

class SaMemoryBackend : public ::testing::Test {
 protected:
  SaMemoryBackend() { make(MemoryOptions{}); }
  void make(MemoryOptions options) {
    backend_ = make_memory_backend(loop_, loop_, random_, options);
    backend_->set_expire_handler([this](const ExpireEvent& e) {
      fired_.push_back(Fired{loop_.now(), e, backend_->find_sa(e.key).has_value()});
    });
  }
  static Time at(double s) { return seconds(s); }

  FakeLoop loop_;
  SeededRandom random_{7};
  std::unique_ptr<MemoryBackend> backend_;
  std::vector<Fired> fired_;
};

// ---- SPI allocation -------------------------------------------------------------------

TEST_F(SaMemoryBackend, AllocatedSpisAreUniqueAndInTheDefaultRange) {
  std::set<uint32_t> seen;
  for (int i = 0; i < 2000; ++i) {
    auto spi = backend_->allocate_spi(Protocol::ESP, sun(), moon());
    ASSERT_TRUE(spi.ok()) << spi.error().message();
    EXPECT_GE(*spi, 0x100u);
    EXPECT_TRUE(seen.insert(*spi).second) << "SPI handed out twice: " << *spi;
  }
  EXPECT_EQ(backend_->list_reserved_spis().size(), 2000u);
}

TEST_F(SaMemoryBackend, SmallRangeIsExhaustedThenReusedAfterRelease) {
  make(MemoryOptions{0x1000, 0x100f});
  std::set<uint32_t> seen;
  for (int i = 0; i < 16; ++i) {
    auto spi = backend_->allocate_spi(Protocol::ESP, sun(), moon());
    ASSERT_TRUE(spi.ok()) << spi.error().message();
    EXPECT_GE(*spi, 0x1000u);
    EXPECT_LE(*spi, 0x100fu);
    seen.insert(*spi);
  }
  EXPECT_EQ(seen.size(), 16u);

  auto full = backend_->allocate_spi(Protocol::ESP, sun(), moon());
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().sys_errno(), ENOENT);
  EXPECT_EQ(full.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(full.error().reason(),
            "allocate SPI ESP 192.168.0.2 => 192.168.0.1: No such file or directory (errno 2) "
            "[every SPI of the range is in use]");

  // delete_sa on a reserved SPI releases it, as DELSA on the kernel's larval state does.
  ASSERT_TRUE(backend_->delete_sa(SaKey{Protocol::ESP, 0x1007, moon()}).ok());
  auto again = backend_->allocate_spi(Protocol::ESP, sun(), moon());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0x1007u);
}

TEST_F(SaMemoryBackend, SpisAreUniquePerProtocolAndDestination) {
  make(MemoryOptions{0x4242, 0x4242});
  auto a = backend_->allocate_spi(Protocol::ESP, sun(), moon());
  auto b = backend_->allocate_spi(Protocol::AH, sun(), moon());
  auto c = backend_->allocate_spi(Protocol::ESP, moon(), sun());
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, 0x4242u);
  EXPECT_EQ(*b, 0x4242u);
  EXPECT_EQ(*c, 0x4242u);
  EXPECT_FALSE(backend_->allocate_spi(Protocol::ESP, sun(), moon()).ok());
}

TEST_F(SaMemoryBackend, AllocationAvoidsInstalledSas) {
  make(MemoryOptions{0x200, 0x201});
  ASSERT_TRUE(backend_->add_sa(esp_in(0x200)).ok());
  auto spi = backend_->allocate_spi(Protocol::ESP, sun(), moon());
  ASSERT_TRUE(spi.ok());
  EXPECT_EQ(*spi, 0x201u);
  EXPECT_FALSE(backend_->allocate_spi(Protocol::ESP, sun(), moon()).ok());
}

TEST_F(SaMemoryBackend, AllocationIsReproducibleFromTheSeed) {
  FakeLoop loop2;
  SeededRandom r1(99), r2(99);
  auto b1 = make_memory_backend(loop2, loop2, r1);
  auto b2 = make_memory_backend(loop2, loop2, r2);
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(*b1->allocate_spi(Protocol::ESP, sun(), moon()),
              *b2->allocate_spi(Protocol::ESP, sun(), moon()));
}

TEST_F(SaMemoryBackend, AllocationRejectsBadAddressesAndRanges) {
  auto mixed = backend_->allocate_spi(Protocol::ESP, sun(), *IpAddress::parse("2001:db8::1"));
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.error().sys_errno(), EINVAL);
  make(MemoryOptions{0x300, 0x200});
  auto empty = backend_->allocate_spi(Protocol::ESP, sun(), moon());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().sys_errno(), EINVAL);
}

TEST_F(SaMemoryBackend, AddSaUsesTheReservation) {
  auto spi = backend_->allocate_spi(Protocol::ESP, sun(), moon());
  ASSERT_TRUE(spi.ok());
  auto reserved = backend_->list_reserved_spis();
  ASSERT_EQ(reserved.size(), 1u);
  EXPECT_EQ(reserved[0].key, (SaKey{Protocol::ESP, *spi, moon()}));
  EXPECT_EQ(reserved[0].src, sun());

  ASSERT_TRUE(backend_->add_sa(esp_in(*spi)).ok());
  EXPECT_TRUE(backend_->list_reserved_spis().empty());
  EXPECT_TRUE(backend_->find_sa(SaKey{Protocol::ESP, *spi, moon()}).has_value());
}

TEST(SaMemoryBackendReservation, UnusedSpiExpiresLikeTheLarvalState) {
  FakeLoop loop;
  SeededRandom random(1);
  MemoryOptions options;
  options.reservation_lifetime = seconds(30);
  MemoryBackend backend(loop, loop, random, options);
  std::vector<ExpireEvent> events;
  backend.set_expire_handler([&](const ExpireEvent& e) { events.push_back(e); });
  auto used = backend.allocate_spi(Protocol::ESP, sun(), moon());
  auto unused = backend.allocate_spi(Protocol::ESP, sun(), moon());
  ASSERT_TRUE(used.ok() && unused.ok());
  SaSpec spec = esp_in(*used);
  spec.lifetime = Lifetime{};
  ASSERT_TRUE(backend.add_sa(spec).ok());

  loop.run_until(seconds(29.9));
  EXPECT_TRUE(events.empty());
  loop.run_until(seconds(30));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].key, (SaKey{Protocol::ESP, *unused, moon()}));
  EXPECT_TRUE(events[0].hard);
  EXPECT_TRUE(backend.list_reserved_spis().empty());
  EXPECT_EQ(backend.list_sas().size(), 1u);  // the used SPI's SA is untouched
}

// ---- add / update / delete ------------------------------------------------------------------

TEST_F(SaMemoryBackend, DuplicateSaIsRejectedWithEexist) {
  ASSERT_TRUE(backend_->add_sa(esp_in(0xc14f1c0a)).ok());
  auto dup = backend_->add_sa(esp_in(0xc14f1c0a));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().sys_errno(), EEXIST);
  EXPECT_EQ(dup.error().code(), ErrorCode::kSystem);
  EXPECT_EQ(dup.error().reason(),
            "add SA ESP 0xc14f1c0a 192.168.0.2 => 192.168.0.1: File exists (errno 17)");
  // Same SPI, other protocol or destination: distinct SAs.
  SaSpec ah = esp_in(0xc14f1c0a);
  ah.key.protocol = Protocol::AH;
  ah.encr_key.clear();
  EXPECT_TRUE(backend_->add_sa(ah).ok());
  EXPECT_TRUE(backend_->add_sa(esp_out(0xc14f1c0a)).ok());
  EXPECT_EQ(backend_->list_sas().size(), 3u);
}

TEST_F(SaMemoryBackend, DeleteOfAMissingSaIsEsrchNotFound) {
  auto st = backend_->delete_sa(SaKey{Protocol::ESP, 0xcb131d54, moon()});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(st.error().sys_errno(), ESRCH);
  EXPECT_EQ(st.error().reason(),
            "delete SA ESP 0xcb131d54 dst 192.168.0.1: No such process (errno 3)");

  ASSERT_TRUE(backend_->add_sa(esp_in(0xcb131d54)).ok());
  EXPECT_TRUE(backend_->delete_sa(SaKey{Protocol::ESP, 0xcb131d54, moon()}).ok());
  EXPECT_FALSE(backend_->delete_sa(SaKey{Protocol::ESP, 0xcb131d54, moon()}).ok());
  EXPECT_TRUE(backend_->list_sas().empty());
}

TEST_F(SaMemoryBackend, UpdateOfAMissingSaFails) {
  SaUpdate u;
  u.new_dst = sun();
  auto st = backend_->update_sa(SaKey{Protocol::ESP, 0x1234, moon()}, u);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().sys_errno(), ESRCH);
  EXPECT_EQ(st.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(st.error().reason(),
            "update SA ESP 0x00001234 dst 192.168.0.1: No such process (errno 3)");
}

TEST_F(SaMemoryBackend, InvalidSpecsAreRejectedWithEinvalOrEnosys) {
  struct Case {
    const char* what;
    SaSpec spec;
    int err;
    const char* detail;
  };
  std::vector<Case> cases;
  {
    SaSpec s = esp_in(0);
    cases.push_back({"spi 0", s, EINVAL, "SPI 0 is reserved (RFC 4303 2.1)"});
  }
  {
    SaSpec s = esp_in(0x1000);
    s.src = *IpAddress::parse("2001:db8::2");
    cases.push_back({"families", s, EINVAL, "different address families"});
  }
  {
    SaSpec s = esp_in(0x1000);
    s.encr_key.pop_back();
    cases.push_back({"aes key", s, EINVAL,
                     "encryption key for ENCR_AES_CBC must be 16, 24 or 32 bytes, got 15"});
  }
  {
    SaSpec s = esp_in(0x1000);
    s.integ_key.resize(20);
    cases.push_back({"integ key", s, EINVAL,
                     "integrity key for AUTH_HMAC_SHA2_256_128 must be 32 bytes, got 20"});
  }
  {
    SaSpec s = esp_in(0x1000);
    s.encr = v2::EncrId::AES_GCM_16;
    s.encr_key.resize(20);
    cases.push_back({"aead+integ", s, EINVAL, "combined-mode"});
  }
  {
    SaSpec s = esp_in(0x1000);
    s.encr = v2::EncrId::AES_GCM_16;
    s.integ = v2::IntegId::None;
    s.integ_key.clear();
    cases.push_back({"gcm without salt", s, EINVAL, "must be 20, 28 or 36 bytes, got 16"});
  }
  {
    SaSpec s = esp_in(0x1000);
    s.encr = v2::EncrId::CAMELLIA_CCM_8;
    s.integ = v2::IntegId::None;
    cases.push_back({"no kernel name", s, ENOSYS, "no kernel algorithm for encryption"});
  }
  {
    SaSpec s = esp_in(0x1000);
    s.key.protocol = Protocol::AH;
    s.encr_key.clear();
    s.integ = v2::IntegId::None;
    cases.push_back({"ah without integ", s, EINVAL, "AH needs an integrity algorithm"});
  }
  {
    SaSpec s = esp_in(0x1000);
    s.key.protocol = Protocol::AH;
    s.encr_key.clear();
    s.encap = UdpEncap{};
    cases.push_back({"ah encap", s, EINVAL, "ESP only"});
  }
  {
    SaSpec s = esp_in(0x1000);
    s.selector = Selector{*Subnet::parse("10.2.0.0/16"), *Subnet::parse("2001:db8::/32")};
    cases.push_back({"selector families", s, EINVAL, "mixes address families"});
  }
  {
    SaSpec s = esp_in(0x1000);
    s.esn = true;
    s.replay_window = 4097;
    cases.push_back({"replay window", s, EINVAL, "replay window 4097 is beyond XFRM's largest (4096)"});
  }
  for (const auto& c : cases) {
    auto st = backend_->add_sa(c.spec);
    ASSERT_FALSE(st.ok()) << c.what;
    EXPECT_EQ(st.error().sys_errno(), c.err) << c.what;
    EXPECT_NE(st.error().reason().find(c.detail), std::string::npos)
        << c.what << ": " << st.error().reason();
    EXPECT_EQ(st.error().reason().rfind("add SA ", 0), 0u) << st.error().reason();
  }
  EXPECT_TRUE(backend_->list_sas().empty());
}

TEST_F(SaMemoryBackend, AcceptsEveryMappedCipherWithRightKeys) {
  uint32_t spi = 0x5000;
  for (auto [encr, key_len] : std::vector<std::pair<v2::EncrId, size_t>>{
           {v2::EncrId::AES_CBC, 32},
           {v2::EncrId::AES_CTR, 20},
           {v2::EncrId::AES_GCM_8, 36},
           {v2::EncrId::AES_CCM_16, 19},
           {v2::EncrId::CHACHA20_POLY1305, 36},
           {v2::EncrId::TripleDES, 24},
           {v2::EncrId::Null, 0}}) {
    SaSpec s = esp_in(spi++);
    s.encr = encr;
    s.encr_key.assign(key_len, 0x11);
    bool aead = encr == v2::EncrId::AES_GCM_8 || encr == v2::EncrId::AES_CCM_16 ||
                encr == v2::EncrId::CHACHA20_POLY1305;
    if (aead) {
      s.integ = v2::IntegId::None;
      s.integ_key.clear();
    }
    auto st = backend_->add_sa(s);
    EXPECT_TRUE(st.ok()) << v2::to_string(encr) << ": " << st.error().message();
  }
}

TEST_F(SaMemoryBackend, UpdateReinstallsTheSa) {
  ASSERT_TRUE(backend_->add_sa(esp_out(0x2000)).ok());
  ASSERT_TRUE(backend_->account_traffic(SaKey{Protocol::ESP, 0x2000, sun()}, 500, 5).ok());
  loop_.run_until(at(3));

  // NAT-T kicks in (RFC 7296 2.23): the SA moves to UDP 4500 and sun's new address.
  SaUpdate u;
  u.new_dst = IpAddress::v4(192, 168, 0, 22);
  u.encap = UdpEncap{4500, 4500};
  ASSERT_TRUE(backend_->update_sa(SaKey{Protocol::ESP, 0x2000, sun()}, u).ok());
  EXPECT_FALSE(backend_->find_sa(SaKey{Protocol::ESP, 0x2000, sun()}));
  auto moved = backend_->find_sa(SaKey{Protocol::ESP, 0x2000, *u.new_dst});
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->spec.encap, (UdpEncap{4500, 4500}));
  EXPECT_EQ(moved->added, at(3));
  EXPECT_EQ(moved->bytes, 0u);
  EXPECT_EQ(moved->spec.label, "net-net{1}");

  // The hard lifetime counts again from the update: 13 s, not 10 s.
  loop_.run_until(at(12.9));
  EXPECT_TRUE(fired_.empty());
  loop_.run_until(at(13));
  ASSERT_EQ(fired_.size(), 1u);
  EXPECT_TRUE(fired_[0].event.hard);
  EXPECT_EQ(fired_[0].event.key.dst, *u.new_dst);
}

TEST_F(SaMemoryBackend, UpdateOntoAnExistingSaIsEexist) {
  ASSERT_TRUE(backend_->add_sa(esp_out(0x2000)).ok());
  SaSpec other = esp_out(0x2000);
  other.key.dst = IpAddress::v4(192, 168, 0, 22);
  ASSERT_TRUE(backend_->add_sa(other).ok());
  SaUpdate u;
  u.new_dst = other.key.dst;
  auto st = backend_->update_sa(SaKey{Protocol::ESP, 0x2000, sun()}, u);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().sys_errno(), EEXIST);
  EXPECT_EQ(backend_->list_sas().size(), 2u);
}

TEST_F(SaMemoryBackend, ListsInInstallOrder) {
  for (uint32_t spi : {0x300u, 0x100u, 0x200u}) ASSERT_TRUE(backend_->add_sa(esp_in(spi)).ok());
  ASSERT_TRUE(backend_->delete_sa(SaKey{Protocol::ESP, 0x100, moon()}).ok());
  ASSERT_TRUE(backend_->add_sa(esp_in(0x100)).ok());
  std::vector<uint32_t> spis;
  for (const auto& e : backend_->list_sas()) spis.push_back(e.spec.key.spi);
  EXPECT_EQ(spis, (std::vector<uint32_t>{0x300, 0x200, 0x100}));
}

// ---- lifetimes --------------------------------------------------------------------------

TEST_F(SaMemoryBackend, SoftThenHardAddExpiryAtTheirTimes) {
  // Seed 001: soft 5 s (rekey), hard 10 s (life).
  loop_.run_until(at(1));
  ASSERT_TRUE(backend_->add_sa(esp_in(0xcb131d54)).ok());
  const SaKey key{Protocol::ESP, 0xcb131d54, moon()};

  loop_.run_until(at(5.999));
  EXPECT_TRUE(fired_.empty());
  loop_.run_until(at(6));
  ASSERT_EQ(fired_.size(), 1u);
  EXPECT_EQ(fired_[0].at, at(6));
  EXPECT_FALSE(fired_[0].event.hard);
  EXPECT_EQ(fired_[0].event.key, key);
  EXPECT_EQ(fired_[0].event.reqid, 1u);
  EXPECT_TRUE(fired_[0].present);
  ASSERT_TRUE(backend_->find_sa(key));
  EXPECT_TRUE(backend_->find_sa(key)->soft_expired);

  loop_.run_until(at(10.999));
  EXPECT_EQ(fired_.size(), 1u);
  loop_.run_until(at(11));
  ASSERT_EQ(fired_.size(), 2u);
  EXPECT_EQ(fired_[1].at, at(11));
  EXPECT_TRUE(fired_[1].event.hard);
  // The kernel deletes the state before it reports the hard expire.
  EXPECT_FALSE(fired_[1].present);
  EXPECT_FALSE(backend_->find_sa(key));
  loop_.run_until(at(100));
  EXPECT_EQ(fired_.size(), 2u);
  EXPECT_EQ(loop_.pending(), 0u);
}

TEST_F(SaMemoryBackend, SoftAtOrBeyondHardNeverFires) {
  SaSpec s = esp_in(0x700);
  s.lifetime.soft_add_seconds = 10;
  s.lifetime.hard_add_seconds = 10;
  ASSERT_TRUE(backend_->add_sa(s).ok());
  s = esp_in(0x701);
  s.lifetime.soft_add_seconds = 20;
  s.lifetime.hard_add_seconds = 10;
  ASSERT_TRUE(backend_->add_sa(s).ok());
  loop_.run_until(at(60));
  ASSERT_EQ(fired_.size(), 2u);
  EXPECT_TRUE(fired_[0].event.hard);
  EXPECT_TRUE(fired_[1].event.hard);
}

TEST_F(SaMemoryBackend, NoLifetimeNoTimers) {
  SaSpec s = esp_in(0x700);
  s.lifetime = Lifetime{};
  ASSERT_TRUE(backend_->add_sa(s).ok());
  EXPECT_EQ(loop_.pending(), 0u);
}

TEST_F(SaMemoryBackend, DeleteCancelsExpiry) {
  ASSERT_TRUE(backend_->add_sa(esp_in(0x800)).ok());
  EXPECT_EQ(loop_.pending(), 2u);
  loop_.run_until(at(3));
  ASSERT_TRUE(backend_->delete_sa(SaKey{Protocol::ESP, 0x800, moon()}).ok());
  EXPECT_EQ(loop_.pending(), 0u);
  // Re-adding the same SPI starts its own lifetimes from now.
  ASSERT_TRUE(backend_->add_sa(esp_in(0x800)).ok());
  loop_.run_until(at(7.5));
  EXPECT_TRUE(fired_.empty());
  loop_.run_until(at(8));
  ASSERT_EQ(fired_.size(), 1u);
  EXPECT_EQ(fired_[0].at, at(8));
}

TEST_F(SaMemoryBackend, DestroyingTheBackendCancelsItsTimers) {
  ASSERT_TRUE(backend_->add_sa(esp_in(0x800)).ok());
  ASSERT_TRUE(backend_->add_sa(esp_in(0x801)).ok());
  ASSERT_TRUE(backend_->account_traffic(SaKey{Protocol::ESP, 0x801, moon()}, 1, 1).ok());
  EXPECT_GT(loop_.pending(), 0u);
  backend_.reset();
  EXPECT_EQ(loop_.pending(), 0u);
}

TEST_F(SaMemoryBackend, HandlerMayRekeyAndDeleteFromWithin) {
  // What an engine does on expiry (seed 001): on soft, install the new SA and delete the
  // old one; on hard, nothing is left to delete.
  backend_->set_expire_handler([this](const ExpireEvent& e) {
    fired_.push_back(Fired{loop_.now(), e, false});
    if (!e.hard) {
      SaSpec next = esp_in(e.key.spi + 1);
      ASSERT_TRUE(backend_->add_sa(next).ok());
      ASSERT_TRUE(backend_->delete_sa(e.key).ok());
    }
  });
  ASSERT_TRUE(backend_->add_sa(esp_in(0x900)).ok());
  loop_.run_until(at(5));
  ASSERT_EQ(fired_.size(), 1u);
  EXPECT_FALSE(backend_->find_sa(SaKey{Protocol::ESP, 0x900, moon()}));
  ASSERT_TRUE(backend_->find_sa(SaKey{Protocol::ESP, 0x901, moon()}));
  loop_.run_until(at(10));
  // The old SA's hard expiry was cancelled by the delete; the new one rekeys at 10 s.
  ASSERT_EQ(fired_.size(), 2u);
  EXPECT_FALSE(fired_[1].event.hard);
  EXPECT_EQ(fired_[1].event.key.spi, 0x901u);
}

TEST_F(SaMemoryBackend, ByteLimitsDrivenByTraffic) {
  SaSpec s = esp_in(0xa00);
  s.lifetime = Lifetime{};
  s.lifetime.soft_bytes = 1000;
  s.lifetime.hard_bytes = 2000;
  ASSERT_TRUE(backend_->add_sa(s).ok());
  const SaKey key = s.key;

  ASSERT_TRUE(backend_->account_traffic(key, 999, 9).ok());
  loop_.run_due();
  EXPECT_TRUE(fired_.empty());
  ASSERT_TRUE(backend_->account_traffic(key, 1, 1).ok());
  // The state is marked at once; the event arrives as its own message would.
  EXPECT_TRUE(backend_->find_sa(key)->soft_expired);
  EXPECT_TRUE(fired_.empty());
  loop_.run_due();
  ASSERT_EQ(fired_.size(), 1u);
  EXPECT_FALSE(fired_[0].event.hard);

  ASSERT_TRUE(backend_->account_traffic(key, 500, 5).ok());
  loop_.run_due();
  EXPECT_EQ(fired_.size(), 1u);  // soft fires once
  auto sa = backend_->find_sa(key);
  ASSERT_TRUE(sa);
  EXPECT_EQ(sa->bytes, 1500u);
  EXPECT_EQ(sa->packets, 15u);

  ASSERT_TRUE(backend_->account_traffic(key, 500, 5).ok());
  EXPECT_FALSE(backend_->find_sa(key));  // a hard limit kills the state at once
  loop_.run_due();
  ASSERT_EQ(fired_.size(), 2u);
  EXPECT_TRUE(fired_[1].event.hard);

  auto gone = backend_->account_traffic(key, 1, 1);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), ErrorCode::kNotFound);
}

TEST_F(SaMemoryBackend, PacketLimitsDrivenByTraffic) {
  SaSpec s = esp_in(0xa01);
  s.lifetime = Lifetime{};
  s.lifetime.soft_packets = 3;
  s.lifetime.hard_packets = 4;
  ASSERT_TRUE(backend_->add_sa(s).ok());
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(backend_->account_traffic(s.key, 100, 1).ok());
  loop_.run_due();
  EXPECT_TRUE(fired_.empty());
  ASSERT_TRUE(backend_->account_traffic(s.key, 100, 1).ok());
  loop_.run_due();
  ASSERT_EQ(fired_.size(), 1u);
  EXPECT_FALSE(fired_[0].event.hard);
  ASSERT_TRUE(backend_->account_traffic(s.key, 100, 1).ok());
  loop_.run_due();
  ASSERT_EQ(fired_.size(), 2u);
  EXPECT_TRUE(fired_[1].event.hard);
  EXPECT_TRUE(backend_->list_sas().empty());
}

TEST_F(SaMemoryBackend, HardByteLimitWithoutSoftGoesStraightToHard) {
  SaSpec s = esp_in(0xa02);
  s.lifetime = Lifetime{};
  s.lifetime.soft_bytes = 5000;
  s.lifetime.hard_bytes = 1000;
  ASSERT_TRUE(backend_->add_sa(s).ok());
  ASSERT_TRUE(backend_->account_traffic(s.key, 6000, 1).ok());
  loop_.run_due();
  ASSERT_EQ(fired_.size(), 1u);
  EXPECT_TRUE(fired_[0].event.hard);
}

TEST_F(SaMemoryBackend, UseExpiryCountsFromTheFirstPacket) {
  SaSpec s = esp_in(0xb00);
  s.lifetime = Lifetime{};
  s.lifetime.soft_use_seconds = 5;
  s.lifetime.hard_use_seconds = 10;
  ASSERT_TRUE(backend_->add_sa(s).ok());
  EXPECT_EQ(loop_.pending(), 0u);
  loop_.run_until(at(100));
  EXPECT_TRUE(fired_.empty());
  ASSERT_TRUE(backend_->account_traffic(s.key, 0, 0).ok());  // no traffic, no use
  EXPECT_FALSE(backend_->find_sa(s.key)->first_use);
  ASSERT_TRUE(backend_->account_traffic(s.key, 84, 1).ok());
  EXPECT_EQ(backend_->find_sa(s.key)->first_use, at(100));
  loop_.run_until(at(102));
  ASSERT_TRUE(backend_->account_traffic(s.key, 84, 1).ok());  // later use does not re-arm
  loop_.run_until(at(120));
  ASSERT_EQ(fired_.size(), 2u);
  EXPECT_EQ(fired_[0].at, at(105));
  EXPECT_FALSE(fired_[0].event.hard);
  EXPECT_EQ(fired_[1].at, at(110));
  EXPECT_TRUE(fired_[1].event.hard);
}

TEST_F(SaMemoryBackend, SoftExpiryFiresOnceWhicheverLimitComesFirst) {
  SaSpec s = esp_in(0xb01);
  s.lifetime.soft_bytes = 100;  // plus soft 5 s, hard 10 s from esp_in
  ASSERT_TRUE(backend_->add_sa(s).ok());
  loop_.run_until(at(1));
  ASSERT_TRUE(backend_->account_traffic(s.key, 200, 2).ok());
  loop_.run_until(at(20));
  ASSERT_EQ(fired_.size(), 2u);
  EXPECT_EQ(fired_[0].at, at(1));
  EXPECT_FALSE(fired_[0].event.hard);
  EXPECT_EQ(fired_[1].at, at(10));
  EXPECT_TRUE(fired_[1].event.hard);
}

// ---- policies ---------------------------------------------------------------------------

TEST_F(SaMemoryBackend, PoliciesAreKeyedBySelectorAndDirection) {
  ASSERT_TRUE(backend_->add_policy(testing::policy_out()).ok());
  ASSERT_TRUE(backend_->add_policy(testing::policy_in(Direction::In)).ok());
  ASSERT_TRUE(backend_->add_policy(testing::policy_in(Direction::Fwd)).ok());

  PolicySpec again = testing::policy_out();
  again.priority = 100;  // priority and template do not make a policy distinct
  again.reqid = 7;
  auto dup = backend_->add_policy(again);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().sys_errno(), EEXIST);
  EXPECT_EQ(dup.error().reason(),
            "add policy 10.1.0.0/16 === 10.2.0.0/16 out: File exists (errno 17)");

  auto list = backend_->list_policies();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0], testing::policy_out());
  EXPECT_EQ(list[1].direction, Direction::In);
  EXPECT_EQ(list[2].direction, Direction::Fwd);

  ASSERT_TRUE(backend_->delete_policy(testing::net2net(), Direction::Out).ok());
  auto missing = backend_->delete_policy(testing::net2net(), Direction::Out);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().sys_errno(), ENOENT);
  EXPECT_EQ(missing.error().reason(),
            "delete policy 10.1.0.0/16 === 10.2.0.0/16 out: No such file or directory (errno 2)");
  EXPECT_EQ(backend_->list_policies().size(), 2u);
}

TEST_F(SaMemoryBackend, PortsAndProtocolMakeSelectorsDistinct) {
  PolicySpec web = testing::policy_out();
  web.selector.ip_protocol = 6;
  web.selector.dst_port = 80;
  ASSERT_TRUE(backend_->add_policy(testing::policy_out()).ok());
  ASSERT_TRUE(backend_->add_policy(web).ok());
  EXPECT_FALSE(backend_
                   ->delete_policy(Selector{testing::moon_net(), testing::sun_net(), 6, 0, 443},
                                   Direction::Out)
                   .ok());
  EXPECT_TRUE(backend_->delete_policy(web.selector, Direction::Out).ok());
}

TEST_F(SaMemoryBackend, InvalidPoliciesAreEinval) {
  PolicySpec p = testing::policy_out();
  p.selector.dst = *Subnet::parse("2001:db8::/32");
  auto st = backend_->add_policy(p);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().sys_errno(), EINVAL);

  p = testing::policy_out();
  p.tmpl_dst = IpAddress();
  st = backend_->add_policy(p);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().sys_errno(), EINVAL);
  EXPECT_NE(st.error().reason().find("tunnel endpoints"), std::string::npos);

  // Transport mode may leave the template addresses open; drop and pass need none.
  p.mode = Mode::Transport;
  p.tmpl_src = IpAddress();
  EXPECT_TRUE(backend_->add_policy(p).ok());
  PolicySpec drop = testing::policy_in();
  drop.action = PolicyAction::Drop;
  drop.tmpl_src = drop.tmpl_dst = IpAddress();
  EXPECT_TRUE(backend_->add_policy(drop).ok());
}

}  // namespace
}  // namespace ikesuite::sa
