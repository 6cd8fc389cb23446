#include "engine/ikev2/auth.h"

#include "engine/crypto/pki.h"
#include "engine/crypto/signature.h"

namespace ikesuite::ikev2 {

namespace {

constexpr v2::HashAlgorithm kOurHashes[] = {v2::HashAlgorithm::SHA2_256,
                                            v2::HashAlgorithm::SHA2_384,
                                            v2::HashAlgorithm::SHA2_512,
                                            v2::HashAlgorithm::IDENTITY};

// RFC 7296 §3.8 and RFC 4754: the method that goes with a key when RFC 7427 is not used.
std::optional<v2::AuthMethod> classic_method(crypto::KeyType t) {
  switch (t) {
    case crypto::KeyType::kRsa: return v2::AuthMethod::RSA_SIG;
    case crypto::KeyType::kEcdsaP256: return v2::AuthMethod::ECDSA_SHA256_P256;
    case crypto::KeyType::kEcdsaP384: return v2::AuthMethod::ECDSA_SHA384_P384;
    case crypto::KeyType::kEcdsaP521: return v2::AuthMethod::ECDSA_SHA512_P521;
    default: return std::nullopt;
  }
}

}  // namespace

Result<v2::AuthPayload> sign_auth(const EndConfig& me,
                                  const std::vector<v2::HashAlgorithm>& peer_hashes,
                                  ByteView octets) {
  if (!me.key) return Error(ErrorCode::kConfig, "no private key configured for pubkey auth");
  crypto::KeyType type = me.key->type();
  if (me.rfc7427 && !peer_hashes.empty()) {
    // RFC 7427 §4: sign with a hash both sides announced.
    auto hash = crypto::select_signature_hash(kOurHashes, peer_hashes, type);
    if (hash) {
      TRY_ASSIGN(auto scheme, crypto::scheme_for(type, *hash));
      TRY_ASSIGN(Bytes data, crypto::auth_sign(*me.key, v2::AuthMethod::DIGITAL_SIGNATURE,
                                               octets, scheme));
      return v2::AuthPayload{v2::AuthMethod::DIGITAL_SIGNATURE, std::move(data)};
    }
  }
  auto method = classic_method(type);
  if (!method)
    return Error(ErrorCode::kConfig, "a " + std::string(crypto::name(type)) +
                                         " key needs RFC 7427 signatures, the peer sent no "
                                         "SIGNATURE_HASH_ALGORITHMS");
  TRY_ASSIGN(Bytes data, crypto::auth_sign(*me.key, *method, octets));
  return v2::AuthPayload{*method, std::move(data)};
}

Status verify_signature_auth(const EndConfig& peer, const Identity& peer_id,
                             const std::vector<Bytes>& certs, const v2::AuthPayload& auth,
                             ByteView octets, Time now, Logger& log) {
  if (certs.empty() && !peer.cert)
    return Error(ErrorCode::kNotFound, "no certificate of the peer received or configured");
  std::optional<crypto::Certificate> leaf;
  std::vector<crypto::Certificate> intermediates;
  for (size_t i = 0; i < certs.size(); ++i) {
    TRY_ASSIGN(auto c, crypto::Certificate::from_der(certs[i]));
    if (i == 0) {
      leaf = std::move(c);
    } else {
      intermediates.push_back(std::move(c));
    }
  }
  if (!leaf) leaf = *peer.cert;
  log.log(LogGroup::kCfg, 1, "  using certificate \"" + leaf->subject() + "\"");
  std::vector<crypto::Certificate> trusted;
  for (const auto& ca : peer.cas)
    if (ca) trusted.push_back(*ca);
  if (peer.cert && *peer.cert == *leaf) {
    // A certificate configured for the peer is trusted as is (strongSwan's rightcert).
  } else {
    if (trusted.empty()) return Error(ErrorCode::kConfig, "no trusted CA configured for the peer");
    TRY(crypto::verify_chain(*leaf, intermediates, trusted, now));
    log.log(LogGroup::kCfg, 1, "  reached self-signed root ca with a path length of " +
                                   std::to_string(intermediates.size()));
  }
  if (!peer_id.any && !leaf->matches_identity(peer_id.type, peer_id.data))
    return Error(ErrorCode::kIntegrity, "certificate \"" + leaf->subject() +
                                            "\" does not match identity '" + peer_id.to_string() +
                                            "'");
  auto scheme = crypto::auth_verify(leaf->public_key(), auth.method, octets, auth.data);
  if (!scheme.ok())
    return Error(ErrorCode::kIntegrity, "signature validation failed: " + scheme.error().message());
  return {};
}

}  // namespace ikesuite::ikev2
