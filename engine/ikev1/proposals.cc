#include "engine/ikev1/proposals.h"

#include "engine/crypto/algorithms.h"
#include "engine/crypto/pki.h"

namespace ikesuite::ikev1 {

namespace {

Error refuse(v1::NotifyType type, std::string reason) {
  return Error(ErrorCode::kState, std::move(reason)).with_notify(static_cast<uint16_t>(type));
}

uint64_t life_of(const std::vector<v1::LifeLimit>& limits, v1::LifeType type) {
  for (const auto& l : limits)
    if (l.type == type) return l.duration;
  return 0;
}

// RFC 2407 §4.6.1 / RFC 2409 §5: the IPsec DOI with a plain identity-only situation.
Status check_doi(const v1::SaPayload& sa) {
  if (sa.doi != v1::kDoiIpsec)
    return refuse(v1::NotifyType::DOI_NOT_SUPPORTED, "DOI " + std::to_string(sa.doi) +
                                                         " is not the IPsec DOI");
  if (sa.situation != v1::kSitIdentityOnly)
    return refuse(v1::NotifyType::SITUATION_NOT_SUPPORTED,
                  "situation " + std::to_string(sa.situation) + " is not SIT_IDENTITY_ONLY");
  return {};
}

bool is_udp(v1::EncapsulationMode m) {
  return m == v1::EncapsulationMode::UdpTunnel || m == v1::EncapsulationMode::UdpTransport ||
         m == v1::EncapsulationMode::UdpTunnelDraft ||
         m == v1::EncapsulationMode::UdpTransportDraft;
}

std::optional<sa::Mode> mode_of(v1::EncapsulationMode m) {
  switch (m) {
    case v1::EncapsulationMode::Tunnel:
    case v1::EncapsulationMode::UdpTunnel:
    case v1::EncapsulationMode::UdpTunnelDraft: return sa::Mode::Tunnel;
    case v1::EncapsulationMode::Transport:
    case v1::EncapsulationMode::UdpTransport:
    case v1::EncapsulationMode::UdpTransportDraft: return sa::Mode::Transport;
  }
  return std::nullopt;
}

std::optional<uint32_t> spi_of(const Bytes& spi) {
  if (spi.size() != 4) return std::nullopt;
  return uint32_t{spi[0]} << 24 | uint32_t{spi[1]} << 16 | uint32_t{spi[2]} << 8 | spi[3];
}

}  // namespace

// ---- phase 1 -------------------------------------------------------------------------------

std::optional<v1::OakleyAuthMethod> auth_method_for(const EndConfig& local) {
  if (local.auth == AuthClass::Psk) return v1::OakleyAuthMethod::PreSharedKey;
  if (local.auth != AuthClass::PubKey || !local.key) return std::nullopt;
  switch (local.key->type()) {
    case crypto::KeyType::kRsa: return v1::OakleyAuthMethod::RSA_SIG;
    case crypto::KeyType::kEcdsaP256: return v1::OakleyAuthMethod::ECDSA_SHA256_P256;
    case crypto::KeyType::kEcdsaP384: return v1::OakleyAuthMethod::ECDSA_SHA384_P384;
    case crypto::KeyType::kEcdsaP521: return v1::OakleyAuthMethod::ECDSA_SHA512_P521;
    default: return std::nullopt;
  }
}

v1::SaPayload phase1_offer(const std::vector<crypto::V1IkeTransform>& transforms,
                           v1::OakleyAuthMethod method, uint64_t lifetime_seconds) {
  v1::Proposal p;
  p.number = 1;
  p.protocol = v1::ProtocolId::ISAKMP;
  uint8_t n = 1;
  for (const auto& t : transforms) {
    v1::Phase1Attributes a;
    a.encryption = t.encryption;
    if (t.key_length) a.key_length = t.key_length;
    a.hash = t.hash;
    a.auth_method = method;
    a.group = static_cast<v1::GroupDescription>(static_cast<uint16_t>(t.group));
    if (lifetime_seconds) a.lifetimes.push_back({v1::LifeType::Seconds, lifetime_seconds});
    p.transforms.push_back(v1::ike_transform(n++, a));
  }
  v1::SaPayload sa;
  sa.proposals.push_back(std::move(p));
  return sa;
}

std::optional<crypto::V1IkeTransform> ike_algorithms(const v1::Phase1Attributes& a) {
  if (!a.encryption || !a.hash || !a.group) return std::nullopt;
  // Only well-known groups by number: custom groups (prime, generators, curves) and private
  // PRFs have no proposal keyword and are not negotiated.
  if (!a.other.empty() || a.prf || a.field_size) return std::nullopt;
  crypto::V1IkeTransform t;
  t.encryption = *a.encryption;
  t.key_length = a.key_length.value_or(0);
  t.hash = *a.hash;
  t.group = static_cast<v2::DhGroup>(static_cast<uint16_t>(*a.group));
  return t;
}

Result<Phase1Choice> select_phase1(const std::vector<crypto::V1IkeTransform>& configured,
                                   v1::OakleyAuthMethod method, const v1::SaPayload& received) {
  TRY(check_doi(received));
  // RFC 2409 §5: phase 1 carries exactly one proposal.
  if (received.proposals.size() != 1)
    return refuse(v1::NotifyType::BAD_PROPOSAL_SYNTAX,
                  std::to_string(received.proposals.size()) + " proposals in a phase-1 SA");
  const v1::Proposal& p = received.proposals.front();
  if (p.protocol != v1::ProtocolId::ISAKMP)
    return refuse(v1::NotifyType::INVALID_PROTOCOL_ID,
                  "phase-1 proposal for protocol " + v1::to_string(p.protocol));
  struct Candidate {
    const v1::Transform* transform;
    v1::Phase1Attributes attributes;
    crypto::V1IkeTransform algorithms;
  };
  std::vector<Candidate> offered;
  for (const auto& t : p.transforms) {
    if (t.id != static_cast<uint8_t>(v1::IsakmpTransformId::KEY_IKE)) continue;
    auto a = v1::Phase1Attributes::decode(t.attributes);
    if (!a.ok()) continue;  // a malformed transform is skipped, the others may do
    if (a->auth_method != method) continue;
    auto algos = ike_algorithms(*a);
    if (!algos) continue;
    offered.push_back({&t, *a, *algos});
  }
  // Our priority order decides (seed 003: the responder walks its own policies).
  for (const auto& mine : configured) {
    for (const auto& c : offered) {
      if (!(c.algorithms == mine)) continue;
      Phase1Choice choice;
      choice.transform = *c.transform;
      choice.algorithms = c.algorithms;
      choice.method = method;
      choice.lifetime_seconds = life_of(c.attributes.lifetimes, v1::LifeType::Seconds);
      return choice;
    }
  }
  return refuse(v1::NotifyType::NO_PROPOSAL_CHOSEN, "no acceptable phase-1 transform");
}

Result<Phase1Choice> check_phase1_answer(const std::vector<crypto::V1IkeTransform>& offered,
                                         v1::OakleyAuthMethod method,
                                         const v1::SaPayload& answer) {
  TRY(check_doi(answer));
  if (answer.proposals.size() != 1 || answer.proposals.front().transforms.size() != 1)
    return refuse(v1::NotifyType::BAD_PROPOSAL_SYNTAX,
                  "the responder's SA must hold one proposal with one transform");
  TRY_ASSIGN(Phase1Choice choice, select_phase1(offered, method, answer));
  return choice;
}

std::string describe_phase1(const v1::SaPayload& sa) {
  std::string out;
  for (const auto& p : sa.proposals)
    for (const auto& t : p.transforms) {
      auto a = v1::Phase1Attributes::decode(t.attributes);
      auto algos = a.ok() ? ike_algorithms(*a) : std::nullopt;
      if (!out.empty()) out += ", ";
      out += algos ? crypto::to_string(*algos) : "IKE:(transform " + std::to_string(t.number) + ")";
    }
  return out;
}

// ---- phase 2 -------------------------------------------------------------------------------

v1::EncapsulationMode encapsulation(sa::Mode mode, bool udp, NattVersion natt) {
  bool tunnel = mode == sa::Mode::Tunnel;
  if (!udp) return tunnel ? v1::EncapsulationMode::Tunnel : v1::EncapsulationMode::Transport;
  if (natt == NattVersion::Draft)
    return tunnel ? v1::EncapsulationMode::UdpTunnelDraft
                  : v1::EncapsulationMode::UdpTransportDraft;
  return tunnel ? v1::EncapsulationMode::UdpTunnel : v1::EncapsulationMode::UdpTransport;
}

v1::SaPayload phase2_offer(const std::vector<crypto::V1EspTransform>& transforms, uint32_t spi,
                           v1::EncapsulationMode encap, Phase2Lifetime lifetime) {
  v1::Proposal p;
  p.number = 1;
  p.protocol = v1::ProtocolId::IPSEC_ESP;
  p.spi = {static_cast<uint8_t>(spi >> 24), static_cast<uint8_t>(spi >> 16),
           static_cast<uint8_t>(spi >> 8), static_cast<uint8_t>(spi)};
  uint8_t n = 1;
  for (const auto& t : transforms) {
    v1::Phase2Attributes a;
    if (lifetime.seconds) a.lifetimes.push_back({v1::LifeType::Seconds, lifetime.seconds});
    if (lifetime.kilobytes) a.lifetimes.push_back({v1::LifeType::Kilobytes, lifetime.kilobytes});
    if (t.pfs_group != v2::DhGroup::None)
      a.group = static_cast<v1::GroupDescription>(static_cast<uint16_t>(t.pfs_group));
    a.encapsulation = encap;
    a.auth_algorithm = t.auth;
    if (t.key_length) a.key_length = t.key_length;
    a.esn = t.esn;
    p.transforms.push_back(v1::ipsec_transform(n++, static_cast<uint8_t>(t.transform), a));
  }
  v1::SaPayload sa;
  sa.proposals.push_back(std::move(p));
  return sa;
}

std::optional<crypto::V1EspTransform> esp_algorithms(uint8_t transform_id,
                                                     const v1::Phase2Attributes& a) {
  if (!a.other.empty() || a.key_rounds) return std::nullopt;
  crypto::V1EspTransform t;
  t.transform = static_cast<v1::EspTransformId>(transform_id);
  t.key_length = a.key_length.value_or(0);
  t.auth = a.auth_algorithm;
  t.pfs_group = a.group ? static_cast<v2::DhGroup>(static_cast<uint16_t>(*a.group))
                        : v2::DhGroup::None;
  t.esn = a.esn;
  return t;
}

namespace {

struct Phase2Candidate {
  const v1::Proposal* proposal;
  const v1::Transform* transform;
  v1::Phase2Attributes attributes;
  crypto::V1EspTransform algorithms;
};

// ESP proposals that stand alone (RFC 2408 §4.2: proposals sharing a number are AND-ed, such
// bundles are not supported) with a usable SPI, and their transforms in the peer's order.
std::vector<Phase2Candidate> esp_candidates(const v1::SaPayload& sa, sa::Mode mode) {
  std::vector<Phase2Candidate> out;
  for (const auto& p : sa.proposals) {
    if (p.protocol != v1::ProtocolId::IPSEC_ESP) continue;
    size_t same_number = 0;
    for (const auto& q : sa.proposals) same_number += q.number == p.number;
    if (same_number != 1) continue;
    auto spi = spi_of(p.spi);
    if (!spi || *spi < 256) continue;  // RFC 4303 §2.1: SPIs 1-255 are reserved
    for (const auto& t : p.transforms) {
      auto a = v1::Phase2Attributes::decode(t.attributes);
      if (!a.ok()) continue;
      auto m = a->encapsulation ? mode_of(*a->encapsulation)
                                : std::optional<sa::Mode>(sa::Mode::Tunnel);
      if (!m || *m != mode) continue;
      auto algos = esp_algorithms(t.id, *a);
      if (!algos) continue;
      out.push_back({&p, &t, *a, *algos});
    }
  }
  return out;
}

Phase2Choice choice_of(const Phase2Candidate& c) {
  Phase2Choice choice;
  choice.proposal = *c.proposal;
  choice.proposal.transforms = {*c.transform};
  choice.peer_spi = spi_of(c.proposal->spi).value_or(0);
  choice.algorithms = c.algorithms;
  choice.encap = c.attributes.encapsulation.value_or(v1::EncapsulationMode::Tunnel);
  choice.mode = mode_of(choice.encap).value_or(sa::Mode::Tunnel);
  choice.udp = is_udp(choice.encap);
  choice.lifetime.seconds = life_of(c.attributes.lifetimes, v1::LifeType::Seconds);
  choice.lifetime.kilobytes = life_of(c.attributes.lifetimes, v1::LifeType::Kilobytes);
  return choice;
}

}  // namespace

Result<Phase2Choice> select_phase2(const std::vector<crypto::V1EspTransform>& configured,
                                   sa::Mode mode, const v1::SaPayload& received) {
  TRY(check_doi(received));
  auto offered = esp_candidates(received, mode);
  for (const auto& mine : configured)
    for (const auto& c : offered)
      if (c.algorithms == mine) return choice_of(c);
  return refuse(v1::NotifyType::NO_PROPOSAL_CHOSEN, "no acceptable ESP transform");
}

Result<Phase2Choice> check_phase2_answer(const std::vector<crypto::V1EspTransform>& offered,
                                         sa::Mode mode, const v1::SaPayload& answer) {
  TRY(check_doi(answer));
  if (answer.proposals.size() != 1 || answer.proposals.front().transforms.size() != 1)
    return refuse(v1::NotifyType::BAD_PROPOSAL_SYNTAX,
                  "the responder's SA must hold one proposal with one transform");
  auto got = esp_candidates(answer, mode);
  if (got.empty())
    return refuse(v1::NotifyType::NO_PROPOSAL_CHOSEN,
                  "the responder chose a transform, SPI or mode we did not offer");
  for (const auto& mine : offered)
    if (got.front().algorithms == mine) return choice_of(got.front());
  return refuse(v1::NotifyType::NO_PROPOSAL_CHOSEN, "the responder chose a transform we did not offer");
}

std::string describe_phase2(const v1::SaPayload& sa) {
  std::string out;
  for (const auto& p : sa.proposals)
    for (const auto& t : p.transforms) {
      auto a = v1::Phase2Attributes::decode(t.attributes);
      auto algos = a.ok() && p.protocol == v1::ProtocolId::IPSEC_ESP ? esp_algorithms(t.id, *a)
                                                                     : std::nullopt;
      if (!out.empty()) out += ", ";
      out += algos ? crypto::to_string(*algos)
                   : v1::to_string(p.protocol) + ":(transform " + std::to_string(t.number) + ")";
    }
  return out;
}

}  // namespace ikesuite::ikev1
