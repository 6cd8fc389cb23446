#include "harness/refd/events_json.h"

#include <limits>
#include <type_traits>

namespace ikesuite::refd {
namespace {

using nlohmann::json;
using harness::run::BackendEvent;
using harness::run::BackendSnapshot;
using harness::run::EspKeys;
using harness::run::IkeKeys;
using harness::run::IkeSnapshot;
using harness::run::Ikev1Keys;
using harness::run::LogLine;
using harness::run::StateChange;

constexpr LogGroup kGroups[] = {LogGroup::kDmn, LogGroup::kMgr, LogGroup::kIke, LogGroup::kChd,
                                LogGroup::kJob, LogGroup::kCfg, LogGroup::kKnl, LogGroup::kNet,
                                LogGroup::kAsn, LogGroup::kEnc, LogGroup::kLib};
constexpr harness::SaOp kOps[] = {harness::SaOp::kAllocSpi,     harness::SaOp::kAddSa,
                                  harness::SaOp::kUpdateSa,     harness::SaOp::kDeleteSa,
                                  harness::SaOp::kAddPolicy,    harness::SaOp::kDeletePolicy,
                                  harness::SaOp::kExpireSoft,   harness::SaOp::kExpireHard};
constexpr harness::Direction kDirections[] = {harness::Direction::kIn, harness::Direction::kOut,
                                              harness::Direction::kFwd, harness::Direction::kBoth};
constexpr harness::IpsecProtocol kProtocols[] = {harness::IpsecProtocol::kEsp,
                                                 harness::IpsecProtocol::kAh};
constexpr sa::Protocol kSaProtocols[] = {sa::Protocol::ESP, sa::Protocol::AH};
constexpr sa::Mode kModes[] = {sa::Mode::Tunnel, sa::Mode::Transport};
constexpr sa::Direction kSaDirections[] = {sa::Direction::In, sa::Direction::Out,
                                           sa::Direction::Fwd};
constexpr sa::PolicyAction kActions[] = {sa::PolicyAction::Protect, sa::PolicyAction::Pass,
                                         sa::PolicyAction::Drop};
constexpr EventKind kKinds[] = {EventKind::kLog,       EventKind::kState,     EventKind::kBackend,
                                EventKind::kIkeKeys,   EventKind::kIkev1Keys, EventKind::kEspKeys,
                                EventKind::kInvariant, EventKind::kOverflow};

template <typename E, size_t N>
std::optional<E> by_name(std::string_view text, const E (&values)[N]) {
  for (E v : values)
    if (name(v) == text) return v;
  return std::nullopt;
}
template <typename E, size_t N>
std::optional<E> harness_by_name(std::string_view text, const E (&values)[N]) {
  for (E v : values)
    if (harness::name(v) == text) return v;
  return std::nullopt;
}
template <typename E, size_t N>
std::optional<E> sa_by_name(std::string_view text, const E (&values)[N]) {
  for (E v : values)
    if (sa::name(v) == text) return v;
  return std::nullopt;
}

std::string address_text(const IpAddress& a) { return a.empty() ? std::string() : a.to_string(); }
std::string subnet_text(const Subnet& s) { return s.addr.empty() ? std::string() : s.to_string(); }

// Reads the members of one object, each failure naming the object (`what`) and the member.
class Fields {
 public:
  Fields(const json& object, std::string what) : o_(object), what_(std::move(what)) {}

  Error bad(std::string_view key, std::string_view expected) const {
    return Error(ErrorCode::kMalformed, what_ + ": missing or invalid \"" + std::string(key) +
                                            "\" (" + std::string(expected) + ")");
  }
  bool has(const char* key) const { return o_.contains(key) && !o_[key].is_null(); }

  Result<std::string> str(const char* key) const {
    auto it = o_.find(key);
    if (it == o_.end() || !it->is_string()) return bad(key, "a string");
    return it->get<std::string>();
  }
  Result<bool> boolean(const char* key) const {
    auto it = o_.find(key);
    if (it == o_.end() || !it->is_boolean()) return bad(key, "true or false");
    return it->get<bool>();
  }
  template <typename T>
  Result<T> uint(const char* key) const {
    static_assert(std::is_unsigned_v<T>);
    auto it = o_.find(key);
    // Text parses non-negative numbers as unsigned; objects built in memory may hold them
    // as signed.
    if (it == o_.end() || !it->is_number_integer() ||
        (!it->is_number_unsigned() && it->get<int64_t>() < 0) ||
        it->get<uint64_t>() > std::numeric_limits<T>::max())
      return bad(key, "an integer from 0 to " + std::to_string(std::numeric_limits<T>::max()));
    return static_cast<T>(it->get<uint64_t>());
  }
  Result<int64_t> integer(const char* key) const {
    auto it = o_.find(key);
    if (it == o_.end() || !it->is_number_integer() ||
        (it->is_number_unsigned() &&
         it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())))
      return bad(key, "an integer");
    return it->get<int64_t>();
  }
  Result<Time> time(const char* key) const {
    TRY_ASSIGN(int64_t us, integer(key));
    if (us > std::numeric_limits<int64_t>::max() / 1000 ||
        us < std::numeric_limits<int64_t>::min() / 1000)
      return bad(key, "microseconds within range");
    return from_us(us);
  }
  Result<Bytes> hex(const char* key) const {
    TRY_ASSIGN(std::string text, str(key));
    auto bytes = from_hex(text);
    if (!bytes) return bad(key, "hex");
    return *bytes;
  }
  // "" is the empty address (a field that does not apply).
  Result<IpAddress> address(const char* key) const {
    TRY_ASSIGN(std::string text, str(key));
    if (text.empty()) return IpAddress{};
    auto a = IpAddress::parse(text);
    if (!a) return bad(key, "an IP address");
    return *a;
  }
  Result<Subnet> subnet(const char* key) const {
    TRY_ASSIGN(std::string text, str(key));
    if (text.empty()) return Subnet{};
    auto s = Subnet::parse(text);
    if (!s.ok()) return bad(key, "a subnet such as 10.1.0.0/16");
    return *s;
  }
  template <typename E, typename Lookup>
  Result<E> named(const char* key, Lookup lookup, std::string_view expected) const {
    TRY_ASSIGN(std::string text, str(key));
    auto v = lookup(text);
    if (!v) return bad(key, expected);
    return *v;
  }
  // An enum kept as its number, checked against the enum's underlying type only: unknown
  // transform IDs are legitimate (private use ranges) and pass through.
  template <typename E>
  Result<E> number(const char* key) const {
    TRY_ASSIGN(auto v, uint<std::underlying_type_t<E>>(key));
    return static_cast<E>(v);
  }
  Result<const json*> object(const char* key) const {
    auto it = o_.find(key);
    if (it == o_.end() || !it->is_object()) return bad(key, "an object");
    return &*it;
  }
  Result<const json*> array(const char* key) const {
    auto it = o_.find(key);
    if (it == o_.end() || !it->is_array()) return bad(key, "an array");
    return &*it;
  }

 private:
  const json& o_;
  std::string what_;
};

template <typename E>
auto number_of(E v) {
  return static_cast<std::underlying_type_t<E>>(v);
}

json selector_json(const sa::Selector& s) {
  return {{"src", subnet_text(s.src)},
          {"dst", subnet_text(s.dst)},
          {"ip_protocol", s.ip_protocol},
          {"src_port", s.src_port},
          {"dst_port", s.dst_port}};
}

Result<sa::Selector> parse_selector(const json& o, const std::string& what) {
  Fields f(o, what + " selector");
  sa::Selector s;
  TRY_ASSIGN(s.src, f.subnet("src"));
  TRY_ASSIGN(s.dst, f.subnet("dst"));
  TRY_ASSIGN(s.ip_protocol, f.uint<uint8_t>("ip_protocol"));
  TRY_ASSIGN(s.src_port, f.uint<uint16_t>("src_port"));
  TRY_ASSIGN(s.dst_port, f.uint<uint16_t>("dst_port"));
  return s;
}

auto sa_protocol_lookup = [](std::string_view t) { return sa_by_name(t, kSaProtocols); };
auto sa_mode_lookup = [](std::string_view t) { return sa_by_name(t, kModes); };
auto sa_direction_lookup = [](std::string_view t) { return sa_by_name(t, kSaDirections); };

json sa_entry_json(const sa::SaEntry& e) {
  const sa::SaSpec& s = e.spec;
  const sa::Lifetime& l = s.lifetime;
  json out{{"protocol", sa::name(s.key.protocol)},
           {"spi", s.key.spi},
           {"dst", address_text(s.key.dst)},
           {"src", address_text(s.src)},
           {"mode", sa::name(s.mode)},
           {"reqid", s.reqid},
           {"inbound", s.inbound},
           {"encr", number_of(s.encr)},
           {"encr_key", to_hex(s.encr_key)},
           {"integ", number_of(s.integ)},
           {"integ_key", to_hex(s.integ_key)},
           {"esn", s.esn},
           {"replay_window", s.replay_window},
           {"lifetime",
            {{"soft_add_seconds", l.soft_add_seconds},
             {"hard_add_seconds", l.hard_add_seconds},
             {"soft_bytes", l.soft_bytes},
             {"hard_bytes", l.hard_bytes},
             {"soft_packets", l.soft_packets},
             {"hard_packets", l.hard_packets},
             {"soft_use_seconds", l.soft_use_seconds},
             {"hard_use_seconds", l.hard_use_seconds}}},
           {"selector", selector_json(s.selector)},
           {"label", s.label},
           {"added_us", to_us(e.added)},
           {"bytes", e.bytes},
           {"packets", e.packets},
           {"soft_expired", e.soft_expired}};
  if (s.encap) out["encap"] = {{"src_port", s.encap->src_port}, {"dst_port", s.encap->dst_port}};
  if (e.first_use) out["first_use_us"] = to_us(*e.first_use);
  return out;
}

Result<sa::SaEntry> parse_sa_entry(const json& o) {
  if (!o.is_object()) return Error(ErrorCode::kMalformed, "backend SA: not an object");
  Fields f(o, "backend SA");
  sa::SaEntry e;
  sa::SaSpec& s = e.spec;
  TRY_ASSIGN(s.key.protocol, f.named<sa::Protocol>("protocol", sa_protocol_lookup, "ESP or AH"));
  TRY_ASSIGN(s.key.spi, f.uint<uint32_t>("spi"));
  TRY_ASSIGN(s.key.dst, f.address("dst"));
  TRY_ASSIGN(s.src, f.address("src"));
  TRY_ASSIGN(s.mode, f.named<sa::Mode>("mode", sa_mode_lookup, "TUNNEL or TRANSPORT"));
  TRY_ASSIGN(s.reqid, f.uint<uint32_t>("reqid"));
  TRY_ASSIGN(s.inbound, f.boolean("inbound"));
  TRY_ASSIGN(s.encr, f.number<v2::EncrId>("encr"));
  TRY_ASSIGN(s.encr_key, f.hex("encr_key"));
  TRY_ASSIGN(s.integ, f.number<v2::IntegId>("integ"));
  TRY_ASSIGN(s.integ_key, f.hex("integ_key"));
  TRY_ASSIGN(s.esn, f.boolean("esn"));
  TRY_ASSIGN(s.replay_window, f.uint<uint32_t>("replay_window"));
  TRY_ASSIGN(const json* life, f.object("lifetime"));
  Fields lf(*life, "backend SA lifetime");
  sa::Lifetime& l = s.lifetime;
  TRY_ASSIGN(l.soft_add_seconds, lf.uint<uint64_t>("soft_add_seconds"));
  TRY_ASSIGN(l.hard_add_seconds, lf.uint<uint64_t>("hard_add_seconds"));
  TRY_ASSIGN(l.soft_bytes, lf.uint<uint64_t>("soft_bytes"));
  TRY_ASSIGN(l.hard_bytes, lf.uint<uint64_t>("hard_bytes"));
  TRY_ASSIGN(l.soft_packets, lf.uint<uint64_t>("soft_packets"));
  TRY_ASSIGN(l.hard_packets, lf.uint<uint64_t>("hard_packets"));
  TRY_ASSIGN(l.soft_use_seconds, lf.uint<uint64_t>("soft_use_seconds"));
  TRY_ASSIGN(l.hard_use_seconds, lf.uint<uint64_t>("hard_use_seconds"));
  if (f.has("encap")) {
    TRY_ASSIGN(const json* encap, f.object("encap"));
    Fields ef(*encap, "backend SA encap");
    sa::UdpEncap u;
    TRY_ASSIGN(u.src_port, ef.uint<uint16_t>("src_port"));
    TRY_ASSIGN(u.dst_port, ef.uint<uint16_t>("dst_port"));
    s.encap = u;
  }
  TRY_ASSIGN(const json* sel, f.object("selector"));
  TRY_ASSIGN(s.selector, parse_selector(*sel, "backend SA"));
  TRY_ASSIGN(s.label, f.str("label"));
  TRY_ASSIGN(e.added, f.time("added_us"));
  TRY_ASSIGN(e.bytes, f.uint<uint64_t>("bytes"));
  TRY_ASSIGN(e.packets, f.uint<uint64_t>("packets"));
  if (f.has("first_use_us")) {
    TRY_ASSIGN(Time first, f.time("first_use_us"));
    e.first_use = first;
  }
  TRY_ASSIGN(e.soft_expired, f.boolean("soft_expired"));
  return e;
}

json policy_json(const sa::PolicySpec& p) {
  return {{"selector", selector_json(p.selector)},
          {"direction", sa::name(p.direction)},
          {"tmpl_src", address_text(p.tmpl_src)},
          {"tmpl_dst", address_text(p.tmpl_dst)},
          {"protocol", sa::name(p.protocol)},
          {"mode", sa::name(p.mode)},
          {"reqid", p.reqid},
          {"priority", p.priority},
          {"action", sa::name(p.action)}};
}

Result<sa::PolicySpec> parse_policy(const json& o) {
  if (!o.is_object()) return Error(ErrorCode::kMalformed, "backend policy: not an object");
  Fields f(o, "backend policy");
  sa::PolicySpec p;
  TRY_ASSIGN(const json* sel, f.object("selector"));
  TRY_ASSIGN(p.selector, parse_selector(*sel, "backend policy"));
  TRY_ASSIGN(p.direction,
             f.named<sa::Direction>("direction", sa_direction_lookup, "in, out or fwd"));
  TRY_ASSIGN(p.tmpl_src, f.address("tmpl_src"));
  TRY_ASSIGN(p.tmpl_dst, f.address("tmpl_dst"));
  TRY_ASSIGN(p.protocol, f.named<sa::Protocol>("protocol", sa_protocol_lookup, "ESP or AH"));
  TRY_ASSIGN(p.mode, f.named<sa::Mode>("mode", sa_mode_lookup, "TUNNEL or TRANSPORT"));
  TRY_ASSIGN(p.reqid, f.uint<uint32_t>("reqid"));
  TRY_ASSIGN(p.priority, f.uint<uint32_t>("priority"));
  TRY_ASSIGN(p.action, f.named<sa::PolicyAction>(
                           "action", [](std::string_view t) { return sa_by_name(t, kActions); },
                           "protect, pass or drop"));
  return p;
}

}  // namespace

std::string_view name(EventKind k) {
  switch (k) {
    case EventKind::kLog: return "log";
    case EventKind::kState: return "state";
    case EventKind::kBackend: return "backend";
    case EventKind::kIkeKeys: return "ike-keys";
    case EventKind::kIkev1Keys: return "ikev1-keys";
    case EventKind::kEspKeys: return "esp-keys";
    case EventKind::kInvariant: return "invariant";
    case EventKind::kOverflow: return "overflow";
  }
  return "?";
}

int64_t to_us(Time t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t).count();
}
Time from_us(int64_t us) { return std::chrono::microseconds(us); }

json log_event(const LogLine& line) {
  return {{"event", "log"},
          {"t_us", to_us(line.t)},
          {"group", ikesuite::name(line.group)},
          {"level", line.level},
          {"text", line.text}};
}

json state_event(const StateChange& c) {
  return {{"event", "state"}, {"t_us", to_us(c.t)},   {"host", c.host},
          {"generation", c.generation},               {"ike", c.ike},
          {"conn", c.conn},   {"unique_id", c.unique_id}, {"from", c.from},
          {"to", c.to}};
}

json backend_event(const BackendEvent& e) {
  json out{{"event", "backend"}, {"t_us", to_us(e.t)}, {"op", harness::name(e.op)},
           {"spi", e.spi},       {"dst", address_text(e.dst)},
           {"ok", e.ok},         {"errno", e.err},       {"error", e.error},
           {"conn", e.conn},     {"reqid", e.reqid},     {"injected", e.injected},
           {"text", e.text}};
  if (e.direction) out["direction"] = harness::name(*e.direction);
  if (e.protocol) out["protocol"] = harness::name(*e.protocol);
  return out;
}

json ike_keys_event(const IkeKeys& k) {
  return {{"event", "ike-keys"},
          {"spi_i", k.spi_i},
          {"spi_r", k.spi_r},
          {"encr", number_of(k.encr)},
          {"encr_key_bits", k.encr_key_bits},
          {"integ", number_of(k.integ)},
          {"sk_ei", to_hex(k.sk_ei)},
          {"sk_er", to_hex(k.sk_er)},
          {"sk_ai", to_hex(k.sk_ai)},
          {"sk_ar", to_hex(k.sk_ar)}};
}

json ikev1_keys_event(const Ikev1Keys& k) {
  return {{"event", "ikev1-keys"},
          {"cookie_i", k.cookie_i},
          {"cookie_r", k.cookie_r},
          {"encr", number_of(k.encr)},
          {"encr_key_bits", k.encr_key_bits},
          {"hash", number_of(k.hash)},
          {"ka", to_hex(k.ka)},
          {"skeyid_d", to_hex(k.skeyid_d)},
          {"skeyid_a", to_hex(k.skeyid_a)}};
}

json esp_keys_event(const EspKeys& k) {
  return {{"event", "esp-keys"},
          {"src", address_text(k.src)},
          {"dst", address_text(k.dst)},
          {"spi", k.spi},
          {"encr", number_of(k.encr)},
          {"integ", number_of(k.integ)},
          {"encr_key", to_hex(k.encr_key)},
          {"integ_key", to_hex(k.integ_key)}};
}

json invariant_event(const std::string& what) { return {{"event", "invariant"}, {"what", what}}; }
json overflow_event() { return {{"event", "overflow"}}; }

Result<Event> parse_event(const json& o) {
  if (!o.is_object()) return Error(ErrorCode::kMalformed, "event: not a JSON object");
  auto kind_it = o.find("event");
  if (kind_it == o.end() || !kind_it->is_string())
    return Error(ErrorCode::kMalformed, "event: missing \"event\" (the event's kind)");
  const std::string kind_name = kind_it->get<std::string>();
  auto kind = by_name(kind_name, kKinds);
  if (!kind)
    return Error(ErrorCode::kMalformed,
                 "event: unknown kind '" + kind_name +
                     "' (log, state, backend, ike-keys, ikev1-keys, esp-keys, invariant, "
                     "overflow)");
  Event ev;
  ev.kind = *kind;
  Fields f(o, kind_name + " event");
  if (f.has("seq")) {
    TRY_ASSIGN(ev.seq, f.uint<uint64_t>("seq"));
  }
  switch (*kind) {
    case EventKind::kLog: {
      TRY_ASSIGN(ev.log.t, f.time("t_us"));
      TRY_ASSIGN(ev.log.group,
                 f.named<LogGroup>(
                     "group", [](std::string_view t) { return by_name(t, kGroups); },
                     "a log group such as IKE"));
      TRY_ASSIGN(int64_t level, f.integer("level"));
      if (level < -1 || level > 4) return f.bad("level", "-1 to 4");
      ev.log.level = static_cast<int>(level);
      TRY_ASSIGN(ev.log.text, f.str("text"));
      break;
    }
    case EventKind::kState: {
      StateChange& c = ev.state;
      TRY_ASSIGN(c.t, f.time("t_us"));
      TRY_ASSIGN(c.host, f.str("host"));
      TRY_ASSIGN(c.generation, f.uint<uint32_t>("generation"));
      TRY_ASSIGN(c.ike, f.boolean("ike"));
      TRY_ASSIGN(c.conn, f.str("conn"));
      TRY_ASSIGN(c.unique_id, f.uint<uint32_t>("unique_id"));
      TRY_ASSIGN(c.from, f.str("from"));
      TRY_ASSIGN(c.to, f.str("to"));
      break;
    }
    case EventKind::kBackend: {
      BackendEvent& e = ev.backend;
      TRY_ASSIGN(e.t, f.time("t_us"));
      TRY_ASSIGN(e.op, f.named<harness::SaOp>(
                           "op", [](std::string_view t) { return harness_by_name(t, kOps); },
                           "a backend operation such as add-sa"));
      if (f.has("direction")) {
        TRY_ASSIGN(e.direction,
                   f.named<harness::Direction>(
                       "direction",
                       [](std::string_view t) { return harness_by_name(t, kDirections); },
                       "in, out or fwd"));
      }
      if (f.has("protocol")) {
        TRY_ASSIGN(e.protocol,
                   f.named<harness::IpsecProtocol>(
                       "protocol",
                       [](std::string_view t) { return harness_by_name(t, kProtocols); },
                       "esp or ah"));
      }
      TRY_ASSIGN(e.spi, f.uint<uint32_t>("spi"));
      TRY_ASSIGN(e.dst, f.address("dst"));
      TRY_ASSIGN(e.ok, f.boolean("ok"));
      TRY_ASSIGN(int64_t err, f.integer("errno"));
      if (err < 0 || err > 4095) return f.bad("errno", "0 to 4095");
      e.err = static_cast<int>(err);
      TRY_ASSIGN(e.error, f.str("error"));
      TRY_ASSIGN(e.conn, f.str("conn"));
      TRY_ASSIGN(e.reqid, f.uint<uint32_t>("reqid"));
      TRY_ASSIGN(e.injected, f.boolean("injected"));
      TRY_ASSIGN(e.text, f.str("text"));
      break;
    }
    case EventKind::kIkeKeys: {
      IkeKeys& k = ev.ike_keys;
      TRY_ASSIGN(k.spi_i, f.uint<uint64_t>("spi_i"));
      TRY_ASSIGN(k.spi_r, f.uint<uint64_t>("spi_r"));
      TRY_ASSIGN(k.encr, f.number<v2::EncrId>("encr"));
      TRY_ASSIGN(k.encr_key_bits, f.uint<uint16_t>("encr_key_bits"));
      TRY_ASSIGN(k.integ, f.number<v2::IntegId>("integ"));
      TRY_ASSIGN(k.sk_ei, f.hex("sk_ei"));
      TRY_ASSIGN(k.sk_er, f.hex("sk_er"));
      TRY_ASSIGN(k.sk_ai, f.hex("sk_ai"));
      TRY_ASSIGN(k.sk_ar, f.hex("sk_ar"));
      break;
    }
    case EventKind::kIkev1Keys: {
      Ikev1Keys& k = ev.ikev1_keys;
      TRY_ASSIGN(k.cookie_i, f.uint<uint64_t>("cookie_i"));
      TRY_ASSIGN(k.cookie_r, f.uint<uint64_t>("cookie_r"));
      TRY_ASSIGN(k.encr, f.number<v1::OakleyEncryption>("encr"));
      TRY_ASSIGN(k.encr_key_bits, f.uint<uint16_t>("encr_key_bits"));
      TRY_ASSIGN(k.hash, f.number<v1::OakleyHash>("hash"));
      TRY_ASSIGN(k.ka, f.hex("ka"));
      TRY_ASSIGN(k.skeyid_d, f.hex("skeyid_d"));
      TRY_ASSIGN(k.skeyid_a, f.hex("skeyid_a"));
      break;
    }
    case EventKind::kEspKeys: {
      EspKeys& k = ev.esp_keys;
      TRY_ASSIGN(k.src, f.address("src"));
      TRY_ASSIGN(k.dst, f.address("dst"));
      TRY_ASSIGN(k.spi, f.uint<uint32_t>("spi"));
      TRY_ASSIGN(k.encr, f.number<v2::EncrId>("encr"));
      TRY_ASSIGN(k.integ, f.number<v2::IntegId>("integ"));
      TRY_ASSIGN(k.encr_key, f.hex("encr_key"));
      TRY_ASSIGN(k.integ_key, f.hex("integ_key"));
      break;
    }
    case EventKind::kInvariant: {
      TRY_ASSIGN(ev.what, f.str("what"));
      break;
    }
    case EventKind::kOverflow: break;
  }
  return ev;
}

Result<Event> parse_event_line(std::string_view line) {
  json o = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (o.is_discarded()) return Error(ErrorCode::kMalformed, "event: the line is not valid JSON");
  return parse_event(o);
}

json backend_snapshot_json(const BackendSnapshot& s) {
  json sas = json::array();
  for (const auto& e : s.sas) sas.push_back(sa_entry_json(e));
  json policies = json::array();
  for (const auto& p : s.policies) policies.push_back(policy_json(p));
  // Keys of a JSON object are strings: reqids become "1", "1001", ...
  json reqids = json::object();
  for (const auto& [reqid, conn] : s.reqid_conn) reqids[std::to_string(reqid)] = conn;
  return {{"t_us", to_us(s.t)}, {"sas", sas}, {"policies", policies}, {"reqid_conn", reqids}};
}

Result<BackendSnapshot> parse_backend_snapshot(const json& o) {
  if (!o.is_object()) return Error(ErrorCode::kMalformed, "backend snapshot: not an object");
  Fields f(o, "backend snapshot");
  BackendSnapshot s;
  TRY_ASSIGN(s.t, f.time("t_us"));
  TRY_ASSIGN(const json* sas, f.array("sas"));
  for (const auto& e : *sas) {
    TRY_ASSIGN(auto entry, parse_sa_entry(e));
    s.sas.push_back(std::move(entry));
  }
  TRY_ASSIGN(const json* policies, f.array("policies"));
  for (const auto& p : *policies) {
    TRY_ASSIGN(auto policy, parse_policy(p));
    s.policies.push_back(std::move(policy));
  }
  TRY_ASSIGN(const json* reqids, f.object("reqid_conn"));
  for (const auto& [key, conn] : reqids->items()) {
    uint64_t reqid = 0;
    bool digits = !key.empty() && key.size() <= 10;
    for (char c : key) {
      if (c < '0' || c > '9') digits = false;
      if (digits) reqid = reqid * 10 + static_cast<uint64_t>(c - '0');
    }
    if (!digits || reqid > UINT32_MAX || !conn.is_string())
      return Error(ErrorCode::kMalformed, "backend snapshot: \"reqid_conn\" maps reqids (\"1\") "
                                          "to connection names, not '" + key + "'");
    s.reqid_conn[static_cast<uint32_t>(reqid)] = conn.get<std::string>();
  }
  return s;
}

json ike_snapshots_json(const std::vector<IkeSnapshot>& sas) {
  json out = json::array();
  for (const auto& ike : sas) {
    json children = json::array();
    for (const auto& c : ike.children)
      children.push_back({{"conn", c.conn}, {"unique_id", c.unique_id}, {"state", c.state}});
    out.push_back({{"conn", ike.conn},
                   {"unique_id", ike.unique_id},
                   {"state", ike.state},
                   {"children", children}});
  }
  return out;
}

Result<std::vector<IkeSnapshot>> parse_ike_snapshots(const json& array) {
  if (!array.is_array()) return Error(ErrorCode::kMalformed, "IKE SAs: not an array");
  std::vector<IkeSnapshot> out;
  for (const auto& o : array) {
    if (!o.is_object()) return Error(ErrorCode::kMalformed, "IKE SA: not an object");
    Fields f(o, "IKE SA");
    IkeSnapshot ike;
    TRY_ASSIGN(ike.conn, f.str("conn"));
    TRY_ASSIGN(ike.unique_id, f.uint<uint32_t>("unique_id"));
    TRY_ASSIGN(ike.state, f.str("state"));
    TRY_ASSIGN(const json* children, f.array("children"));
    for (const auto& c : *children) {
      if (!c.is_object()) return Error(ErrorCode::kMalformed, "CHILD SA: not an object");
      Fields cf(c, "CHILD SA");
      harness::run::ChildSnapshot child;
      TRY_ASSIGN(child.conn, cf.str("conn"));
      TRY_ASSIGN(child.unique_id, cf.uint<uint32_t>("unique_id"));
      TRY_ASSIGN(child.state, cf.str("state"));
      ike.children.push_back(std::move(child));
    }
    out.push_back(std::move(ike));
  }
  return out;
}

}  // namespace ikesuite::refd
