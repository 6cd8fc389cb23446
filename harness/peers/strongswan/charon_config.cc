#include "harness/peers/strongswan/charon_config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

#include "engine/base/bytes.h"

namespace ikesuite::peers {
namespace {

using harness::AuthMethod;
using harness::Connection;
using harness::End;
using harness::Host;

// Groups whose level the driver raises, and to what: the key dumps ("Sk_ei secret",
// "encryption initiator key") are private data at level 4 of IKE and CHD; SAD/SPD operations
// are KNL (kernel-netlink) or ESP (kernel-libipsec) at 2; "selected proposal" is CFG 1 and
// the vici requests CFG 2.
constexpr std::pair<std::string_view, int> kDriverLevels[] = {
    {"ike", 4}, {"chd", 4}, {"knl", 2}, {"esp", 2}, {"cfg", 2},
};

// A swanctl value: quoted when it holds characters the parser treats specially (a DN id
// "C=CH, O=strongSwan, CN=moon" has commas and '=').
std::string value(std::string_view v) {
  bool plain = !v.empty() && std::none_of(v.begin(), v.end(), [](char c) {
    return c == ' ' || c == '\t' || c == ',' || c == '{' || c == '}' || c == '=' || c == '#' ||
           c == '"' || c == '\\' || c == '\n';
  });
  if (plain) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

std::string number(double d) {
  if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<int64_t>(d));
  std::ostringstream s;
  s.precision(6);
  s << d;
  return s.str();
}

uint64_t whole_seconds(Duration d) {
  return d.count() <= 0 ? 0 : static_cast<uint64_t>(std::llround(to_seconds(d)));
}

// Writes "key = value" lines and sections with two-space indentation.
class Out {
 public:
  void open(std::string_view name) {
    line(std::string(name) + " {");
    ++depth_;
  }
  void close() {
    --depth_;
    line("}");
  }
  void kv(std::string_view key, std::string_view v) { line(std::string(key) + " = " + std::string(v)); }
  void line(const std::string& text) {
    text_.append(static_cast<size_t>(depth_) * 2, ' ');
    text_ += text;
    text_ += '\n';
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
  int depth_ = 0;
};

Error key_error(const Connection& c, std::string_view key, const std::string& why) {
  const harness::SourceRef* at = c.key_source(key);
  std::string where = at ? " (" + at->describe() + (at->pointer.empty() ? "" : ", " + at->pointer) + ")" : "";
  return Error(ErrorCode::kConfig, "conn '" + c.name + "': " + std::string(key) + where +
                                       " cannot be expressed in swanctl.conf: " + why);
}

// ipsec.conf keys a swanctl.conf connection carries, and those it cannot, with the reason.
// Every key the scenario language knows for connections is in one of the two tables.
const std::set<std::string_view>& rendered_keys() {
  static const std::set<std::string_view> keys = {
      "also", "auto", "keyexchange", "type", "left", "right", "leftid", "rightid",
      "leftsubnet", "rightsubnet", "leftprotoport", "rightprotoport", "leftcert", "rightcert",
      "leftauth", "rightauth", "authby", "rightca", "leftsendcert", "leftsourceip",
      "leftfirewall", "leftupdown", "leftikeport", "rightikeport", "ike", "esp", "ah",
      "ikelifetime", "lifetime", "keylife", "margintime", "rekeymargin", "rekeyfuzz",
      "lifebytes", "lifepackets", "marginbytes", "marginpackets", "keyingtries", "rekey",
      "reauth", "dpddelay", "dpdtimeout", "dpdaction", "closeaction", "inactivity", "mobike",
      "fragmentation", "aggressive", "forceencaps", "replay_window", "childless",
      "reqid", "installpolicy"};
  return keys;
}

const std::map<std::string_view, std::string_view>& unexpressible_keys() {
  static const std::map<std::string_view, std::string_view> keys = {
      {"impair",
       "misbehaviour is a reference-engine feature; a real daemon cannot be told to deviate "
       "(use a ref host for impairments)"},
      {"leftca", "swanctl constrains only the peer's CA (remote.cacerts / ca_id), not our own"},
      {"rightsendcert", "swanctl decides only what this end sends (send_cert)"},
      {"rightsourceip",
       "assigning virtual IPs needs an address pool (pools section), which the scenario "
       "language does not describe"},
      {"rightfirewall", "the peer's firewall rules are not this daemon's to install"},
      {"rightupdown", "the peer's updown script does not run on this host"},
      {"compress",
       "IPComp needs kernel support that kernel-libipsec lacks, and the loaded connection "
       "does not carry the value"},
  };
  return keys;
}

std::string auth_name(const Connection& c, const End& e, std::string_view key,
                      Result<void>& status) {
  switch (e.auth.value_or(AuthMethod::kPubkey)) {
    case AuthMethod::kPsk: return "psk";
    case AuthMethod::kPubkey: return "pubkey";
    case AuthMethod::kRsa: return "rsa";
    case AuthMethod::kEcdsa: return "ecdsa";
    case AuthMethod::kNull: return "null";
    case AuthMethod::kNever:
      status = key_error(c, c.key_source(key) ? key : "authby",
                         "'never' (no authentication round) has no swanctl auth class");
      return "";
  }
  return "";
}

std::string protoport(const End& e) {
  if (!e.protoport_protocol && !e.protoport_ports) return "";
  std::string out = "[" + std::to_string(e.protoport_protocol.value_or(0));
  if (e.protoport_ports) {
    auto [from, to] = *e.protoport_ports;
    out += "/" + (from == to ? std::to_string(from) : std::to_string(from) + "-" + std::to_string(to));
  }
  return out + "]";
}

// local_ts / remote_ts: the subnets as written (swanctl reads ipsec.conf's
// "10.1.0.0/16[tcp/80]" syntax), else the end's own address ("dynamic"), with protoport.
std::string traffic_selectors(const End& e) {
  std::string pp = protoport(e);
  if (e.subnets.empty()) return "dynamic" + pp;
  std::string out;
  for (const auto& ts : e.subnets) {
    if (!out.empty()) out += ", ";
    std::string t = ts.text.empty() ? ts.subnet.to_string() : ts.text;
    if (t.find('[') == std::string::npos) t += pp;
    out += value(t);
  }
  return out;
}

std::string sa_action(harness::SaAction a, bool dpd) {
  switch (a) {
    case harness::SaAction::kNone: return "none";
    case harness::SaAction::kClear: return "clear";
    case harness::SaAction::kHold: return "trap";
    case harness::SaAction::kRestart: return dpd ? "restart" : "start";
  }
  return "none";
}

std::string id_value(const std::string& id) { return value(id); }

// A certificate or key file for swanctl: the scenario model holds paths as the loader
// resolved them (relative to the harness's working directory when the scenario was named by
// a relative path), but swanctl reads a relative path under its own x509/, x509ca/ or
// private/ folder, so every file is written absolute.
std::string file_value(const std::string& path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  return value(ec ? path : abs.lexically_normal().string());
}

Status render_conn(Out& o, const Connection& c) {
  for (const auto& [key, src] : c.explicit_keys) {
    if (rendered_keys().count(key)) continue;
    auto it = unexpressible_keys().find(key);
    return key_error(c, key, it != unexpressible_keys().end()
                                 ? std::string(it->second)
                                 : "swanctl has no equivalent the driver knows of");
  }
  Status status;
  std::string local_auth = auth_name(c, c.left, "leftauth", status);
  std::string remote_auth = auth_name(c, c.right, "rightauth", status);
  if (!status.ok()) return status;

  o.open(c.name);
  o.kv("version", c.version == harness::IkeVersion::kV1   ? "1"
                  : c.version == harness::IkeVersion::kV2 ? "2"
                                                          : "0");
  if (c.left.address) o.kv("local_addrs", c.left.address->to_string());
  if (c.right.address) o.kv("remote_addrs", c.right.address->to_string());
  if (c.key_source("leftikeport")) o.kv("local_port", std::to_string(c.left.ikeport));
  if (c.key_source("rightikeport")) o.kv("remote_port", std::to_string(c.right.ikeport));
  if (std::string p = swanctl_proposals(c.ike); !p.empty()) o.kv("proposals", p);
  // ipsec.conf's defaults differ from swanctl's (keyingtries 3 vs 1, reauthentication on vs
  // off, DPD only with a dpdaction), so the values are always written out.
  o.kv("keyingtries", std::to_string(c.keyingtries));
  IkeTimes it = ike_times(c);
  o.kv("rekey_time", std::to_string(it.rekey_time) + "s");
  o.kv("reauth_time", std::to_string(it.reauth_time) + "s");
  o.kv("over_time", std::to_string(it.over_time) + "s");
  o.kv("rand_time", std::to_string(it.rand_time) + "s");
  // ipsec.conf(5): dpddelay only takes effect with a dpdaction other than none.
  bool dpd = c.dpd_action != harness::SaAction::kNone;
  o.kv("dpd_delay", std::to_string(dpd ? whole_seconds(c.dpd_delay) : 0) + "s");
  if (dpd) o.kv("dpd_timeout", std::to_string(whole_seconds(c.dpd_timeout)) + "s");
  o.kv("mobike", yes_no(c.mobike));
  switch (c.fragmentation) {
    case harness::Fragmentation::kNo: o.kv("fragmentation", "no"); break;
    case harness::Fragmentation::kYes: o.kv("fragmentation", "yes"); break;
    case harness::Fragmentation::kAccept: o.kv("fragmentation", "accept"); break;
    case harness::Fragmentation::kForce: o.kv("fragmentation", "force"); break;
  }
  o.kv("aggressive", yes_no(c.aggressive));
  o.kv("encap", yes_no(c.force_encaps));
  switch (c.childless) {
    case harness::Childless::kAllow: o.kv("childless", "allow"); break;
    case harness::Childless::kForce: o.kv("childless", "force"); break;
    case harness::Childless::kNever: o.kv("childless", "never"); break;
  }
  if (c.key_source("leftsendcert")) {
    switch (c.left.sendcert) {
      case harness::SendCert::kAlways: o.kv("send_cert", "always"); break;
      case harness::SendCert::kIfAsked: o.kv("send_cert", "ifasked"); break;
      case harness::SendCert::kNever: o.kv("send_cert", "never"); break;
    }
  }
  if (!c.left.sourceip.empty()) {
    // %config (and %cfg, %modecfg) asks the peer for any address.
    std::string v = c.left.sourceip;
    if (!v.empty() && v[0] == '%') v = "0.0.0.0";
    o.kv("vips", value(v));
  }

  o.open("local");
  o.kv("auth", local_auth);
  if (!c.left.id.empty()) o.kv("id", id_value(c.left.id));
  if (!c.left.cert.empty()) o.kv("certs", file_value(c.left.cert));
  o.close();
  o.open("remote");
  o.kv("auth", remote_auth);
  if (!c.right.id.empty()) o.kv("id", id_value(c.right.id));
  if (!c.right.cert.empty()) o.kv("certs", file_value(c.right.cert));
  if (!c.right.ca.empty()) o.kv("ca_id", value(c.right.ca));
  o.close();

  o.open("children");
  o.open(c.name);
  o.kv("local_ts", traffic_selectors(c.left));
  o.kv("remote_ts", traffic_selectors(c.right));
  if (std::string p = swanctl_proposals(c.esp); !p.empty()) o.kv("esp_proposals", p);
  if (std::string p = swanctl_proposals(c.ah); !p.empty()) o.kv("ah_proposals", p);
  switch (c.type) {
    case harness::ConnType::kTunnel: o.kv("mode", "tunnel"); break;
    case harness::ConnType::kTransport: o.kv("mode", "transport"); break;
    case harness::ConnType::kPassthrough: o.kv("mode", "pass"); break;
    case harness::ConnType::kDrop: o.kv("mode", "drop"); break;
  }
  ChildTimes ct = child_times(c);
  o.kv("rekey_time", std::to_string(ct.rekey_time) + "s");
  o.kv("life_time", std::to_string(ct.life_time) + "s");
  o.kv("rand_time", std::to_string(ct.rand_time) + "s");
  if (ct.life_bytes) {
    o.kv("rekey_bytes", std::to_string(ct.rekey_bytes));
    o.kv("life_bytes", std::to_string(ct.life_bytes));
    o.kv("rand_bytes", std::to_string(ct.rand_bytes));
  }
  if (ct.life_packets) {
    o.kv("rekey_packets", std::to_string(ct.rekey_packets));
    o.kv("life_packets", std::to_string(ct.life_packets));
    o.kv("rand_packets", std::to_string(ct.rand_packets));
  }
  o.kv("dpd_action", sa_action(c.dpd_action, true));
  o.kv("close_action", sa_action(c.close_action, false));
  switch (c.auto_action) {
    case harness::AutoAction::kStart: o.kv("start_action", "start"); break;
    case harness::AutoAction::kRoute: o.kv("start_action", "trap"); break;
    case harness::AutoAction::kAdd:
    case harness::AutoAction::kIgnore: o.kv("start_action", "none"); break;
  }
  if (c.inactivity.count() > 0) o.kv("inactivity", std::to_string(whole_seconds(c.inactivity)) + "s");
  o.kv("replay_window", std::to_string(c.replay_window));
  if (c.reqid) o.kv("reqid", std::to_string(c.reqid));
  o.kv("policies", yes_no(c.install_policy));
  if (!c.left.updown.empty())
    o.kv("updown", value(c.left.updown));
  else if (c.left.firewall)
    o.kv("updown", value("/usr/lib/ipsec/_updown iptables"));
  o.close();
  o.close();
  o.close();
  return {};
}

}  // namespace

std::vector<CharonLogLevel> charon_log_levels(const harness::LogLevels& scenario) {
  // Where the scenario sets nothing, charon logs at the harness's default level (2), the
  // level state changes are logged at.
  int def = scenario.default_level.value_or(2);
  std::vector<CharonLogLevel> out{{"default", def}};
  std::map<std::string, int> levels;
  for (const auto& [g, l] : scenario.groups) levels[g] = l;
  for (const auto& [g, l] : kDriverLevels) {
    auto it = levels.find(std::string(g));
    int have = it != levels.end() ? it->second : def;
    levels[std::string(g)] = std::max(have, l);
  }
  for (const auto& [g, l] : levels) out.push_back({g, l});
  return out;
}

IkeTimes ike_times(const Connection& c) {
  IkeTimes t;
  uint64_t life = whole_seconds(c.ike_lifetime);
  uint64_t margin = whole_seconds(c.margintime);
  t.over_time = margin;
  t.rand_time = static_cast<uint64_t>(std::llround(static_cast<double>(margin) * c.rekeyfuzz));
  if (!c.rekey) return t;
  uint64_t rekey = life > margin ? life - margin : 0;
  // ipsec.conf reauth=yes (the default) renews the IKE SA by reauthentication (RFC 7296
  // §2.8.3) instead of a CREATE_CHILD_SA rekey; IKEv1 only knows reauthentication.
  if (c.reauth || c.is_ikev1())
    t.reauth_time = rekey;
  else
    t.rekey_time = rekey;
  return t;
}

ChildTimes child_times(const Connection& c) {
  ChildTimes t;
  uint64_t life = whole_seconds(c.lifetime);
  uint64_t margin = whole_seconds(c.margintime);
  t.life_time = life;
  t.rekey_time = c.rekey ? (life > margin ? life - margin : 0) : 0;
  t.rand_time = c.rekey ? static_cast<uint64_t>(std::llround(static_cast<double>(margin) * c.rekeyfuzz)) : 0;
  auto scaled = [&](uint64_t m) {
    return static_cast<uint64_t>(std::llround(static_cast<double>(m) * c.rekeyfuzz));
  };
  t.life_bytes = c.life_bytes;
  if (c.life_bytes && c.rekey) {
    t.rekey_bytes = c.life_bytes > c.margin_bytes ? c.life_bytes - c.margin_bytes : 0;
    t.rand_bytes = scaled(c.margin_bytes);
  }
  t.life_packets = c.life_packets;
  if (c.life_packets && c.rekey) {
    t.rekey_packets = c.life_packets > c.margin_packets ? c.life_packets - c.margin_packets : 0;
    t.rand_packets = scaled(c.margin_packets);
  }
  return t;
}

std::string swanctl_proposals(const std::vector<std::string>& list) {
  if (list.empty()) return "";
  bool strict = false;
  std::string out;
  for (std::string p : list) {
    if (!p.empty() && p.back() == '!') {
      strict = true;
      p.pop_back();
    }
    if (p.empty()) continue;
    if (!out.empty()) out += ", ";
    out += p;
  }
  if (!strict) out += out.empty() ? "default" : ", default";
  return out;
}

Result<std::string> render_strongswan_conf(const Host& host, const CharonPaths& paths) {
  const harness::Settings& s = host.settings;
  Out o;
  // The packaged snippets first, so that every value below overrides theirs.
  o.line("include /etc/strongswan.d/*.conf");
  o.open("charon");
  o.kv("load_modular", "yes");
  for (const std::string& key : s.keys) {
    auto u = [&](const std::optional<uint32_t>& v) { return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt; };
    auto d = [&](const std::optional<double>& v) { return v ? std::optional<std::string>(number(*v)) : std::nullopt; };
    auto b = [&](const std::optional<bool>& v) { return v ? std::optional<std::string>(yes_no(*v)) : std::nullopt; };
    static const std::set<std::string_view> known = {
        "retransmit_timeout", "retransmit_base", "retransmit_tries", "retransmit_jitter",
        "retransmit_limit", "delete_rekeyed_delay", "half_open_timeout", "cookie_threshold",
        "cookie_threshold_ip", "block_threshold", "init_limit_half_open", "init_limit_job_load",
        "dos_protection", "make_before_break", "keep_alive", "keep_alive_dpd_margin",
        "fragment_size", "max_ikev1_exchanges", "reuse_ikesa", "follow_redirects",
        "send_vendor_id", "signature_authentication", "close_ike_on_child_failure",
        "inactivity_close_ike", "install_routes", "ikesa_limit", "retry_initiate_interval",
        "spi_min", "spi_max"};
    if (!known.count(key))
      return Error(ErrorCode::kConfig, "host '" + host.name + "': setting " + key +
                                           " has no strongswan.conf charon key the driver knows");
    std::optional<std::string> v;
    if (key == "retransmit_timeout") v = d(s.retransmit_timeout);
    else if (key == "retransmit_base") v = d(s.retransmit_base);
    else if (key == "retransmit_tries") v = u(s.retransmit_tries);
    else if (key == "retransmit_jitter") v = u(s.retransmit_jitter);
    else if (key == "retransmit_limit") v = d(s.retransmit_limit);
    else if (key == "delete_rekeyed_delay") v = u(s.delete_rekeyed_delay);
    else if (key == "half_open_timeout") v = u(s.half_open_timeout);
    else if (key == "cookie_threshold") v = u(s.cookie_threshold);
    else if (key == "cookie_threshold_ip") v = u(s.cookie_threshold_ip);
    else if (key == "block_threshold") v = u(s.block_threshold);
    else if (key == "init_limit_half_open") v = u(s.init_limit_half_open);
    else if (key == "init_limit_job_load") v = u(s.init_limit_job_load);
    else if (key == "dos_protection") v = b(s.dos_protection);
    else if (key == "make_before_break") v = b(s.make_before_break);
    else if (key == "keep_alive") v = u(s.keep_alive);
    else if (key == "keep_alive_dpd_margin") v = u(s.keep_alive_dpd_margin);
    else if (key == "fragment_size") v = u(s.fragment_size);
    else if (key == "max_ikev1_exchanges") v = u(s.max_ikev1_exchanges);
    else if (key == "reuse_ikesa") v = b(s.reuse_ikesa);
    else if (key == "follow_redirects") v = b(s.follow_redirects);
    else if (key == "send_vendor_id") v = b(s.send_vendor_id);
    else if (key == "signature_authentication") v = b(s.signature_authentication);
    else if (key == "close_ike_on_child_failure") v = b(s.close_ike_on_child_failure);
    else if (key == "inactivity_close_ike") v = b(s.inactivity_close_ike);
    else if (key == "install_routes") v = b(s.install_routes);
    else if (key == "ikesa_limit") v = u(s.ikesa_limit);
    else if (key == "retry_initiate_interval") v = u(s.retry_initiate_interval);
    else if (key == "spi_min") v = u(s.spi_min);
    else if (key == "spi_max") v = u(s.spi_max);
    if (v) o.kv(key, *v);
  }
  // charon refuses to answer IKEv1 Aggressive Mode with a PSK (the responder's hash can be
  // attacked offline, RFC 2409 §5.4) unless told otherwise; a scenario that configures
  // aggressive=yes with a PSK asks for exactly that exchange.
  bool aggressive_psk = std::any_of(host.conns.begin(), host.conns.end(), [](const Connection& c) {
    return c.auto_action != harness::AutoAction::kIgnore && c.is_ikev1() && c.aggressive &&
           (c.left.auth == AuthMethod::kPsk || c.right.auth == AuthMethod::kPsk);
  });
  if (aggressive_psk) o.kv("i_dont_care_about_security_and_use_aggressive_mode_psk", "yes");
  o.open("plugins");
  o.line("include /etc/strongswan.d/charon/*.conf");
  // kernel-libipsec: userspace ESP over a TUN device, so Child SAs install on a kernel
  // without ESP. Without it (kernel-netlink) every ESP SA install fails on such a kernel,
  // which is what the xfrm / kernel-netlink backends are for.
  bool libipsec = host.sa_backend == harness::SaBackendKind::kMemory ||
                  host.sa_backend == harness::SaBackendKind::kKernelLibipsec;
  o.open("kernel-libipsec");
  o.kv("load", yes_no(libipsec));
  o.close();
  o.open("vici");
  o.kv("socket", "unix://" + paths.vici_socket);
  o.close();
  // Plugins that would act outside the host (stroke's socket, broadcasts, DHCP, RADIUS,
  // hardware) stay off.
  for (const char* p : {"stroke", "forecast", "farp", "dhcp", "ha", "eap-radius", "tnc-tnccs",
                        "led", "tpm", "pkcs11"}) {
    o.open(p);
    o.kv("load", "no");
    o.close();
  }
  o.close();
  o.open("filelog");
  o.open("ikesuite");
  o.kv("path", paths.log_file);
  o.kv("flush_line", "yes");
  o.kv("append", "yes");
  // UTC (the driver starts charon with TZ=UTC) with milliseconds: the driver turns it into
  // scenario time.
  o.kv("time_format", value("%Y-%m-%d %H:%M:%S"));
  o.kv("time_add_ms", "yes");
  o.kv("ike_name", "yes");
  o.kv("log_level", "yes");
  for (const auto& l : charon_log_levels(host.log)) o.kv(l.group, std::to_string(l.level));
  o.close();
  o.close();
  o.close();
  return o.take();
}

std::vector<std::string> private_key_files(const Host& host) {
  std::vector<std::string> out;
  for (const auto& s : host.secrets)
    if (s.type == harness::SecretType::kRsa || s.type == harness::SecretType::kEcdsa)
      out.push_back(s.file);
  return out;
}

Result<std::string> render_swanctl_conf(const Host& host) {
  Out o;
  o.open("connections");
  for (const auto& c : host.conns) {
    if (c.auto_action == harness::AutoAction::kIgnore) continue;
    TRY(render_conn(o, c));
  }
  o.close();
  o.open("secrets");
  int n = 0;
  for (const auto& s : host.secrets) {
    ++n;
    switch (s.type) {
      case harness::SecretType::kPsk: {
        o.open("ike-" + std::to_string(n));
        int i = 0;
        for (const auto& id : s.ids) o.kv("id-" + std::to_string(++i), value(id));
        o.kv("secret", "0x" + to_hex(s.secret));
        o.close();
        break;
      }
      case harness::SecretType::kRsa:
      case harness::SecretType::kEcdsa:
        // swanctl loads private keys only from its private/ folder (a secrets.private<x>
        // section merely holds the passphrase of such a file): the host copies the key
        // files there (private_key_files()).
        break;
    }
  }
  o.close();
  if (!host.cacerts.empty()) {
    o.open("authorities");
    int i = 0;
    for (const auto& ca : host.cacerts) {
      o.open("ca-" + std::to_string(++i));
      o.kv("cacert", file_value(ca));
      o.close();
    }
    o.close();
  }
  return o.take();
}

}  // namespace ikesuite::peers
