// The timeline: actions, and the time specifications (instants, windows, event references)
// that actions and expectations share.
#include <algorithm>

#include "harness/scenario/builder.h"
#include "harness/scenario/catalogue.h"
#include "harness/scenario/values.h"

namespace ikesuite::harness::detail {

namespace {

constexpr std::string_view kActionCommon[] = {"action", "id", "description", "at"};

std::optional<SaOp> parse_sa_op(const std::string& s) {
  static constexpr std::pair<std::string_view, SaOp> kOps[] = {
      {"alloc-spi", SaOp::kAllocSpi},   {"add-sa", SaOp::kAddSa},
      {"update-sa", SaOp::kUpdateSa},   {"delete-sa", SaOp::kDeleteSa},
      {"add-policy", SaOp::kAddPolicy}, {"delete-policy", SaOp::kDeletePolicy},
      {"expire-soft", SaOp::kExpireSoft}, {"expire-hard", SaOp::kExpireHard}};
  for (const auto& [n, v] : kOps)
    if (n == s) return v;
  return std::nullopt;
}

std::optional<Direction> parse_direction(const std::string& s) {
  if (s == "in") return Direction::kIn;
  if (s == "out") return Direction::kOut;
  if (s == "fwd") return Direction::kFwd;
  if (s == "both") return Direction::kBoth;
  return std::nullopt;
}

}  // namespace

// ---- references to hosts and connections ------------------------------------------------

const Host* Builder::host_ref(const json& obj, const std::string& pointer, const char* key) {
  auto name = get_string(obj, key);
  if (!name) return nullptr;
  if (const Host* h = sc_.find_host(*name)) return h;
  std::vector<std::string> names;
  for (const auto& h : sc_.hosts) names.push_back(h.name);
  out_.value_error(json_pointer_append(pointer, key), "unknown host '" + *name + "'" + did_you_mean(*name, names));
  return nullptr;
}

const Connection* Builder::conn_ref(const Host* host, const json& obj, const std::string& pointer,
                                    bool must_be_loaded) {
  auto name = get_string(obj, "conn");
  if (!name || !host) return nullptr;
  std::string cp = json_pointer_append(pointer, "conn");
  const Connection* c = host->find_conn(*name);
  if (!c) {
    std::vector<std::string> names;
    for (const auto& x : host->conns) names.push_back(x.name);
    out_.value_error(cp, "host '" + host->name + "' has no conn '" + *name + "'" + did_you_mean(*name, names));
    return nullptr;
  }
  if (must_be_loaded && c->auto_action == AutoAction::kIgnore)
    out_.value_error(cp, "conn '" + *name + "' has auto=ignore" +
                             std::string(c->key_source("auto") ? "" : " (the default)") +
                             ", so it is not loaded: set \"auto\": \"add\"");
  return c;
}

// ---- time -------------------------------------------------------------------------------

std::optional<EventRef> Builder::event_ref(const json& v, const std::string& pointer) {
  EventRef ref;
  ref.src = src(pointer);
  if (v.is_string()) {
    ref.kind = EventRef::Kind::kExpectation;  // resolved to an action or expectation later
    ref.id = v.get<std::string>();
    bare_refs_.insert(pointer);
    return ref;
  }
  if (!v.is_object()) return std::nullopt;
  auto p = [&](std::string_view key) { return json_pointer_append(pointer, key); };
  static constexpr std::string_view kKinds[] = {"expectation", "action", "ike_state", "child_state", "sa_event", "log"};
  std::vector<std::string> present;
  for (auto k : kKinds)
    if (get(v, k)) present.emplace_back(k);
  if (present.empty()) {
    out_.error(pointer, "an event names one of: expectation, action, ike_state, child_state, sa_event, log");
    return std::nullopt;
  }
  if (present.size() > 1) {
    out_.error(pointer, "an event names one thing, got both '" + present[0] + "' and '" + present[1] + "'");
    return std::nullopt;
  }
  const std::string& kind = present[0];
  bool by_id = kind == "expectation" || kind == "action";
  std::vector<std::string_view> allowed;
  if (by_id) {
    allowed = {"nth"};
  } else if (kind == "sa_event") {
    allowed = {"host", "conn", "direction", "nth"};
  } else if (kind == "log") {
    allowed = {"host", "nth"};
  } else {
    allowed = {"host", "conn", "nth"};
  }
  allowed.push_back(kind);
  check_applicable(v, pointer, allowed, {}, "an event of kind '" + kind + "'");
  if (auto n = get_uint(v, "nth")) ref.nth = static_cast<uint32_t>(std::max<uint64_t>(1, *n));
  if (by_id) {
    ref.kind = kind == "action" ? EventRef::Kind::kAction : EventRef::Kind::kExpectation;
    if (auto id = get_string(v, kind)) ref.id = *id;
    return ref;
  }
  const Host* host = host_ref(v, pointer);
  if (!get(v, "host")) {
    out_.error(pointer, "an event of kind '" + kind + "' needs \"host\"");
    return std::nullopt;
  }
  if (host) ref.host = host->name;
  if (get(v, "conn")) {
    if (const Connection* c = conn_ref(host, v, pointer, false)) ref.conn = c->name;
  }
  if (kind == "ike_state" || kind == "child_state") {
    ref.kind = kind == "ike_state" ? EventRef::Kind::kIkeState : EventRef::Kind::kChildState;
    if (auto s = get_string(v, kind)) {
      ref.state = *s;
      bool ok = kind == "ike_state" ? is_ike_state(*s) : is_child_state(*s);
      if (!ok) {
        auto names = kind == "ike_state" ? ike_state_names() : child_state_names();
        std::vector<std::string> list(names.begin(), names.end());
        std::string all;
        for (const auto& n : list) all += (all.empty() ? "" : ", ") + n;
        std::string hint = state_hint(*s, kind == "ike_state");
        out_.value_error(p(kind), "'" + *s + "' is not " + (kind == "ike_state" ? "an IKE SA" : "a Child SA") +
                                      " state" + (hint.empty() ? " (states: " + all + ")" : hint));
      }
    }
  } else if (kind == "sa_event") {
    ref.kind = EventRef::Kind::kSaEvent;
    if (auto s = get_string(v, "sa_event"))
      if (auto op = parse_sa_op(*s)) ref.op = *op;
    if (auto d = get_string(v, "direction")) ref.direction = parse_direction(*d);
  } else {
    ref.kind = EventRef::Kind::kLog;
    if (auto s = get_string(v, "log")) {
      ref.regex = *s;
      compile_regex(*s, p("log"), nullptr);
    }
  }
  return ref;
}

std::optional<Instant> Builder::instant(const json& v, const std::string& pointer) {
  Instant at;
  at.src = src(pointer);
  if (v.is_number() || v.is_string()) {
    auto d = duration(v, pointer);
    if (!d) return std::nullopt;
    at.offset = *d;
    return at;
  }
  if (!v.is_object()) return std::nullopt;
  if (get(v, "min") || get(v, "max")) {
    out_.error(pointer, "this is a point in time: a number of seconds, or {\"after\": <event>, \"delay\": ...}, not a "
                        "window with min/max");
    return std::nullopt;
  }
  const json* after = get(v, "after");
  if (!after) {
    out_.error(pointer, "a point in time given as an object needs \"after\": <event> (and optionally \"delay\")");
    return std::nullopt;
  }
  auto ref = event_ref(*after, json_pointer_append(pointer, "after"));
  if (!ref) return std::nullopt;
  at.after = std::move(*ref);
  if (const json* d = get(v, "delay"))
    if (auto dd = duration(*d, json_pointer_append(pointer, "delay"))) at.offset = *dd;
  return at;
}

std::optional<Window> Builder::window(const json& v, const std::string& pointer) {
  if (v.is_number() || v.is_string()) {
    out_.error(pointer, "this is a window of time: {\"min\": ..., \"max\": ...}, optionally \"after\" an event");
    return std::nullopt;
  }
  if (!v.is_object()) return std::nullopt;
  Window w;
  w.src = src(pointer);
  if (get(v, "delay")) {
    out_.key_error(json_pointer_append(pointer, "delay"),
                   "a window has \"min\" and \"max\" (\"delay\" is for actions and sa_table)");
    return std::nullopt;
  }
  const json* min = get(v, "min");
  const json* max = get(v, "max");
  if (!min && !max && !get(v, "before")) {
    out_.error(pointer, "a window needs \"min\", \"max\" and/or \"before\"");
    return std::nullopt;
  }
  if (const json* before = get(v, "before")) {
    auto ref = event_ref(*before, json_pointer_append(pointer, "before"));
    if (!ref) return std::nullopt;
    w.before = std::move(*ref);
  }
  if (min)
    if (auto d = duration(*min, json_pointer_append(pointer, "min"))) w.min = *d;
  if (max)
    if (auto d = duration(*max, json_pointer_append(pointer, "max"))) w.max = *d;
  if (w.max && w.min > *w.max) {
    out_.error(json_pointer_append(pointer, "min"), "the window's min " + describe_duration(w.min) + " is after its max " + describe_duration(*w.max));
    return std::nullopt;
  }
  if (const json* after = get(v, "after")) {
    auto ref = event_ref(*after, json_pointer_append(pointer, "after"));
    if (!ref) return std::nullopt;
    w.after = std::move(*ref);
  } else if (w.min > sc_.duration && sc_.duration.count() > 0) {
    out_.error(json_pointer_append(pointer, "min"), "the window opens at " + describe_duration(w.min) + ", after the scenario ends (duration " +
                                                        describe_duration(sc_.duration) + ")");
  }
  return w;
}

// ---- actions ----------------------------------------------------------------------------

void Builder::build_timeline() {
  const json* timeline = get(doc_, "timeline");
  if (!timeline || !timeline->is_array()) return;
  for (size_t i = 0; i < timeline->size(); ++i) {
    std::string ap = json_pointer_append("/timeline", i);
    Action a;
    a.src = src(ap);
    const json& obj = (*timeline)[i];
    if (!obj.is_object()) continue;
    auto kind_name = get_string(obj, "action");
    auto kind = kind_name ? parse_action_kind(*kind_name) : std::nullopt;
    if (!kind) continue;  // the schema reports it
    a.kind = *kind;
    build_action(a, obj, ap);
    sc_.timeline.push_back(std::move(a));
  }
}

void Builder::build_action(Action& a, const json& obj, const std::string& pointer) {
  auto p = [&](std::string_view key) { return json_pointer_append(pointer, key); };
  std::string what = "action '" + get_string(obj, "action").value_or("?") + "'";
  check_applicable(obj, pointer, action_keys(a.kind), kActionCommon, what);
  if (auto id = get_string(obj, "id")) {
    a.id = *id;
    declare_id(*id, p("id"), IdInfo::Kind::kAction, what);
  }
  if (auto d = get_string(obj, "description")) a.description = *d;
  if (const json* at = get(obj, "at")) {
    if (auto i = instant(*at, p("at"))) {
      a.at = std::move(*i);
      if (a.at.absolute() && sc_.duration.count() > 0 && a.at.offset > sc_.duration)
        out_.error(p("at"), "at " + describe_duration(a.at.offset) + " is after the scenario ends (duration " +
                                describe_duration(sc_.duration) + ")");
    }
  } else {
    out_.error(pointer, what + " needs \"at\": seconds from the start, or {\"after\": <event>, \"delay\": ...}");
  }

  const Host* host = host_ref(obj, pointer);
  if (host) a.host = host->name;
  auto ref_only = [&](const char* doing) {
    if (host && host->implementation != Implementation::kRef)
      out_.value_error(p("host"), "only ref hosts can " + std::string(doing) + "; host '" + host->name + "' runs " +
                                      std::string(name(host->implementation)));
  };

  switch (a.kind) {
    case ActionKind::kInitiate: {
      const Connection* c = conn_ref(host, obj, pointer, true);
      if (c) {
        a.conn = c->name;
        if (!c->right.address)
          out_.value_error(p("conn"), "conn '" + c->name + "' has right=" + c->right.address_text +
                                          ": there is no peer to initiate to");
      }
      if (auto v = get_bool(obj, "ike_only")) {
        a.ike_only = *v;
        if (*v && c && c->version == IkeVersion::kV1)
          out_.value_error(p("ike_only"), "an IKE SA without a Child SA (RFC 6023) is IKEv2 only; conn '" + c->name +
                                              "' is IKEv1");
      }
      break;
    }
    case ActionKind::kRekey:
    case ActionKind::kTerminate: {
      if (const Connection* c = conn_ref(host, obj, pointer, true)) a.conn = c->name;
      a.sa = a.kind == ActionKind::kRekey ? SaKind::kChild : SaKind::kIke;
      if (auto s = get_string(obj, "sa")) {
        if (*s == "ike") a.sa = SaKind::kIke;
        if (*s == "child") a.sa = SaKind::kChild;
      }
      break;
    }
    case ActionKind::kFault: {
      ref_only("inject SA backend faults");
      if (auto op = get_string(obj, "op"))
        if (auto o = parse_sa_op(*op)) a.fault.op = *o;
      if (auto n = get_uint(obj, "nth")) a.fault.nth = static_cast<uint32_t>(std::max<uint64_t>(1, *n));
      if (const json* t = get(obj, "times")) {
        if (t->is_string() && t->get<std::string>() == "always") a.fault.times = 0;
        if (t->is_number_integer() && t->get<int64_t>() >= 1) a.fault.times = static_cast<uint32_t>(t->get<int64_t>());
      }
      if (auto pr = get_string(obj, "protocol")) a.fault.protocol = *pr == "ah" ? IpsecProtocol::kAh : IpsecProtocol::kEsp;
      if (auto d = get_string(obj, "direction")) {
        a.fault.direction = parse_direction(*d);
        bool policy = a.fault.op == SaOp::kAddPolicy || a.fault.op == SaOp::kDeletePolicy;
        if (a.fault.op == SaOp::kAllocSpi)
          out_.value_error(p("direction"), "alloc-spi is always for an inbound SA; 'direction' does not apply");
        else if (a.fault.direction == Direction::kBoth)
          out_.value_error(p("direction"), "a fault matches one direction (in or out); omit it to match both");
        else if (!policy && a.fault.direction == Direction::kFwd)
          out_.value_error(p("direction"), "SAs are in or out; fwd exists for policies only");
      }
      if (a.fault.protocol && (a.fault.op == SaOp::kAddPolicy || a.fault.op == SaOp::kDeletePolicy))
        out_.value_error(p("protocol"), "'protocol' selects SAs; policy operations do not have one");
      if (const json* e = get(obj, "errno")) {
        if (e->is_number_integer()) {
          a.fault.err = static_cast<int>(e->get<int64_t>());
          a.fault.err_name = errno_name(a.fault.err);
        } else if (e->is_string()) {
          auto err = parse_errno(e->get<std::string>());
          if (!err.ok()) {
            out_.value_error(p("errno"), err.error().reason());
          } else {
            a.fault.err = *err;
            a.fault.err_name = errno_name(*err);
          }
        }
      }
      break;
    }
    case ActionKind::kImpair: {
      int targets = (get(obj, "between") ? 1 : 0) + (get(obj, "from") || get(obj, "to") ? 1 : 0) +
                    (get_bool(obj, "default").value_or(false) ? 1 : 0);
      if (targets != 1) {
        out_.error(pointer, "impair changes one path: give \"between\": [a, b], or \"from\" and \"to\", or \"default\": true");
      } else if (get_bool(obj, "default").value_or(false)) {
        a.link_default = true;
      } else if (const json* b = get(obj, "between"); b && b->is_array() && b->size() == 2) {
        for (size_t i = 0; i < 2; ++i) {
          if (!(*b)[i].is_string()) continue;
          std::string h = (*b)[i].get<std::string>();
          if (!sc_.find_host(h)) {
            std::vector<std::string> names;
            for (const auto& x : sc_.hosts) names.push_back(x.name);
            out_.value_error(json_pointer_append(p("between"), i), "unknown host '" + h + "'" + did_you_mean(h, names));
          }
          (i == 0 ? a.link_a : a.link_b) = h;
        }
      } else {
        auto from = get_string(obj, "from"), to = get_string(obj, "to");
        if (!from || !to) {
          out_.error(pointer, "a one-way impairment needs both \"from\" and \"to\"");
        } else {
          for (auto [key, field] : {std::pair<const char*, std::string*>{"from", &a.link_a}, {"to", &a.link_b}}) {
            std::string h = get_string(obj, key).value_or("");
            if (!sc_.find_host(h)) {
              std::vector<std::string> names;
              for (const auto& x : sc_.hosts) names.push_back(x.name);
              out_.value_error(p(key), "unknown host '" + h + "'" + did_you_mean(h, names));
            }
            *field = h;
          }
          a.link_bidirectional = false;
        }
      }
      if (!a.link_default && !a.link_a.empty() && a.link_a == a.link_b)
        out_.error(pointer, "a path joins two different hosts");
      parse_link_params(obj, pointer, a.link);
      if (a.link.empty()) out_.error(pointer, "impair needs at least one of loss, duplicate, reorder, delay, jitter, mtu, down");
      break;
    }
    case ActionKind::kPartition:
    case ActionKind::kHeal: {
      if (const json* b = get(obj, "between"); b && b->is_array() && b->size() == 2) {
        for (size_t i = 0; i < 2; ++i) {
          if (!(*b)[i].is_string()) continue;
          std::string h = (*b)[i].get<std::string>();
          if (!sc_.find_host(h)) {
            std::vector<std::string> names;
            for (const auto& x : sc_.hosts) names.push_back(x.name);
            out_.value_error(json_pointer_append(p("between"), i), "unknown host '" + h + "'" + did_you_mean(h, names));
          }
          (i == 0 ? a.link_a : a.link_b) = h;
        }
        if (!a.link_a.empty() && a.link_a == a.link_b) out_.error(p("between"), "a partition separates two different hosts");
      }
      break;
    }
    case ActionKind::kFlood: {
      if (auto c = get_uint(obj, "count")) a.flood.count = static_cast<uint32_t>(std::min<uint64_t>(*c, 0xffffffffu));
      if (auto r = get_number(obj, "rate")) a.flood.rate = *r;
      if (auto s = get_string(obj, "sources")) {
        auto sub = Subnet::parse(*s);
        if (!sub.ok()) {
          out_.value_error(p("sources"), sub.error().reason());
        } else {
          a.flood.sources = *sub;
          if (host && !host->addresses.empty() &&
              std::none_of(host->addresses.begin(), host->addresses.end(),
                           [&](const IpAddress& x) { return x.family() == sub->addr.family(); }))
            out_.value_error(p("sources"), "host '" + host->name + "' has no address of this family to flood");
        }
      }
      if (auto ike = get_string(obj, "ike")) {
        a.flood.ike = *ike;
        for (const auto& prop : split_proposals(*ike, p("ike"), out_)) {
          auto st = check_proposal(ProposalKind::kIke, IkeVersion::kV2, prop);
          if (!st.ok()) out_.value_error(p("ike"), st.error().reason());
        }
      }
      if (auto port = get_uint(obj, "port")) a.flood.port = static_cast<uint16_t>(*port);
      if (a.flood.rate > 0 && sc_.duration.count() > 0 && a.at.absolute()) {
        Duration takes = seconds(static_cast<double>(a.flood.count) / a.flood.rate);
        if (a.at.offset + takes > sc_.duration)
          out_.warning(pointer, "the flood needs " + describe_duration(takes) + " and is cut off by the end of the scenario");
      }
      break;
    }
    case ActionKind::kTraffic: {
      ref_only("account traffic on their SAs");
      if (const Connection* c = conn_ref(host, obj, pointer, true)) a.conn = c->name;
      if (auto b = get_uint(obj, "bytes")) a.traffic.bytes = *b;
      if (auto pk = get_uint(obj, "packets")) a.traffic.packets = *pk;
      if (auto d = get_string(obj, "direction")) {
        if (auto dir = parse_direction(*d)) {
          if (*dir == Direction::kFwd) {
            out_.value_error(p("direction"), "traffic is in, out or both");
          } else {
            a.traffic.direction = *dir;
          }
        }
      }
      if (a.traffic.bytes == 0 && a.traffic.packets == 0)
        out_.error(pointer, "traffic needs \"bytes\" and/or \"packets\" above 0");
      break;
    }
    case ActionKind::kMisbehave: {
      ref_only("misbehave on purpose");
      const Connection* c = get(obj, "conn") ? conn_ref(host, obj, pointer, false) : nullptr;
      if (c) a.conn = c->name;
      if (auto cl = get_bool(obj, "clear")) a.clear = *cl;
      uint8_t version = c ? (c->version == IkeVersion::kV1 ? 1 : 2) : (speaks_v2_ || !speaks_v1_ ? 2 : 1);
      if (const json* arr = get(obj, "impair"); arr && arr->is_array()) {
        for (size_t i = 0; i < arr->size(); ++i) {
          std::string context = c ? "conn '" + c->name + "'" : "host '" + a.host + "'";
          if (auto imp = build_impairment((*arr)[i], json_pointer_append(p("impair"), i), version, context))
            a.impairments.push_back(std::move(*imp));
        }
      }
      if (a.impairments.empty() && !a.clear && !(get(obj, "impair") && get(obj, "impair")->is_array() && !get(obj, "impair")->empty()))
        out_.error(pointer, "misbehave needs \"impair\": [...] (or \"clear\": true to stop misbehaving)");
      break;
    }
    case ActionKind::kNote:
      if (auto t = get_string(obj, "text")) a.text = *t;
      break;
    case ActionKind::kStart:
    case ActionKind::kStop:
    case ActionKind::kRestart:
    case ActionKind::kClearFaults:
    case ActionKind::kHostDown:
    case ActionKind::kHostUp: break;
  }
  if (a.kind == ActionKind::kClearFaults) ref_only("have SA backend faults");
  if (a.kind == ActionKind::kStart && host && host->autostart && get(obj, "at") && a.at.absolute()) {
    // A host that starts by itself at 0 is already running unless something stopped it first.
    bool stopped_before = false;
    for (const auto& other : sc_.timeline)
      if (other.host == host->name && (other.kind == ActionKind::kStop || other.kind == ActionKind::kHostDown) &&
          other.at.absolute() && other.at.offset <= a.at.offset)
        stopped_before = true;
    if (!stopped_before)
      out_.error(pointer, "host '" + host->name + "' starts at 0 by itself: set \"autostart\": false on it, or stop it first");
  }
}

}  // namespace ikesuite::harness::detail
