// Hosts, their settings and secrets, and their ipsec.conf connections: %default and also=
// merging, typed values, and the checks that need the whole topology.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "engine/wire/ikev1/types.h"
#include "engine/wire/ikev2/types.h"
#include "harness/scenario/builder.h"
#include "harness/scenario/catalogue.h"
#include "harness/scenario/values.h"

namespace ikesuite::harness::detail {

namespace {

template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

template <typename E, size_t N>
std::optional<E> lookup(const json& v, const EnumName<E> (&table)[N]) {
  std::string s;
  if (v.is_string()) {
    s = v.get<std::string>();
  } else if (v.is_boolean()) {
    s = v.get<bool>() ? "yes" : "no";
  } else {
    return std::nullopt;
  }
  for (const auto& e : table)
    if (e.name == s) return e.value;
  return std::nullopt;  // the schema's enum reports it
}

constexpr EnumName<Implementation> kImplementations[] = {
    {"ref", Implementation::kRef}, {"strongswan", Implementation::kStrongswan},
    {"libreswan", Implementation::kLibreswan}};
constexpr EnumName<SaBackendKind> kBackends[] = {
    {"memory", SaBackendKind::kMemory}, {"xfrm", SaBackendKind::kXfrm},
    {"kernel-netlink", SaBackendKind::kKernelNetlink},
    {"kernel-libipsec", SaBackendKind::kKernelLibipsec}};
constexpr EnumName<AutoAction> kAutoActions[] = {
    {"ignore", AutoAction::kIgnore}, {"add", AutoAction::kAdd}, {"route", AutoAction::kRoute},
    {"start", AutoAction::kStart}};
constexpr EnumName<IkeVersion> kVersions[] = {
    {"ike", IkeVersion::kAny}, {"ikev1", IkeVersion::kV1}, {"ikev2", IkeVersion::kV2}};
constexpr EnumName<ConnType> kConnTypes[] = {
    {"tunnel", ConnType::kTunnel}, {"transport", ConnType::kTransport},
    {"passthrough", ConnType::kPassthrough}, {"drop", ConnType::kDrop}};
constexpr EnumName<AuthMethod> kAuthMethods[] = {
    {"psk", AuthMethod::kPsk}, {"pubkey", AuthMethod::kPubkey}, {"rsa", AuthMethod::kRsa},
    {"ecdsa", AuthMethod::kEcdsa}, {"null", AuthMethod::kNull}};
constexpr EnumName<AuthMethod> kAuthBy[] = {
    {"secret", AuthMethod::kPsk},   {"psk", AuthMethod::kPsk},      {"pubkey", AuthMethod::kPubkey},
    {"rsasig", AuthMethod::kRsa},   {"ecdsasig", AuthMethod::kEcdsa}, {"null", AuthMethod::kNull},
    {"never", AuthMethod::kNever}};
constexpr EnumName<SendCert> kSendCert[] = {
    {"always", SendCert::kAlways}, {"yes", SendCert::kAlways}, {"ifasked", SendCert::kIfAsked},
    {"never", SendCert::kNever},   {"no", SendCert::kNever}};
constexpr EnumName<SaAction> kSaActions[] = {
    {"none", SaAction::kNone}, {"clear", SaAction::kClear}, {"hold", SaAction::kHold},
    {"restart", SaAction::kRestart}};
constexpr EnumName<Fragmentation> kFragmentation[] = {
    {"yes", Fragmentation::kYes}, {"no", Fragmentation::kNo}, {"accept", Fragmentation::kAccept},
    {"force", Fragmentation::kForce}};
constexpr EnumName<Childless> kChildless[] = {
    {"allow", Childless::kAllow}, {"force", Childless::kForce}, {"never", Childless::kNever}};
constexpr EnumName<SecretType> kSecretTypes[] = {
    {"PSK", SecretType::kPsk}, {"RSA", SecretType::kRsa}, {"ECDSA", SecretType::kEcdsa}};
constexpr EnumName<MessageKind> kMessageKinds[] = {
    {"request", MessageKind::kRequest}, {"response", MessageKind::kResponse}};

bool valid_name(std::string_view s, bool allow_upper) {
  if (s.empty()) return false;
  if (!(std::islower(static_cast<unsigned char>(s[0])) ||
        (allow_upper && std::isalnum(static_cast<unsigned char>(s[0])))))
    return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
           c == '-' || c == '_' || (allow_upper && (std::isupper(static_cast<unsigned char>(c)) || c == '.'));
  });
}


// Identities as ipsec.secrets compares them: "@moon.strongswan.org" and
// "moon.strongswan.org" are the same FQDN; case does not matter.
std::string normalize_id(std::string id) {
  if (id.size() > 1 && id[0] == '@' && id[1] != '#') id.erase(0, 1);
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  return id;
}

}  // namespace

// ---- hosts ------------------------------------------------------------------------------

void Builder::build_hosts() {
  const json* hosts = get(doc_, "hosts");
  if (!hosts || !hosts->is_object()) return;
  std::map<IpAddress, std::string> owners;  // address -> pointer of its first declaration
  for (const auto& [name, obj] : members(*hosts, "/hosts")) {
    std::string pointer = json_pointer_append("/hosts", name);
    if (!valid_name(name, false))
      out_.key_error(pointer, "host name '" + name +
                                  "' must start with a lowercase letter and use lowercase letters, digits, '-' and '_'");
    Host host;
    host.name = name;
    host.src = src(pointer);
    build_host(host, *obj, pointer);
    for (size_t i = 0; i < host.addresses.size(); ++i) {
      // Address pointers follow the array, which may hold unparsable entries; find the index.
      std::string ap;
      if (const json* arr = get(*obj, "addresses"); arr && arr->is_array()) {
        for (size_t j = 0; j < arr->size(); ++j) {
          auto a = (*arr)[j].is_string() ? IpAddress::parse((*arr)[j].get<std::string>()) : std::nullopt;
          if (a && *a == host.addresses[i]) {
            ap = json_pointer_append(json_pointer_append(pointer, "addresses"), j);
            break;
          }
        }
      }
      auto [it, fresh] = owners.emplace(host.addresses[i], ap);
      if (!fresh) {
        auto first = positions_.locate(it->second);
        out_.value_error(ap, "address " + host.addresses[i].to_string() +
                                 " is already an address of another host (line " +
                                 std::to_string(first.line) + ")");
      }
    }
    sc_.hosts.push_back(std::move(host));
  }
  for (const auto& h : sc_.hosts) {
    for (const auto& c : h.conns) {
      if (c.auto_action == AutoAction::kIgnore) continue;
      if (c.version == IkeVersion::kV1) speaks_v1_ = true;
      if (c.version != IkeVersion::kV1) speaks_v2_ = true;
    }
  }
}

void Builder::build_host(Host& host, const json& obj, const std::string& pointer) {
  if (!obj.is_object()) return;
  auto p = [&](std::string_view key) { return json_pointer_append(pointer, key); };
  if (const json* v = get(obj, "implementation")) {
    if (auto impl = lookup(*v, kImplementations)) host.implementation = *impl;
  }
  if (auto v = get_string(obj, "description")) host.description = *v;
  if (const json* arr = get(obj, "addresses"); arr && arr->is_array()) {
    for (size_t i = 0; i < arr->size(); ++i) {
      if (!(*arr)[i].is_string()) continue;
      std::string text = (*arr)[i].get<std::string>();
      auto a = IpAddress::parse(text);
      if (!a) {
        out_.value_error(json_pointer_append(p("addresses"), i),
                         text.find('/') != std::string::npos
                             ? "'" + text + "': host addresses are plain IP addresses (protected networks go in \"subnets\")"
                             : "'" + text + "' is not an IPv4 or IPv6 address");
        continue;
      }
      host.addresses.push_back(*a);
    }
  }
  if (const json* arr = get(obj, "subnets"); arr && arr->is_array()) {
    for (size_t i = 0; i < arr->size(); ++i) {
      if (!(*arr)[i].is_string()) continue;
      auto s = Subnet::parse((*arr)[i].get<std::string>());
      if (!s.ok()) {
        out_.value_error(json_pointer_append(p("subnets"), i), s.error().reason());
        continue;
      }
      host.subnets.push_back(*s);
    }
  }
  // The SA backend each implementation has: the ref engine's memory model or XFRM;
  // charon's kernel-netlink (XFRM) or kernel-libipsec (userspace ESP); pluto's XFRM.
  switch (host.implementation) {
    case Implementation::kRef: host.sa_backend = SaBackendKind::kMemory; break;
    case Implementation::kStrongswan: host.sa_backend = SaBackendKind::kKernelNetlink; break;
    case Implementation::kLibreswan: host.sa_backend = SaBackendKind::kXfrm; break;
  }
  if (const json* v = get(obj, "sa_backend")) {
    if (auto b = lookup(*v, kBackends)) {
      host.sa_backend = *b;
      bool ok = false;
      switch (host.implementation) {
        case Implementation::kRef: ok = *b == SaBackendKind::kMemory || *b == SaBackendKind::kXfrm; break;
        case Implementation::kStrongswan:
          ok = *b == SaBackendKind::kKernelNetlink || *b == SaBackendKind::kKernelLibipsec;
          break;
        case Implementation::kLibreswan: ok = *b == SaBackendKind::kXfrm; break;
      }
      if (!ok) {
        std::string options = host.implementation == Implementation::kRef          ? "memory or xfrm"
                              : host.implementation == Implementation::kStrongswan ? "kernel-netlink or kernel-libipsec"
                                                                                   : "xfrm";
        out_.value_error(p("sa_backend"), "a " + std::string(name(host.implementation)) +
                                              " host has no '" + std::string(name(*b)) +
                                              "' SA backend (use " + options + ")");
      }
    }
  }
  // Real daemons and the kernel's XFRM need namespaces; sim mode is the ref engine alone.
  bool needs_netns = host.implementation != Implementation::kRef || host.sa_backend == SaBackendKind::kXfrm;
  if (needs_netns && sc_.modes.count(RunMode::kSim)) {
    std::string why = host.implementation != Implementation::kRef
                          ? "runs " + std::string(name(host.implementation))
                          : "uses the xfrm SA backend";
    std::string where = get(doc_, "modes") ? std::string("/modes")
                        : host.implementation != Implementation::kRef ? p("implementation")
                                                                      : p("sa_backend");
    out_.error(where, "host '" + host.name + "' " + why +
                          ", which cannot run in sim mode: set \"modes\": [\"netns\"]");
  }
  if (auto v = get_bool(obj, "autostart")) host.autostart = *v;
  if (const json* v = get(obj, "settings")) build_settings(host, *v, p("settings"));
  if (const json* v = get(obj, "log"); v && v->is_object()) {
    for (const auto& [group, level] : members(*v, p("log"))) {
      if (!level->is_number_integer()) continue;
      int l = static_cast<int>(level->get<int64_t>());
      if (group == "default") {
        host.log.default_level = l;
      } else {
        host.log.groups.emplace_back(group, l);
      }
    }
  }
  if (const json* v = get(obj, "secrets")) build_secrets(host, *v, p("secrets"));
  for (const char* key : {"certs", "cacerts"}) {
    const json* arr = get(obj, key);
    if (!arr || !arr->is_array()) continue;
    auto& list = std::string_view(key) == "certs" ? host.certs : host.cacerts;
    for (size_t i = 0; i < arr->size(); ++i)
      if ((*arr)[i].is_string())
        list.push_back(resolve_path((*arr)[i].get<std::string>(), json_pointer_append(p(key), i)));
  }
  if (const json* v = get(obj, "conns")) build_conns(host, *v, p("conns"));
}

void Builder::build_settings(Host& host, const json& obj, const std::string& pointer) {
  if (!obj.is_object()) return;
  Settings& s = host.settings;
  for (const auto& [key, value] : members(obj, pointer)) {
    std::string vp = json_pointer_append(pointer, key);
    const json& v = *value;
    auto u32 = [&](std::optional<uint32_t>& field) {
      if (v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() <= 0xffffffffll)
        field = static_cast<uint32_t>(v.get<int64_t>());
    };
    auto dbl = [&](std::optional<double>& field) {
      if (v.is_number()) field = v.get<double>();
    };
    auto flag = [&](std::optional<bool>& field) {
      if (auto b = yes_no(v)) field = *b;
    };
    auto spi = [&](std::optional<uint32_t>& field) {
      if (v.is_number_integer()) {
        if (v.get<int64_t>() >= 0 && v.get<int64_t>() <= 0xffffffffll) {
          field = static_cast<uint32_t>(v.get<int64_t>());
        } else {
          out_.value_error(vp, "an SPI is a 32-bit value");
        }
      } else if (v.is_string()) {
        auto bytes = parse_hex(v.get<std::string>().substr(2));
        if (!bytes.ok()) return;
        uint32_t x = 0;
        for (uint8_t b : *bytes) x = x << 8 | b;
        // An odd digit count ("0xc0000") has no byte form; read it digit by digit.
        if (v.get<std::string>().size() % 2 != 0) x = static_cast<uint32_t>(std::stoul(v.get<std::string>(), nullptr, 16));
        field = x;
      }
    };
    if (key == "retransmit_timeout") dbl(s.retransmit_timeout);
    else if (key == "retransmit_base") dbl(s.retransmit_base);
    else if (key == "retransmit_tries") u32(s.retransmit_tries);
    else if (key == "retransmit_jitter") u32(s.retransmit_jitter);
    else if (key == "retransmit_limit") dbl(s.retransmit_limit);
    else if (key == "delete_rekeyed_delay") u32(s.delete_rekeyed_delay);
    else if (key == "half_open_timeout") u32(s.half_open_timeout);
    else if (key == "cookie_threshold") u32(s.cookie_threshold);
    else if (key == "cookie_threshold_ip") u32(s.cookie_threshold_ip);
    else if (key == "block_threshold") u32(s.block_threshold);
    else if (key == "init_limit_half_open") u32(s.init_limit_half_open);
    else if (key == "init_limit_job_load") u32(s.init_limit_job_load);
    else if (key == "dos_protection") flag(s.dos_protection);
    else if (key == "make_before_break") flag(s.make_before_break);
    else if (key == "keep_alive") u32(s.keep_alive);
    else if (key == "keep_alive_dpd_margin") u32(s.keep_alive_dpd_margin);
    else if (key == "fragment_size") u32(s.fragment_size);
    else if (key == "max_ikev1_exchanges") u32(s.max_ikev1_exchanges);
    else if (key == "reuse_ikesa") flag(s.reuse_ikesa);
    else if (key == "follow_redirects") flag(s.follow_redirects);
    else if (key == "send_vendor_id") flag(s.send_vendor_id);
    else if (key == "signature_authentication") flag(s.signature_authentication);
    else if (key == "close_ike_on_child_failure") flag(s.close_ike_on_child_failure);
    else if (key == "inactivity_close_ike") flag(s.inactivity_close_ike);
    else if (key == "install_routes") flag(s.install_routes);
    else if (key == "ikesa_limit") u32(s.ikesa_limit);
    else if (key == "retry_initiate_interval") u32(s.retry_initiate_interval);
    else if (key == "spi_min") spi(s.spi_min);
    else if (key == "spi_max") spi(s.spi_max);
    else continue;  // unknown keys: the schema reports them
    s.keys.push_back(key);
  }
  if (s.spi_min && s.spi_max && *s.spi_min > *s.spi_max)
    out_.error(json_pointer_append(pointer, "spi_min"), "spi_min is greater than spi_max");
  if (s.fragment_size && *s.fragment_size != 0 && *s.fragment_size < 68)
    out_.error(json_pointer_append(pointer, "fragment_size"),
               "fragment_size below 68 bytes cannot carry an IKE fragment");
}

void Builder::build_secrets(Host& host, const json& arr, const std::string& pointer) {
  if (!arr.is_array()) return;
  for (size_t i = 0; i < arr.size(); ++i) {
    const json& obj = arr[i];
    std::string sp = json_pointer_append(pointer, i);
    if (!obj.is_object()) continue;
    Secret secret;
    secret.src = src(sp);
    const json* type = get(obj, "type");
    auto t = type ? lookup(*type, kSecretTypes) : std::nullopt;
    if (!t) continue;
    secret.type = *t;
    if (const json* ids = get(obj, "ids")) secret.ids = string_list(*ids);
    auto secret_text = get_string(obj, "secret");
    auto file = get_string(obj, "file");
    if (secret.type == SecretType::kPsk) {
      if (file) out_.key_error(json_pointer_append(sp, "file"), "a PSK is written in \"secret\", not read from a file");
      if (!secret_text) {
        if (!get(obj, "secret")) out_.error(sp, "a PSK entry needs \"secret\"");
      } else {
        auto bytes = parse_psk(*secret_text);
        if (!bytes.ok()) {
          out_.value_error(json_pointer_append(sp, "secret"), bytes.error().reason());
        } else {
          secret.secret = *bytes;
        }
      }
    } else {
      if (secret_text)
        out_.key_error(json_pointer_append(sp, "secret"),
                       "an " + std::string(name(secret.type)) + " private key is read from \"file\"");
      if (!file) {
        if (!get(obj, "file")) out_.error(sp, "an " + std::string(name(secret.type)) + " entry needs \"file\" (the private key)");
      } else {
        secret.file = resolve_path(*file, json_pointer_append(sp, "file"));
      }
    }
    host.secrets.push_back(std::move(secret));
  }
}

// ---- connections: %default and also= ----------------------------------------------------

namespace {

struct RawValue {
  const json* value = nullptr;
  std::string pointer;
  std::string key;  // as written ("keylife" for lifetime)
};
using KeyMap = std::map<std::string, RawValue>;  // by canonical key

struct Section {
  const json* obj = nullptr;
  std::string pointer;
};

}  // namespace

class ConnMerger {
 public:
  ConnMerger(Builder& b, const std::map<std::string, Section>& sections)
      : b_(b), sections_(sections) {}

  // The keys of `name` with the sections it names in also= merged in first (ipsec.conf:
  // the including section's own values win).
  KeyMap merge(const std::string& name, std::vector<std::string>& stack) {
    KeyMap result;
    auto it = sections_.find(name);
    if (it == sections_.end() || !it->second.obj->is_object()) return result;
    const Section& s = it->second;
    stack.push_back(name);
    if (const json* also = Builder::get(*s.obj, "also")) {
      std::string ap = json_pointer_append(s.pointer, "also");
      std::vector<std::pair<std::string, std::string>> refs;  // name, pointer
      if (also->is_string()) {
        refs.emplace_back(also->get<std::string>(), ap);
      } else if (also->is_array()) {
        for (size_t i = 0; i < also->size(); ++i)
          if ((*also)[i].is_string()) refs.emplace_back((*also)[i].get<std::string>(), json_pointer_append(ap, i));
      }
      for (const auto& [ref, rp] : refs) {
        if (ref == "%default") {
          b_.out_.value_error(rp, "%default applies to every conn already; also= cannot name it");
          continue;
        }
        if (!sections_.count(ref)) {
          std::vector<std::string> names;
          for (const auto& [n, unused] : sections_) names.push_back(n);
          b_.out_.value_error(rp, "also= names unknown conn '" + ref + "'" + did_you_mean(ref, names));
          continue;
        }
        if (std::find(stack.begin(), stack.end(), ref) != stack.end()) {
          std::string cycle;
          for (const auto& n : stack) cycle += n + " -> ";
          b_.out_.value_error(rp, "also= cycle: " + cycle + ref);
          continue;
        }
        for (auto& [k, v] : merge(ref, stack)) result[k] = v;
      }
    }
    std::map<std::string, std::string> written;  // canonical -> key in this section
    for (const auto& [key, value] : b_.members(*s.obj, s.pointer)) {
      if (key == "also") continue;
      const ConnKeyInfo* info = find_conn_key(key);
      if (!info) continue;  // the schema reports unknown keys
      std::string canonical(info->canonical);
      std::string kp = json_pointer_append(s.pointer, key);
      auto [w, fresh] = written.emplace(canonical, key);
      if (!fresh) {
        b_.out_.key_error(kp, "'" + key + "' and '" + w->second + "' are the same key (" + canonical + ")");
        continue;
      }
      result[canonical] = RawValue{value, kp, key};
    }
    stack.pop_back();
    return result;
  }

 private:
  Builder& b_;
  const std::map<std::string, Section>& sections_;
};

void Builder::build_conns(Host& host, const json& obj, const std::string& pointer) {
  if (!obj.is_object()) return;
  std::map<std::string, Section> sections;
  auto ordered = members(obj, pointer);
  for (const auto& [name, value] : ordered) {
    std::string cp = json_pointer_append(pointer, name);
    if (name != "%default" && !valid_name(name, true))
      out_.key_error(cp, "conn name '" + name + "' may use letters, digits, '-', '_' and '.'");
    sections[name] = Section{value, cp};
  }
  std::set<std::string> included;  // sections some other section includes with also=
  for (const auto& [name, value] : ordered) {
    for (const auto& a : string_list(get(*value, "also") ? *get(*value, "also") : json())) included.insert(a);
  }
  ConnMerger merger(*this, sections);
  for (const auto& [name, value] : ordered) {
    if (name == "%default") continue;
    std::string cp = json_pointer_append(pointer, name);
    std::vector<std::string> stack;
    KeyMap keys;
    if (sections.count("%default")) keys = merger.merge("%default", stack);
    for (auto& [k, v] : merger.merge(name, stack)) keys[k] = v;

    // A copy: clang 14 cannot capture structured bindings in the lambdas below.
    const std::string conn_name = name;
    Connection c;
    c.name = conn_name;
    c.src = src(cp);
    for (const auto& [k, v] : keys) c.explicit_keys.emplace_back(k, src(v.pointer));
    auto has = [&](const char* k) { return keys.count(k) > 0; };
    auto val = [&](const char* k) -> const json& { return *keys.at(k).value; };
    auto vp = [&](const char* k) -> const std::string& { return keys.at(k).pointer; };

    if (has("auto")) {
      if (auto a = lookup(val("auto"), kAutoActions)) c.auto_action = *a;
    } else if (!included.count(name)) {
      out_.warning(cp, "conn '" + name + "' is not loaded: auto defaults to ignore, as in ipsec.conf (set \"auto\": \"add\" or \"start\")");
    }
    if (has("keyexchange"))
      if (auto v = lookup(val("keyexchange"), kVersions)) c.version = *v;
    if (has("type"))
      if (auto v = lookup(val("type"), kConnTypes)) c.type = *v;

    auto end_address = [&](End& end, const char* key, bool local) {
      if (!has(key) || !val(key).is_string()) return;
      std::string text = val(key).get<std::string>();
      end.address_text = text;
      if (text == "%any") return;
      if (text == "%any4") {
        end.any_family = IpAddress::Family::kV4;
        return;
      }
      if (text == "%any6") {
        end.any_family = IpAddress::Family::kV6;
        return;
      }
      if (text == "%defaultroute") {
        if (!local) out_.value_error(vp(key), "%defaultroute names a local address; the peer is an address or %any");
        return;
      }
      auto a = IpAddress::parse(text);
      if (!a) {
        out_.value_error(vp(key), "'" + text + "' is not an IP address, %any, %any4 or %any6" +
                                      std::string(local ? " (or %defaultroute)" : "") +
                                      "; ikesuite resolves no host names");
        return;
      }
      end.address = *a;
    };
    end_address(c.left, "left", true);
    end_address(c.right, "right", false);

    for (auto [end, prefix] : {std::pair<End*, const char*>{&c.left, "left"}, {&c.right, "right"}}) {
      std::string pre(prefix);
      auto k = [&](const char* suffix) { return pre + suffix; };
      if (keys.count(k("id")) && keys.at(k("id")).value->is_string()) end->id = keys.at(k("id")).value->get<std::string>();
      if (keys.count(k("subnet"))) {
        const RawValue& rv = keys.at(k("subnet"));
        const json& v = *rv.value;
        std::vector<std::pair<std::string, std::string>> items;  // text, pointer
        if (v.is_string()) {
          items.emplace_back(v.get<std::string>(), rv.pointer);
        } else if (v.is_array()) {
          for (size_t i = 0; i < v.size(); ++i)
            if (v[i].is_string()) items.emplace_back(v[i].get<std::string>(), json_pointer_append(rv.pointer, i));
        }
        for (const auto& [text, ip] : items) {
          auto ts = parse_traffic_selectors(text);
          if (!ts.ok()) {
            out_.value_error(ip, ts.error().reason());
            continue;
          }
          for (auto& t : *ts) end->subnets.push_back(std::move(t));
        }
      }
      if (keys.count(k("protoport")) && keys.at(k("protoport")).value->is_string()) {
        auto pp = parse_protoport(keys.at(k("protoport")).value->get<std::string>());
        if (!pp.ok()) {
          out_.value_error(keys.at(k("protoport")).pointer, pp.error().reason());
        } else {
          end->protoport_protocol = pp->protocol;
          if (pp->port_from != 0 || pp->port_to != 0xffff) end->protoport_ports = {pp->port_from, pp->port_to};
        }
      }
      if (keys.count(k("cert")) && keys.at(k("cert")).value->is_string())
        end->cert = resolve_path(keys.at(k("cert")).value->get<std::string>(), keys.at(k("cert")).pointer);
      if (keys.count(k("auth")))
        if (auto a = lookup(*keys.at(k("auth")).value, kAuthMethods)) end->auth = *a;
      if (keys.count(k("ca")) && keys.at(k("ca")).value->is_string()) end->ca = keys.at(k("ca")).value->get<std::string>();
      if (keys.count(k("sendcert")))
        if (auto s = lookup(*keys.at(k("sendcert")).value, kSendCert)) end->sendcert = *s;
      if (keys.count(k("sourceip")) && keys.at(k("sourceip")).value->is_string()) {
        std::string text = keys.at(k("sourceip")).value->get<std::string>();
        end->sourceip = text;
        bool ok = text == "%config" || text == "%config4" || text == "%config6" || text == "%modeconfig" ||
                  Subnet::parse(text).ok();
        if (!ok)
          out_.value_error(keys.at(k("sourceip")).pointer,
                           "'" + text + "' is not %config, %config4, %config6, an address or an address pool");
      }
      if (keys.count(k("firewall")))
        if (auto b = yes_no(*keys.at(k("firewall")).value)) end->firewall = *b;
      if (keys.count(k("updown")) && keys.at(k("updown")).value->is_string())
        end->updown = keys.at(k("updown")).value->get<std::string>();
      if (keys.count(k("ikeport")) && keys.at(k("ikeport")).value->is_number_integer())
        end->ikeport = static_cast<uint16_t>(keys.at(k("ikeport")).value->get<int64_t>());
    }
    if (has("authby")) {
      if (auto a = lookup(val("authby"), kAuthBy)) {
        for (auto [end, key] : {std::pair<End*, const char*>{&c.left, "leftauth"}, {&c.right, "rightauth"}}) {
          if (!end->auth) {
            end->auth = *a;
            continue;
          }
          // authby=pubkey with leftauth=rsa narrows rather than contradicts.
          bool pub_a = *a == AuthMethod::kPubkey || *a == AuthMethod::kRsa || *a == AuthMethod::kEcdsa;
          bool pub_e = *end->auth == AuthMethod::kPubkey || *end->auth == AuthMethod::kRsa ||
                       *end->auth == AuthMethod::kEcdsa;
          if (!(pub_a && pub_e) && *a != *end->auth)
            out_.value_error(vp("authby"), "authby=" + val("authby").get<std::string>() + " contradicts " + key +
                                               "=" + std::string(harness::name(*end->auth)) + " (remove one)");
        }
      }
    }
    // strongSwan's default is authby=pubkey.
    if (!c.left.auth) c.left.auth = AuthMethod::kPubkey;
    if (!c.right.auth) c.right.auth = AuthMethod::kPubkey;

    std::set<std::string> parsed;  // duration keys whose value was valid
    auto dur = [&](const char* k, Duration& field) {
      if (has(k))
        if (auto d = duration(val(k), vp(k))) {
          field = *d;
          parsed.insert(k);
        }
    };
    dur("ikelifetime", c.ike_lifetime);
    dur("lifetime", c.lifetime);
    dur("margintime", c.margintime);
    dur("dpddelay", c.dpd_delay);
    dur("dpdtimeout", c.dpd_timeout);
    dur("inactivity", c.inactivity);
    if (has("rekeyfuzz")) {
      const json& v = val("rekeyfuzz");
      if (v.is_number_integer() && v.get<int64_t>() >= 0) {
        c.rekeyfuzz = static_cast<double>(v.get<int64_t>()) / 100.0;
      } else if (v.is_string()) {
        auto f = parse_percent(v.get<std::string>());
        if (f.ok()) {
          c.rekeyfuzz = *f;
        } else {
          out_.value_error(vp("rekeyfuzz"), f.error().reason());
        }
      }
    }
    auto u64 = [&](const char* k, uint64_t& field) {
      if (has(k) && val(k).is_number_integer() && val(k).get<int64_t>() >= 0) field = val(k).get<uint64_t>();
    };
    u64("lifebytes", c.life_bytes);
    u64("lifepackets", c.life_packets);
    u64("marginbytes", c.margin_bytes);
    u64("marginpackets", c.margin_packets);
    if (has("keyingtries")) {
      const json& v = val("keyingtries");
      if (v.is_number_integer() && v.get<int64_t>() >= 0) {
        // ipsec.conf: keyingtries=0 means %forever.
        c.keyingtries = static_cast<uint32_t>(std::min<int64_t>(v.get<int64_t>(), 0xffffffffll));
      } else if (v.is_string() && v.get<std::string>() == "%forever") {
        c.keyingtries = 0;
      }
    }
    auto flag = [&](const char* k, bool& field) {
      if (has(k))
        if (auto b = yes_no(val(k))) field = *b;
    };
    flag("rekey", c.rekey);
    flag("reauth", c.reauth);
    flag("mobike", c.mobike);
    flag("aggressive", c.aggressive);
    flag("forceencaps", c.force_encaps);
    flag("installpolicy", c.install_policy);
    if (has("compress"))
      if (auto b = yes_no(val("compress")); b && *b)
        out_.value_error(vp("compress"), "IPComp (compress=yes) is not supported; remove the key or set it to no");
    if (has("dpdaction"))
      if (auto a = lookup(val("dpdaction"), kSaActions)) c.dpd_action = *a;
    if (has("closeaction"))
      if (auto a = lookup(val("closeaction"), kSaActions)) c.close_action = *a;
    if (has("fragmentation"))
      if (auto f = lookup(val("fragmentation"), kFragmentation)) c.fragmentation = *f;
    if (has("childless"))
      if (auto f = lookup(val("childless"), kChildless)) c.childless = *f;
    if (has("replay_window") && val("replay_window").is_number_integer())
      c.replay_window = static_cast<uint32_t>(std::min<int64_t>(val("replay_window").get<int64_t>(), 0xffffffffll));
    if (has("reqid") && val("reqid").is_number_integer())
      c.reqid = static_cast<uint32_t>(std::min<int64_t>(val("reqid").get<int64_t>(), 0xffffffffll));

    // Proposals, once the version is known.
    for (auto [k, list, kind] : {std::tuple<const char*, std::vector<std::string>*, ProposalKind>{"ike", &c.ike, ProposalKind::kIke},
                                 {"esp", &c.esp, ProposalKind::kEsp},
                                 {"ah", &c.ah, ProposalKind::kAh}}) {
      if (!has(k) || !val(k).is_string()) continue;
      *list = split_proposals(val(k).get<std::string>(), vp(k), out_);
      for (const auto& proposal : *list) {
        auto st = check_proposal(kind, c.version, proposal);
        if (!st.ok()) out_.value_error(vp(k), st.error().reason());
      }
    }
    if (has("esp") && has("ah"))
      out_.error(vp("ah"), "a conn negotiates ESP or AH, not both (remove \"esp\" or \"ah\")");

    // Keys of one version on a conn of the other.
    if (c.version != IkeVersion::kV1 && has("aggressive") && c.aggressive)
      out_.value_error(vp("aggressive"), "aggressive=yes needs keyexchange=ikev1 (Aggressive Mode is an IKEv1 exchange)");
    if (c.version != IkeVersion::kV1 && has("dpdtimeout"))
      out_.warning(vp("dpdtimeout"),
                   "dpdtimeout applies to IKEv1 only; an IKEv2 peer is declared dead after the retransmissions (retransmit_* settings)");
    if (c.version == IkeVersion::kV1 && has("mobike") && c.mobike)
      out_.value_error(vp("mobike"), "MOBIKE (RFC 4555) is an IKEv2 extension; mobike=yes does not apply to keyexchange=ikev1");
    if (c.version == IkeVersion::kV1 && has("childless") && c.childless != Childless::kAllow)
      out_.value_error(vp("childless"), "childless (RFC 6023) is an IKEv2 extension; it does not apply to keyexchange=ikev1");
    if (parsed.count("dpddelay") && c.dpd_action == SaAction::kNone)
      out_.warning(vp("dpddelay"), "dpddelay has no effect with dpdaction=none (the default)");

    // rekey time = lifetime - (margintime + random(0, margintime * rekeyfuzz)) (seed 001):
    // it must stay above zero whatever the random part.
    if (c.rekey) {
      auto check_margin = [&](Duration life, const char* life_key) {
        double worst = to_seconds(c.margintime) * (1.0 + c.rekeyfuzz);
        if (worst < to_seconds(life)) return;
        // Point at the value this conn wrote itself, if any: a %default shared by several
        // conns is only wrong in combination with one of them.
        std::string at = has("margintime") ? vp("margintime") : has(life_key) ? vp(life_key) : cp;
        if (has(life_key) && vp(life_key).rfind(cp + "/", 0) == 0) at = vp(life_key);
        if (has("rekeyfuzz") && vp("rekeyfuzz").rfind(cp + "/", 0) == 0 && at.rfind(cp + "/", 0) != 0) at = vp("rekeyfuzz");
        std::string who = at.rfind(cp + "/", 0) == 0 ? std::string() : "conn '" + conn_name + "': ";
        out_.error(at, who + "margintime " + describe_duration(c.margintime) + " (+ rekeyfuzz " +
                           std::to_string(static_cast<int>(std::lround(c.rekeyfuzz * 100))) + "%) reaches " +
                           life_key + " " + describe_duration(life) +
                           ": the rekey time lifetime - margintime - random(0, margintime * rekeyfuzz) must stay above 0");
      };
      check_margin(c.lifetime, "lifetime");
      check_margin(c.ike_lifetime, "ikelifetime");
      auto check_volume = [&](uint64_t life, uint64_t margin, const char* life_key, const char* margin_key) {
        if (life == 0 || margin == 0) return;
        if (static_cast<double>(margin) * (1.0 + c.rekeyfuzz) < static_cast<double>(life)) return;
        out_.error(has(margin_key) ? vp(margin_key) : cp,
                   std::string(margin_key) + " " + std::to_string(margin) + " (+ rekeyfuzz) reaches " + life_key +
                       " " + std::to_string(life) + ": the SA would be rekeyed before any traffic");
      };
      check_volume(c.life_bytes, c.margin_bytes, "lifebytes", "marginbytes");
      check_volume(c.life_packets, c.margin_packets, "lifepackets", "marginpackets");
    }
    if (c.margin_bytes && !c.life_bytes && has("marginbytes"))
      out_.warning(vp("marginbytes"), "marginbytes has no effect without lifebytes");
    if (c.margin_packets && !c.life_packets && has("marginpackets"))
      out_.warning(vp("marginpackets"), "marginpackets has no effect without lifepackets");

    if (has("impair") && val("impair").is_array()) {
      if (host.implementation != Implementation::kRef)
        out_.value_error(vp("impair"), "only ref hosts misbehave on purpose; host '" + host.name + "' runs " +
                                           std::string(harness::name(host.implementation)));
      const json& arr = val("impair");
      uint8_t version = c.version == IkeVersion::kV1 ? 1 : 2;
      for (size_t i = 0; i < arr.size(); ++i)
        if (auto imp = build_impairment(arr[i], json_pointer_append(vp("impair"), i), version, "conn '" + name + "'"))
          c.impairments.push_back(std::move(*imp));
    }
    host.conns.push_back(std::move(c));
  }
}

// ---- impairments ------------------------------------------------------------------------

std::optional<Impairment> Builder::build_impairment(const json& obj, const std::string& pointer,
                                                    uint8_t version, const std::string& context) {
  if (!obj.is_object()) return std::nullopt;
  auto kind_name = get_string(obj, "impair");
  const ImpairInfo* info = kind_name ? find_impairment(*kind_name) : nullptr;
  if (!info) return std::nullopt;  // missing or unknown: the schema reports it
  auto p = [&](std::string_view key) { return json_pointer_append(pointer, key); };
  Impairment imp;
  imp.src = src(pointer);
  imp.kind = info->kind;
  imp.exchange_version = version;
  std::string what = "impairment '" + std::string(info->name) + "'";

  static constexpr std::string_view kSelector[] = {"impair", "description", "exchange", "message",
                                                   "message_id", "count"};
  std::vector<std::string_view> allowed;
  for (uint32_t bit = 1; bit <= kParamTsr; bit <<= 1)
    if (info->params & bit) allowed.push_back(impair_param_name(static_cast<ImpairParam>(bit)));
  check_applicable(obj, pointer, allowed, kSelector, what);

  if (version == 1 && !info->ikev1)
    out_.error(pointer, what + " applies to IKEv2 messages only, but " + context + " speaks IKEv1" +
                            (info->kind == ImpairKind::kBadIcv ? " (use bad_hash)" : ""));
  if (version == 2 && !info->ikev2)
    out_.error(pointer, what + " applies to IKEv1 messages only, but " + context + " speaks IKEv2" +
                            (info->kind == ImpairKind::kBadHash ? " (use bad_icv or bad_auth)" : ""));

  for (uint32_t bit = 1; bit <= kParamTsr; bit <<= 1) {
    if (!(info->required & bit)) continue;
    if (info->kind == ImpairKind::kForceTs) continue;  // one of tsi/tsr, checked below
    auto param = impair_param_name(static_cast<ImpairParam>(bit));
    if (!get(obj, param)) out_.error(pointer, what + " needs '" + std::string(param) + "'");
  }
  if (info->kind == ImpairKind::kForceTs && !get(obj, "tsi") && !get(obj, "tsr"))
    out_.error(pointer, what + " needs 'tsi' and/or 'tsr'");

  if (auto d = get_string(obj, "description")) imp.description = *d;
  if (auto ex = get_string(obj, "exchange")) {
    auto e = parse_exchange(*ex);
    if (!e) {
      auto names = exchange_names(version);
      out_.value_error(p("exchange"), "unknown exchange '" + *ex + "'" + did_you_mean(*ex, names));
    } else if (e->version != version) {
      out_.value_error(p("exchange"), "'" + *ex + "' is an IKEv" + std::to_string(e->version) + " exchange, but " +
                                          context + " speaks IKEv" + std::to_string(version));
    } else {
      imp.exchange = e->value;
    }
  }
  if (const json* m = get(obj, "message")) {
    if (auto k = lookup(*m, kMessageKinds)) imp.message = *k;
  }
  if (imp.message == MessageKind::kResponse && info->kind == ImpairKind::kNoRetransmit)
    out_.value_error(p("message"), "no_retransmit is about requests: responses are only resent when a request repeats");
  if (auto mid = get_uint(obj, "message_id")) imp.message_id = static_cast<uint32_t>(*mid);
  if (auto c = get_uint(obj, "count")) imp.count = static_cast<uint32_t>(std::min<uint64_t>(*c, 0xffffffffu));

  if (auto pl = get_string(obj, "payload"); pl && (info->params & kParamPayload)) {
    auto label = parse_payload_label(*pl, version);
    if (!label.ok()) {
      out_.value_error(p("payload"), label.error().reason());
    } else {
      imp.payload = *label;
    }
  }
  if (const json* n = get(obj, "notify"); n && (info->params & kParamNotify)) {
    if (n->is_number_integer()) {
      imp.notify = static_cast<uint16_t>(n->get<int64_t>());
    } else if (n->is_string()) {
      std::string text = n->get<std::string>();
      if (text.size() > 3 && text.rfind("N(", 0) == 0 && text.back() == ')') text = text.substr(2, text.size() - 3);
      auto v = parse_notify(text, version);
      if (!v.ok()) {
        out_.value_error(p("notify"), v.error().reason());
      } else {
        imp.notify = *v;
      }
    }
  }
  if (const json* g = get(obj, "group"); g && (info->params & kParamGroup)) {
    if (g->is_number_integer()) {
      imp.group = static_cast<uint16_t>(g->get<int64_t>());
    } else if (g->is_string()) {
      auto v = parse_dh_group(g->get<std::string>());
      if (!v.ok()) {
        out_.value_error(p("group"), v.error().reason());
      } else {
        imp.group = *v;
      }
    }
  }
  if (auto v = get_int(obj, "value"); v && (info->params & kParamValue)) {
    imp.value = *v;
    auto range = [&](int64_t lo, int64_t hi, const std::string& meaning) {
      if (*v < lo || *v > hi)
        out_.value_error(p("value"), "'value' of " + what + " is " + meaning + ", " + std::to_string(lo) +
                                         ".." + std::to_string(hi) + "; got " + std::to_string(*v));
    };
    switch (info->kind) {
      case ImpairKind::kMajorVersion:
      case ImpairKind::kMinorVersion: range(0, 15, "a 4-bit version number"); break;
      case ImpairKind::kHeaderFlags: range(1, 255, "a non-zero 8-bit flags mask"); break;
      case ImpairKind::kDuplicateMessage: range(1, 16, "the number of extra copies"); break;
      case ImpairKind::kTruncateMessage: range(0, 65535, "the length to cut to"); break;
      case ImpairKind::kNonceLength: range(0, 65535, "a nonce length in bytes"); break;
      case ImpairKind::kCorruptPayload: range(0, 65535, "a byte offset into the payload body"); break;
      case ImpairKind::kWrongSpi: range(0, INT64_MAX, "an SPI"); break;
      case ImpairKind::kMessageId:
      case ImpairKind::kHeaderLength:
      case ImpairKind::kPayloadLength:
      case ImpairKind::kKeLength:
        if (*v == 0) out_.value_error(p("value"), "'value' 0 changes nothing; " + what + " adds it");
        break;
      case ImpairKind::kAddUnknownPayload: {
        range(1, 255, "a payload type");
        bool known = version == 1
                         ? !v1::kPayloadTypeNames.name(static_cast<v1::PayloadType>(*v)).empty()
                         : !v2::kPayloadTypeNames.name(static_cast<v2::PayloadType>(*v)).empty();
        if (*v >= 1 && *v <= 255 && known)
          out_.value_error(p("value"), "payload type " + std::to_string(*v) + " is assigned (" +
                                           parse_payload_label(std::to_string(*v), version)->text +
                                           "); add_unknown_payload needs an unassigned type");
        break;
      }
      default: break;
    }
  }
  if (auto c = get_bool(obj, "critical")) imp.critical = *c;
  if (auto d = get_string(obj, "data"); d && (info->params & kParamData)) {
    auto bytes = parse_hex(*d);
    if (bytes.ok()) imp.data = *bytes;  // the schema's pattern reports bad hex
  }
  if (auto pr = get_string(obj, "proposal"); pr && (info->params & kParamProposal)) {
    imp.proposal = *pr;
    // An IKE proposal for the IKE SA exchanges, an ESP one for the Child SA ones; without an
    // exchange, either will do.
    IkeVersion iv = version == 1 ? IkeVersion::kV1 : IkeVersion::kV2;
    std::vector<ProposalKind> kinds{ProposalKind::kIke, ProposalKind::kEsp};
    if (imp.exchange) {
      std::string ex = exchange_name(version, *imp.exchange);
      if (ex == "IKE_SA_INIT" || ex == "ID_PROT" || ex == "AGGRESSIVE") kinds = {ProposalKind::kIke};
      if (ex == "IKE_AUTH" || ex == "QUICK_MODE") kinds = {ProposalKind::kEsp};
    }
    std::optional<Error> first;
    bool ok = false;
    for (auto kind : kinds) {
      auto st = check_proposal(kind, iv, *pr);
      if (st.ok()) {
        ok = true;
        break;
      }
      if (!first) first = st.error();
    }
    if (!ok && first) out_.value_error(p("proposal"), first->reason());
  }
  if (const json* d = get(obj, "delay"); d && (info->params & kParamDelay)) {
    if (auto dd = duration(*d, p("delay"))) imp.delay = *dd;
  }
  for (auto [key, list] : {std::pair<const char*, std::vector<TrafficSelectorSpec>*>{"tsi", &imp.tsi}, {"tsr", &imp.tsr}}) {
    const json* v = get(obj, key);
    if (!v || !(info->params & kParamTsi)) continue;
    for (const auto& text : string_list(*v)) {
      auto ts = parse_traffic_selectors(text);
      if (!ts.ok()) {
        out_.value_error(p(key), ts.error().reason());
        continue;
      }
      for (auto& t : *ts) list->push_back(std::move(t));
    }
  }
  return imp;
}

// ---- connection checks that need the whole topology -------------------------------------

void Builder::check_conns() {
  for (auto& host : sc_.hosts) {
    for (auto& conn : host.conns) {
      // left defaults to the host's own address (ipsec.conf's %defaultroute); pick one of
      // the peer's family.
      if (!conn.left.address && conn.left.any_family == IpAddress::Family::kNone &&
          (conn.left.address_text.empty() || conn.left.address_text == "%defaultroute")) {
        for (const auto& a : host.addresses) {
          if (!conn.right.address || a.family() == conn.right.address->family()) {
            conn.left.address = a;
            break;
          }
        }
      }
      check_conn(host, conn);
    }
  }
}

void Builder::check_conn(const Host& host, const Connection& c) {
  const std::string cp = c.src.pointer;
  auto key_ptr = [&](std::string_view key) -> std::string {
    const SourceRef* s = c.key_source(key);
    return s ? s->pointer : cp;
  };
  if (c.auto_action == AutoAction::kIgnore) return;  // a template: not loaded

  // left is always the local end.
  if (c.left.address && !host.addresses.empty() && !host.owns(*c.left.address)) {
    bool swapped = c.right.address && host.owns(*c.right.address);
    out_.value_error(key_ptr("left"), "left " + c.left.address->to_string() + " is not an address of host '" +
                                          host.name + "'" +
                                          (swapped ? " (right is: in ikesuite left is always the local side)" : ""));
  }
  if (!c.key_source("right")) {
    out_.error(cp, "conn '" + c.name + "' needs \"right\": the peer's address, or %any to accept any peer");
  } else if (c.right.address) {
    const IpAddress& r = *c.right.address;
    const Host* owner = sc_.host_by_address(r);
    bool nat_public = std::any_of(sc_.network.nats.begin(), sc_.network.nats.end(),
                                  [&](const Nat& n) { return n.public_address == r; });
    bool blackhole = std::find(sc_.network.blackhole.begin(), sc_.network.blackhole.end(), r) !=
                     sc_.network.blackhole.end();
    auto nat_of = [&](const std::string& h) -> const Nat* {
      for (const auto& n : sc_.network.nats)
        if (std::find(n.inside.begin(), n.inside.end(), h) != n.inside.end()) return &n;
      return nullptr;
    };
    if (owner == &host) {
      out_.value_error(key_ptr("right"), "right " + r.to_string() + " is an address of this host; right is the peer");
    } else if (owner) {
      const Nat* peer_nat = nat_of(owner->name);
      if (peer_nat && peer_nat != nat_of(host.name))
        out_.value_error(key_ptr("right"), "host '" + owner->name + "' is behind NAT '" + peer_nat->name +
                                               "': from outside it is reached at " +
                                               peer_nat->public_address.to_string());
    } else if (!nat_public && !blackhole) {
      out_.value_error(key_ptr("right"), "no host owns " + r.to_string() +
                                             ": name an address of a host or a NAT, or list it in network.blackhole "
                                             "to model an unreachable peer");
    }
    if (c.left.address && c.left.address->family() != r.family())
      out_.value_error(key_ptr("right"), "left is " + std::string(c.left.address->is_v4() ? "IPv4" : "IPv6") +
                                             " but right is " + std::string(r.is_v4() ? "IPv4" : "IPv6"));
  }
  if (!c.right.address && c.auto_action == AutoAction::kStart)
    out_.value_error(key_ptr("auto"), "auto=start needs a peer to initiate to, but right is " + c.right.address_text);

  // Traffic selectors: a pair of the same family must exist, and transport mode protects the
  // hosts' own addresses only (RFC 7296 §1.3.1).
  auto families = [](const End& e, const std::optional<IpAddress>& fallback) {
    std::set<IpAddress::Family> f;
    for (const auto& ts : e.subnets) f.insert(ts.subnet.addr.family());
    if (e.subnets.empty() && fallback) f.insert(fallback->family());
    return f;
  };
  auto lf = families(c.left, c.left.address);
  auto rf = families(c.right, c.right.address);
  if (!lf.empty() && !rf.empty() && (!c.left.subnets.empty() || !c.right.subnets.empty())) {
    bool common = std::any_of(lf.begin(), lf.end(), [&](auto f) { return rf.count(f) > 0; });
    if (!common)
      out_.error(c.right.subnets.empty() ? key_ptr("leftsubnet") : key_ptr("rightsubnet"),
                 "leftsubnet and rightsubnet share no address family: no traffic selector pair can match");
  }
  if (c.type == ConnType::kTransport) {
    for (auto [end, key] : {std::pair<const End*, const char*>{&c.left, "leftsubnet"}, {&c.right, "rightsubnet"}}) {
      for (const auto& ts : end->subnets) {
        bool own = end->address && ts.subnet.addr == *end->address &&
                   ts.subnet.prefix == end->address->size() * 8;
        if (!own) {
          out_.value_error(key_ptr(key), "type=transport protects the hosts' own addresses; " + std::string(key) +
                                             " " + ts.text + " needs type=tunnel");
          break;
        }
      }
    }
  }
  for (const auto& ts : c.left.subnets) {
    bool covered = std::any_of(host.subnets.begin(), host.subnets.end(), [&](const Subnet& s) {
                     return s.prefix <= ts.subnet.prefix && s.contains(ts.subnet.addr);
                   }) ||
                   (ts.subnet.prefix == ts.subnet.addr.size() * 8 && host.owns(ts.subnet.addr));
    if (!covered) {
      out_.warning(key_ptr("leftsubnet"), "leftsubnet " + ts.text + " is not inside the subnets of host '" +
                                              host.name + "'");
      break;
    }
  }

  // Credentials.
  bool local_pubkey = *c.left.auth == AuthMethod::kPubkey || *c.left.auth == AuthMethod::kRsa ||
                      *c.left.auth == AuthMethod::kEcdsa;
  if (local_pubkey && c.left.cert.empty()) {
    std::string at = c.key_source("leftauth") ? key_ptr("leftauth") : c.key_source("authby") ? key_ptr("authby") : cp;
    out_.error(at, "conn '" + c.name + "' authenticates with a public key (" +
                       std::string(c.key_source("leftauth") || c.key_source("authby") ? "" : "authby defaults to pubkey; ") +
                       "set leftcert, or authby=psk)");
  }
  if (local_pubkey && !c.left.cert.empty()) {
    bool has_key = std::any_of(host.secrets.begin(), host.secrets.end(),
                               [](const Secret& s) { return s.type != SecretType::kPsk; });
    if (!has_key)
      out_.warning(key_ptr("leftcert"), "host '" + host.name + "' has no RSA or ECDSA secret for leftcert's private key");
  }
  if (*c.left.auth == AuthMethod::kPsk || *c.right.auth == AuthMethod::kPsk) {
    std::string me = normalize_id(c.left.id.empty() ? (c.left.address ? c.left.address->to_string() : "") : c.left.id);
    std::string peer = normalize_id(c.right.id.empty() ? (c.right.address ? c.right.address->to_string() : "") : c.right.id);
    bool found = std::any_of(host.secrets.begin(), host.secrets.end(), [&](const Secret& s) {
      if (s.type != SecretType::kPsk) return false;
      if (s.ids.empty()) return true;
      return std::any_of(s.ids.begin(), s.ids.end(), [&](const std::string& id) {
        std::string n = normalize_id(id);
        return n == me || n == peer || n == "%any";
      });
    });
    if (!found)
      out_.warning(cp, "conn '" + c.name + "' uses a PSK but host '" + host.name + "' has no PSK secret for '" +
                           (me.empty() ? "%any" : me) + "' - '" + (peer.empty() ? "%any" : peer) + "'");
  }
}

}  // namespace ikesuite::harness::detail
