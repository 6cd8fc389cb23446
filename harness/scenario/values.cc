#include "harness/scenario/values.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

#include "engine/wire/charon_names.h"
#include "engine/wire/ikev1/types.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::harness {

namespace {

Error config_error(std::string reason) { return Error(ErrorCode::kConfig, std::move(reason)); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

// Case-insensitive, with '-' and '_' equal, as NameTable compares.
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = upper(a[i]), y = upper(b[i]);
    if (x == '-') x = '_';
    if (y == '-') y = '_';
    if (x != y) return false;
  }
  return true;
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// Parses a decimal number with an optional fraction ("10", "1.5") without locale surprises.
std::optional<double> parse_decimal(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double value = 0;
  size_t i = 0;
  bool any = false;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    value = value * 10 + (s[i] - '0');
    any = true;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    double scale = 0.1;
    bool frac = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      value += (s[i] - '0') * scale;
      scale /= 10;
      frac = true;
    }
    if (!frac) return std::nullopt;
  }
  if (!any || i != s.size()) return std::nullopt;
  return value;
}

std::optional<uint64_t> parse_u64(std::string_view s) {
  if (!all_digits(s) || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

// A day is the longest unit; 10 years is far beyond any scenario and keeps nanoseconds in
// int64_t.
constexpr double kMaxSeconds = 10.0 * 365 * 86400;

}  // namespace

Result<Duration> duration_from_seconds(double s) {
  if (!std::isfinite(s) || s < 0) return config_error("a duration cannot be negative");
  if (s > kMaxSeconds) return config_error("duration too long (more than 10 years)");
  return seconds(s);
}

std::string describe_duration(Duration d) {
  // Microsecond precision is what virtual time reports show; trailing zeros say nothing.
  std::string t = format_seconds(d);
  if (t.find('.') != std::string::npos) {
    while (t.back() == '0') t.pop_back();
    if (t.back() == '.') t.pop_back();
  }
  return t + "s";
}

Result<Duration> parse_duration(std::string_view text) {
  std::string_view t = trim(text);
  double unit = 1;
  std::string_view number = t;
  if (t.size() >= 2 && t.substr(t.size() - 2) == "ms") {
    unit = 0.001;
    number = t.substr(0, t.size() - 2);
  } else if (!t.empty()) {
    switch (t.back()) {
      case 's': unit = 1; number.remove_suffix(1); break;
      case 'm': unit = 60; number.remove_suffix(1); break;
      case 'h': unit = 3600; number.remove_suffix(1); break;
      case 'd': unit = 86400; number.remove_suffix(1); break;
      default: break;
    }
  }
  auto value = parse_decimal(number);
  if (!value)
    return config_error("not a duration: " + quoted(text) +
                        " (use seconds, or a number with ms, s, m, h or d)");
  return duration_from_seconds(*value * unit);
}

Result<double> parse_percent(std::string_view text) {
  std::string_view t = trim(text);
  if (t.empty() || t.back() != '%')
    return config_error("not a percentage: " + quoted(text) + " (write it as \"50%\")");
  auto value = parse_decimal(t.substr(0, t.size() - 1));
  if (!value) return config_error("not a percentage: " + quoted(text));
  return *value / 100.0;
}

Result<double> parse_probability(std::string_view text) {
  TRY_ASSIGN(double p, parse_percent(text));
  if (p > 1.0) return config_error("a probability cannot exceed 100%: " + quoted(text));
  return p;
}

Result<bool> parse_yes_no(std::string_view text) {
  std::string_view t = trim(text);
  if (t == "yes" || t == "true") return true;
  if (t == "no" || t == "false") return false;
  return config_error("expected yes or no, got " + quoted(text));
}

Result<uint8_t> parse_ip_protocol(std::string_view text) {
  static constexpr std::pair<std::string_view, uint8_t> kNames[] = {
      {"%any", 0}, {"icmp", 1}, {"tcp", 6}, {"udp", 17}, {"gre", 47},
      {"esp", 50}, {"ah", 51},  {"icmpv6", 58}, {"ipv6-icmp", 58}, {"sctp", 132},
  };
  std::string_view t = trim(text);
  for (const auto& [n, v] : kNames)
    if (iequals(n, t)) return v;
  if (auto v = parse_u64(t); v && *v <= 255) return static_cast<uint8_t>(*v);
  return config_error("unknown IP protocol " + quoted(text) +
                      " (use a number, %any, tcp, udp, icmp, icmpv6, sctp, gre, esp or ah)");
}

namespace {

Result<uint16_t> parse_port(std::string_view text, std::string_view whole) {
  if (auto v = parse_u64(text); v && *v <= 65535) return static_cast<uint16_t>(*v);
  return config_error("bad port " + quoted(text) + " in " + quoted(whole));
}

}  // namespace

Result<ProtoPort> parse_protoport(std::string_view text) {
  std::string_view t = trim(text);
  ProtoPort out;
  auto slash = t.find('/');
  TRY_ASSIGN(out.protocol, parse_ip_protocol(t.substr(0, slash)));
  if (slash == std::string_view::npos) return out;
  std::string_view port = t.substr(slash + 1);
  if (port == "%any") return out;
  if (out.protocol != 6 && out.protocol != 17 && out.protocol != 132 && out.protocol != 0 &&
      out.protocol != 1 && out.protocol != 58)
    return config_error("protocol " + std::to_string(out.protocol) + " has no ports: " +
                        quoted(text));
  auto dash = port.find('-');
  TRY_ASSIGN(out.port_from, parse_port(port.substr(0, dash), text));
  out.port_to = out.port_from;
  if (dash != std::string_view::npos) {
    TRY_ASSIGN(out.port_to, parse_port(port.substr(dash + 1), text));
    if (out.port_to < out.port_from)
      return config_error("port range " + quoted(port) + " ends before it starts");
  }
  return out;
}

Result<TrafficSelectorSpec> parse_traffic_selector(std::string_view text) {
  std::string_view t = trim(text);
  TrafficSelectorSpec ts;
  ts.text = std::string(t);
  std::string_view net = t;
  auto bracket = t.find('[');
  if (bracket != std::string_view::npos) {
    if (t.back() != ']')
      return config_error("unterminated '[' in traffic selector " + quoted(text));
    net = trim(t.substr(0, bracket));
    TRY_ASSIGN(ProtoPort pp, parse_protoport(t.substr(bracket + 1, t.size() - bracket - 2)));
    ts.protocol = pp.protocol;
    ts.port_from = pp.port_from;
    ts.port_to = pp.port_to;
  }
  auto subnet = Subnet::parse(net);
  if (!subnet.ok())
    return config_error("bad traffic selector " + quoted(text) + ": " + subnet.error().reason());
  ts.subnet = *subnet;
  return ts;
}

Result<std::vector<TrafficSelectorSpec>> parse_traffic_selectors(std::string_view text) {
  std::vector<TrafficSelectorSpec> out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view item = trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
    if (item.empty()) return config_error("empty entry in the list " + quoted(text));
    TRY_ASSIGN(auto ts, parse_traffic_selector(item));
    out.push_back(std::move(ts));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<Bytes> parse_hex(std::string_view text) {
  if (text.size() % 2 != 0) return config_error("odd number of hex digits in " + quoted(text));
  Bytes out;
  out.reserve(text.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return config_error("not hex: " + quoted(text));
    out.push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return out;
}

namespace {

Result<Bytes> parse_base64(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.empty() || text.size() % 4 != 0)
    return config_error("base64 length must be a multiple of 4: " + quoted(text));
  Bytes out;
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      char c = text[i + static_cast<size_t>(j)];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        v[j] = 0;
        ++pad;
        continue;
      }
      if (pad > 0 || (v[j] = value(c)) < 0) return config_error("not base64: " + quoted(text));
    }
    uint32_t n = static_cast<uint32_t>(v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3]);
    out.push_back(static_cast<uint8_t>(n >> 16));
    if (pad < 2) out.push_back(static_cast<uint8_t>(n >> 8));
    if (pad < 1) out.push_back(static_cast<uint8_t>(n));
  }
  return out;
}

}  // namespace

Result<Bytes> parse_psk(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    if (text.size() == 2) return config_error("empty hex secret");
    return parse_hex(text.substr(2));
  }
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 's' || text[1] == 'S')) {
    if (text.size() == 2) return config_error("empty base64 secret");
    return parse_base64(text.substr(2));
  }
  if (text.empty()) return config_error("empty secret");
  return Bytes(text.begin(), text.end());
}

namespace {

struct ErrnoName {
  std::string_view name;
  int value;
};

// Linux errno names that kernel SA and policy operations (and sockets) return.
constexpr ErrnoName kErrnoNames[] = {
    {"EPERM", EPERM},
    {"ENOENT", ENOENT},
    {"ESRCH", ESRCH},
    {"EINTR", EINTR},
    {"EIO", EIO},
    {"ENXIO", ENXIO},
    {"E2BIG", E2BIG},
    {"EBADF", EBADF},
    {"EAGAIN", EAGAIN},
    {"ENOMEM", ENOMEM},
    {"EACCES", EACCES},
    {"EFAULT", EFAULT},
    {"EBUSY", EBUSY},
    {"EEXIST", EEXIST},
    {"ENODEV", ENODEV},
    {"EINVAL", EINVAL},
    {"ENFILE", ENFILE},
    {"EMFILE", EMFILE},
    {"ENOSPC", ENOSPC},
    {"ERANGE", ERANGE},
    {"EDEADLK", EDEADLK},
    {"ENOSYS", ENOSYS},
    {"ENOMSG", ENOMSG},
    {"ENODATA", ENODATA},
    {"EPROTO", EPROTO},
    {"EBADMSG", EBADMSG},
    {"EOVERFLOW", EOVERFLOW},
    {"ENOTSOCK", ENOTSOCK},
    {"EMSGSIZE", EMSGSIZE},
    {"EPROTOTYPE", EPROTOTYPE},
    {"ENOPROTOOPT", ENOPROTOOPT},
    {"EPROTONOSUPPORT", EPROTONOSUPPORT},
    {"ESOCKTNOSUPPORT", ESOCKTNOSUPPORT},
    {"EOPNOTSUPP", EOPNOTSUPP},
    {"ENOTSUP", ENOTSUP},
    {"EPFNOSUPPORT", EPFNOSUPPORT},
    {"EAFNOSUPPORT", EAFNOSUPPORT},
    {"EADDRINUSE", EADDRINUSE},
    {"EADDRNOTAVAIL", EADDRNOTAVAIL},
    {"ENETDOWN", ENETDOWN},
    {"ENETUNREACH", ENETUNREACH},
    {"ECONNABORTED", ECONNABORTED},
    {"ECONNRESET", ECONNRESET},
    {"ENOBUFS", ENOBUFS},
    {"ETIMEDOUT", ETIMEDOUT},
    {"ECONNREFUSED", ECONNREFUSED},
    {"EHOSTDOWN", EHOSTDOWN},
    {"EHOSTUNREACH", EHOSTUNREACH},
    {"EALREADY", EALREADY},
    {"EINPROGRESS", EINPROGRESS},
    {"ECANCELED", ECANCELED},
    {"ENOKEY", ENOKEY},
};

}  // namespace

Result<int> parse_errno(std::string_view text) {
  std::string_view t = trim(text);
  for (const auto& e : kErrnoNames)
    if (iequals(e.name, t)) return e.value;
  if (auto v = parse_u64(t); v && *v >= 1 && *v <= 4095) return static_cast<int>(*v);
  std::vector<std::string> names;
  for (const auto& e : kErrnoNames) names.emplace_back(e.name);
  return config_error("unknown errno " + quoted(text) + did_you_mean(t, names) +
                      " (use a Linux name such as EPROTONOSUPPORT, or a number 1..4095)");
}

std::string errno_name(int err) {
  for (const auto& e : kErrnoNames)
    if (e.value == err) return std::string(e.name);
  return std::to_string(err);
}

Result<uint16_t> parse_dh_group(std::string_view text) {
  static constexpr std::pair<std::string_view, uint16_t> kKeywords[] = {
      {"modp768", 1},      {"modp1024", 2},      {"modp1536", 5},      {"modp2048", 14},
      {"modp3072", 15},    {"modp4096", 16},     {"modp6144", 17},     {"modp8192", 18},
      {"ecp256", 19},      {"ecp384", 20},       {"ecp521", 21},       {"modp1024s160", 22},
      {"modp2048s224", 23}, {"modp2048s256", 24}, {"ecp192", 25},      {"ecp224", 26},
      {"ecp224bp", 27},    {"ecp256bp", 28},     {"ecp384bp", 29},     {"ecp512bp", 30},
      {"curve25519", 31},  {"x25519", 31},       {"curve448", 32},     {"x448", 32},
  };
  std::string_view t = trim(text);
  for (const auto& [k, v] : kKeywords)
    if (iequals(k, t)) return v;
  if (auto g = v2::kDhGroupNames.parse(t)) return static_cast<uint16_t>(*g);
  std::vector<std::string> names;
  for (const auto& [k, v] : kKeywords) names.emplace_back(k);
  for (const auto& e : v2::kDhGroupNames.entries()) names.emplace_back(e.name);
  return config_error("unknown Diffie-Hellman group " + quoted(text) + did_you_mean(t, names));
}

std::optional<ExchangeName> parse_exchange(std::string_view text) {
  std::string_view t = trim(text);
  if (t.empty() || all_digits(t) || iequals(t, "NONE")) return std::nullopt;
  for (const auto& e : v2::kExchangeTypeNames.entries())
    if (iequals(e.name, t)) return ExchangeName{2, static_cast<uint8_t>(e.value)};
  for (const auto& e : v1::kExchangeTypeNames.entries())
    if (iequals(e.name, t) && e.value != v1::ExchangeType::None)
      return ExchangeName{1, static_cast<uint8_t>(e.value)};
  return std::nullopt;
}

std::string exchange_name(uint8_t version, uint8_t value) {
  if (version == 1) return v1::to_string(static_cast<v1::ExchangeType>(value));
  return v2::to_string(static_cast<v2::ExchangeType>(value));
}

std::vector<std::string> exchange_names(uint8_t version) {
  std::vector<std::string> out;
  if (version == 1) {
    for (const auto& e : v1::kExchangeTypeNames.entries())
      if (e.value != v1::ExchangeType::None) out.emplace_back(e.name);
  } else {
    for (const auto& e : v2::kExchangeTypeNames.entries()) out.emplace_back(e.name);
  }
  return out;
}

namespace {

struct NotifyAlias {
  uint16_t value;
  std::string_view name;
};


// IKEv1 names charon logs that the ISAKMP registry spells differently (RFC 3706 DPD).
constexpr NotifyAlias kCharonV1NotifyNames[] = {
    {36136, "DPD"},
    {36137, "DPD_ACK"},
};

bool v1_registry_knows(uint16_t value) {
  return !v1::kNotifyTypeNames.name(static_cast<v1::NotifyType>(value)).empty();
}

}  // namespace

Result<uint16_t> parse_notify(std::string_view text, uint8_t version) {
  std::string_view t = trim(text);
  if (t.empty()) return config_error("empty notify name");
  std::vector<std::string> names;
  if (version == 1) {
    if (auto v = v1::kNotifyTypeNames.parse(t)) return static_cast<uint16_t>(*v);
    for (const auto& a : kCharonV1NotifyNames)
      if (iequals(a.name, t)) return a.value;
    // charon logs IKEv1 error notifies with the short names of the shared numbering.
    for (const auto& a : wire::charon_notify_short_names())
      if (a.value < 16384 && v1_registry_knows(a.value) && iequals(a.text, t)) return a.value;
    for (const auto& e : v1::kNotifyTypeNames.entries()) names.emplace_back(e.name);
    for (const auto& a : kCharonV1NotifyNames) names.emplace_back(a.name);
    return config_error("unknown IKEv1 notify " + quoted(t) + did_you_mean(t, names));
  }
  if (auto v = v2::kNotifyTypeNames.parse(t)) return static_cast<uint16_t>(*v);
  for (const auto& a : wire::charon_notify_short_names())
    if (iequals(a.text, t)) return a.value;
  for (const auto& e : v2::kNotifyTypeNames.entries()) names.emplace_back(e.name);
  for (const auto& a : wire::charon_notify_short_names()) names.emplace_back(a.text);
  return config_error("unknown IKEv2 notify " + quoted(t) + did_you_mean(t, names));
}

std::string notify_name(uint16_t value, uint8_t version) {
  if (version == 1) return v1::kNotifyTypeNames.describe(static_cast<v1::NotifyType>(value), "NOTIFY");
  return v2::kNotifyTypeNames.describe(static_cast<v2::NotifyType>(value), "NOTIFY");
}

std::string notify_short_name(uint16_t value, uint8_t version) {
  if (version == 1) {
    for (const auto& a : kCharonV1NotifyNames)
      if (a.value == value) return std::string(a.name);
  }
  for (const auto& a : wire::charon_notify_short_names())
    if (a.value == value && (version == 2 || v1_registry_knows(value))) return std::string(a.text);
  return notify_name(value, version);
}

namespace {

struct LabelEntry {
  std::string_view label;
  uint8_t type;
  std::optional<uint8_t> cp_type;
};

// charon's payload labels (payload_type_short_names) for IKEv2...
constexpr LabelEntry kV2Labels[] = {
    {"SA", 33, {}},   {"KE", 34, {}},      {"IDi", 35, {}},   {"IDr", 36, {}},
    {"CERT", 37, {}}, {"CERTREQ", 38, {}}, {"AUTH", 39, {}},  {"No", 40, {}},
    {"N", 41, {}},    {"D", 42, {}},       {"V", 43, {}},     {"TSi", 44, {}},
    {"TSr", 45, {}},  {"E", 46, {}},       {"CP", 47, {}},    {"CPRQ", 47, 1},
    {"CPRP", 47, 2},  {"CPS", 47, 3},      {"CPA", 47, 4},    {"EAP", 48, {}},
    {"EF", 53, {}},
};

// ... and for IKEv1.
constexpr LabelEntry kV1Labels[] = {
    {"SA", 1, {}},    {"PROP", 2, {}},    {"TRANS", 3, {}},   {"KE", 4, {}},
    {"ID", 5, {}},    {"CERT", 6, {}},    {"CRE", 7, {}},     {"HASH", 8, {}},
    {"SIG", 9, {}},   {"No", 10, {}},     {"N", 11, {}},      {"D", 12, {}},
    {"V", 13, {}},    {"NAT-D", 20, {}},  {"NAT-OA", 21, {}}, {"NAT-D-DRAFT", 130, {}},
    {"NAT-OA-DRAFT", 131, {}},            {"FRAG", 132, {}},
};

std::span<const LabelEntry> label_table(uint8_t version) {
  if (version == 1) return kV1Labels;
  return kV2Labels;
}

std::string label_for(uint8_t version, uint8_t type, std::optional<uint8_t> cp_type) {
  for (const auto& e : label_table(version))
    if (e.type == type && e.cp_type == cp_type) return std::string(e.label);
  return "PAYLOAD(" + std::to_string(type) + ")";
}

}  // namespace

std::vector<std::string> payload_label_names(uint8_t version) {
  std::vector<std::string> out;
  for (const auto& e : label_table(version)) out.emplace_back(e.label);
  return out;
}

Result<PayloadLabel> parse_payload_label(std::string_view text, uint8_t version) {
  std::string_view t = trim(text);
  if (t.empty()) return config_error("empty payload label");
  PayloadLabel label;
  label.version = version;
  const uint8_t notify_type = version == 1 ? 11 : 41;
  if (t.size() > 3 && (t[0] == 'N' || t[0] == 'n') && t[1] == '(' && t.back() == ')') {
    TRY_ASSIGN(uint16_t n, parse_notify(t.substr(2, t.size() - 3), version));
    label.type = notify_type;
    label.notify = n;
    label.text = "N(" + notify_name(n, version) + ")";
    return label;
  }
  // charon decorates some labels: "EF(1/3)", "CPRQ(ADDR DNS)", "EAP/REQ/ID".
  std::string_view base = t;
  if (auto paren = t.find('('); paren != std::string_view::npos && t.back() == ')') {
    base = t.substr(0, paren);
  } else if (auto slash = t.find('/'); slash != std::string_view::npos) {
    base = t.substr(0, slash);
  }
  for (const auto& e : label_table(version)) {
    if (iequals(e.label, base)) {
      label.type = e.type;
      label.cp_type = e.cp_type;
      label.text = std::string(e.label);
      return label;
    }
  }
  if (base == t && !all_digits(t)) {
    if (version == 1) {
      if (auto p = v1::kPayloadTypeNames.parse(t); p && *p != v1::PayloadType::None) {
        label.type = static_cast<uint8_t>(*p);
        label.text = label_for(version, label.type, {});
        return label;
      }
    } else if (auto p = v2::kPayloadTypeNames.parse(t); p && *p != v2::PayloadType::None) {
      label.type = static_cast<uint8_t>(*p);
      label.text = label_for(version, label.type, {});
      return label;
    }
  }
  if (auto v = parse_u64(t); v && *v >= 1 && *v <= 255) {
    label.type = static_cast<uint8_t>(*v);
    label.text = label_for(version, label.type, {});
    return label;
  }
  return config_error("unknown IKEv" + std::to_string(version) + " payload label " + quoted(t) +
                      did_you_mean(base, payload_label_names(version)));
}

std::vector<std::string> split_labels(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if ((c == ' ' || c == '\t') && depth == 0) {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
      continue;
    }
    current += c;
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

Result<MessageSummary> parse_message_summary(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return config_error("bad message summary " + quoted(text) + ": " + why +
                        " (expected e.g. \"IKE_AUTH response 1 [ IDr AUTH SA TSi TSr ]\")");
  };
  std::string_view t = trim(text);
  auto open = t.find('[');
  if (open == std::string_view::npos || t.back() != ']') return bad("no payload list in [ ]");
  auto head = split_labels(t.substr(0, open));
  if (head.size() != 3) return bad("expected EXCHANGE request|response MID before [");
  MessageSummary out;
  auto ex = parse_exchange(head[0]);
  if (!ex) return bad("unknown exchange " + quoted(head[0]));
  out.exchange = *ex;
  if (head[1] == "request") {
    out.kind = MessageKind::kRequest;
  } else if (head[1] == "response") {
    out.kind = MessageKind::kResponse;
  } else {
    return bad("expected request or response, got " + quoted(head[1]));
  }
  auto mid = parse_u64(head[2]);
  if (!mid || *mid > 0xffffffffull) return bad("bad message ID " + quoted(head[2]));
  out.message_id = static_cast<uint32_t>(*mid);
  for (const auto& l : split_labels(t.substr(open + 1, t.size() - open - 2))) {
    TRY_ASSIGN(auto label, parse_payload_label(l, ex->version));
    out.payloads.push_back(std::move(label));
  }
  return out;
}

namespace {

constexpr std::string_view kIkeStates[] = {"CREATED",  "CONNECTING", "ESTABLISHED", "PASSIVE",
                                           "REKEYING", "REKEYED",    "DELETING",    "DESTROYING"};
constexpr std::string_view kChildStates[] = {"CREATED",  "ROUTED",   "INSTALLING", "INSTALLED",
                                             "UPDATING", "REKEYING", "REKEYED",    "RETRYING",
                                             "DELETING", "DELETED",  "DESTROYING"};

}  // namespace

std::span<const std::string_view> ike_state_names() { return kIkeStates; }
std::span<const std::string_view> child_state_names() { return kChildStates; }
bool is_ike_state(std::string_view s) {
  return std::find(std::begin(kIkeStates), std::end(kIkeStates), s) != std::end(kIkeStates);
}
bool is_child_state(std::string_view s) {
  return std::find(std::begin(kChildStates), std::end(kChildStates), s) != std::end(kChildStates);
}

std::string state_hint(std::string_view s, bool ike) {
  if (ike && is_child_state(s)) return " (it is a Child SA state)";
  if (!ike && is_ike_state(s)) return " (it is an IKE SA state)";
  auto names = ike ? ike_state_names() : child_state_names();
  return did_you_mean(s, std::vector<std::string>(names.begin(), names.end()));
}

Result<std::pair<std::string, std::string>> parse_transition(std::string_view text) {
  auto arrow = text.find("=>");
  if (arrow == std::string_view::npos)
    return config_error("expected \"FROM => TO\", got " + quoted(text));
  std::string from(trim(text.substr(0, arrow)));
  std::string to(trim(text.substr(arrow + 2)));
  if (from.empty() || to.empty())
    return config_error("expected \"FROM => TO\", got " + quoted(text));
  return std::make_pair(from, to);
}

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (upper(a[i - 1]) == upper(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::optional<std::string> closest_match(std::string_view text,
                                         const std::vector<std::string>& candidates) {
  if (text.empty()) return std::nullopt;
  std::optional<std::string> best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (const auto& c : candidates) {
    size_t d = edit_distance(text, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  // Plausible typos only: a third of the length, at least one edit, and not the whole word.
  size_t limit = std::max<size_t>(1, std::min(text.size(), best ? best->size() : 0) / 3);
  if (!best || best_distance > limit || best_distance >= text.size()) return std::nullopt;
  return best;
}

std::string did_you_mean(std::string_view text, const std::vector<std::string>& candidates) {
  auto m = closest_match(text, candidates);
  if (!m || *m == text) return "";
  return " (did you mean '" + *m + "'?)";
}

}  // namespace ikesuite::harness
