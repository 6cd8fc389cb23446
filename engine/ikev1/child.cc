// CHILD_SAs (IPsec SAs): selectors from the configuration, KEYMAT (RFC 2409 §5.5), and
// installation in the SA backend the way charon does it (seed 001: the rekey time as the
// inbound SA's soft add-expiry, the lifetime as the hard one; policies in/out/fwd per reqid)
// in the order seed 000 walks Quick Mode: the responder's inbound SA before it answers, its
// outbound SA after HASH(3), the initiator's two SAs when the answer comes.
#include "engine/crypto/algorithms.h"
#include "engine/ikev1/engine_impl.h"

namespace ikesuite::ikev1 {

ChildSa& Engine::Impl::create_child(IkeSa& ike, const ChildConfig* config) {
  auto child = std::make_unique<ChildSa>();
  child->unique_id = next_child_id++;
  child->config = config;
  child->reqid = next_reqid++;
  child->mode = config ? config->mode : sa::Mode::Tunnel;
  ike.children.push_back(std::move(child));
  return *ike.children.back();
}

Result<uint32_t> Engine::Impl::allocate_spi(IkeSa& ike, ChildSa& child) {
  TRY_ASSIGN(uint32_t spi,
             env.kernel.allocate_spi(child.protocol, ike.remote.addr, ike.local.addr));
  child.spi_in = spi;
  child.spi_reserved = true;
  log(LogGroup::kKnl, 2, "got SPI " + hex32(spi));
  return spi;
}

TrafficSelector Engine::Impl::local_selector(const IkeSa& ike, const ChildConfig& c) const {
  if (c.local_ts.empty()) {
    TrafficSelector ts = TrafficSelector::host(ike.local.addr);
    ts.protocol = c.ts_protocol;
    ts.port = c.local_port;
    return ts;
  }
  return TrafficSelector::from_subnet(c.local_ts.front(), c.ts_protocol, c.local_port);
}

TrafficSelector Engine::Impl::remote_selector(const IkeSa& ike, const ChildConfig& c) const {
  if (c.remote_ts.empty()) {
    TrafficSelector ts = TrafficSelector::host(ike.remote.addr);
    ts.protocol = c.ts_protocol;
    ts.port = c.remote_port;
    return ts;
  }
  return TrafficSelector::from_subnet(c.remote_ts.front(), c.ts_protocol, c.remote_port);
}

const ChildConfig* Engine::Impl::match_child_config(const IkeSa& ike, const TrafficSelector& remote,
                                                    const TrafficSelector& local) const {
  // IKEv1 cannot narrow: the peer's selectors must lie within what a CHILD_SA config allows.
  for (const auto& c : ike.config->children)
    if (remote.within(remote_selector(ike, c)) && local.within(local_selector(ike, c))) return &c;
  return nullptr;
}

Result<ChildKeys> Engine::Impl::child_keys(IkeSa& ike, ChildSa& child, const Exchange& ex) {
  auto encr = crypto::encr_from_v1(child.transform.transform);
  if (!encr)
    return Error(ErrorCode::kUnsupported,
                 v1::to_string(child.transform.transform) + " cannot be installed");
  size_t encr_size = crypto::encr_key_size(*encr, child.transform.key_length);
  size_t integ_size = 0;
  if (child.transform.auth) {
    auto integ = crypto::integ_from_v1(*child.transform.auth);
    if (!integ)
      return Error(ErrorCode::kUnsupported,
                   v1::to_string(*child.transform.auth) + " cannot be installed");
    integ_size = crypto::integ_key_size(*integ);
  }
  if (encr_size == 0 && *encr != v2::EncrId::Null)
    return Error(ErrorCode::kUnsupported, crypto::to_string(child.transform) + " has no key size");
  return derive_child_keys(*ike.prf, ike.skeyid_d, ex.g_qm,
                           static_cast<uint8_t>(v1::ProtocolId::IPSEC_ESP), child.spi_in,
                           child.spi_out, ex.nonce_i, ex.nonce_r, encr_size, integ_size);
}

namespace {

sa::Selector kernel_selector(const IkeSa& ike, const ChildSa& child, bool inbound) {
  Subnet local = child.ts_local.subnet().value_or(
      Subnet{ike.local.addr, static_cast<unsigned>(ike.local.addr.size() * 8)});
  Subnet remote = child.ts_remote.subnet().value_or(
      Subnet{ike.remote.addr, static_cast<unsigned>(ike.remote.addr.size() * 8)});
  sa::Selector s;
  s.src = inbound ? remote : local;
  s.dst = inbound ? local : remote;
  s.ip_protocol = child.ts_local.protocol ? child.ts_local.protocol : child.ts_remote.protocol;
  s.src_port = inbound ? child.ts_remote.port : child.ts_local.port;
  s.dst_port = inbound ? child.ts_local.port : child.ts_remote.port;
  return s;
}

}  // namespace

Status Engine::Impl::install_sa(IkeSa& ike, ChildSa& child, bool inbound, const ChildKeys& keys) {
  const ChildConfig& c = *child.config;
  auto encr = crypto::encr_from_v1(child.transform.transform).value_or(v2::EncrId::Null);
  auto integ = child.transform.auth ? crypto::integ_from_v1(*child.transform.auth)
                                          .value_or(v2::IntegId::None)
                                    : v2::IntegId::None;
  if (child.state == ChildSaState::Created) set_state(ike, child, ChildSaState::Installing);
  // Lifetimes as charon computes them (seed 001), from the negotiated lifetime.
  Duration life = child.lifetime.seconds ? seconds(static_cast<double>(child.lifetime.seconds))
                                         : c.lifetime;
  double jitter_max = to_seconds(c.margintime) * c.rekeyfuzz;
  Duration jitter = seconds(jitter_max > 0 ? env.rng.unit() * jitter_max : 0);
  Duration rekey = life - c.margintime - jitter;
  sa::Lifetime lifetime;
  lifetime.hard_add_seconds = static_cast<uint64_t>(to_seconds(life));
  lifetime.hard_bytes = child.lifetime.kilobytes ? child.lifetime.kilobytes * 1024 : c.life_bytes;
  lifetime.hard_packets = c.life_packets;
  if (inbound) {
    child.rekey_after = rekey;
    // charon only asks for the soft expiry of the inbound SA, so one rekey is triggered.
    if (c.rekey && rekey > Duration::zero())
      lifetime.soft_add_seconds = static_cast<uint64_t>(to_seconds(rekey) + 0.5);
  }
  sa::SaSpec spec;
  spec.key = inbound ? sa::SaKey{child.protocol, child.spi_in, ike.local.addr}
                     : sa::SaKey{child.protocol, child.spi_out, ike.remote.addr};
  spec.src = inbound ? ike.remote.addr : ike.local.addr;
  spec.mode = child.mode;
  spec.reqid = child.reqid;
  spec.inbound = inbound;
  spec.encr = encr;
  spec.encr_key = inbound ? keys.encr_in : keys.encr_out;
  spec.integ = integ;
  spec.integ_key = inbound ? keys.integ_in : keys.integ_out;
  spec.esn = child.transform.esn;
  spec.replay_window = c.replay_window;
  spec.lifetime = lifetime;
  // RFC 3948: ESP in UDP between the ports IKE floated to.
  if (child.udp_encap)
    spec.encap = inbound ? sa::UdpEncap{ike.remote.port, ike.local.port}
                         : sa::UdpEncap{ike.local.port, ike.remote.port};
  spec.selector = kernel_selector(ike, child, inbound);
  spec.label = child_label(child);
  uint32_t spi = spec.key.spi;
  log(LogGroup::kKnl, 2, "adding SAD entry with SPI " + hex32(spi) + " and reqid {" +
                             std::to_string(child.reqid) + "}");
  if (auto s = env.kernel.add_sa(spec); !s.ok()) {
    log(LogGroup::kKnl, 1, "unable to add SAD entry with SPI " + hex32(spi) + ": " +
                               s.error().message());
    log(LogGroup::kIke, 1, std::string("unable to install ") + (inbound ? "inbound" : "outbound") +
                               " IPsec SA (SAD) in kernel");
    return s;
  }
  if (inbound) {
    child.in_installed = true;
    child.spi_reserved = false;
  } else {
    child.out_installed = true;
  }
  return {};
}

Status Engine::Impl::install_policies(IkeSa& ike, ChildSa& child) {
  // One set of policies per reqid, kept across rekeys.
  bool have_policies = false;
  for (const auto& other : ike.children)
    if (other.get() != &child && other->reqid == child.reqid && other->policies_installed)
      have_policies = true;
  if (!have_policies) {
    std::vector<std::pair<sa::Direction, bool>> dirs = {{sa::Direction::Out, false},
                                                        {sa::Direction::In, true}};
    if (child.mode == sa::Mode::Tunnel) dirs.push_back({sa::Direction::Fwd, true});
    for (auto [dir, inbound] : dirs) {
      sa::PolicySpec p;
      p.selector = kernel_selector(ike, child, inbound);
      p.direction = dir;
      p.tmpl_src = inbound ? ike.remote.addr : ike.local.addr;
      p.tmpl_dst = inbound ? ike.local.addr : ike.remote.addr;
      p.protocol = child.protocol;
      p.mode = child.mode;
      p.reqid = child.reqid;
      log(LogGroup::kKnl, 2, "adding policy " + p.selector.to_string() + " " +
                                 std::string(sa::name(dir)));
      if (auto s = env.kernel.add_policy(p); !s.ok()) {
        log(LogGroup::kKnl, 1, "unable to add policy " + p.selector.to_string() + " " +
                                   std::string(sa::name(dir)) + ": " + s.error().message());
        log(LogGroup::kIke, 1, "unable to install IPsec policies (SPD) in kernel");
        return s;
      }
    }
  }
  child.policies_installed = true;
  return {};
}

void Engine::Impl::child_established(IkeSa& ike, ChildSa& child, const ChildKeys& keys) {
  child.established_at = env.clock.now();
  set_state(ike, child, ChildSaState::Installed);
  log(LogGroup::kIke, 0, "CHILD_SA " + child_label(child) + " established with SPIs " +
                             hex32(child.spi_in) + "_i " + hex32(child.spi_out) + "_o and TS " +
                             child.ts_local.to_string() + " === " + child.ts_remote.to_string());
  if (!env.observer) return;
  auto encr = crypto::encr_from_v1(child.transform.transform).value_or(v2::EncrId::Null);
  auto integ = child.transform.auth ? crypto::integ_from_v1(*child.transform.auth)
                                          .value_or(v2::IntegId::None)
                                    : v2::IntegId::None;
  ChildKeysEvent e{ref(ike, child), true,  ike.remote.addr, ike.local.addr,
                   child.spi_in,    encr,  child.transform.key_length,
                   integ,           keys.encr_in, keys.integ_in, child.udp_encap};
  env.observer->on_child_keys(e);
  e.inbound = false;
  e.src = ike.local.addr;
  e.dst = ike.remote.addr;
  e.spi = child.spi_out;
  e.encr_key = keys.encr_out;
  e.integ_key = keys.integ_out;
  env.observer->on_child_keys(e);
}

void Engine::Impl::uninstall_child(IkeSa& ike, ChildSa& child, bool outbound_only) {
  auto remove = [&](uint32_t spi, const IpAddress& dst) {
    log(LogGroup::kKnl, 2, "deleting SAD entry with SPI " + hex32(spi));
    auto s = env.kernel.delete_sa({child.protocol, spi, dst});
    if (s.ok()) {
      log(LogGroup::kKnl, 2, "deleted SAD entry with SPI " + hex32(spi));
    } else {
      log(LogGroup::kKnl, 1, "unable to delete SAD entry with SPI " + hex32(spi) + ": " +
                                 s.error().message());
    }
  };
  if (child.out_installed) {
    remove(child.spi_out, ike.remote.addr);
    child.out_installed = false;
  }
  if (outbound_only) return;
  if (child.in_installed) {
    remove(child.spi_in, ike.local.addr);
    child.in_installed = false;
  }
  if (child.policies_installed) {
    child.policies_installed = false;
    bool shared = false;
    for (const auto& other : ike.children)
      if (other.get() != &child && other->reqid == child.reqid && other->policies_installed)
        shared = true;
    if (!shared) {
      for (const auto& p : env.kernel.list_policies()) {
        if (p.reqid != child.reqid) continue;
        log(LogGroup::kKnl, 2, "deleting policy " + p.selector.to_string() + " " +
                                   std::string(sa::name(p.direction)));
        (void)env.kernel.delete_policy(p.selector, p.direction);
      }
    }
  }
}

void Engine::Impl::release_spi(IkeSa& ike, ChildSa& child) {
  if (!child.spi_reserved || child.spi_in == 0) return;
  child.spi_reserved = false;
  // The SPI was allocated in the backend (a larval SA in XFRM): give it back.
  log(LogGroup::kKnl, 2, "deleting SAD entry with SPI " + hex32(child.spi_in));
  if (env.kernel.delete_sa({child.protocol, child.spi_in, ike.local.addr}).ok())
    log(LogGroup::kKnl, 2, "deleted SAD entry with SPI " + hex32(child.spi_in));
}

void Engine::Impl::destroy_child(IkeSa& ike, ChildSa& child) {
  if (child.state != ChildSaState::Destroying) set_state(ike, child, ChildSaState::Destroying);
  uninstall_child(ike, child);
  release_spi(ike, child);
  cancel(child.delete_timer);
  std::erase_if(ike.children, [&child](const std::unique_ptr<ChildSa>& c) {
    return c.get() == &child;
  });
}

}  // namespace ikesuite::ikev1
