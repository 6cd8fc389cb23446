// SA payloads of both phases: building the offer from the configured transforms, the
// responder's choice in priority order, and the initiator's check of that choice.
//
// Phase 1 (RFC 2409 §5, Appendix A): one ISAKMP proposal with one KEY_IKE transform per
// configured combination of encryption (and key length), hash, authentication method and
// group, each with the Life Type/Life Duration of the connection. The responder walks its own
// configured transforms in priority order (seed 003) and takes the first the initiator offered,
// and answers with that transform exactly as received.
//
// Phase 2 (RFC 2407 §4.4.4, §4.5): one ESP proposal (the SPI of the sender) with one transform
// per configured ESP transform, carrying the encapsulation mode, the authentication algorithm,
// the key length, the PFS group and the lifetime.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/result.h"
#include "engine/crypto/proposal.h"
#include "engine/ikev1/config.h"
#include "engine/sa/sa_backend.h"
#include "engine/wire/ikev1/message.h"

namespace ikesuite::ikev1 {

// Which NAT traversal both sides speak (RFC 3947, or the drafts 02/03 with their private
// payload numbers and encapsulation modes).
enum class NattVersion : uint8_t { None, Draft, Rfc3947 };

// ---- phase 1 -------------------------------------------------------------------------------

// The authentication method of our end: PRE_SHARED_KEY, or the signature method of our key
// (RSA_SIG, ECDSA_SHA256_P256/384/521, RFC 4754). nullopt when there is none (no key).
std::optional<v1::OakleyAuthMethod> auth_method_for(const EndConfig& local);

v1::SaPayload phase1_offer(const std::vector<crypto::V1IkeTransform>& transforms,
                           v1::OakleyAuthMethod method, uint64_t lifetime_seconds);

// The algorithms of a KEY_IKE transform's attributes, when they are ones a proposal string can
// name (custom groups, unknown encryption and private attributes are not).
std::optional<crypto::V1IkeTransform> ike_algorithms(const v1::Phase1Attributes& a);

struct Phase1Choice {
  v1::Transform transform;  // as the initiator sent it
  crypto::V1IkeTransform algorithms;
  v1::OakleyAuthMethod method = v1::OakleyAuthMethod::PreSharedKey;
  uint64_t lifetime_seconds = 0;  // 0: none given
};

// The responder's choice. Errors carry the notify to answer with (NO_PROPOSAL_CHOSEN,
// DOI_NOT_SUPPORTED, SITUATION_NOT_SUPPORTED, INVALID_PROTOCOL_ID, BAD_PROPOSAL_SYNTAX).
Result<Phase1Choice> select_phase1(const std::vector<crypto::V1IkeTransform>& configured,
                                   v1::OakleyAuthMethod method, const v1::SaPayload& received);
// The initiator's check: one proposal with one transform that is one we offered.
Result<Phase1Choice> check_phase1_answer(const std::vector<crypto::V1IkeTransform>& offered,
                                         v1::OakleyAuthMethod method, const v1::SaPayload& answer);

// "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048, ..." of an SA payload.
std::string describe_phase1(const v1::SaPayload& sa);

// ---- phase 2 -------------------------------------------------------------------------------

// RFC 2407 §4.5 and RFC 3947 §5.1: the encapsulation mode to offer.
v1::EncapsulationMode encapsulation(sa::Mode mode, bool udp, NattVersion natt);

struct Phase2Lifetime {
  uint64_t seconds = 0;
  uint64_t kilobytes = 0;
};

v1::SaPayload phase2_offer(const std::vector<crypto::V1EspTransform>& transforms, uint32_t spi,
                           v1::EncapsulationMode encap, Phase2Lifetime lifetime);

std::optional<crypto::V1EspTransform> esp_algorithms(uint8_t transform_id,
                                                     const v1::Phase2Attributes& a);

struct Phase2Choice {
  v1::Proposal proposal;  // one proposal, one transform, as received (the peer's SPI)
  uint32_t peer_spi = 0;
  crypto::V1EspTransform algorithms;
  v1::EncapsulationMode encap = v1::EncapsulationMode::Tunnel;
  sa::Mode mode = sa::Mode::Tunnel;
  bool udp = false;
  Phase2Lifetime lifetime;
};

// The responder's choice among ESP proposals, in our priority order; the encapsulation
// mode must be the connection's (tunnel or transport, UDP-encapsulated or not).
Result<Phase2Choice> select_phase2(const std::vector<crypto::V1EspTransform>& configured,
                                   sa::Mode mode, const v1::SaPayload& received);
// The initiator's check of the answer.
Result<Phase2Choice> check_phase2_answer(const std::vector<crypto::V1EspTransform>& offered,
                                         sa::Mode mode, const v1::SaPayload& answer);

std::string describe_phase2(const v1::SaPayload& sa);

}  // namespace ikesuite::ikev1
