// Proposals in strongSwan's syntax ("aes256-sha256-modp2048, aes128gcm16-prfsha256-x25519"),
// for IKEv2 SA payloads and for IKEv1 phase-1 and phase-2 transforms, the reverse (the
// strings charon logs: "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"),
// proposal selection, and the algorithm set of a selected proposal.
//
// Parsing follows strongSwan 5.9's rules (libstrongswan proposal.c): keywords are separated
// by '-', proposals by ',' (or spaces); an IKE proposal without a PRF takes the PRFs of its
// integrity algorithms, and one without any (an AEAD proposal such as "aes256gcm16-x25519")
// is rejected ("a PRF algorithm is mandatory in IKE proposals"), as is an IKE proposal without
// a key exchange method; AEAD and classic ciphers cannot be mixed; integrity algorithms are
// dropped from all-AEAD proposals; ESP/AH proposals lose their PRFs and default to "noesn".
// Only IANA-registered algorithms are accepted (strongSwan's private-use keywords such as
// serpent, twofish, sha256_96 or ntru are errors). Errors name the offending keyword.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/result.h"
#include "engine/crypto/cipher.h"
#include "engine/crypto/integ.h"
#include "engine/crypto/prf.h"
#include "engine/wire/ikev1/types.h"
#include "engine/wire/ikev2/message.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::crypto {

// ---- IKEv2 ---------------------------------------------------------------------------------

// A comma-separated list of proposals for `protocol` (IKE, ESP or AH), numbered from 1, with
// transforms in type order (ENCR, PRF, INTEG, DH, ESN) and a KEY_LENGTH attribute where the
// algorithm needs one. SPIs are left empty for the engine to fill in.
Result<std::vector<v2::Proposal>> parse_proposals(v2::ProtocolId protocol, std::string_view text);

// charon's form of one proposal: "<PROTO>:" then every transform, ENCR, INTEG, PRF, DH, ESN,
// joined by '/', with "_<bits>" after algorithms that carry a key length.
std::string to_string(const v2::Proposal& proposal);
// The form of a list: proposals joined by ", ".
std::string to_string(const std::vector<v2::Proposal>& proposals);

// RFC 7296 §2.7 / §3.3.6: the first of `preferred` that has, for every transform type either
// side uses, a transform both offer; the result has one transform of each type (the first one
// of the preferred side that the other side also offers) and the number and SPI of the peer's
// proposal. `ours` is preferred unless `prefer_peer`. An absent ESN transform counts as NoEsn.
std::optional<v2::Proposal> select_proposal(std::span<const v2::Proposal> ours,
                                            std::span<const v2::Proposal> peers,
                                            bool prefer_peer = false);

// The algorithms of a selected IKE proposal (exactly one transform per type; integrity only
// for classic ciphers), ready for the key schedule and the SK payload.
struct IkeAlgorithms {
  Cipher cipher;
  std::optional<Integrity> integ;
  Prf prf;
  v2::DhGroup dh;
};
Result<IkeAlgorithms> ike_algorithms(const v2::Proposal& selected);

// The algorithms of a selected ESP or AH proposal, with the key sizes KEYMAT is cut into.
struct ChildAlgorithms {
  v2::ProtocolId protocol = v2::ProtocolId::ESP;
  v2::EncrId encr = v2::EncrId::Null;  // AH: Null
  uint16_t key_bits = 0;
  size_t encr_key_size = 0;  // including salt
  v2::IntegId integ = v2::IntegId::None;
  size_t integ_key_size = 0;
  v2::DhGroup dh = v2::DhGroup::None;  // PFS group, None without
  bool esn = false;
};
Result<ChildAlgorithms> child_algorithms(const v2::Proposal& selected);

// ---- IKEv1 ---------------------------------------------------------------------------------

// One phase-1 transform: the Oakley attributes a proposal string fixes (the authentication
// method and lifetimes come from the connection, RFC 2409 Appendix A).
struct V1IkeTransform {
  v1::OakleyEncryption encryption = v1::OakleyEncryption::AES_CBC;
  uint16_t key_length = 0;  // Key Length attribute, 0 = absent
  v1::OakleyHash hash = v1::OakleyHash::SHA2_256;
  v2::DhGroup group = v2::DhGroup::MODP_2048;  // Group Description (same numbering)
  bool operator==(const V1IkeTransform&) const = default;
};

// One phase-2 (Quick Mode) ESP transform: transform ID, Key Length, Authentication Algorithm
// and PFS group (RFC 2407 §4.4.4, §4.5).
struct V1EspTransform {
  v1::EspTransformId transform = v1::EspTransformId::ESP_AES;
  uint16_t key_length = 0;
  std::optional<v1::IpsecAuthAlgorithm> auth;  // absent for combined-mode transforms
  v2::DhGroup pfs_group = v2::DhGroup::None;
  bool esn = false;  // Extended Sequence Number attribute (RFC 4304)
  bool operator==(const V1EspTransform&) const = default;
};

// IKEv1 has one transform per algorithm combination: every combination of the proposal's
// encryption algorithms, hashes (from the integrity keywords, or the PRF keywords when no
// integrity is given) and groups, in that nesting order, proposals in list order.
Result<std::vector<V1IkeTransform>> parse_ikev1_ike_proposals(std::string_view text);
Result<std::vector<V1EspTransform>> parse_ikev1_esp_proposals(std::string_view text);

// charon's form: "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
// "ESP:AES_CBC_128/HMAC_SHA2_256_128/MODP_2048/NO_EXT_SEQ".
std::string to_string(const V1IkeTransform& t);
std::string to_string(const V1EspTransform& t);

}  // namespace ikesuite::crypto
