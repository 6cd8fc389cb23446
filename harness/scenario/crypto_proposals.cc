#include "harness/scenario/crypto_proposals.h"

#include "engine/crypto/proposal.h"

namespace ikesuite::harness {

Status check_proposal_with_crypto(ProposalKind kind, IkeVersion version, std::string_view proposal) {
  if (version == IkeVersion::kV1 && kind != ProposalKind::kAh) {
    if (kind == ProposalKind::kIke) {
      auto r = crypto::parse_ikev1_ike_proposals(proposal);
      if (!r.ok()) return std::move(r).error();
    } else {
      auto r = crypto::parse_ikev1_esp_proposals(proposal);
      if (!r.ok()) return std::move(r).error();
    }
    return ok_status();
  }
  v2::ProtocolId protocol = kind == ProposalKind::kIke   ? v2::ProtocolId::IKE
                            : kind == ProposalKind::kEsp ? v2::ProtocolId::ESP
                                                         : v2::ProtocolId::AH;
  auto r = crypto::parse_proposals(protocol, proposal);
  if (!r.ok()) return std::move(r).error();
  return ok_status();
}

ProposalCheck crypto_proposal_check() { return &check_proposal_with_crypto; }

}  // namespace ikesuite::harness
