#include "harness/peers/strongswan/charon_log.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "engine/base/text.h"

namespace ikesuite::peers {
namespace {

using harness::Direction;
using harness::IpsecProtocol;
using harness::SaOp;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::optional<int> digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  auto v = parse_uint<unsigned>(s.substr(pos, n));
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The word after `prefix` up to a space or the end ("SPI c8114129 (FAILED)" -> "c8114129").
std::string_view word_after(std::string_view text, std::string_view prefix) {
  size_t at = text.find(prefix);
  if (at == std::string_view::npos) return {};
  std::string_view rest = text.substr(at + prefix.size());
  return rest.substr(0, rest.find(' '));
}

std::optional<uint32_t> spi_after(std::string_view text, std::string_view prefix) {
  std::string_view w = word_after(text, prefix);
  if (starts_with(w, "0x")) w.remove_prefix(2);
  if (!w.empty() && w.back() == ',') w.remove_suffix(1);  // "SPI 0xc3562528, src ..."
  if (w.empty() || w.size() > 8) return std::nullopt;
  return parse_uint<uint32_t>(w, 16);
}

std::string hex32(uint32_t v) {
  static const char* kDigits = "0123456789abcdef";
  std::string s(8, '0');
  for (int i = 7; i >= 0; --i, v >>= 4) s[static_cast<size_t>(i)] = kDigits[v & 0xf];
  return s;
}

// "10.1.0.0/16[tcp/80]" -> the subnet part.
std::optional<Subnet> ts_subnet(std::string_view ts) {
  auto s = Subnet::parse(ts.substr(0, ts.find('[')));
  if (!s.ok()) return std::nullopt;
  return *s;
}

// "10.1.0.0/16 === 10.2.0.0/16 in" (the direction last).
struct PolicyText {
  sa::Selector selector;
  sa::Direction direction = sa::Direction::Out;
};
std::optional<PolicyText> parse_policy(std::string_view rest) {
  size_t sep = rest.find(" === ");
  if (sep == std::string_view::npos) return std::nullopt;
  std::string_view src = rest.substr(0, sep);
  std::string_view tail = rest.substr(sep + 5);
  size_t sp = tail.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  std::string_view dst = tail.substr(0, sp);
  std::string_view dir = tail.substr(sp + 1);
  dir = dir.substr(0, dir.find(' '));
  PolicyText p;
  auto s = ts_subnet(src);
  auto d = ts_subnet(dst);
  if (!s || !d) return std::nullopt;
  p.selector.src = *s;
  p.selector.dst = *d;
  if (dir == "in") p.direction = sa::Direction::In;
  else if (dir == "out") p.direction = sa::Direction::Out;
  else if (dir == "fwd") p.direction = sa::Direction::Fwd;
  else return std::nullopt;
  return p;
}

Direction to_model(sa::Direction d) {
  switch (d) {
    case sa::Direction::In: return Direction::kIn;
    case sa::Direction::Out: return Direction::kOut;
    case sa::Direction::Fwd: return Direction::kFwd;
  }
  return Direction::kOut;
}

struct EncrName {
  std::string_view prefix;
  v2::EncrId id;
  uint16_t fixed_bits;  // for names without a key size suffix
};
// charon's names of encryption algorithms (longest first where one prefixes another).
constexpr EncrName kEncrNames[] = {
    {"AES_CBC", v2::EncrId::AES_CBC, 0},
    {"AES_CTR", v2::EncrId::AES_CTR, 0},
    {"AES_GCM_16", v2::EncrId::AES_GCM_16, 0},
    {"AES_GCM_12", v2::EncrId::AES_GCM_12, 0},
    {"AES_GCM_8", v2::EncrId::AES_GCM_8, 0},
    {"AES_CCM_16", v2::EncrId::AES_CCM_16, 0},
    {"AES_CCM_12", v2::EncrId::AES_CCM_12, 0},
    {"AES_CCM_8", v2::EncrId::AES_CCM_8, 0},
    {"NULL_AES_GMAC", v2::EncrId::NULL_AUTH_AES_GMAC, 0},
    {"CAMELLIA_CBC", v2::EncrId::CAMELLIA_CBC, 0},
    {"CAMELLIA_CTR", v2::EncrId::CAMELLIA_CTR, 0},
    {"CAMELLIA_CCM_16", v2::EncrId::CAMELLIA_CCM_16, 0},
    {"CAMELLIA_CCM_12", v2::EncrId::CAMELLIA_CCM_12, 0},
    {"CAMELLIA_CCM_8", v2::EncrId::CAMELLIA_CCM_8, 0},
    {"CHACHA20_POLY1305", v2::EncrId::CHACHA20_POLY1305, 256},
    {"3DES_CBC", v2::EncrId::TripleDES, 192},
    {"DES_CBC", v2::EncrId::DES, 64},
    {"BLOWFISH_CBC", v2::EncrId::BLOWFISH, 0},
    {"NULL", v2::EncrId::Null, 0},
};

struct IntegName {
  std::string_view name;
  v2::IntegId id;
};
constexpr IntegName kIntegNames[] = {
    {"HMAC_MD5_96", v2::IntegId::HMAC_MD5_96},
    {"HMAC_SHA1_96", v2::IntegId::HMAC_SHA1_96},
    {"AES_XCBC_96", v2::IntegId::AES_XCBC_96},
    {"HMAC_MD5_128", v2::IntegId::HMAC_MD5_128},
    {"HMAC_SHA1_160", v2::IntegId::HMAC_SHA1_160},
    {"AES_CMAC_96", v2::IntegId::AES_CMAC_96},
    {"AES_128_GMAC", v2::IntegId::AES_128_GMAC},
    {"AES_192_GMAC", v2::IntegId::AES_192_GMAC},
    {"AES_256_GMAC", v2::IntegId::AES_256_GMAC},
    {"HMAC_SHA2_256_128", v2::IntegId::HMAC_SHA2_256_128},
    {"HMAC_SHA2_384_192", v2::IntegId::HMAC_SHA2_384_192},
    {"HMAC_SHA2_512_256", v2::IntegId::HMAC_SHA2_512_256},
};

// Names of the hex dumps that carry keys, and the slot each fills.
struct DumpName {
  std::string_view header;
  std::string_view slot;
};
constexpr DumpName kDumpNames[] = {
    // RFC 7296 §2.14: SK_e and SK_a of each direction protect the IKE SA's messages.
    {"Sk_ei secret", "Sk_ei"},
    {"Sk_er secret", "Sk_er"},
    {"Sk_ai secret", "Sk_ai"},
    {"Sk_ar secret", "Sk_ar"},
    // RFC 7296 §2.17: KEYMAT for the Child SA, initiator-to-responder keys first.
    {"encryption initiator key", "encr_i"},
    {"encryption responder key", "encr_r"},
    {"integrity initiator key", "integ_i"},
    {"integrity responder key", "integ_r"},
};

}  // namespace

std::optional<CharonLine> parse_charon_line(std::string_view s) {
  // "YYYY-MM-DD HH:MM:SS.mmm "
  if (s.size() < 24 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' ||
      s[16] != ':' || s[19] != '.' || s[23] != ' ')
    return std::nullopt;
  auto year = digits(s, 0, 4), mon = digits(s, 5, 2), day = digits(s, 8, 2);
  auto hh = digits(s, 11, 2), mm = digits(s, 14, 2), ss = digits(s, 17, 2), ms = digits(s, 20, 3);
  if (!year || !mon || !day || !hh || !mm || !ss || !ms || *mon < 1 || *mon > 12 || *day < 1 ||
      *day > 31 || *hh > 23 || *mm > 59 || *ss > 60)
    return std::nullopt;
  CharonLine l;
  int64_t days = days_from_civil(*year, static_cast<unsigned>(*mon), static_cast<unsigned>(*day));
  int64_t secs = days * 86400 + *hh * 3600 + *mm * 60 + *ss;
  l.unix_time = std::chrono::seconds(secs) + std::chrono::milliseconds(*ms);

  // "12[IKE2] "
  size_t p = 24;
  size_t t0 = p;
  while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) ++p;
  auto thread = parse_uint<unsigned>(s.substr(t0, p - t0));
  if (!thread || p >= s.size() || s[p] != '[') return std::nullopt;
  ++p;
  size_t g0 = p;
  while (p < s.size() && std::isupper(static_cast<unsigned char>(s[p]))) ++p;
  if (p - g0 < 2 || p - g0 > 4) return std::nullopt;
  l.group = std::string(s.substr(g0, p - g0));
  size_t l0 = p;
  if (p < s.size() && s[p] == '-') ++p;
  while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) ++p;
  std::string_view lv = s.substr(l0, p - l0);
  if (lv.empty() || p >= s.size() || s[p] != ']') return std::nullopt;
  bool negative = lv[0] == '-';
  auto level = parse_uint<unsigned>(negative ? lv.substr(1) : lv);
  if (!level) return std::nullopt;
  l.level = negative ? -static_cast<int>(*level) : static_cast<int>(*level);
  l.thread = static_cast<int>(*thread);
  ++p;
  if (p < s.size()) {
    if (s[p] != ' ') return std::nullopt;
    ++p;
  }
  std::string_view text = s.substr(p);
  // "<net-net|1> ": the IKE SA (ike_name = yes). A name may itself hold '|', so the id is
  // after the last one.
  if (starts_with(text, "<")) {
    size_t close = text.find("> ");
    if (close == std::string_view::npos && text.back() == '>') close = text.size() - 1;
    if (close != std::string_view::npos) {
      std::string_view inner = text.substr(1, close - 1);
      // "<4>": an IKE SA without a configuration yet (a responder before IKE_AUTH).
      size_t bar = inner.rfind('|');
      auto id = parse_uint<uint32_t>(bar == std::string_view::npos ? inner : inner.substr(bar + 1));
      if (id) {
        l.ike_name = bar == std::string_view::npos ? "" : std::string(inner.substr(0, bar));
        l.ike_id = *id;
        text = text.substr(std::min(text.size(), close + 2));
      }
    }
  }
  l.text = std::string(text);
  return l;
}

LogGroup log_group_of(std::string_view g) {
  static constexpr std::pair<std::string_view, LogGroup> kGroups[] = {
      {"DMN", LogGroup::kDmn}, {"MGR", LogGroup::kMgr}, {"IKE", LogGroup::kIke},
      {"CHD", LogGroup::kChd}, {"JOB", LogGroup::kJob}, {"CFG", LogGroup::kCfg},
      {"KNL", LogGroup::kKnl}, {"NET", LogGroup::kNet}, {"ASN", LogGroup::kAsn},
      {"ENC", LogGroup::kEnc}, {"LIB", LogGroup::kLib}, {"ESP", LogGroup::kKnl},
  };
  for (const auto& [n, grp] : kGroups)
    if (n == g) return grp;
  return LogGroup::kLib;
}

std::optional<SelectedProposal> parse_selected_proposal(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  SelectedProposal p;
  p.protocol = std::string(text.substr(0, colon));
  if (p.protocol != "IKE" && p.protocol != "ESP" && p.protocol != "AH") return std::nullopt;
  std::string_view rest = text.substr(colon + 1);
  if (rest.empty()) return std::nullopt;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view tok = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (tok.empty()) return std::nullopt;
    bool matched = false;
    for (const auto& n : kIntegNames) {
      if (tok == n.name) {
        p.integ = n.id;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    // The longest encryption name the token starts with, then "_<bits>" or nothing.
    const EncrName* best = nullptr;
    for (const auto& n : kEncrNames) {
      if (!starts_with(tok, n.prefix)) continue;
      std::string_view tail = tok.substr(n.prefix.size());
      if (!tail.empty() && (tail[0] != '_' || !parse_uint<uint16_t>(tail.substr(1)))) continue;
      if (!best || n.prefix.size() > best->prefix.size()) best = &n;
    }
    if (best && !p.has_encr) {
      std::string_view tail = tok.substr(best->prefix.size());
      p.encr = best->id;
      p.encr_key_bits = tail.empty() ? best->fixed_bits : *parse_uint<uint16_t>(tail.substr(1));
      p.has_encr = true;
    }
    // PRF, key exchange and ESN tokens carry nothing the keys need.
  }
  return p;
}

CharonLogParser::CharonLogParser(Time origin, Sink sink) : origin_(origin), sink_(std::move(sink)) {}

void CharonLogParser::feed(std::string_view raw) {
  if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  auto l = parse_charon_line(raw);
  if (!l) return;  // not a log line (a garbled or partial write): skipped
  Time t = l->unix_time - origin_;
  if (sink_.on_line) {
    run::LogLine ll;
    ll.t = t;
    ll.group = log_group_of(l->group);
    ll.level = l->level;
    ll.text = l->text;
    sink_.on_line(*l, ll);
  }
  handle(*l, t);
}

void CharonLogParser::flush() {
  for (auto& [id, th] : threads_) {
    settle(th);
    th.dump.reset();  // a dump still open at the end is truncated: not a key
  }
}

void CharonLogParser::handle(const CharonLine& l, Time t) {
  ThreadState& th = threads_[l.thread];
  if (th.dump) {
    if (continue_dump(th, l)) return;
    th.dump.reset();  // interrupted before its last byte: dropped
  }
  bool backend_group = l.group == "KNL" || l.group == "ESP";
  // The outcome of an SA or policy operation is logged by the backend on the same thread
  // before anything else happens there: any other line settles it as done.
  if (th.pending && !backend_group) settle(th);
  if (start_dump(th, l)) return;
  if (handle_backend(th, l, t)) return;
  handle_state(l, t);

  std::string_view text = l.text;
  if (l.ike_id == 0) return;
  IkeContext& ctx = contexts_[l.ike_id];
  if (ctx.conn.empty()) ctx.conn = l.ike_name;
  if (starts_with(text, "selected proposal: ")) {
    if (auto p = parse_selected_proposal(text.substr(19))) {
      if (p->protocol == "IKE")
        ctx.ike_proposal = *p;
      else
        ctx.child_proposal = *p;
    }
  } else if (starts_with(text, "parsed ")) {
    // "parsed IKE_AUTH response 1 [ ... ]": keys derived while processing a response are
    // the initiator's, while processing a request the responder's.
    if (text.find(" response ") != std::string_view::npos)
      ctx.initiator = true;
    else if (text.find(" request ") != std::string_view::npos)
      ctx.initiator = false;
  }
}

bool CharonLogParser::start_dump(ThreadState& th, const CharonLine& l) {
  std::string_view text = l.text;
  size_t arrow = text.find(" => ");
  if (arrow == std::string_view::npos) return false;
  std::string_view header = text.substr(0, arrow);
  std::string_view rest = text.substr(arrow + 4);
  // "seed => 64 bytes @ 0x...": a new Child SA's KEYMAT begins; keys of the previous one
  // must not mix with it.
  if (header == "seed" && l.group == "CHD" && l.ike_id) {
    contexts_[l.ike_id].child = ChildKeys{};
    contexts_[l.ike_id].child.initiator = contexts_[l.ike_id].initiator;
  }
  const DumpName* name = nullptr;
  for (const auto& d : kDumpNames)
    if (header == d.header) name = &d;
  if (!name || l.ike_id == 0) return false;
  size_t sp = rest.find(' ');
  auto size = parse_uint<size_t>(rest.substr(0, sp));
  if (!size || sp == std::string_view::npos || !starts_with(rest.substr(sp), " bytes")) return false;
  Dump d;
  d.what = std::string(name->slot);
  d.ike_id = l.ike_id;
  d.size = *size;
  if (d.size == 0) {
    finish_dump(d);  // no key of this kind (AEAD: no integrity key)
    return false;
  }
  th.dump = std::move(d);
  return false;  // the header line is a log line like any other
}

// "   0: 4F 11 F2 71 73 55 25 66 54 B1 EE 76 F6 86 14 ED  O..qsU%fT..v....": the offset,
// up to 16 bytes in hex, their ASCII.
bool CharonLogParser::continue_dump(ThreadState& th, const CharonLine& l) {
  Dump& d = *th.dump;
  std::string_view text = l.text;
  size_t p = 0;
  while (p < text.size() && text[p] == ' ') ++p;
  size_t colon = text.find(": ", p);
  if (colon == std::string_view::npos) return false;
  auto offset = parse_uint<size_t>(text.substr(p, colon - p));
  if (!offset || *offset != d.bytes.size()) return false;
  size_t want = std::min<size_t>(16, d.size - d.bytes.size());
  p = colon + 2;
  Bytes got;
  for (size_t i = 0; i < want; ++i) {
    if (p + 2 > text.size()) return false;
    auto b = parse_uint<uint8_t>(text.substr(p, 2), 16);
    if (!b || !std::isxdigit(static_cast<unsigned char>(text[p])) ||
        !std::isxdigit(static_cast<unsigned char>(text[p + 1])))
      return false;
    got.push_back(*b);
    p += 2;
    if (p < text.size() && text[p] != ' ') return false;
    ++p;
  }
  append(d.bytes, view(got));
  if (d.bytes.size() == d.size) {
    Dump done = std::move(d);
    th.dump.reset();
    finish_dump(done);
  }
  return true;
}

void CharonLogParser::finish_dump(const Dump& d) {
  IkeContext& ctx = contexts_[d.ike_id];
  if (starts_with(d.what, "Sk_")) {
    ctx.ike_keys[d.what] = d.bytes;
  } else if (d.what == "encr_i") {
    ctx.child.encr_i = d.bytes;
  } else if (d.what == "encr_r") {
    ctx.child.encr_r = d.bytes;
  } else if (d.what == "integ_i") {
    ctx.child.integ_i = d.bytes;
  } else if (d.what == "integ_r") {
    ctx.child.integ_r = d.bytes;
  }
}

void CharonLogParser::handle_state(const CharonLine& l, Time t) {
  // "IKE_SA net-net[1] state change: CONNECTING => ESTABLISHED"
  // "CHILD_SA net-net{1} state change: INSTALLING => INSTALLED"
  std::string_view text = l.text;
  bool ike = starts_with(text, "IKE_SA ");
  if (!ike && !starts_with(text, "CHILD_SA ")) return;
  text.remove_prefix(ike ? 7 : 9);
  char open = ike ? '[' : '{', close = ike ? ']' : '}';
  size_t marker = text.find(" state change: ");
  if (marker == std::string_view::npos) return;
  std::string_view label = text.substr(0, marker);
  std::string_view change = text.substr(marker + 15);
  size_t o = label.rfind(open);
  if (o == std::string_view::npos || label.back() != close || o == 0) return;
  auto id = parse_uint<uint32_t>(label.substr(o + 1, label.size() - o - 2));
  size_t arrow = change.find(" => ");
  if (!id || arrow == std::string_view::npos) return;
  std::string_view from = change.substr(0, arrow), to = change.substr(arrow + 4);
  auto is_state = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isupper(static_cast<unsigned char>(c)) || c == '_';
    });
  };
  if (!is_state(from) || !is_state(to)) return;
  run::StateChange c;
  c.t = t;
  c.ike = ike;
  c.conn = std::string(label.substr(0, o));
  c.unique_id = *id;
  c.from = std::string(from);
  c.to = std::string(to);
  if (sink_.on_state) sink_.on_state(c);

  if (l.ike_id == 0) return;
  IkeContext& ctx = contexts_[l.ike_id];
  if (!ike && c.to == "INSTALLING") {
    ctx.child_conn = c.conn;
    ctx.child_id = c.unique_id;
  }
  // An IKE SA's keys are derived on the thread (and in the log context) of the SA that
  // negotiates it: itself for IKE_SA_INIT, the old SA for a CREATE_CHILD_SA rekey. They
  // belong to the SA that becomes ESTABLISHED next in that context.
  if (ike && c.to == "ESTABLISHED") {
    auto has = [&](const char* k) { return ctx.ike_keys.count(k) > 0; };
    if (has("Sk_ei") && has("Sk_er") && has("Sk_ai") && has("Sk_ar")) {
      FoundIkeKeys f;
      f.conn = c.conn;
      f.unique_id = c.unique_id;
      if (ctx.ike_proposal) {
        f.keys.encr = ctx.ike_proposal->encr;
        f.keys.encr_key_bits = ctx.ike_proposal->encr_key_bits;
        f.keys.integ = ctx.ike_proposal->integ;
      }
      f.keys.sk_ei = ctx.ike_keys["Sk_ei"];
      f.keys.sk_er = ctx.ike_keys["Sk_er"];
      f.keys.sk_ai = ctx.ike_keys["Sk_ai"];
      f.keys.sk_ar = ctx.ike_keys["Sk_ar"];
      if (sink_.on_ike_keys) sink_.on_ike_keys(f);
    }
    ctx.ike_keys.clear();
  }
}

void CharonLogParser::emit_esp_keys(const CharonLine& l, bool inbound, uint32_t spi,
                                    const IpAddress& src, const IpAddress& dst) {
  if (l.ike_id == 0 || !sink_.on_esp_keys) return;
  IkeContext& ctx = contexts_[l.ike_id];
  const ChildKeys& k = ctx.child;
  if (k.encr_i.empty() && k.integ_i.empty()) return;
  if (!esp_keys_sent_.insert({spi, dst}).second) return;
  // RFC 7296 §2.17: the initiator's keys protect traffic from the initiator of the exchange
  // that made the Child SA; its own outbound SA if this host initiated it.
  bool use_i = k.initiator != inbound;
  run::EspKeys e;
  e.src = src;
  e.dst = dst;
  e.spi = spi;
  if (ctx.child_proposal) {
    e.encr = ctx.child_proposal->has_encr ? ctx.child_proposal->encr : v2::EncrId::Null;
    e.integ = ctx.child_proposal->integ;
  }
  e.encr_key = use_i ? k.encr_i : k.encr_r;
  e.integ_key = use_i ? k.integ_i : k.integ_r;
  sink_.on_esp_keys(e);
}

bool CharonLogParser::handle_backend(ThreadState& th, const CharonLine& l, Time t) {
  std::string_view text = l.text;
  auto event = [&](SaOp op) {
    run::BackendEvent e;
    e.t = t;
    e.op = op;
    return e;
  };
  if (l.group == "CHD") {
    // "adding inbound ESP SA" then "  SPI 0xc8114129, src 192.168.0.1 dst 192.168.0.2".
    bool adding = starts_with(text, "adding inbound ") || starts_with(text, "adding outbound ");
    bool registering = starts_with(text, "registering outbound ");
    if (adding || registering) {
      bool in = starts_with(text, "adding inbound ");
      th.adding_dir = in ? Direction::kIn : Direction::kOut;
      th.adding_proto = text.find(" AH SA") != std::string_view::npos ? IpsecProtocol::kAh : IpsecProtocol::kEsp;
      th.registering = registering;
      return true;
    }
    if (starts_with(text, "  SPI 0x") && th.adding_dir) {
      auto spi = spi_after(text, "SPI ");
      std::string_view src = word_after(text, ", src ");
      std::string_view dst = word_after(text, " dst ");
      auto s = IpAddress::parse(src), d = IpAddress::parse(dst);
      Direction dir = *th.adding_dir;
      bool keys_only = th.registering;
      th.adding_dir.reset();
      th.registering = false;
      if (!spi || !s || !d) return true;
      emit_esp_keys(l, dir == Direction::kIn, *spi, *s, *d);
      if (keys_only) return true;  // the outbound SA is added later, after the old one goes
      run::BackendEvent e = event(SaOp::kAddSa);
      e.direction = dir;
      e.protocol = th.adding_proto;
      e.spi = *spi;
      e.dst = *d;
      if (l.ike_id) e.conn = contexts_[l.ike_id].child_conn;
      e.text = "add SA " + std::string(th.adding_proto == IpsecProtocol::kAh ? "AH" : "ESP") +
               " 0x" + hex32(*spi) + " " + s->to_string() + " => " + d->to_string() +
               (dir == Direction::kIn ? " (in)" : " (out)");
      sa_src_[*spi] = *s;
      th.pending = std::move(e);
      return true;
    }
    return false;
  }
  if (l.group != "KNL" && l.group != "ESP") return false;

  if (starts_with(text, "received netlink error: ")) {
    // "received netlink error: Function not implemented (38)"
    std::string_view what = text.substr(24);
    size_t open = what.rfind(" (");
    if (open != std::string_view::npos && what.back() == ')') {
      auto n = parse_uint<int>(what.substr(open + 2, what.size() - open - 3));
      th.last_errno = n.value_or(0);
      th.last_error = std::string(what.substr(0, open));
    }
    return true;
  }
  if (starts_with(text, "adding SAD entry with SPI ")) {
    auto spi = spi_after(text, "with SPI ");
    std::string_view reqid = word_after(text, "reqid {");
    if (th.pending && spi && th.pending->op == SaOp::kAddSa && th.pending->spi == *spi) {
      if (!reqid.empty() && reqid.back() == '}') reqid.remove_suffix(1);
      th.pending->reqid = parse_uint<uint32_t>(reqid).value_or(0);
    }
    return true;
  }
  auto fail_pending = [&](SaOp op, std::optional<uint32_t> spi) {
    if (th.pending && th.pending->op == op && (!spi || th.pending->spi == *spi)) {
      th.pending->ok = false;
      th.pending->err = th.last_errno;
      th.pending->error = th.last_error.empty() ? l.text : th.last_error;
      th.pending->text += ": " + th.pending->error;
      settle(th);
      return true;
    }
    return false;
  };
  if (starts_with(text, "unable to add SAD entry with SPI ")) {
    auto spi = spi_after(text, "with SPI ");
    if (!fail_pending(SaOp::kAddSa, spi) && spi) {
      // The CHD lines were not logged: the failure is all there is.
      run::BackendEvent e = event(SaOp::kAddSa);
      e.protocol = IpsecProtocol::kEsp;
      e.spi = *spi;
      e.ok = false;
      e.err = th.last_errno;
      e.error = th.last_error.empty() ? l.text : th.last_error;
      e.text = "add SA ESP 0x" + hex32(*spi) + ": " + e.error;
      if (sink_.on_backend) sink_.on_backend(e);
    }
    th.last_errno = 0;
    th.last_error.clear();
    return true;
  }
  if (starts_with(text, "got SPI ") || starts_with(text, "allocated SPI ")) {
    // kernel-netlink "got SPI c8114129", kernel-libipsec "allocated SPI c8d3efbc"
    auto spi = spi_after(text, "SPI ");
    if (!spi) return true;
    run::BackendEvent e = event(SaOp::kAllocSpi);
    e.direction = Direction::kIn;
    e.protocol = IpsecProtocol::kEsp;
    e.spi = *spi;
    e.text = "allocate SPI ESP 0x" + hex32(*spi);
    if (sink_.on_backend) sink_.on_backend(e);
    return true;
  }
  if (starts_with(text, "unable to get SPI") || starts_with(text, "unable to allocate SPI")) {
    run::BackendEvent e = event(SaOp::kAllocSpi);
    e.direction = Direction::kIn;
    e.protocol = IpsecProtocol::kEsp;
    e.ok = false;
    e.err = th.last_errno;
    e.error = th.last_error.empty() ? l.text : th.last_error;
    e.text = "allocate SPI ESP: " + e.error;
    if (sink_.on_backend) sink_.on_backend(e);
    return true;
  }
  // The SAD's lifetime expiries, as charon's kernel handler reports them (the kernel's
  // XFRM expire messages, or kernel-libipsec's own timers): "creating rekey job for
  // CHILD_SA ESP/0xc1a5f00d/192.168.0.2" on the soft expiry, "creating delete job for ..."
  // on the hard one (seed 001). The SA is the one with that SPI and destination.
  bool soft = starts_with(text, "creating rekey job for CHILD_SA ");
  bool hard = starts_with(text, "creating delete job for CHILD_SA ");
  if (soft || hard) {
    std::string_view sa = word_after(text, "CHILD_SA ");  // "ESP/0xc1a5f00d/192.168.0.2"
    size_t slash1 = sa.find('/');
    size_t slash2 = slash1 == std::string_view::npos ? slash1 : sa.find('/', slash1 + 1);
    if (slash2 == std::string_view::npos) return true;
    auto spi = spi_after(sa.substr(slash1 + 1, slash2 - slash1 - 1), "");
    auto dst = IpAddress::parse(sa.substr(slash2 + 1));
    if (!spi || !dst) return true;
    run::BackendEvent e = event(soft ? SaOp::kExpireSoft : SaOp::kExpireHard);
    e.protocol = starts_with(sa, "AH/") ? IpsecProtocol::kAh : IpsecProtocol::kEsp;
    e.spi = *spi;
    e.dst = *dst;
    auto key = std::find_if(sas_.begin(), sas_.end(),
                            [&](const auto& kv) { return kv.first.spi == *spi && kv.first.dst == *dst; });
    if (key != sas_.end()) {
      e.direction = key->second.spec.inbound ? Direction::kIn : Direction::kOut;
      e.reqid = key->second.spec.reqid;
    }
    auto owner = sa_owner_.find(*spi);
    if (owner != sa_owner_.end()) e.conn = owner->second.first;
    e.text = std::string(soft ? "soft" : "hard") + " expire " + std::string(sa);
    if (sink_.on_backend) sink_.on_backend(e);
    return true;
  }
  // "deleted SAD entry with SPI X", "deleted inbound SAD entry with SPI X",
  // "unable to delete SAD entry with SPI X".
  bool deleted = starts_with(text, "deleted ") && text.find("SAD entry with SPI ") != std::string_view::npos;
  bool undeleted = starts_with(text, "unable to delete ") && text.find("SAD entry with SPI ") != std::string_view::npos;
  if (deleted || undeleted) {
    auto spi = spi_after(text, "with SPI ");
    if (!spi) return true;
    run::BackendEvent e = event(SaOp::kDeleteSa);
    e.protocol = IpsecProtocol::kEsp;
    e.spi = *spi;
    auto key = std::find_if(sas_.begin(), sas_.end(), [&](const auto& kv) { return kv.first.spi == *spi; });
    if (text.find(" inbound ") != std::string_view::npos) e.direction = Direction::kIn;
    else if (text.find(" outbound ") != std::string_view::npos) e.direction = Direction::kOut;
    if (key != sas_.end()) {
      e.dst = key->first.dst;
      e.reqid = key->second.spec.reqid;
      if (!e.direction) e.direction = key->second.spec.inbound ? Direction::kIn : Direction::kOut;
      auto owner = sa_owner_.find(*spi);
      if (owner != sa_owner_.end()) e.conn = owner->second.first;
    }
    e.text = "delete SA ESP 0x" + hex32(*spi) + (e.dst.empty() ? "" : " " + e.dst.to_string()) +
             (e.direction ? (*e.direction == Direction::kIn ? " (in)" : " (out)") : "");
    if (undeleted) {
      e.ok = false;
      e.err = th.last_errno;
      e.error = th.last_error.empty() ? l.text : th.last_error;
      e.text += ": " + e.error;
    } else if (key != sas_.end()) {
      sas_.erase(key);
    }
    if (sink_.on_backend) sink_.on_backend(e);
    return true;
  }
  // Policies: "adding policy A === B in", "unable to add policy A === B in",
  // "deleting policy A === B in", "deleting policy A === B in failed, not found".
  bool add_policy = starts_with(text, "adding policy ");
  bool del_policy = starts_with(text, "deleting policy ");
  bool add_failed = starts_with(text, "unable to add policy ");
  bool del_failed = starts_with(text, "unable to delete policy ");
  if (add_policy || del_policy) {
    auto pol = parse_policy(text.substr(add_policy ? 14 : 16));
    if (!pol) return true;
    if (del_policy && text.find(" failed") != std::string_view::npos) {
      if (!fail_pending(SaOp::kDeletePolicy, std::nullopt)) {
        run::BackendEvent e = event(SaOp::kDeletePolicy);
        e.direction = to_model(pol->direction);
        e.ok = false;
        e.err = 2;  // ENOENT: charon's "not found"
        e.error = std::string(text);
        e.text = "delete policy " + pol->selector.to_string() + " " + std::string(sa::name(pol->direction)) + ": not found";
        if (sink_.on_backend) sink_.on_backend(e);
      }
      return true;
    }
    settle(th);
    run::BackendEvent e = event(add_policy ? SaOp::kAddPolicy : SaOp::kDeletePolicy);
    e.direction = to_model(pol->direction);
    e.protocol = IpsecProtocol::kEsp;
    if (l.ike_id) e.conn = contexts_[l.ike_id].child_conn;
    e.text = std::string(add_policy ? "add policy " : "delete policy ") + pol->selector.to_string() +
             " " + std::string(sa::name(pol->direction));
    th.pending = std::move(e);
    th.pending_policy = std::make_pair(pol->selector, pol->direction);
    return true;
  }
  if (add_failed || del_failed) {
    fail_pending(add_failed ? SaOp::kAddPolicy : SaOp::kDeletePolicy, std::nullopt);
    return true;
  }
  return false;
}

void CharonLogParser::settle(ThreadState& th) {
  if (!th.pending) return;
  run::BackendEvent e = std::move(*th.pending);
  th.pending.reset();
  if (e.ok) {
    if (e.op == SaOp::kAddSa) {
      sa::SaEntry entry;
      entry.spec.key = {e.protocol == IpsecProtocol::kAh ? sa::Protocol::AH : sa::Protocol::ESP, e.spi, e.dst};
      entry.spec.src = sa_src_.count(e.spi) ? sa_src_[e.spi] : IpAddress();
      entry.spec.inbound = e.direction == Direction::kIn;
      entry.spec.reqid = e.reqid;
      entry.added = e.t;
      sas_[entry.spec.key] = entry;
      sa_owner_[e.spi] = {e.conn, e.reqid};
      if (e.reqid && !e.conn.empty()) reqid_conn_[e.reqid] = e.conn;
    } else if (e.op == SaOp::kAddPolicy && th.pending_policy) {
      sa::PolicySpec p;
      p.selector = th.pending_policy->first;
      p.direction = th.pending_policy->second;
      policies_[{p.selector, p.direction}] = p;
    } else if (e.op == SaOp::kDeletePolicy && th.pending_policy) {
      policies_.erase(*th.pending_policy);
    }
  }
  th.pending_policy.reset();
  if (sink_.on_backend) sink_.on_backend(e);
}

run::BackendSnapshot CharonLogParser::snapshot(Time t) const {
  run::BackendSnapshot s;
  s.t = t;
  for (const auto& [k, e] : sas_) s.sas.push_back(e);
  for (const auto& [k, p] : policies_) s.policies.push_back(p);
  s.reqid_conn = reqid_conn_;
  return s;
}

void CharonLogParser::vanish() {
  sas_.clear();
  policies_.clear();
  for (auto& [id, th] : threads_) {
    th.pending.reset();
    th.dump.reset();
  }
}

void CharonLogParser::restart() {
  flush();
  threads_.clear();
  contexts_.clear();
  esp_keys_sent_.clear();
}

}  // namespace ikesuite::peers
