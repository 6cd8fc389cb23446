// Two IKEv1 reference engines, moon and sun, on the simulated network and a virtual clock
// (the IKEv2 tests' topology, seed 001), with connection builders in ipsec.conf terms.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/clock/event_loop.h"
#include "engine/crypto/proposal.h"
#include "engine/ikev1/engine.h"
#include "engine/net/sim_network.h"
#include "engine/sa/fault_injector.h"
#include "engine/sa/memory_backend.h"
#include "tests/ikev2/two_hosts.h"

namespace ikesuite::ikev1::testing {

using ikev2::testing::CapturingLogger;

struct Host {
  std::string name;
  std::unique_ptr<SeededRandom> rng;
  std::unique_ptr<CapturingLogger> log;
  sa::MemoryBackend* memory = nullptr;
  std::unique_ptr<sa::FaultInjector> kernel;
  std::unique_ptr<net::Transport> transport;
  std::unique_ptr<Engine> engine;
};

class TwoHosts {
 public:
  explicit TwoHosts(uint64_t seed = 1) : loop_(), net_(loop_, seed), seed_(seed) {}

  Host& add(const std::string& name, const std::string& address, Settings settings = {},
            Credentials creds = {}, Observer* observer = nullptr) {
    auto h = std::make_unique<Host>();
    h->name = name;
    h->rng = std::make_unique<SeededRandom>(seed_ * 1000 + hosts_.size() + 1);
    h->log = std::make_unique<CapturingLogger>(loop_);
    auto mem = std::make_unique<sa::MemoryBackend>(loop_, loop_, *h->rng);
    h->memory = mem.get();
    h->kernel = std::make_unique<sa::FaultInjector>(std::move(mem), h->log.get());
    auto t = net_.attach(name, {*IpAddress::parse(address)});
    h->transport = std::move(*t);
    Env env{loop_, loop_, *h->rng, *h->log, *h->kernel, *h->transport, observer};
    env.wall_offset = std::chrono::duration_cast<Duration>(
        std::chrono::system_clock::now().time_since_epoch());
    h->engine = std::make_unique<Engine>(env, std::move(settings), std::move(creds));
    Engine* engine = h->engine.get();
    h->transport->set_receiver([engine](const net::Datagram& d) { engine->on_datagram(d); });
    h->kernel->set_expire_handler([engine](const sa::ExpireEvent& e) { engine->on_expire(e); });
    hosts_.push_back(std::move(h));
    return *hosts_.back();
  }

  clock::VirtualEventLoop& loop() { return loop_; }
  net::SimNetwork& net() { return net_; }
  void run_for(double secs) { loop_.run_until(loop_.now() + seconds(secs)); }

 private:
  clock::VirtualEventLoop loop_;
  net::SimNetwork net_;
  uint64_t seed_;
  std::vector<std::unique_ptr<Host>> hosts_;
};

inline std::vector<crypto::V1IkeTransform> ike(const std::string& text) {
  return *crypto::parse_ikev1_ike_proposals(text);
}
inline std::vector<crypto::V1EspTransform> esp(const std::string& text) {
  return *crypto::parse_ikev1_esp_proposals(text);
}

// moon/sun net-net connection (seed 001) with keyexchange=ikev1 and PSK authentication.
inline PeerConfig net2net(const std::string& name, const std::string& left,
                          const std::string& right, const std::string& left_id,
                          const std::string& right_id, const std::string& left_subnet,
                          const std::string& right_subnet) {
  PeerConfig c;
  c.name = name;
  c.local_addr = *IpAddress::parse(left);
  c.remote_addr = *IpAddress::parse(right);
  c.local.id = *Identity::parse(left_id);
  c.remote.id = *Identity::parse(right_id);
  c.ike_proposals = ike("aes128-sha256-modp2048");
  c.ike_lifetime = seconds(3600);
  c.margintime = seconds(180);
  c.keyingtries = 1;
  ChildConfig child;
  child.name = name;
  child.local_ts = {*Subnet::parse(left_subnet)};
  child.remote_ts = {*Subnet::parse(right_subnet)};
  child.esp_proposals = esp("aes128-sha256");
  child.lifetime = seconds(1200);
  child.margintime = seconds(180);
  c.children.push_back(child);
  return c;
}

inline Credentials psk(const std::string& secret, const std::vector<std::string>& ids) {
  Credentials creds;
  SharedKey k;
  for (const auto& id : ids) k.ids.push_back(*Identity::parse(id));
  k.secret = to_bytes(secret);
  creds.shared_keys.push_back(k);
  return creds;
}

}  // namespace ikesuite::ikev1::testing
