// Representative IKEv2 messages built through the codec's own types, as strongSwan sends them
// (payload order and notifies of charon 5.9/6.0). Shared by the tests, the Wireshark check
// and the fuzz corpus generator; every byte that would be random is drawn from a seeded
// generator, so the messages are the same on every run.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "engine/wire/ikev2/message.h"

namespace ikesuite::v2::samples {

// IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(REDIR_SUP) ]
Message ike_sa_init_request(uint64_t seed = 1);
// IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) CERTREQ N(FRAG_SUP) N(HASH_ALG)
// N(CHDLESS_SUP) N(MULT_AUTH) V ]
Message ike_sa_init_response(uint64_t seed = 2);
// IKE_SA_INIT response 0 [ N(INVAL_KE) ] and [ N(COOKIE) ]
Message ike_sa_init_invalid_ke();
Message ike_sa_init_cookie();

// The plaintext chains of SK payloads:
// IKE_AUTH request: IDi N(INIT_CONTACT) IDr AUTH CPRQ(ADDR DNS) SA TSi TSr N(MOBIKE_SUP)
// N(NO_ADD_ADDR) N(EAP_ONLY) N(MSG_ID_SYN_SUP)
std::vector<Payload> ike_auth_request_inner(uint64_t seed = 3);
// IKE_AUTH response: IDr AUTH CPRP(ADDR DNS) SA TSi TSr N(MOBIKE_SUP) N(NO_ADD_ADDR)
std::vector<Payload> ike_auth_response_inner(uint64_t seed = 4);
// IKE_AUTH request with certificates: IDi CERT CERTREQ IDr AUTH SA TSi TSr
std::vector<Payload> ike_auth_cert_inner(uint64_t seed = 5);
// IKE_AUTH EAP rounds: [ EAP/REQ/ID ], [ EAP/RES/ID ], [ EAP/SUCC ]
std::vector<Payload> eap_request_identity_inner();
std::vector<Payload> eap_response_identity_inner();
std::vector<Payload> eap_success_inner();
// CREATE_CHILD_SA request: N(REKEY_SA) SA No KE TSi TSr
std::vector<Payload> create_child_sa_rekey_inner(uint64_t seed = 6);
// CREATE_CHILD_SA request rekeying the IKE SA: SA No KE
std::vector<Payload> create_child_sa_ike_rekey_inner(uint64_t seed = 7);
// INFORMATIONAL: [ D ] (ESP SPIs), [ D ] (IKE), [ N(UPD_SA_ADDR) N(NATD_S_IP) N(NATD_D_IP) ]
std::vector<Payload> informational_delete_child_inner();
std::vector<Payload> informational_delete_ike_inner();
std::vector<Payload> informational_mobike_inner(uint64_t seed = 8);

// A message whose SK payload has `inner_first` and an opaque body of `body_size` bytes (as
// engine/crypto would produce: IV, ciphertext, ICV).
Message encrypted(ExchangeType exchange, uint32_t message_id, bool response,
                  PayloadType inner_first, size_t body_size, uint64_t seed = 9);
// Fragment `number` of `total` (RFC 7383) of an IKE_AUTH request.
Message fragment(uint16_t number, uint16_t total, size_t body_size, uint64_t seed = 10);

// Every sample above as a whole message (SK-wrapped where the exchange is encrypted, with a
// body of the size AES-CBC + HMAC would give the plaintext).
std::vector<Message> all_messages();
// Every plaintext chain above.
std::vector<std::vector<Payload>> all_inner_chains();

// Building blocks.
SaPayload ike_proposals();              // AES-CBC/AES-GCM/ChaCha, SHA1/SHA2, MODP/ECP/X25519
SaPayload esp_proposals(uint32_t spi);  // AES-GCM and AES-CBC/SHA2 with and without ESN
SaPayload ike_rekey_proposal(uint64_t spi);
TsPayload ts(std::initializer_list<const char*> subnets);
Bytes carol_certificate();  // a real X.509 certificate (DER)
Bytes carol_dn();           // its subject (DER)

}  // namespace ikesuite::v2::samples
