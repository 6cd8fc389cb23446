// The loader's proposal check backed by engine/crypto's parser: an unknown algorithm or an
// impossible combination is reported with the parser's own message ("algorithm 'aes257' not
// recognized"). A separate library (ikesuite_harness_proposals) so that the scenario model
// itself does not depend on the crypto layer.
#pragma once

#include "harness/scenario/loader.h"

namespace ikesuite::harness {

// IKEv2 and keyexchange=ike connections: crypto::parse_proposals for IKE, ESP or AH. IKEv1:
// the phase-1 and phase-2 parsers (AH through the IKEv2 one, which has the same keywords).
Status check_proposal_with_crypto(ProposalKind kind, IkeVersion version, std::string_view proposal);

// The same, as the function LoadOptions::proposal_check takes.
ProposalCheck crypto_proposal_check();

}  // namespace ikesuite::harness
