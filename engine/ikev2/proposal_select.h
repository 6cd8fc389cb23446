// Proposal selection (RFC 7296 §2.7, §3.3.6) and the initiator's check of the choice.
#pragma once

#include <optional>
#include <vector>

#include "engine/wire/ikev2/message.h"

namespace ikesuite::ikev2 {

struct SelectOptions {
  // IKE_AUTH carries no KE: DH transforms of Child SA proposals are ignored (RFC 7296 §1.2).
  bool strip_dh = false;
  // charon's default: our preference order wins over the initiator's.
  bool prefer_configured = true;
};

// The responder's choice: one proposal of `received` with one transform of each type, all of
// them acceptable to one of `configured`. Keeps the received proposal number and SPI.
std::optional<v2::Proposal> select_proposal(const std::vector<v2::Proposal>& configured,
                                            const std::vector<v2::Proposal>& received,
                                            v2::ProtocolId protocol,
                                            const SelectOptions& options = {});

// The initiator's check of the responder's choice (RFC 7296 §3.3.6: exactly one transform of
// each type, taken from one of our proposals, with the number of that proposal).
bool choice_is_acceptable(const std::vector<v2::Proposal>& offered, const v2::Proposal& chosen,
                          bool strip_dh = false);

// The transform of a type in a selected proposal.
std::optional<v2::Transform> transform_of(const v2::Proposal& p, v2::TransformType type);

// charon's notation of a proposal: "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048".
std::string proposal_string(const v2::Proposal& p);
std::string proposals_string(const std::vector<v2::Proposal>& ps);

}  // namespace ikesuite::ikev2
