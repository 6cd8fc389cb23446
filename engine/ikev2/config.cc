#include "engine/ikev2/config.h"

#include "engine/crypto/pki.h"

namespace ikesuite::ikev2 {

Result<Identity> Identity::parse(std::string_view text) {
  Identity id;
  if (text.empty()) return Error(ErrorCode::kConfig, "empty identity");
  if (text == "%any" || text == "%any6") {
    id.any = true;
    return id;
  }
  if (auto ip = IpAddress::parse(text)) {
    id.type = ip->is_v4() ? v2::IdType::IPV4_ADDR : v2::IdType::IPV6_ADDR;
    id.data = ip->to_bytes();
    return id;
  }
  if (text.size() > 2 && text[0] == '@' && text[1] == '#') {
    auto raw = from_hex(text.substr(2));
    if (!raw) return Error(ErrorCode::kConfig, "bad KEY_ID identity '" + std::string(text) + "'");
    id.type = v2::IdType::KEY_ID;
    id.data = *raw;
    return id;
  }
  if (text[0] == '@') {
    // "@moon" is an FQDN; "@@user@host" would be RFC822 in strongSwan's notation.
    if (text.size() > 1 && text[1] == '@') {
      id.type = v2::IdType::RFC822_ADDR;
      id.data = to_bytes(text.substr(2));
      return id;
    }
    id.type = v2::IdType::FQDN;
    id.data = to_bytes(text.substr(1));
    return id;
  }
  if (text.find('=') != std::string_view::npos) {
    TRY_ASSIGN(Bytes der, crypto::dn_from_text(text));
    id.type = v2::IdType::DER_ASN1_DN;
    id.data = std::move(der);
    return id;
  }
  id.type = text.find('@') != std::string_view::npos ? v2::IdType::RFC822_ADDR : v2::IdType::FQDN;
  id.data = to_bytes(text);
  return id;
}

Identity Identity::from_payload(const v2::IdPayload& p) {
  Identity id;
  id.type = p.type;
  id.data = p.data;
  return id;
}

std::string Identity::to_string() const {
  if (any) return "%any";
  switch (type) {
    case v2::IdType::IPV4_ADDR:
    case v2::IdType::IPV6_ADDR:
      if (auto ip = IpAddress::from_bytes(data)) return ip->to_string();
      return "(invalid address)";
    case v2::IdType::FQDN:
    case v2::IdType::RFC822_ADDR: {
      std::string s(data.begin(), data.end());
      for (char& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
      return s;
    }
    case v2::IdType::DER_ASN1_DN: {
      auto text = crypto::dn_to_text(data);
      return text.ok() ? *text : "(invalid DN)";
    }
    case v2::IdType::KEY_ID: return "@#" + to_hex(data);
    case v2::IdType::NULL_ID: return "(null)";
    default: return v2::to_string(type) + ":" + to_hex(data);
  }
}

bool Identity::matches(const Identity& other) const {
  if (any || other.any) return true;
  if (type != other.type) return false;
  if (type == v2::IdType::FQDN || type == v2::IdType::RFC822_ADDR) {
    // Case-insensitive, with strongSwan's leading "*" wildcard ("*.strongswan.org").
    std::string a(data.begin(), data.end()), b(other.data.begin(), other.data.end());
    for (auto* s : {&a, &b})
      for (char& c : *s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (!a.empty() && a[0] == '*') {
      std::string tail = a.substr(1);
      return b.size() >= tail.size() && b.compare(b.size() - tail.size(), tail.size(), tail) == 0;
    }
    return a == b;
  }
  return data == other.data;
}

const SharedKey* Credentials::find_psk(const Identity& me, const Identity& other) const {
  const SharedKey* best = nullptr;
  int best_score = -1;
  for (const auto& k : shared_keys) {
    bool has_me = false, has_other = false;
    for (const auto& id : k.ids) {
      if (!id.any && id.matches(me)) has_me = true;
      if (!id.any && id.matches(other)) has_other = true;
    }
    int score;
    if (k.ids.empty()) {
      score = 0;
    } else if (has_me && has_other) {
      score = 3;
    } else if (has_other) {
      score = 2;
    } else if (has_me) {
      score = 1;
    } else {
      continue;
    }
    if (score > best_score) {
      best = &k;
      best_score = score;
    }
  }
  return best;
}

}  // namespace ikesuite::ikev2
