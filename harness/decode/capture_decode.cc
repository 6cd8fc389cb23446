#include "harness/decode/capture_decode.h"

#include <sys/stat.h>

#include <cstdio>
#include <map>
#include <tuple>

#include "engine/crypto/pki.h"
#include "engine/crypto/proposal.h"
#include "engine/net/transport.h"

namespace ikesuite::harness::decode {

namespace {

std::string hex64(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string short_hex(ByteView data, size_t max = 32) {
  if (data.size() <= max) return to_hex(data);
  return to_hex(data.first(max)) + "...";
}

std::string bytes_text(size_t n) { return std::to_string(n) + " byte" + (n == 1 ? "" : "s"); }

std::string id_text(v2::IdType type, const Bytes& data) {
  switch (type) {
    case v2::IdType::IPV4_ADDR:
    case v2::IdType::IPV6_ADDR:
      if (auto ip = IpAddress::from_bytes(data)) return ip->to_string();
      break;
    case v2::IdType::FQDN:
    case v2::IdType::RFC822_ADDR: {
      std::string s(data.begin(), data.end());
      for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
      return s;
    }
    case v2::IdType::DER_ASN1_DN:
      if (auto dn = crypto::dn_to_text(data); dn.ok()) return *dn;
      break;
    default: break;
  }
  return "0x" + short_hex(data);
}

std::string selector_text(const v2::TrafficSelector& ts) { return ts.to_string(); }

// The key under which the fragments of one message are collected.
using FragmentKey = std::tuple<uint64_t, uint64_t, uint32_t, uint8_t, uint8_t, Endpoint, Endpoint>;

struct Pending {
  std::vector<Bytes> datagrams;
  std::vector<uint64_t> frames;
  std::map<uint16_t, bool> seen;
  uint16_t total = 0;
};

}  // namespace

Result<size_t> load_keys(const std::string& path, KeyRing& keys) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Error(ErrorCode::kSystem, "cannot find keys at " + path).with_errno(errno);
  std::string file = path;
  if (S_ISDIR(st.st_mode)) {
    file = path + "/ikev2_decryption_table";
    if (::stat(file.c_str(), &st) != 0) return size_t{0};
  }
  return keys.load_wireshark_ikev2(file);
}

std::vector<std::string> describe_payload(const v2::Payload& p) {
  std::vector<std::string> out;
  if (const auto* sa = p.as<v2::SaPayload>()) {
    for (const auto& prop : sa->proposals) {
      std::string line = "#" + std::to_string(prop.number) + " " + crypto::to_string(prop);
      if (!prop.spi.empty()) line += " spi 0x" + to_hex(prop.spi);
      out.push_back(line);
    }
  } else if (const auto* ke = p.as<v2::KePayload>()) {
    out.push_back("group " + v2::to_string(ke->group) + ", " + bytes_text(ke->data.size()));
  } else if (const auto* id = p.as<v2::IdPayload>()) {
    out.push_back(v2::to_string(id->type) + " " + id_text(id->type, id->data));
  } else if (const auto* cert = p.as<v2::CertPayload>()) {
    std::string line = v2::to_string(cert->encoding) + ", " + bytes_text(cert->data.size());
    if (cert->encoding == v2::CertEncoding::X509_SIGNATURE)
      if (auto c = crypto::Certificate::from_der(cert->data); c.ok())
        line += ", subject \"" + c->subject() + "\", issuer \"" + c->issuer() + "\"";
    out.push_back(line);
  } else if (const auto* req = p.as<v2::CertReqPayload>()) {
    out.push_back(v2::to_string(req->encoding) + ", " +
                  std::to_string(req->ca_hashes().size()) + " CA key hash(es)");
    for (ByteView h : req->ca_hashes()) out.push_back("  " + to_hex(h));
  } else if (const auto* auth = p.as<v2::AuthPayload>()) {
    out.push_back(v2::to_string(auth->method) + ", " + bytes_text(auth->data.size()));
  } else if (const auto* no = p.as<v2::NoncePayload>()) {
    out.push_back(bytes_text(no->nonce.size()) + ": " + short_hex(no->nonce));
  } else if (const auto* n = p.as<v2::NotifyPayload>()) {
    std::string line = v2::to_string(n->type);
    if (n->protocol != v2::ProtocolId::None) line += ", protocol " + v2::to_string(n->protocol);
    if (!n->spi.empty()) line += ", spi 0x" + to_hex(n->spi);
    if (!n->data.empty()) line += ", data " + short_hex(n->data, 48);
    out.push_back(line);
  } else if (const auto* d = p.as<v2::DeletePayload>()) {
    std::string line = v2::to_string(d->protocol);
    if (d->spis.empty()) line += " (the IKE SA itself)";
    for (const auto& spi : d->spis) line += " 0x" + to_hex(spi);
    out.push_back(line);
  } else if (const auto* v = p.as<v2::VendorIdPayload>()) {
    out.push_back(short_hex(v->id, 48));
  } else if (const auto* ts = p.as<v2::TsPayload>()) {
    for (const auto& s : ts->selectors) out.push_back(selector_text(s));
  } else if (const auto* cp = p.as<v2::CpPayload>()) {
    out.push_back(v2::to_string(cp->cfg_type));
    for (const auto& a : cp->attributes) {
      std::string line = "  " + v2::to_string(a.type);
      if (auto ip = IpAddress::from_bytes(a.value)) {
        line += " " + ip->to_string();
      } else if (!a.value.empty()) {
        line += " " + short_hex(a.value);
      }
      out.push_back(line);
    }
  } else if (const auto* eap = p.as<v2::EapPayload>()) {
    std::string line = "EAP";
    if (auto c = eap->code()) line += " " + std::string(v2::name(*c));
    if (auto t = eap->eap_type()) line += " " + std::string(v2::name(*t));
    line += ", " + bytes_text(eap->message.size());
    out.push_back(line);
  } else if (const auto* sk = p.as<v2::EncryptedPayload>()) {
    out.push_back("encrypted, " + bytes_text(sk->body.size()));
  } else if (const auto* skf = p.as<v2::EncryptedFragmentPayload>()) {
    out.push_back("fragment " + std::to_string(skf->fragment_number) + " of " +
                  std::to_string(skf->total_fragments) + ", " + bytes_text(skf->body.size()));
  } else if (const auto* raw = p.as<v2::RawPayload>()) {
    out.push_back(std::string(p.critical ? "critical " : "") + "unknown payload type " +
                  std::to_string(static_cast<unsigned>(p.type)) + ", " +
                  bytes_text(raw->body.size()));
  }
  return out;
}

std::vector<std::string> describe_payload(const v1::Payload& p) {
  std::vector<std::string> out;
  auto body = v1::serialize_body(p.body);
  std::string line = std::string(v1::name(p.type));
  if (line.empty()) line = "payload type " + std::to_string(static_cast<unsigned>(p.type));
  if (const auto* n = p.as<v1::NotifyPayload>()) {
    line = std::string(v1::name(n->type));
    if (line.empty()) line = "NOTIFY(" + std::to_string(static_cast<unsigned>(n->type)) + ")";
  }
  if (body.ok()) line += ", " + bytes_text(body->size());
  out.push_back(line);
  return out;
}

Result<CaptureDecode> decode_capture(const std::string& path, const KeyRing& keys) {
  TRY_ASSIGN(auto reader, pcap::PcapReader::open(path));
  CaptureDecode out;
  std::map<FragmentKey, Pending> pending;
  while (true) {
    TRY_ASSIGN(auto next, reader.next());
    if (!next) break;
    const pcap::UdpDatagram& d = *next;
    bool ike_port = d.src.port == net::kIkePort || d.dst.port == net::kIkePort ||
                    d.src.port == net::kNattPort || d.dst.port == net::kNattPort;
    if (!ike_port) {
      ++out.other_ports;
      continue;
    }
    auto ike = net::unframe_ike(d.src.port, d.dst.port, d.payload);
    if (!ike || ike->size() < 28) {
      ++out.not_ike;
      continue;
    }
    Bytes bytes(ike->begin(), ike->end());
    if (auto f = fragment_info(bytes)) {
      FragmentKey key{f->spi_i, f->spi_r, f->message_id, f->exchange, f->flags, d.src, d.dst};
      Pending& p = pending[key];
      if (p.seen.count(f->number)) {
        // A fragment seen again starts a retransmission of the whole set: show what the
        // first set held, then collect anew.
        CapturedMessage m{d.frame, p.frames, d.timestamp, d.src, d.dst,
                          decode_message(p.datagrams, keys)};
        out.messages.push_back(std::move(m));
        p = Pending{};
      }
      p.datagrams.push_back(bytes);
      p.frames.push_back(d.frame);
      p.seen[f->number] = true;
      p.total = std::max(p.total, f->total);
      if (p.total > 0 && p.seen.size() >= p.total) {
        CapturedMessage m{d.frame, p.frames, d.timestamp, d.src, d.dst,
                          decode_message(p.datagrams, keys)};
        out.messages.push_back(std::move(m));
        pending.erase(key);
      }
      continue;
    }
    CapturedMessage m{d.frame, {d.frame}, d.timestamp, d.src, d.dst, decode_message(bytes, keys)};
    out.messages.push_back(std::move(m));
  }
  for (auto& [key, p] : pending) {
    out.warnings.push_back("frames " + std::to_string(p.frames.front()) + ".." +
                           std::to_string(p.frames.back()) + ": " +
                           std::to_string(p.seen.size()) + " of " + std::to_string(p.total) +
                           " fragments, never completed");
    CapturedMessage m{p.frames.back(), p.frames, Time{}, std::get<5>(key), std::get<6>(key),
                      decode_message(p.datagrams, keys)};
    out.messages.push_back(std::move(m));
  }
  out.stats = reader.stats();
  return out;
}

namespace {

std::string frames_text(const CapturedMessage& m) {
  if (m.frames.size() <= 1) return "frame " + std::to_string(m.frame);
  std::string s = "frames";
  for (size_t i = 0; i < m.frames.size(); ++i) s += (i ? "," : " ") + std::to_string(m.frames[i]);
  return s;
}

std::string timestamp_text(Time t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t).count();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(us / 1000000),
                static_cast<long long>(us % 1000000));
  return buf;
}

}  // namespace

std::string render_text(const CaptureDecode& decoded) {
  std::string out;
  for (const auto& cm : decoded.messages) {
    const DecodedMessage& m = cm.message;
    out += frames_text(cm) + "  " + timestamp_text(cm.timestamp) + "  " + cm.src.to_string() +
           " -> " + cm.dst.to_string() + "  IKEv" + std::to_string(m.major_version) + "\n";
    out += "  " + m.summary + "\n";
    out += "  SPIs " + hex64(m.spi_i) + "_i " + hex64(m.spi_r) + "_r, flags 0x" +
           to_hex(Bytes{m.flags}) + ", " + bytes_text(m.bytes);
    if (m.fragments) out += ", " + std::to_string(m.fragments) + " fragments";
    if (m.encrypted) out += m.decrypted ? ", decrypted" : ", encrypted";
    out += "\n";
    if (!m.problem.empty()) out += "  ! " + frames_text(cm) + ": " + m.problem + "\n";
    if (m.family == 2) {
      for (const auto& p : m.v2_payloads) {
        out += "    " + v2::summary_label(p) + (p.critical ? " (critical)" : "");
        auto lines = describe_payload(p);
        if (!lines.empty()) out += "  " + lines.front();
        out += "\n";
        for (size_t i = 1; i < lines.size(); ++i) out += "        " + lines[i] + "\n";
      }
    } else if (m.v1) {
      for (const auto& p : m.v1->payloads) {
        auto lines = describe_payload(p);
        out += "    " + v1::payload_labels({p}) + "  " + (lines.empty() ? "" : lines.front()) + "\n";
      }
    }
  }
  out += std::to_string(decoded.messages.size()) + " IKE message" +
         (decoded.messages.size() == 1 ? "" : "s") + " in " + std::to_string(decoded.stats.frames) +
         " frame" + (decoded.stats.frames == 1 ? "" : "s");
  size_t skipped = decoded.stats.skipped() + decoded.not_ike + decoded.other_ports;
  if (skipped) out += " (" + std::to_string(skipped) + " other frames skipped)";
  out += "\n";
  for (const auto& w : decoded.warnings) out += "warning: " + w + "\n";
  return out;
}

nlohmann::ordered_json render_json(const CaptureDecode& decoded) {
  nlohmann::ordered_json doc;
  doc["messages"] = nlohmann::ordered_json::array();
  for (const auto& cm : decoded.messages) {
    const DecodedMessage& m = cm.message;
    nlohmann::ordered_json j;
    j["frame"] = cm.frame;
    j["frames"] = cm.frames;
    j["time"] = timestamp_text(cm.timestamp);
    j["src"] = cm.src.to_string();
    j["dst"] = cm.dst.to_string();
    j["major_version"] = m.major_version;
    j["minor_version"] = m.minor_version;
    j["spi_i"] = hex64(m.spi_i);
    j["spi_r"] = hex64(m.spi_r);
    j["exchange"] = m.exchange_name;
    j["response"] = m.response;
    j["initiator"] = m.initiator;
    j["message_id"] = m.message_id;
    j["flags"] = m.flags;
    j["bytes"] = m.bytes;
    j["fragments"] = m.fragments;
    j["encrypted"] = m.encrypted;
    j["decrypted"] = m.decrypted;
    j["summary"] = m.summary;
    j["problem"] = m.problem.empty() ? nlohmann::ordered_json(nullptr)
                                     : nlohmann::ordered_json(m.problem);
    auto payloads = nlohmann::ordered_json::array();
    if (m.family == 2) {
      for (size_t i = 0; i < m.v2_payloads.size(); ++i) {
        const auto& p = m.v2_payloads[i];
        nlohmann::ordered_json pj;
        pj["label"] = v2::summary_label(p);
        pj["type"] = static_cast<unsigned>(p.type);
        pj["critical"] = p.critical;
        pj["inner"] = i < m.payloads.size() && m.payloads[i].inner;
        pj["details"] = describe_payload(p);
        payloads.push_back(std::move(pj));
      }
    } else if (m.v1) {
      for (const auto& p : m.v1->payloads) {
        nlohmann::ordered_json pj;
        pj["label"] = v1::payload_labels({p});
        pj["type"] = static_cast<unsigned>(p.type);
        pj["critical"] = false;
        pj["inner"] = false;
        pj["details"] = describe_payload(p);
        payloads.push_back(std::move(pj));
      }
    }
    j["payloads"] = std::move(payloads);
    doc["messages"].push_back(std::move(j));
  }
  doc["frames"] = decoded.stats.frames;
  doc["skipped"] = decoded.stats.skipped() + decoded.not_ike + decoded.other_ports;
  doc["warnings"] = decoded.warnings;
  return doc;
}

}  // namespace ikesuite::harness::decode
