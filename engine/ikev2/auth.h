// Signature authentication for IKE_AUTH: RFC 7296 §3.8 classic methods (RSA with SHA-1,
// RFC 4754 ECDSA) and RFC 7427 digital signatures, with certificates checked against the
// configured CAs and the peer's identity.
#pragma once

#include <vector>

#include "engine/base/log.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "engine/ikev2/config.h"
#include "engine/wire/ikev2/message.h"

namespace ikesuite::ikev2 {

// Signs `octets` with our key: RFC 7427 (method 14) when the peer announced hash algorithms
// we share, otherwise the classic method of the key type.
Result<v2::AuthPayload> sign_auth(const EndConfig& me, const std::vector<v2::HashAlgorithm>& peer_hashes,
                                  ByteView octets);

// Verifies the peer's AUTH: its end-entity certificate (first of `certs`, DER) must chain to
// one of peer.cas at `now`, match `peer_id`, and its key must verify the signature.
Status verify_signature_auth(const EndConfig& peer, const Identity& peer_id,
                             const std::vector<Bytes>& certs, const v2::AuthPayload& auth,
                             ByteView octets, Time now, Logger& log);

}  // namespace ikesuite::ikev2
