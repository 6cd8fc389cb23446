// The IKEv1 engine fuzzer's driver (driver.h): a deterministic two-host world and the program
// interpreter.
#include "fuzz/ikev1_engine/driver.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <vector>

#include "engine/base/random.h"
#include "engine/clock/event_loop.h"
#include "engine/crypto/ikev1_keys.h"
#include "engine/crypto/proposal.h"
#include "engine/ikev1/engine.h"
#include "engine/net/sim_network.h"
#include "engine/sa/fault_injector.h"
#include "engine/sa/memory_backend.h"
#include "engine/wire/ikev1/message.h"

namespace ikesuite::ikev1::fuzz {
namespace {

constexpr const char* kMoon = "192.168.0.1";
constexpr const char* kSun = "192.168.0.2";
constexpr size_t kMaxOps = 64;
constexpr size_t kMaxHistory = 64;

// Reads the program; past its end every byte is zero.
class Cursor {
 public:
  explicit Cursor(ByteView data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }
  uint8_t u8() { return pos_ < data_.size() ? data_[pos_++] : 0; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | u8();
    return v;
  }
  Bytes bytes(size_t n) {
    Bytes out;
    for (size_t i = 0; i < n && pos_ < data_.size(); ++i) out.push_back(data_[pos_++]);
    return out;
  }

 private:
  ByteView data_;
  size_t pos_ = 0;
};

class Violations final : public Observer {
 public:
  void on_invariant_violation(std::string_view what) override {
    if (first.empty()) first = std::string(what);
  }
  std::string first;
};

struct Host {
  std::string name;
  Endpoint ike;  // its IKE endpoint (port 500)
  std::unique_ptr<SeededRandom> rng;
  sa::MemoryBackend* memory = nullptr;
  std::unique_ptr<sa::FaultInjector> kernel;
  std::unique_ptr<net::Transport> transport;
  std::unique_ptr<Engine> engine;
};

struct Wire {
  Endpoint src, dst;
  Bytes payload;
};

PeerConfig connection(const char* left, const char* right, const char* left_id,
                      const char* right_id, const char* left_net, const char* right_net,
                      uint8_t variant) {
  PeerConfig c;
  c.name = "net-net";
  c.local_addr = *IpAddress::parse(left);
  c.remote_addr = *IpAddress::parse(right);
  c.local.id = *Identity::parse(left_id);
  c.remote.id = *Identity::parse(right_id);
  c.aggressive = variant & 0x01;
  c.ike_proposals = *crypto::parse_ikev1_ike_proposals("aes128-sha256-modp2048");
  c.ike_lifetime = seconds(3600);
  c.margintime = seconds(180);
  c.keyingtries = 2;
  if (variant & 0x10) {
    c.dpd_delay = seconds(30);
    c.dpd_timeout = seconds(90);
    c.dpd_action = DpdAction::Clear;
  }
  ChildConfig child;
  child.name = "net-net";
  if (variant & 0x08) {
    child.mode = sa::Mode::Transport;
  } else {
    child.local_ts = {*Subnet::parse(left_net)};
    child.remote_ts = {*Subnet::parse(right_net)};
  }
  child.esp_proposals = *crypto::parse_ikev1_esp_proposals(
      (variant & 0x02) ? "aes128-sha256-modp2048" : "aes128-sha256");
  child.lifetime = seconds(1200);
  child.margintime = seconds(180);
  c.children.push_back(child);
  return c;
}

class World {
 public:
  World(const Options& options, uint8_t variant)
      : options_(options), net_(loop_, 7), log_(options.log ? options.log : &null_log_) {
    if (variant & 0x04) {
      net::NatSpec nat;
      nat.name = "moon-nat";
      nat.inside = {"moon"};
      nat.public_address = *IpAddress::parse("192.168.0.254");
      (void)net_.add_nat(nat);
    }
    add("moon", kMoon);
    add("sun", kSun);
    (void)hosts_[0]->engine->add_connection(connection(kMoon, kSun, "moon.strongswan.org",
                                                       "sun.strongswan.org", "10.1.0.0/16",
                                                       "10.2.0.0/16", variant));
    PeerConfig sun = connection(kSun, kMoon, "sun.strongswan.org", "moon.strongswan.org",
                                "10.2.0.0/16", "10.1.0.0/16", variant);
    if (variant & 0x04) sun.remote_addr = IpAddress();
    (void)hosts_[1]->engine->add_connection(std::move(sun));
    net_.add_tap([this](const net::WireEvent& e) {
      if (e.fate == net::Fate::kSent && history_.size() < kMaxHistory)
        history_.push_back({e.src, e.dst, Bytes(e.payload.begin(), e.payload.end())});
    });
  }

  // Lets the real exchange run until `datagrams` went over the wire (or 2 s passed).
  void warm_up(uint8_t datagrams) {
    if (datagrams == 0) return;
    (void)hosts_[0]->engine->initiate("net-net");
    Time end = loop_.now() + seconds(2.0);
    while (history_.size() < datagrams && loop_.now() < end && loop_.step()) {
    }
  }

  std::string check() {
    if (!observer_.first.empty()) return "invariant: " + observer_.first;
    for (const auto& h : hosts_) {
      std::set<uint32_t> spis;
      for (const auto& e : h->memory->list_sas()) spis.insert(e.spec.key.spi);
      for (const IkeSa* ike : h->engine->ike_sas()) {
        if (static_cast<int>(ike->state) > static_cast<int>(IkeSaState::Destroying))
          return h->name + ": IKE_SA state out of range";
        if (static_cast<int>(ike->phase1.state) > static_cast<int>(ExchangeState::QuickR2))
          return h->name + ": exchange state out of range";
        for (const auto& c : ike->children) {
          if (static_cast<int>(c->state) > static_cast<int>(ChildSaState::Destroying))
            return h->name + ": CHILD_SA state out of range";
          if (c->state != ChildSaState::Installed) continue;
          if (!spis.contains(c->spi_in) || !spis.contains(c->spi_out))
            return h->name + ": installed CHILD_SA {" + std::to_string(c->unique_id) +
                   "} missing from the SA backend";
        }
      }
      (void)h->engine->list_sas();
    }
    return {};
  }

  void op(Cursor& in) {
    switch (in.u8() % 8) {
      case 0: raw(in); break;
      case 1: replay(in); break;
      case 2: encrypted(in); break;
      case 3: {
        uint32_t a = in.u8();
        loop_.run_until(loop_.now() + seconds(static_cast<double>(a * a) / 16.0));
        break;
      }
      case 4: api(in); break;
      case 5: fault(in); break;
      case 6: link(in); break;
      default: expire(in); break;
    }
    // What the op set off (answers, retransmissions) within a second.
    loop_.run_until(loop_.now() + seconds(1.0));
  }

  size_t established() const {
    size_t n = 0;
    for (const auto& s : hosts_[0]->engine->list_sas())
      n += s.state == ikev2::IkeSaState::Established;
    return n;
  }

 private:
  void add(const std::string& name, const char* address) {
    auto h = std::make_unique<Host>();
    h->name = name;
    h->ike = {*IpAddress::parse(address), 500};
    h->rng = std::make_unique<SeededRandom>(hosts_.size() + 11);
    auto mem = std::make_unique<sa::MemoryBackend>(loop_, loop_, *h->rng);
    h->memory = mem.get();
    h->kernel = std::make_unique<sa::FaultInjector>(std::move(mem), log_);
    h->transport = std::move(*net_.attach(name, {h->ike.addr}));
    Env env{loop_, loop_, *h->rng, *log_, *h->kernel, *h->transport, &observer_};
    Settings settings;
    settings.retransmit_tries = 2;
    h->engine = std::make_unique<Engine>(env, settings, psk());
    Engine* engine = h->engine.get();
    h->transport->set_receiver([engine](const net::Datagram& d) { engine->on_datagram(d); });
    h->kernel->set_expire_handler([engine](const sa::ExpireEvent& e) { engine->on_expire(e); });
    hosts_.push_back(std::move(h));
  }

  static Credentials psk() {
    Credentials creds;
    SharedKey k;
    k.ids = {*Identity::parse("moon.strongswan.org"), *Identity::parse("sun.strongswan.org")};
    k.secret = to_bytes("secret");
    creds.shared_keys.push_back(k);
    return creds;
  }

  // dir 0: moon -> sun, 1: sun -> moon; bit 1 sends to port 4500 (with the non-ESP marker).
  void send(uint8_t dir, ByteView ike_message) {
    const Host& from = *hosts_[dir & 1 ? 1 : 0];
    const Host& to = *hosts_[dir & 1 ? 0 : 1];
    Endpoint src = from.ike, dst = to.ike;
    Bytes payload;
    if (dir & 2) {
      src.port = dst.port = 4500;
      payload = Bytes(4, 0);
    }
    payload.insert(payload.end(), ike_message.begin(), ike_message.end());
    (void)net_.inject(src, dst, payload, "fuzzer");
  }

  void raw(Cursor& in) {
    uint8_t dir = in.u8();
    send(dir, in.bytes(in.u8()));
  }

  void replay(Cursor& in) {
    uint8_t dir = in.u8();
    if (history_.empty()) return;
    Bytes msg = history_[in.u8() % history_.size()].payload;
    // A datagram to 4500 carries the marker; the transport adds it again.
    if (msg.size() >= 4 && msg[0] == 0 && msg[1] == 0 && msg[2] == 0 && msg[3] == 0)
      msg.erase(msg.begin(), msg.begin() + 4);
    uint8_t flips = in.u8() % 8;
    for (uint8_t i = 0; i < flips; ++i) {
      uint8_t pos = in.u8(), mask = in.u8();
      if (!msg.empty()) msg[pos % msg.size()] ^= mask;
    }
    send(dir, msg);
  }

  // A payload chain sealed as the receiver expects it: its cookies, its Ka and the IV its
  // exchange continues from.
  void encrypted(Cursor& in) {
    uint8_t dir = in.u8(), kind = in.u8() % 4, flags = in.u8();
    uint32_t mid = in.u32();
    auto first = static_cast<v1::PayloadType>(in.u8());
    Bytes chain = in.bytes(in.u8());
    const Host& to = *hosts_[dir & 1 ? 0 : 1];
    const IkeSa* ike = nullptr;
    for (const IkeSa* s : to.engine->ike_sas())
      if (s->keys_ready && s->cipher && s->prf) ike = s;
    if (!ike) return;
    v1::Header h;
    h.cookie_i = ike->cookie_i;
    h.cookie_r = ike->cookie_r;
    Bytes iv;
    switch (kind) {
      case 0:
        h.exchange = ike->phase1.type;
        iv = ike->phase1.iv;
        break;
      case 1: {
        if (ike->quick.empty()) return;
        h.exchange = v1::ExchangeType::QuickMode;
        const Exchange& q = *ike->quick[mid % ike->quick.size()];
        mid = q.message_id;
        iv = q.iv;
        break;
      }
      default: {
        h.exchange = kind == 2 ? v1::ExchangeType::QuickMode : v1::ExchangeType::Informational;
        if (mid == 0) mid = 1;
        auto p2 = crypto::phase2_iv(ike->hash, ike->phase1.iv, mid, ike->cipher->block_size());
        if (!p2.ok()) return;
        iv = *p2;
      }
    }
    h.message_id = mid;
    if (flags & 0x01 && mid != 0) {
      // HASH(1) of Quick Mode and the informational HASH have one formula (RFC 2409 §5.5,
      // §5.7): prf(SKEYID_a, M-ID | the payloads after it).
      auto hash = crypto::informational_hash(*ike->prf, ike->skeyid_a, mid, chain);
      if (!hash.ok()) return;
      Bytes with_hash{static_cast<uint8_t>(first), 0};
      uint16_t len = static_cast<uint16_t>(4 + hash->size());
      with_hash.push_back(static_cast<uint8_t>(len >> 8));
      with_hash.push_back(static_cast<uint8_t>(len));
      with_hash.insert(with_hash.end(), hash->begin(), hash->end());
      with_hash.insert(with_hash.end(), chain.begin(), chain.end());
      chain = std::move(with_hash);
      first = v1::PayloadType::HASH;
    }
    h.next_payload = first;
    h.flags = v1::kFlagEncryption;
    auto sealed = crypto::ikev1_encrypt(*ike->cipher, ike->ka, iv, chain);
    if (!sealed.ok()) return;
    v1::Message m;
    m.header = h;
    m.encrypted_body = std::move(sealed->data);
    auto bytes = v1::serialize(m);
    if (bytes.ok()) send(dir | (ike->on_4500 ? 2 : 0), *bytes);
  }

  void api(Cursor& in) {
    Engine& e = *hosts_[in.u8() & 1]->engine;
    switch (in.u8() % 8) {
      case 0: (void)e.initiate("net-net"); break;
      case 1: (void)e.rekey_child("net-net"); break;
      case 2: (void)e.rekey_ike("net-net"); break;
      case 3: (void)e.terminate_child("net-net"); break;
      case 4: (void)e.terminate_ike("net-net"); break;
      case 5: e.reset(); break;
      case 6: e.start(); break;
      default: (void)e.list_sas(); break;
    }
  }

  void fault(Cursor& in) {
    Host& h = *hosts_[in.u8() & 1];
    sa::FaultRule rule;
    rule.op = static_cast<sa::Operation>(in.u8() % 6);
    rule.nth = 1 + in.u8() % 4;
    rule.times = in.u8() % 3;
    (void)h.kernel->add_rule(rule);
  }

  void link(Cursor& in) {
    uint8_t what = in.u8();
    switch (what % 4) {
      case 0: (void)net_.set_host_up(what & 0x10 ? "moon" : "sun", false); break;
      case 1: (void)net_.set_host_up(what & 0x10 ? "moon" : "sun", true); break;
      case 2: {
        net::Impairment imp;
        imp.loss = 0.3;
        imp.duplicate = 0.2;
        (void)net_.set_default_impairment(imp);
        break;
      }
      default: (void)net_.set_default_impairment(net::Impairment{}); break;
    }
  }

  void expire(Cursor& in) {
    Host& h = *hosts_[in.u8() & 1];
    auto sas = h.memory->list_sas();
    uint8_t index = in.u8(), hard = in.u8();
    if (sas.empty()) return;
    const auto& e = sas[index % sas.size()];
    sa::ExpireEvent ev;
    ev.key = e.spec.key;
    ev.reqid = e.spec.reqid;
    ev.hard = hard & 1;
    h.engine->on_expire(ev);
  }

  Options options_;
  clock::VirtualEventLoop loop_;
  net::SimNetwork net_;
  NullLogger null_log_;
  Logger* log_;
  Violations observer_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::vector<Wire> history_;
};

}  // namespace

Outcome run(ByteView program, const Options& options) {
  Cursor in(program);
  uint8_t start = in.u8();
  uint8_t variant = in.u8();
  World world(options, variant);
  world.warm_up(start);
  Outcome out;
  out.violation = world.check();
  while (out.violation.empty() && !in.done() && out.ops < kMaxOps) {
    world.op(in);
    ++out.ops;
    out.violation = world.check();
  }
  if (!out.violation.empty() && options.trap) {
    std::fprintf(stderr, "ikev1_engine: %s after op %zu\n", out.violation.c_str(), out.ops);
    std::abort();
  }
  out.established = world.established();
  return out;
}

}  // namespace ikesuite::ikev1::fuzz
