#include "tests/ikev2_fuzz/seeds.h"

#include <algorithm>
#include <optional>

#include "engine/crypto/sk.h"
#include "engine/net/transport.h"
#include "engine/wire/ikev2/message.h"
#include "engine/wire/reader.h"
#include "engine/wire/writer.h"
#include "fuzz/ikev2_engine/driver.h"

namespace ikesuite::ikev2::fuzz {

Step target(Op op) { return Step{Step::Who::Target, std::move(op)}; }
Step peer(ApiCall call) { return Step{Step::Who::Peer, ApiOp{Side::Initiator, call}}; }
Step both(ApiCall call) { return Step{Step::Who::Both, ApiOp{Side::Initiator, call}}; }
Step wait_ms(uint32_t ms) {
  if (ms >= 0x8000) return target(TimeOp{static_cast<uint16_t>(0x8000 + ms / 1000)});
  return target(TimeOp{static_cast<uint16_t>(ms)});
}

namespace {

Side other(Side s) { return s == Side::Initiator ? Side::Responder : Side::Initiator; }

// Time operations that advance the clock by about `d` (shorter waits than the settling of
// one operation are left out).
void emit_wait(Program& p, Duration d) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  if (d < milliseconds(2)) return;
  auto s = duration_cast<std::chrono::seconds>(d).count();
  while (s > 0) {
    auto n = std::min<int64_t>(s, 300);
    p.ops.push_back(TimeOp{static_cast<uint16_t>(0x8000 + n)});
    s -= n;
    d -= std::chrono::seconds(n);
  }
  auto ms = duration_cast<milliseconds>(d).count();
  if (ms > 0) p.ops.push_back(TimeOp{static_cast<uint16_t>(ms)});
}

Target target_of(Side to, const SentDatagram& d) {
  Target t;
  t.to = to;
  if (d.dst.port == net::kIkePort) {
    t.port = PortMode::Ike500;
  } else if (d.src.port == net::kNattPort) {
    t.port = PortMode::Natt4500;
  } else {
    t.port = PortMode::ExplicitSource;
    t.src_port = d.src.port;
  }
  return t;
}

// The operation that makes the fuzz world's target receive `d` as the recording's target did.
std::optional<Op> datagram_op(const World& world, Side to, const SentDatagram& d) {
  auto ike = net::unframe_ike(d.src.port, d.dst.port, d.udp_payload);
  if (!ike) return std::nullopt;
  auto m = v2::parse(*ike);
  if (!m.ok() || m->payloads.empty()) return std::nullopt;
  const v2::Header& h = m->header;
  Target at = target_of(to, d);

  if (h.exchange == v2::ExchangeType::IkeSaInit) {
    ClearOp op;
    op.at = at;
    op.spi_i = h.spi_i;
    op.spi_r = h.spi_r;
    op.exchange = static_cast<uint8_t>(h.exchange);
    op.flags = static_cast<uint8_t>(kFlagsVerbatim | h.flags);
    op.mid = {MidMode::Explicit, h.message_id};
    op.first_payload = static_cast<uint8_t>(m->payloads.front().type);
    wire::Reader r(*ike);
    (void)r.skip(v2::Header::kSize);
    ByteView chain = r.rest();
    op.chain.assign(chain.begin(), chain.end());
    return op;
  }

  auto sas = world.live_ike_sas(to);
  auto it = std::find_if(sas.begin(), sas.end(), [&h](const IkeSa* s) {
    return s->spi_i == h.spi_i && s->spi_r == h.spi_r;
  });
  if (it == sas.end() || !(*it)->suite) return std::nullopt;
  const IkeSa* sa = *it;
  bool peer_is_initiator = !sa->initiator;
  crypto::SkKeys keys{peer_is_initiator ? sa->keys.SK_ei : sa->keys.SK_er,
                      peer_is_initiator ? sa->keys.SK_ai : sa->keys.SK_ar};
  const v2::Payload& last = m->payloads.back();
  const Bytes* body = nullptr;
  SealedOp op;
  if (const auto* sk = last.as<v2::EncryptedPayload>()) {
    body = &sk->body;
    op.first_payload = static_cast<uint8_t>(sk->inner_first);
  } else if (const auto* skf = last.as<v2::EncryptedFragmentPayload>()) {
    body = &skf->body;
    op.first_payload = static_cast<uint8_t>(skf->inner_first);
    op.fragment = std::make_pair(static_cast<uint8_t>(skf->fragment_number),
                                 static_cast<uint8_t>(skf->total_fragments));
  } else {
    return std::nullopt;
  }
  auto plain = crypto::open(*sa->suite, keys, ike->first(ike->size() - body->size()), *body);
  if (!plain.ok()) return std::nullopt;
  op.at = at;
  op.sa = static_cast<uint8_t>(it - sas.begin());
  op.exchange = static_cast<uint8_t>(h.exchange);
  bool response = h.response();
  op.flags = natural_flags(sa, response) == h.flags
                 ? static_cast<uint8_t>(response ? kFlagsResponse : 0)
                 : static_cast<uint8_t>(kFlagsVerbatim | h.flags);
  if (natural_message_id(sa, response) == h.message_id) {
    op.mid = {MidMode::Natural, 0};
  } else {
    op.mid = {MidMode::Explicit, h.message_id};
  }
  op.chain = std::move(*plain);
  return op;
}

}  // namespace

Program record(const SeedSpec& spec) {
  struct Pending {
    size_t index;
    Time at;
    Op op;
  };
  std::vector<Pending> pending;
  Side from = other(spec.target);
  WorldOptions options;
  options.record = true;
  options.on_send = [&](World& w, const SentDatagram& d) {
    if (d.from != from || d.to != spec.target) return;
    if (auto op = datagram_op(w, spec.target, d)) pending.push_back({w.sent_total(), d.at, *op});
  };
  World world(spec.start, spec.swap_roles, spec.variant, options);

  Program p;
  p.start = spec.start;
  p.swap_roles = spec.swap_roles;
  p.variant = spec.variant;
  p.ops.push_back(NetworkOp{NetworkKind::Partition});
  std::optional<Time> last;
  auto flush = [&] {
    for (const Pending& d : pending) {
      if (d.index <= world.cut_at()) continue;
      if (last) emit_wait(p, d.at - *last);
      last = d.at;
      p.ops.push_back(d.op);
    }
    pending.clear();
  };
  flush();
  if (!last) last = world.loop().now();
  for (const Step& step : spec.script) {
    if (step.who == Step::Who::Peer) {
      ApiOp call = std::get<ApiOp>(step.op);
      call.side = from;
      world.apply(call);
      flush();
      continue;
    }
    if (step.who == Step::Who::Both) {
      ApiCall call = std::get<ApiOp>(step.op).call;
      emit_wait(p, world.loop().now() - *last);
      last = world.loop().now();
      p.ops.push_back(ApiOp{spec.target, call});
      invoke(world.engine(spec.target), call);
      invoke(world.engine(from), call);
      world.settle();
      flush();
      continue;
    }
    Op op = step.op;
    if (auto* api = std::get_if<ApiOp>(&op)) api->side = spec.target;
    if (auto* k = std::get_if<KernelOp>(&op)) k->side = spec.target;
    if (std::holds_alternative<TimeOp>(op)) {
      world.apply(op);
      flush();
      emit_wait(p, world.loop().now() - *last);
      last = world.loop().now();
      continue;
    }
    emit_wait(p, world.loop().now() - *last);
    last = world.loop().now();
    p.ops.push_back(op);
    world.apply(op);
    flush();
  }
  return p;
}

namespace {

KernelOp kernel(KernelKind kind, uint8_t a = 0, uint8_t b = 0, uint8_t c = 0, uint8_t d = 0,
                uint8_t e = 0) {
  KernelOp k;
  k.kind = kind;
  k.a = a, k.b = b, k.c = c, k.d = d, k.e = e;
  return k;
}

Step api(ApiCall call) { return target(ApiOp{Side::Initiator, call}); }

// The life of an IKE SA as the responder sees it: initiation, Child SA rekey, IKE SA rekey,
// a second Child SA, deletes.
std::vector<Step> responder_life() {
  return {peer(ApiCall::Initiate),      wait_ms(1000), peer(ApiCall::RekeyChild),
          wait_ms(3000),                peer(ApiCall::RekeyIke), wait_ms(1000),
          peer(ApiCall::Initiate),      wait_ms(1000), peer(ApiCall::TerminateChild),
          wait_ms(1000),                peer(ApiCall::TerminateIke), wait_ms(1000)};
}

}  // namespace

std::vector<SeedSpec> seed_specs() {
  const std::string R = "responder ";
  const std::string I = "initiator ";
  std::vector<SeedSpec> specs;

  // The responder from the first IKE_SA_INIT on, in every configuration variant.
  const std::pair<const char*, uint8_t> variants[] = {
      {"", 0},
      {"-fragments", variant::kFragments},
      {"-cbc", variant::kCbcFirst},
      {"-pfs", variant::kPfsFirst},
      {"-transport", variant::kTransport},
      {"-cookies", variant::kCookies},
      {"-childless", variant::kChildless},
      {"-dpd", variant::kDpd},
  };
  for (auto [suffix, v] : variants) {
    SeedSpec s;
    s.name = std::string("fresh-responder-life") + suffix;
    s.start = StartState::FreshResponder;
    s.variant = v;
    s.target = Side::Responder;
    s.script = responder_life();
    s.expect = {R + "IKE ESTABLISHED", R + "IKE REKEYED"};
    if (!(v & variant::kChildless)) s.expect.push_back(R + "CHILD REKEYED");
    specs.push_back(s);
  }
  {
    SeedSpec s;
    s.name = "fresh-responder-life-swapped";
    s.start = StartState::FreshResponder;
    s.swap_roles = true;
    s.target = Side::Responder;
    s.script = responder_life();
    s.expect = {R + "IKE ESTABLISHED", R + "CHILD REKEYED", R + "IKE REKEYED"};
    specs.push_back(s);
  }

  // The initiator whose IKE_SA_INIT request was lost, answered at last.
  {
    SeedSpec s;
    s.name = "init-sent-answered";
    s.start = StartState::InitSent;
    s.target = Side::Initiator;
    s.script = {wait_ms(500), api(ApiCall::RekeyChild), wait_ms(3000), api(ApiCall::RekeyIke),
                wait_ms(1000), api(ApiCall::TerminateIke), wait_ms(1000)};
    s.expect = {I + "IKE ESTABLISHED", I + "CHILD REKEYED", I + "IKE REKEYED"};
    specs.push_back(s);
  }
  for (auto [suffix, v] : {std::pair<const char*, uint8_t>{"-fragments", variant::kFragments},
                          std::pair<const char*, uint8_t>{"-cbc-pfs",
                                                          variant::kCbcFirst | variant::kPfsFirst}}) {
    SeedSpec s;
    s.name = std::string("init-sent-answered") + suffix;
    s.start = StartState::InitSent;
    s.variant = v;
    s.target = Side::Initiator;
    s.script = {wait_ms(500), api(ApiCall::RekeyChild), wait_ms(3000)};
    s.expect = {I + "IKE ESTABLISHED", I + "CHILD REKEYED"};
    specs.push_back(s);
  }

  // The half-open responder receiving the IKE_AUTH request.
  {
    SeedSpec s;
    s.name = "init-answered-auth";
    s.start = StartState::InitAnswered;
    s.target = Side::Responder;
    s.script = {wait_ms(500), peer(ApiCall::RekeyIke), wait_ms(1000),
                peer(ApiCall::TerminateChild), wait_ms(1000)};
    s.expect = {R + "IKE ESTABLISHED", R + "IKE REKEYED"};
    specs.push_back(s);
  }

  // Established: the peer (the initiator) acts on the responder.
  {
    SeedSpec s;
    s.name = "established-peer-acts";
    s.start = StartState::Established;
    s.target = Side::Responder;
    s.script = {peer(ApiCall::RekeyChild), wait_ms(3000), peer(ApiCall::RekeyIke), wait_ms(1000),
                peer(ApiCall::TerminateChild), wait_ms(1000), peer(ApiCall::Initiate),
                wait_ms(1000), peer(ApiCall::TerminateIke), wait_ms(1000)};
    s.expect = {R + "CHILD REKEYED", R + "IKE REKEYED", R + "CHILD DELETED"};
    specs.push_back(s);
  }
  // ... and the responder acts on the initiator.
  {
    SeedSpec s;
    s.name = "established-responder-acts";
    s.start = StartState::Established;
    s.target = Side::Initiator;
    s.script = {peer(ApiCall::RekeyChild), wait_ms(3000), peer(ApiCall::RekeyIke), wait_ms(1000),
                peer(ApiCall::Initiate), wait_ms(1000), peer(ApiCall::TerminateChild),
                wait_ms(1000), peer(ApiCall::TerminateIke), wait_ms(1000)};
    s.expect = {I + "CHILD REKEYED", I + "IKE REKEYED"};
    specs.push_back(s);
  }
  // The target's own requests, answered.
  {
    SeedSpec s;
    s.name = "established-target-acts";
    s.start = StartState::Established;
    s.target = Side::Initiator;
    s.script = {api(ApiCall::RekeyChild), wait_ms(3000), api(ApiCall::RekeyIke), wait_ms(1000),
                api(ApiCall::Initiate), wait_ms(1000), api(ApiCall::TerminateChild),
                wait_ms(1000), api(ApiCall::TerminateIke), wait_ms(1000)};
    s.expect = {I + "CHILD REKEYED", I + "IKE REKEYED", I + "IKE DELETING"};
    specs.push_back(s);
  }
  // Lifetimes run out: rekeys by timer (and liveness checks in the dpd variant).
  for (uint8_t v : {uint8_t{0}, variant::kDpd}) {
    SeedSpec s;
    s.name = v ? "established-lifetimes-dpd" : "established-lifetimes";
    s.start = StartState::Established;
    s.variant = v;
    s.target = Side::Responder;
    s.script = {wait_ms(60000), wait_ms(60000), wait_ms(60000)};
    s.expect = {R + "CHILD REKEYED", R + "IKE REKEYED"};
    specs.push_back(s);
  }
  // Collisions (RFC 7296 §2.8.1, §1.4.1): both ends at once.
  for (ApiCall call : {ApiCall::RekeyChild, ApiCall::RekeyIke, ApiCall::TerminateChild,
                       ApiCall::TerminateIke}) {
    static const char* kNames[] = {"", "child-rekey", "ike-rekey", "child-delete", "ike-delete"};
    SeedSpec s;
    s.name = std::string("established-collision-") + kNames[static_cast<size_t>(call)];
    s.start = StartState::Established;
    s.target = Side::Initiator;
    s.script = {both(call), wait_ms(3000), wait_ms(10000)};
    specs.push_back(s);
  }
  // Kernel events on the target: soft expire (rekey), hard expire (delete), a refused
  // install during a rekey, a spurious expire.
  {
    SeedSpec s;
    s.name = "established-kernel-events";
    s.start = StartState::Established;
    s.target = Side::Initiator;
    s.script = {target(kernel(KernelKind::SoftExpire, 0, 1)), wait_ms(3000),
                target(kernel(KernelKind::AddFault, 1 /* add-sa */, 0, 1, 0, 0)),
                api(ApiCall::RekeyChild), wait_ms(3000),
                target(kernel(KernelKind::ClearFaults)),
                target(kernel(KernelKind::SpuriousExpire, 1)),
                target(kernel(KernelKind::HardExpire, 0, 1)), wait_ms(3000)};
    s.expect = {I + "CHILD REKEYED", I + "CHILD DELETING"};
    specs.push_back(s);
  }

  // An exchange outstanding at the start.
  {
    SeedSpec s;
    s.name = "child-rekeying-answered";
    s.start = StartState::ChildRekeying;
    s.target = Side::Initiator;
    s.script = {wait_ms(3000), wait_ms(1000)};
    s.expect = {I + "CHILD REKEYED"};
    specs.push_back(s);
  }
  {
    SeedSpec s;
    s.name = "ike-rekeying-answered";
    s.start = StartState::IkeRekeying;
    s.target = Side::Initiator;
    s.script = {wait_ms(1000), api(ApiCall::RekeyChild), wait_ms(3000)};
    s.expect = {I + "IKE REKEYED", I + "CHILD REKEYED"};
    specs.push_back(s);
  }
  {
    SeedSpec s;
    s.name = "deleting-answered";
    s.start = StartState::Deleting;
    s.target = Side::Initiator;
    s.script = {wait_ms(1000), api(ApiCall::Initiate), wait_ms(1000)};
    s.expect = {I + "IKE DELETING", I + "IKE DESTROYING"};
    specs.push_back(s);
  }
  {
    SeedSpec s;
    s.name = "deleting-swapped";
    s.start = StartState::Deleting;
    s.swap_roles = true;
    s.target = Side::Initiator;
    s.script = {wait_ms(1000)};
    s.expect = {I + "IKE DESTROYING"};
    specs.push_back(s);
  }
  return specs;
}

namespace {

Program program(StartState start, std::vector<Op> ops, uint8_t v = 0) {
  Program p;
  p.start = start;
  p.variant = v;
  p.ops = std::move(ops);
  return p;
}

Target to(Side side, PortMode port = PortMode::Ike500) { return Target{side, port, 0}; }

// A Notify payload (RFC 7296 §3.10) without SPI, followed by a payload of type `next`.
Bytes notify(uint16_t type, uint8_t next = 0) {
  wire::Writer w;
  w.u8(next);
  w.u8(0);
  w.u16(8);
  w.u8(0);  // protocol: none
  w.u8(0);  // SPI size
  w.u16(type);
  return std::move(w).finish().value_or(Bytes{});
}

// An IKE header alone (RFC 7296 §3.1): an IKE_SA_INIT request with no payloads.
Bytes bare_header() {
  wire::Writer w;
  w.u64(0x0102030405060708);
  w.u64(0);
  w.u8(0);
  w.u8(0x20);
  w.u8(34);
  w.u8(0x08);
  w.u32(0);
  w.u32(28);
  return std::move(w).finish().value_or(Bytes{});
}

}  // namespace

std::vector<std::pair<std::string, Program>> synthetic_programs() {
  std::vector<std::pair<std::string, Program>> out;
  const auto I = Side::Initiator;
  const auto R = Side::Responder;
  out.emplace_back("established-replays",
                   program(StartState::Established,
                           {ApiOp{I, ApiCall::RekeyChild}, ReplayOp{0, 3, 40, 0x10},
                            ReplayOp{1, 0, 0, 0}, ReplayOp{3, 2, 0, 0}, TimeOp{3000},
                            ReplayOp{0, 1, 0, 0x20}, TimeOp{0x8000 + 10}}));
  out.emplace_back("established-lossy-network",
                   program(StartState::Established,
                           {NetworkOp{NetworkKind::Impair, 100, 80, 80, 5},
                            ApiOp{I, ApiCall::RekeyChild}, TimeOp{0x8000 + 30},
                            ApiOp{R, ApiCall::RekeyIke}, TimeOp{0x8000 + 60},
                            NetworkOp{NetworkKind::Clear}, TimeOp{0x8000 + 60}}));
  out.emplace_back("established-host-down",
                   program(StartState::Established,
                           {NetworkOp{NetworkKind::HostUp, 1, 0}, ApiOp{I, ApiCall::RekeyIke},
                            TimeOp{0x8000 + 40}, NetworkOp{NetworkKind::HostUp, 1, 1},
                            ApiOp{I, ApiCall::Initiate}, TimeOp{0x8000 + 5}},
                           variant::kDpd));
  out.emplace_back("init-sent-timeout",
                   program(StartState::InitSent,
                           {TimeOp{0x8000 + 30}, NetworkOp{NetworkKind::Heal}, TimeOp{0x8000 + 20},
                            ApiOp{I, ApiCall::RekeyChild}, TimeOp{0x8000 + 5}}));
  out.emplace_back("init-answered-half-open-timeout",
                   program(StartState::InitAnswered,
                           {TimeOp{0x8000 + 40}, NetworkOp{NetworkKind::Heal}, TimeOp{0x8000 + 20}},
                           variant::kCookies));
  {
    std::vector<Op> ops;
    for (uint8_t op = 0; op < 6; ++op)
      for (Side side : {I, R}) {
        KernelOp k;
        k.side = side;
        k.kind = KernelKind::AddFault;
        k.a = op;
        k.b = 2;  // the second matching call
        k.c = 1;
        k.d = op;
        ops.push_back(k);
      }
    for (ApiCall c : {ApiCall::RekeyChild, ApiCall::RekeyIke, ApiCall::Initiate,
                      ApiCall::RekeyChild, ApiCall::TerminateChild, ApiCall::TerminateIke}) {
      ops.push_back(ApiOp{I, c});
      ops.push_back(TimeOp{0x8000 + 3});
    }
    out.emplace_back("established-kernel-faults", program(StartState::Established, ops));
  }
  {
    // Junk on the NAT-T port: a keepalive, ESP, a truncated marker; then a header alone.
    Bytes header = bare_header();
    out.emplace_back("fresh-responder-junk",
                     program(StartState::FreshResponder,
                             {RawOp{to(R, PortMode::Raw4500), Bytes{0xff}},
                              RawOp{to(R, PortMode::Raw4500), Bytes{0, 0, 0x12, 0x34, 0, 0, 0, 1, 9}},
                              RawOp{to(R, PortMode::Raw4500), Bytes{0, 0, 0}},
                              RawOp{to(R, PortMode::Natt4500), header},
                              RawOp{to(R, PortMode::Ike500), header}}));
  }
  {
    // Hand-made inner payloads: informational notifies, an unknown critical payload, a
    // fragmented Delete of the IKE SA (RFC 7383) in two SKF fragments.
    Bytes del{0, 0, 0, 8, 1, 0, 0, 0};  // Delete: protocol IKE, SPI size 0, no SPIs
    SealedOp frag1;
    frag1.at = to(R);
    frag1.exchange = 37;
    frag1.first_payload = 42;
    frag1.fragment = std::make_pair(uint8_t{1}, uint8_t{2});
    frag1.chain = Bytes(del.begin(), del.begin() + 4);
    SealedOp frag2 = frag1;
    frag2.first_payload = 0;
    frag2.fragment = std::make_pair(uint8_t{2}, uint8_t{2});
    frag2.chain = Bytes(del.begin() + 4, del.end());
    SealedOp status;
    status.at = to(R);
    status.exchange = 37;
    status.first_payload = 41;
    status.chain = notify(16384 /* INITIAL_CONTACT */);
    SealedOp critical = status;
    critical.chain = notify(16384, 200);  // then an unknown payload type 200, critical
    append(critical.chain, Bytes{0, 0x80, 0, 4});
    SealedOp auth_failed = status;
    auth_failed.chain = notify(24 /* AUTHENTICATION_FAILED */);
    out.emplace_back("established-hand-made-informational",
                     program(StartState::Established,
                             {NetworkOp{NetworkKind::Partition}, status, critical, frag1, frag2,
                              auth_failed, TimeOp{0x8000 + 5}},
                             variant::kFragments));
  }
  return out;
}

}  // namespace ikesuite::ikev2::fuzz
