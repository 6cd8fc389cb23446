#include "harness/peers/libreswan/pluto_log.h"

#include <cctype>
#include <charconv>
#include <cstring>
#include <ctime>
#include <regex>

namespace ikesuite::peers {

using harness::run::BackendEvent;
using harness::run::IkeSnapshot;
using harness::run::StateChange;

namespace {

bool parse_uint(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool contains(std::string_view s, std::string_view what) { return s.find(what) != std::string_view::npos; }

}  // namespace

PlutoLine split_pluto_line(std::string_view line, int year) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  PlutoLine out;
  out.text = std::string(line);
  // "Mmm dd HH:MM:SS.uuuuuu: " is 24 characters (the day is space-padded by strftime %e or
  // zero-padded by %d; both are read).
  if (line.size() < 24 || line[3] != ' ' || line[6] != ' ' || line[9] != ':' || line[12] != ':' ||
      line[15] != '.' || line[22] != ':' || line[23] != ' ')
    return out;
  int month = -1;
  for (int i = 0; i < 12; ++i)
    if (line.substr(0, 3) == kMonths[i]) month = i;
  if (month < 0) return out;
  auto field = [&](size_t pos, size_t len) -> std::optional<int> {
    std::string_view f = line.substr(pos, len);
    while (!f.empty() && f.front() == ' ') f.remove_prefix(1);
    uint64_t v = 0;
    if (!parse_uint(f, v)) return std::nullopt;
    return static_cast<int>(v);
  };
  auto day = field(4, 2), hour = field(7, 2), min = field(10, 2), sec = field(13, 2), usec = field(16, 6);
  if (!day || !hour || !min || !sec || !usec) return out;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *min;
  tm.tm_sec = *sec;
  tm.tm_isdst = -1;  // pluto stamps local time
  std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return out;
  out.unix_time = std::chrono::seconds(t) + std::chrono::microseconds(*usec);
  out.text = std::string(line.substr(24));
  return out;
}

LogGroup pluto_line_group(std::string_view text) {
  if (contains(text, "netlink") || contains(text, "kernel") || contains(text, "xfrm") ||
      contains(text, "XFRM"))
    return LogGroup::kKnl;
  if (contains(text, "UDP interface") || contains(text, "packet from") || contains(text, "listening"))
    return LogGroup::kNet;
  if (contains(text, "secrets") || contains(text, "added IKEv") || contains(text, "proposals (connection add)"))
    return LogGroup::kCfg;
  if (contains(text, "\" #")) return LogGroup::kIke;
  return LogGroup::kDmn;
}

std::optional<PlutoState> pluto_state_name(std::string_view s) {
  if (!s.starts_with("STATE_")) return std::nullopt;
  // IKEv2 (4.x names) first, then IKEv1's Main/Aggressive/Quick Mode names.
  if (s == "STATE_V2_ESTABLISHED_IKE_SA") return PlutoState{true, "ESTABLISHED"};
  if (s == "STATE_V2_ESTABLISHED_CHILD_SA") return PlutoState{false, "INSTALLED"};
  if (s == "STATE_V2_IKE_SA_DELETE" || s == "STATE_IKESA_DEL") return PlutoState{true, "DELETING"};
  if (s == "STATE_V2_CHILD_SA_DELETE" || s == "STATE_CHILDSA_DEL") return PlutoState{false, "DELETING"};
  if (s.starts_with("STATE_V2_NEW_CHILD") || s.starts_with("STATE_V2_REKEY_CHILD") ||
      contains(s, "CHILD"))
    return PlutoState{false, "CREATED"};
  if (s.starts_with("STATE_V2_REKEY_IKE")) return PlutoState{true, "CONNECTING"};
  if (s.starts_with("STATE_V2_")) return PlutoState{true, "CONNECTING"};  // PARENT_I1, IKE_SA_INIT_R...
  if (s == "STATE_MAIN_I4" || s == "STATE_MAIN_R3" || s == "STATE_AGGR_I2" || s == "STATE_AGGR_R2" ||
      s.starts_with("STATE_XAUTH") || s.starts_with("STATE_MODE_CFG"))
    return PlutoState{true, "ESTABLISHED"};
  if (s.starts_with("STATE_MAIN") || s.starts_with("STATE_AGGR")) return PlutoState{true, "CONNECTING"};
  if (s == "STATE_QUICK_I2" || s == "STATE_QUICK_R2") return PlutoState{false, "INSTALLED"};
  if (s.starts_with("STATE_QUICK")) return PlutoState{false, "INSTALLING"};
  if (s.starts_with("STATE_INFO")) return PlutoState{true, "ESTABLISHED"};
  return std::nullopt;
}

std::optional<StateLine> parse_state_line(std::string_view text) {
  // "\"conn\"[instance] peer #N: body" — the instance part is present for template
  // instances (right=%any).
  // pluto puts "ERROR: " (or "WARNING: ") before the state's name on failures.
  for (std::string_view prefix : {"ERROR: ", "WARNING: "})
    if (text.starts_with(prefix)) text.remove_prefix(prefix.size());
  if (text.empty() || text[0] != '"') return std::nullopt;
  size_t close = text.find('"', 1);
  if (close == std::string_view::npos) return std::nullopt;
  size_t hash = text.find(" #", close);
  if (hash == std::string_view::npos) return std::nullopt;
  size_t colon = text.find(": ", hash);
  if (colon == std::string_view::npos) return std::nullopt;
  uint64_t serial = 0;
  if (!parse_uint(text.substr(hash + 2, colon - hash - 2), serial) || serial == 0 || serial > UINT32_MAX)
    return std::nullopt;
  StateLine out;
  out.conn = std::string(text.substr(1, close - 1));
  out.serial = static_cast<uint32_t>(serial);
  out.body = std::string(text.substr(colon + 2));
  return out;
}

void PlutoStateTracker::move(Output& out, Time t, uint32_t serial, const std::string& conn, bool ike,
                             const std::string& to) {
  auto [it, fresh] = sas_.try_emplace(serial, Sa{ike, conn, "CREATED", 0});
  Sa& sa = it->second;
  (void)fresh;
  if (sa.state == to) return;
  StateChange c;
  c.t = t;
  c.ike = sa.ike;
  c.conn = sa.conn;
  c.unique_id = serial;
  c.from = sa.state;
  c.to = to;
  sa.state = to;
  out.changes.push_back(std::move(c));
}

namespace {

std::optional<uint32_t> serial_after(std::string_view body, std::string_view marker) {
  size_t p = body.find(marker);
  if (p == std::string_view::npos) return std::nullopt;
  p += marker.size();
  size_t e = p;
  while (e < body.size() && std::isdigit(static_cast<unsigned char>(body[e]))) ++e;
  uint64_t v = 0;
  if (!parse_uint(body.substr(p, e - p), v) || v == 0 || v > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(v);
}

// "netlink response for Add SA esp.c1a5f00d@192.168.0.1: Protocol not supported (errno 93)"
std::optional<BackendEvent> add_sa_failure(Time t, const std::string& conn, std::string_view body) {
  static const std::regex re(R"(netlink response for Add SA (esp|ah)\.([0-9a-fA-F]+)@([^:\s]+(?::[^:\s]+)*?): (.*?) \(errno (\d+)\))");
  std::cmatch m;
  if (!std::regex_search(body.begin(), body.end(), m, re)) return std::nullopt;
  BackendEvent e;
  e.t = t;
  e.op = harness::SaOp::kAddSa;
  e.protocol = m[1].str() == "ah" ? harness::IpsecProtocol::kAh : harness::IpsecProtocol::kEsp;
  e.spi = static_cast<uint32_t>(std::stoul(m[2].str(), nullptr, 16));
  if (auto a = IpAddress::parse(m[3].str())) e.dst = *a;
  e.ok = false;
  e.err = std::stoi(m[5].str());
  e.error = m[4].str();
  e.conn = conn;
  e.text = "add SA " + std::string(m[1].str() == "ah" ? "AH" : "ESP") + " 0x" + m[2].str() + " " +
           m[3].str() + " failed: " + e.error;
  return e;
}

}  // namespace

PlutoStateTracker::Output PlutoStateTracker::feed(Time t, std::string_view text) {
  Output out;
  auto line = parse_state_line(text);
  if (!line) return out;
  const std::string& b = line->body;
  const uint32_t n = line->serial;
  const std::string& conn = line->conn;

  if (contains(b, "deleting state (")) {
    size_t open = b.find("deleting state (") + std::strlen("deleting state (");
    std::string_view st = std::string_view(b).substr(open, b.find(')', open) - open);
    auto known = pluto_state_name(st);
    if (!sas_.count(n)) {
      Sa sa{known ? known->ike : true, conn, known ? known->name : "CREATED", 0};
      sas_.emplace(n, sa);
    }
    bool ike = sas_[n].ike;
    if (contains(b, "sending notification") && !contains(b, "NOT sending notification")) {
      move(out, t, n, conn, ike, "DELETING");
      if (!ike) move(out, t, n, conn, ike, "DELETED");
    }
    move(out, t, n, conn, ike, "DESTROYING");
    sas_.erase(n);
    return out;
  }
  if (auto old = serial_after(b, "initiating rekey to replace IKE SA #")) {
    move(out, t, *old, conn, true, "REKEYING");
    move(out, t, n, conn, true, "CONNECTING");
    return out;
  }
  if (auto old = serial_after(b, "initiating rekey to replace Child SA #")) {
    move(out, t, *old, conn, false, "REKEYING");
    sas_.try_emplace(n, Sa{false, conn, "CREATED", 0});
    return out;
  }
  if (auto old = serial_after(b, "rekeyed IKE SA #")) {
    move(out, t, n, conn, true, "CONNECTING");
    move(out, t, n, conn, true, "ESTABLISHED");
    move(out, t, *old, conn, true, "REKEYED");
    return out;
  }
  if (contains(b, "initiating IKEv2 connection") || contains(b, "initiating IKEv1 Main Mode") ||
      contains(b, "initiating IKEv1 Aggressive Mode") || contains(b, "sent IKE_SA_INIT reply") ||
      contains(b, "responding to Main Mode") || contains(b, "responding to Aggressive Mode")) {
    move(out, t, n, conn, true, "CONNECTING");
    return out;
  }
  if (contains(b, "established IKE SA") || contains(b, "ISAKMP SA established") ||
      contains(b, "IKE SA established")) {
    if (!sas_.count(n) || sas_[n].state == "CREATED") move(out, t, n, conn, true, "CONNECTING");
    move(out, t, n, conn, true, "ESTABLISHED");
    return out;
  }
  if (auto parent = serial_after(b, "initiating Child SA using IKE SA #")) {
    sas_.try_emplace(n, Sa{false, conn, "CREATED", *parent});
    return out;
  }
  // A Child SA that fails (its install, or its CREATE_CHILD_SA exchange) is dropped without
  // a "deleting state" line.
  if (contains(b, "CHILD SA encountered fatal error") ||
      (contains(b, "state transition '") && contains(b, "' failed"))) {
    auto it = sas_.find(n);
    if (it != sas_.end() && !it->second.ike) {
      move(out, t, n, conn, false, "DESTROYING");
      sas_.erase(n);
    }
    return out;
  }
  if (contains(b, "initiating Quick Mode") || contains(b, "responding to Quick Mode")) {
    auto [it, fresh] = sas_.try_emplace(n, Sa{false, conn, "CREATED", 0});
    if (auto p = serial_after(b, "using isakmp#")) it->second.parent = *p;
    (void)fresh;
    return out;
  }
  if (auto failure = add_sa_failure(t, conn, b)) {
    auto it = sas_.find(n);
    if (it == sas_.end() || !it->second.ike) move(out, t, n, conn, false, "INSTALLING");
    out.backend.push_back(std::move(*failure));
    return out;
  }
  if (contains(b, "established Child SA") || contains(b, "IPsec SA established")) {
    auto it = sas_.try_emplace(n, Sa{false, conn, "CREATED", 0}).first;
    if (auto p = serial_after(b, "using #")) it->second.parent = *p;
    if (it->second.state == "CREATED") move(out, t, n, conn, false, "INSTALLING");
    move(out, t, n, conn, false, "INSTALLED");
    if (auto old = serial_after(b, "rekeyed Child SA #")) move(out, t, *old, conn, false, "REKEYED");
    return out;
  }
  if (auto old = serial_after(b, "rekeyed Child SA #")) {
    move(out, t, n, conn, false, "INSTALLING");
    move(out, t, n, conn, false, "INSTALLED");
    move(out, t, *old, conn, false, "REKEYED");
    return out;
  }
  return out;
}

std::vector<IkeSnapshot> parse_showstates(std::string_view output) {
  // "000 #1: \"net-net\":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); REKEY in ..."
  // "000 #2: \"net-net\":500 STATE_V2_ESTABLISHED_CHILD_SA (...); ...; IKE SA #1; idle;"
  static const std::regex state_re(R"re(#(\d+): "([^"]+)"[^ ]* (STATE_[A-Z0-9_]+))re");
  static const std::regex parent_re(R"((?:IKE SA #|isakmp#)(\d+))");
  std::vector<IkeSnapshot> ikes;
  struct Child {
    uint32_t serial;
    uint32_t parent;
    harness::run::ChildSnapshot snap;
  };
  std::vector<Child> children;
  size_t pos = 0;
  while (pos < output.size()) {
    size_t eol = output.find('\n', pos);
    if (eol == std::string_view::npos) eol = output.size();
    std::string line(output.substr(pos, eol - pos));
    pos = eol + 1;
    std::smatch m;
    if (!std::regex_search(line, m, state_re)) continue;
    auto st = pluto_state_name(m[3].str());
    if (!st) continue;
    uint32_t serial = static_cast<uint32_t>(std::stoul(m[1].str()));
    if (st->ike) {
      ikes.push_back(IkeSnapshot{m[2].str(), serial, st->name, {}});
    } else {
      uint32_t parent = 0;
      std::smatch pm;
      std::string rest = m.suffix().str();
      if (std::regex_search(rest, pm, parent_re)) parent = static_cast<uint32_t>(std::stoul(pm[1].str()));
      children.push_back(Child{serial, parent, {m[2].str(), serial, st->name}});
    }
  }
  for (auto& c : children) {
    IkeSnapshot* owner = nullptr;
    for (auto& i : ikes)
      if (i.unique_id == c.parent || (!c.parent && i.conn == c.snap.conn)) owner = &i;
    if (!owner) {
      // A Child SA whose IKE SA is gone (IKEv1 keeps them): listed under an empty IKE entry.
      ikes.push_back(IkeSnapshot{c.snap.conn, 0, "none", {}});
      owner = &ikes.back();
    }
    owner->children.push_back(c.snap);
  }
  return ikes;
}

}  // namespace ikesuite::peers
