#include "harness/decode/ike_decode.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "engine/crypto/cipher.h"
#include "engine/crypto/hash.h"
#include "engine/crypto/ikev1_keys.h"
#include "engine/crypto/integ.h"
#include "engine/crypto/sk.h"
#include "engine/wire/reader.h"
#include "engine/wire/writer.h"
#include "pcaps/src/key_tables.h"

namespace ikesuite::harness::decode {

namespace {

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

// Splits a UAT line at commas outside double quotes; quotes are removed.
std::vector<std::string> uat_fields(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  for (auto& f : out) f = trim(f);
  return out;
}

std::optional<uint64_t> parse_spi64(const std::string& text) {
  auto bytes = from_hex(text);
  if (!bytes || bytes->size() != 8) return std::nullopt;
  uint64_t v = 0;
  for (uint8_t b : *bytes) v = v << 8 | b;
  return v;
}

// The EncrId and key length whose Wireshark name is `name` for a key of `key_bytes`.
std::optional<std::pair<v2::EncrId, uint16_t>> encr_from_wireshark(const std::string& name,
                                                                  size_t key_bytes) {
  static constexpr v2::EncrId kCandidates[] = {
      v2::EncrId::Null,      v2::EncrId::TripleDES, v2::EncrId::AES_CBC,   v2::EncrId::AES_CTR,
      v2::EncrId::AES_GCM_8, v2::EncrId::AES_GCM_12, v2::EncrId::AES_GCM_16, v2::EncrId::AES_CCM_8,
      v2::EncrId::AES_CCM_12, v2::EncrId::AES_CCM_16};
  for (v2::EncrId e : kCandidates) {
    auto alg = pcap::wireshark_ikev2_encr(e, 0, key_bytes);
    if (!alg.ok() || alg->name != name) continue;
    uint16_t bits = 0;
    size_t salt = 0;
    switch (e) {
      case v2::EncrId::AES_CTR:
      case v2::EncrId::AES_GCM_8:
      case v2::EncrId::AES_GCM_12:
      case v2::EncrId::AES_GCM_16: salt = 4; break;
      case v2::EncrId::AES_CCM_8:
      case v2::EncrId::AES_CCM_12:
      case v2::EncrId::AES_CCM_16: salt = 3; break;
      default: break;
    }
    if (e != v2::EncrId::Null && e != v2::EncrId::TripleDES)
      bits = static_cast<uint16_t>((key_bytes - salt) * 8);
    return std::make_pair(e, bits);
  }
  return std::nullopt;
}

std::optional<v2::IntegId> integ_from_wireshark(const std::string& name) {
  static constexpr v2::IntegId kCandidates[] = {
      v2::IntegId::None,         v2::IntegId::HMAC_MD5_96,       v2::IntegId::HMAC_SHA1_96,
      v2::IntegId::AES_XCBC_96,  v2::IntegId::HMAC_MD5_128,      v2::IntegId::HMAC_SHA1_160,
      v2::IntegId::AES_CMAC_96,  v2::IntegId::HMAC_SHA2_256_128, v2::IntegId::HMAC_SHA2_384_192,
      v2::IntegId::HMAC_SHA2_512_256};
  for (v2::IntegId i : kCandidates) {
    auto alg = pcap::wireshark_ikev2_integ(i);
    if (alg.ok() && alg->name == name) return i;
  }
  return std::nullopt;
}

std::string exchange_text(uint8_t family, uint8_t exchange) {
  if (family == 1) {
    switch (static_cast<v1::ExchangeType>(exchange)) {
      // charon's names for IKEv1 exchanges
      case v1::ExchangeType::IdentityProtection: return "ID_PROT";
      case v1::ExchangeType::Aggressive: return "AGGRESSIVE";
      case v1::ExchangeType::QuickMode: return "QUICK_MODE";
      case v1::ExchangeType::Informational: return "INFORMATIONAL_V1";
      case v1::ExchangeType::Transaction: return "TRANSACTION";
      default: break;
    }
    auto n = v1::name(static_cast<v1::ExchangeType>(exchange));
    return n.empty() ? "EXCHANGE(" + std::to_string(exchange) + ")" : std::string(n);
  }
  return v2::to_string(static_cast<v2::ExchangeType>(exchange));
}

PayloadInfo info_of(const v2::Payload& p, bool inner) {
  PayloadInfo info;
  info.version = 2;
  info.type = static_cast<uint8_t>(p.type);
  info.critical = p.critical;
  info.inner = inner;
  if (const auto* n = p.as<v2::NotifyPayload>()) info.notify = static_cast<uint16_t>(n->type);
  if (const auto* cp = p.as<v2::CpPayload>()) info.cp_type = static_cast<uint8_t>(cp->cfg_type);
  info.label = v2::summary_label(p);
  return info;
}

PayloadInfo info_of(const v1::Payload& p, bool inner) {
  PayloadInfo info;
  info.version = 1;
  info.type = static_cast<uint8_t>(p.type);
  info.inner = inner;
  if (const auto* n = p.as<v1::NotifyPayload>()) info.notify = static_cast<uint16_t>(n->type);
  info.label = v1::payload_labels({p});
  return info;
}

// A copy of `datagram` whose version octet says 2.0, so the rest can be read with IKEv2's
// rules (an IKEv2 responder has to look at least that far to answer INVALID_MAJOR_VERSION).
Result<Bytes> as_version_2(ByteView datagram) {
  wire::Reader r(datagram);
  TRY_ASSIGN(ByteView head, r.bytes(17));
  TRY(r.skip(1));
  wire::Writer w;
  w.bytes(head);
  w.u8(0x20);
  w.bytes(r.rest());
  return std::move(w).finish();
}

crypto::SkKeys keys_for(const Ikev2Keys& k, bool from_initiator) {
  return from_initiator ? crypto::SkKeys{k.sk_ei, k.sk_ai} : crypto::SkKeys{k.sk_er, k.sk_ar};
}

Result<crypto::SkSuite> suite_for(const Ikev2Keys& k) {
  TRY_ASSIGN(crypto::Cipher cipher, crypto::Cipher::create(k.encr, k.encr_key_bits));
  crypto::SkSuite suite{cipher, std::nullopt};
  if (k.integ != v2::IntegId::None) {
    TRY_ASSIGN(crypto::Integrity integ, crypto::Integrity::create(k.integ));
    suite.integ = integ;
  }
  return suite;
}

v2::ParseOptions lenient() {
  v2::ParseOptions o;
  // Decoders show an unknown critical payload instead of refusing the message.
  o.reject_unknown_critical = false;
  return o;
}

std::string describe(const Error& e) {
  std::string out = e.message();
  return out;
}

struct ParsedDatagram {
  ByteView bytes;
  v2::Message message;
};

void finish_v2_labels(DecodedMessage& m, const std::vector<v2::Payload>& outer,
                      const std::vector<v2::Payload>* inner) {
  v2::Message shown;
  shown.header.exchange = static_cast<v2::ExchangeType>(m.exchange);
  shown.header.flags = m.flags;
  shown.header.message_id = m.message_id;
  for (const auto& p : outer) {
    bool enc = p.type == v2::PayloadType::SK || p.type == v2::PayloadType::SKF;
    if (enc && inner) {
      for (const auto& q : *inner) {
        m.payloads.push_back(info_of(q, true));
        m.v2_payloads.push_back(q);
      }
      shown.payloads.push_back(v2::make_payload(v2::PayloadType::SK, v2::EncryptedPayload{}));
      continue;
    }
    m.payloads.push_back(info_of(p, false));
    m.v2_payloads.push_back(p);
    shown.payloads.push_back(p);
  }
  m.summary = v2::summary(shown, inner);
}

void decode_v2(std::span<const Bytes> datagrams, const KeyRing& keys, DecodedMessage& m) {
  std::vector<ParsedDatagram> parsed;
  for (const Bytes& d : datagrams) {
    Bytes fixed;
    ByteView view = d;
    if (m.major_version != 2) {
      auto copy = as_version_2(d);
      if (!copy.ok()) {
        m.problem = describe(copy.error());
        return;
      }
      fixed = std::move(*copy);
      view = fixed;
    }
    auto msg = v2::parse(view, lenient());
    if (!msg.ok()) {
      m.problem = describe(msg.error());
      return;
    }
    // Keep the original bytes for the ICV (the version octet is covered by it).
    parsed.push_back({ByteView(d), std::move(*msg)});
  }
  if (parsed.empty()) return;
  m.parsed = true;
  const v2::Message& first = parsed.front().message;
  const v2::Payload* last = first.payloads.empty() ? nullptr : &first.payloads.back();
  bool sk = last && last->type == v2::PayloadType::SK;
  bool skf = last && last->type == v2::PayloadType::SKF;
  m.encrypted = sk || skf;
  if (!m.encrypted) {
    finish_v2_labels(m, first.payloads, nullptr);
    return;
  }
  const Ikev2Keys* k = keys.find(m.spi_i, m.spi_r);
  std::optional<crypto::SkSuite> suite;
  if (!k) {
    m.problem = "no keys for this IKE SA";
  } else if (auto s = suite_for(*k); !s.ok()) {
    m.problem = "keys unusable: " + describe(s.error());
  } else {
    suite = *s;
  }
  if (sk) {
    if (suite) {
      const auto* body = last->as<v2::EncryptedPayload>();
      ByteView prefix = parsed.front().bytes.first(parsed.front().bytes.size() - body->body.size());
      auto plain = crypto::open(*suite, keys_for(*k, m.initiator), prefix, body->body);
      if (!plain.ok()) {
        m.problem = "cannot decrypt: " + describe(plain.error());
      } else if (body->inner_first == v2::PayloadType::None && plain->empty()) {
        std::vector<v2::Payload> none;
        m.decrypted = true;
        finish_v2_labels(m, first.payloads, &none);
        return;
      } else {
        auto inner = v2::parse_chain(body->inner_first, *plain, 0, lenient());
        if (!inner.ok()) {
          m.problem = "decrypted payloads do not parse: " + describe(inner.error());
        } else {
          m.decrypted = true;
          finish_v2_labels(m, first.payloads, &*inner);
          return;
        }
      }
    }
    finish_v2_labels(m, first.payloads, nullptr);
    return;
  }

  // RFC 7383 §2.6: fragments are verified one by one, then the plaintexts are joined in
  // fragment-number order.
  std::map<uint16_t, Bytes> pieces;
  uint16_t total = 0;
  v2::PayloadType inner_first = v2::PayloadType::None;
  std::string failure;
  for (const auto& pd : parsed) {
    if (pd.message.payloads.empty()) continue;
    const auto* f = pd.message.payloads.back().as<v2::EncryptedFragmentPayload>();
    if (!f) continue;
    total = std::max(total, f->total_fragments);
    if (f->fragment_number == 1) inner_first = f->inner_first;
    if (!suite) continue;
    ByteView prefix = pd.bytes.first(pd.bytes.size() - f->body.size());
    auto plain = crypto::open(*suite, keys_for(*k, m.initiator), prefix, f->body);
    if (!plain.ok()) {
      failure = "cannot decrypt fragment " + std::to_string(f->fragment_number) + ": " +
                describe(plain.error());
      continue;
    }
    pieces.emplace(f->fragment_number, std::move(*plain));
  }
  m.fragments = total;
  if (suite && failure.empty()) {
    bool complete = total > 0 && pieces.size() == total && pieces.begin()->first == 1 &&
                    pieces.rbegin()->first == total;
    if (!complete) {
      m.problem = "fragments missing: have " + std::to_string(pieces.size()) + " of " +
                  std::to_string(total);
    } else {
      Bytes whole;
      for (auto& [n, piece] : pieces) append(whole, piece);
      auto inner = v2::parse_chain(inner_first, whole, 0, lenient());
      if (!inner.ok()) {
        m.problem = "reassembled payloads do not parse: " + describe(inner.error());
      } else {
        m.decrypted = true;
        finish_v2_labels(m, first.payloads, &*inner);
        return;
      }
    }
  } else if (!failure.empty()) {
    m.problem = failure;
  }
  finish_v2_labels(m, first.payloads, nullptr);
}

void decode_v1(const Bytes& datagram, DecodedMessage& m, const DecodeOptions& options) {
  auto msg = v1::parse(datagram);
  if (!msg.ok()) {
    m.problem = describe(msg.error());
    return;
  }
  m.parsed = true;
  m.encrypted = msg->header.encrypted();
  for (const auto& p : msg->payloads) m.payloads.push_back(info_of(p, false));
  if (m.encrypted) {
    m.problem = "encrypted IKEv1 message (not decrypted)";
    PayloadInfo e;
    e.version = 1;
    e.type = 0;
    e.label = "E";
    m.payloads.push_back(e);
  }
  m.summary = v1::summary(*msg, options.v1_response ? v1::Direction::Response
                                                    : v1::Direction::Request);
  m.v1 = std::move(*msg);
}

}  // namespace

void KeyRing::add_v1(Ikev1Keys keys) {
  uint64_t cookie = keys.cookie_i;
  v1_keys_[cookie] = std::move(keys);
}

const Ikev1Keys* KeyRing::find_v1(uint64_t cookie_i) const {
  auto it = v1_keys_.find(cookie_i);
  return it == v1_keys_.end() ? nullptr : &it->second;
}

namespace {

struct V1Crypto {
  crypto::Cipher cipher;
  crypto::Hash hash;
};

Result<V1Crypto> v1_crypto(const Ikev1Keys& keys) {
  TRY_ASSIGN(auto cipher, crypto::Cipher::create_v1(keys.encr, keys.encr_key_bits));
  auto hash = crypto::hash_from_v1(keys.hash);
  if (!hash)
    return Error(ErrorCode::kUnsupported,
                 "IKEv1 hash " + std::to_string(static_cast<int>(keys.hash)) + " is not supported");
  return V1Crypto{std::move(cipher), *hash};
}

}  // namespace

Result<Bytes> ikev1_phase1_iv(const Ikev1Keys& keys, ByteView g_xi, ByteView g_xr) {
  TRY_ASSIGN(auto c, v1_crypto(keys));
  return crypto::phase1_iv(c.hash, g_xi, g_xr, c.cipher.block_size());
}

Result<Bytes> ikev1_phase2_iv(const Ikev1Keys& keys, ByteView last_phase1_block,
                              uint32_t message_id) {
  TRY_ASSIGN(auto c, v1_crypto(keys));
  return crypto::phase2_iv(c.hash, last_phase1_block, message_id, c.cipher.block_size());
}

void set_v1_direction(DecodedMessage& m, bool response) {
  m.response = response;
  if (!m.v1) return;
  auto dir = response ? v1::Direction::Response : v1::Direction::Request;
  m.summary = v1::summary(*m.v1, dir, m.decrypted ? &m.v1_inner : nullptr);
}

Result<Bytes> decrypt_v1(DecodedMessage& m, const Ikev1Keys& keys, ByteView iv) {
  if (!m.v1 || !m.encrypted)
    return Error(ErrorCode::kState, "not an encrypted IKEv1 message");
  const Bytes& body = m.v1->encrypted_body;
  TRY_ASSIGN(auto c, v1_crypto(keys));
  size_t block = c.cipher.block_size();
  if (body.empty() || body.size() % block != 0) {
    m.problem = "encrypted IKEv1 body of " + std::to_string(body.size()) +
                " bytes is not a whole number of " + std::to_string(block) + "-byte blocks";
    return Error(ErrorCode::kLength, m.problem);
  }
  auto plain = crypto::ikev1_decrypt(c.cipher, keys.ka, iv, body);
  if (!plain.ok()) {
    m.problem = "IKEv1 decryption failed: " + plain.error().message();
    return plain.error();
  }
  v1::ParseOptions options;
  options.allow_padding = true;
  auto chain = v1::parse_chain(m.v1->header.next_payload, plain->data, 28, options);
  if (!chain.ok()) {
    // A wrong IV garbles the first block only, a wrong key everything: either way the chain
    // does not parse, which is all a reader of the trace can tell.
    m.problem = "decrypted IKEv1 payloads do not parse (wrong key or IV?): " + describe(chain.error());
  } else {
    m.decrypted = true;
    m.problem.clear();
    m.v1_inner = std::move(chain->payloads);
    m.payloads.erase(std::remove_if(m.payloads.begin(), m.payloads.end(),
                                    [](const PayloadInfo& p) { return p.label == "E"; }),
                     m.payloads.end());
    for (const auto& p : m.v1_inner) m.payloads.push_back(info_of(p, true));
    set_v1_direction(m, m.response);
  }
  return std::move(plain->next_iv);
}

void KeyRing::add(Ikev2Keys keys) {
  auto key = std::make_pair(keys.spi_i, keys.spi_r);
  keys_[key] = std::move(keys);
}

const Ikev2Keys* KeyRing::find(uint64_t spi_i, uint64_t spi_r) const {
  auto it = keys_.find({spi_i, spi_r});
  return it == keys_.end() ? nullptr : &it->second;
}

Result<size_t> KeyRing::load_wireshark_ikev2(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error(ErrorCode::kSystem, "cannot open " + path).with_errno(errno);
  std::string line;
  size_t number = 0, added = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    auto where = [&](const std::string& why) {
      return Error(ErrorCode::kMalformed, path + ":" + std::to_string(number) + ": " + why);
    };
    auto f = uat_fields(t);
    if (f.size() != 8) return where("expected 8 fields, found " + std::to_string(f.size()));
    Ikev2Keys k;
    auto spi_i = parse_spi64(f[0]);
    auto spi_r = parse_spi64(f[1]);
    if (!spi_i || !spi_r) return where("SPIs must be 16 hex digits");
    k.spi_i = *spi_i;
    k.spi_r = *spi_r;
    auto ei = from_hex(f[2]), er = from_hex(f[3]), ai = from_hex(f[5]), ar = from_hex(f[6]);
    if (!ei || !er || !ai || !ar) return where("keys must be hex");
    k.sk_ei = *ei;
    k.sk_er = *er;
    k.sk_ai = *ai;
    k.sk_ar = *ar;
    auto encr = encr_from_wireshark(f[4], k.sk_ei.size());
    if (!encr) return where("unknown encryption algorithm \"" + f[4] + "\" for a " +
                            std::to_string(k.sk_ei.size()) + "-byte key");
    k.encr = encr->first;
    k.encr_key_bits = encr->second;
    auto integ = integ_from_wireshark(f[7]);
    if (!integ) return where("unknown integrity algorithm \"" + f[7] + "\"");
    k.integ = *integ;
    add(std::move(k));
    ++added;
  }
  return added;
}

const v2::Payload* DecodedMessage::find(v2::PayloadType type) const {
  for (const auto& p : v2_payloads)
    if (p.type == type) return &p;
  return nullptr;
}

Result<RawHeader> read_raw_header(ByteView datagram) {
  wire::Reader r(datagram);
  RawHeader h;
  TRY_ASSIGN(h.spi_i, r.u64());
  TRY_ASSIGN(h.spi_r, r.u64());
  TRY_ASSIGN(h.next_payload, r.u8());
  TRY_ASSIGN(uint8_t version, r.u8());
  h.major_version = version >> 4;
  h.minor_version = version & 0x0f;
  TRY_ASSIGN(h.exchange, r.u8());
  TRY_ASSIGN(h.flags, r.u8());
  TRY_ASSIGN(h.message_id, r.u32());
  TRY_ASSIGN(h.length, r.u32());
  return h;
}

std::optional<FragmentInfo> fragment_info(const Bytes& datagram) {
  auto h = read_raw_header(datagram);
  if (!h.ok() || h->major_version == 1) return std::nullopt;
  ByteView view = datagram;
  Bytes fixed;
  if (h->major_version != 2) {
    auto copy = as_version_2(datagram);
    if (!copy.ok()) return std::nullopt;
    fixed = std::move(*copy);
    view = fixed;
  }
  auto msg = v2::parse(view, lenient());
  if (!msg.ok() || msg->payloads.empty()) return std::nullopt;
  const auto* f = msg->payloads.back().as<v2::EncryptedFragmentPayload>();
  if (!f) return std::nullopt;
  return FragmentInfo{h->spi_i,   h->spi_r,          h->message_id,
                      h->exchange, h->flags, f->fragment_number, f->total_fragments};
}

DecodedMessage decode_message(std::span<const Bytes> datagrams, const KeyRing& keys,
                              const DecodeOptions& options) {
  DecodedMessage m;
  for (const auto& d : datagrams) m.bytes += d.size();
  if (datagrams.empty()) {
    m.problem = "no datagram";
    return m;
  }
  auto h = read_raw_header(datagrams.front());
  if (!h.ok()) {
    m.problem = "not an IKE message: " + describe(h.error());
    return m;
  }
  m.header_ok = true;
  m.spi_i = h->spi_i;
  m.spi_r = h->spi_r;
  m.major_version = h->major_version;
  m.minor_version = h->minor_version;
  m.exchange = h->exchange;
  m.flags = h->flags;
  m.message_id = h->message_id;
  m.length = h->length;
  m.family = h->major_version == 1 ? 1 : 2;
  m.exchange_name = exchange_text(m.family, m.exchange);
  if (m.family == 1) {
    m.response = options.v1_response;
    decode_v1(datagrams.front(), m, options);
  } else {
    m.response = (m.flags & v2::kFlagResponse) != 0;
    m.initiator = (m.flags & v2::kFlagInitiator) != 0;
    decode_v2(datagrams, keys, m);
    if (m.major_version != 2) {
      std::string note = "major version " + std::to_string(m.major_version) +
                         " (read with IKEv2's rules)";
      m.problem = m.problem.empty() ? note : note + "; " + m.problem;
    }
  }
  if (m.summary.empty())
    m.summary = m.exchange_name + (m.response ? " response " : " request ") +
                std::to_string(m.message_id) + " [ ? ]";
  return m;
}

}  // namespace ikesuite::harness::decode
