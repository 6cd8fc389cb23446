// Representative IKEv1 messages built with the codec, shaped like what strongSwan and
// Libreswan send (proposals, vendor IDs, sizes). Shared by the tests, the seed-corpus
// generator and the benchmarks. Variable bytes (cookies, KE, nonces, hashes, ciphertext) come
// from SeededRandom, so every run builds the same bytes.
#pragma once

#include <string>
#include <vector>

#include "engine/wire/ikev1/message.h"

namespace ikesuite::v1::samples {

inline constexpr uint64_t kCookieI = 0x1122334455667788ull;
inline constexpr uint64_t kCookieR = 0x99aabbccddeeff00ull;
inline constexpr uint32_t kQuickModeId = 2812367394u;  // 0xa7a15222
inline constexpr uint32_t kInfoId = 1234;

// Well-known vendor IDs (MD5 of the strings the implementations hash).
Bytes vid_xauth();         // draft-ietf-ipsra-isakmp-xauth-06
Bytes vid_dpd();           // RFC 3706
Bytes vid_natt_rfc3947();  // RFC 3947
Bytes vid_natt_draft02();  // draft-ietf-ipsec-nat-t-ike-02\n
Bytes vid_fragmentation(); // Cisco/strongSwan IKE fragmentation

// Deterministic filler bytes.
Bytes filler(size_t n, uint64_t seed);

// The phase-1 proposal of message 1: four transforms (AES-256/SHA2-256, AES-128/SHA2-256,
// AES-128/SHA1, 3DES/SHA1; PSK; MODP-2048/MODP-1024; 28800 s or 86400 s).
SaPayload phase1_offer();
// The phase-2 proposal of Quick Mode: ESP AES-CBC-128 + HMAC-SHA2-256, tunnel, 3600 s and
// 4608000 KB, PFS MODP-2048, SPI 0xc1a2b3c4.
SaPayload phase2_offer();

// Main Mode (RFC 2409 §5), PSK with NAT-T, as charon sends it:
Message main_mode_1();  // ID_PROT request 0 [ SA V V V V V ]
Message main_mode_2();  // ID_PROT response 0 [ SA V V V ]
Message main_mode_3();  // ID_PROT request 0 [ KE No NAT-D NAT-D ]   (KE 256 bytes)
Message main_mode_4();  // ID_PROT response 0 [ KE No NAT-D NAT-D ]
// Message 5 encrypted; its decrypted payloads are main_mode_5_inner().
Message main_mode_5();  // ID_PROT request 0 [ E ] (80 bytes of ciphertext)
std::vector<Payload> main_mode_5_inner();  // ID HASH N(INITIAL_CONTACT)

// Aggressive Mode message 1 (RFC 2409 §5): AGGRESSIVE request 0 [ SA KE No ID V V V V ]
Message aggressive_1();

// Quick Mode message 1 (RFC 2409 §5.5) encrypted, and its plaintext payloads
// HASH SA No KE ID ID.
Message quick_mode_1();
std::vector<Payload> quick_mode_1_inner();

// Informational exchanges (RFC 2409 §5.7) encrypted, and their plaintext payloads.
Message informational_delete();                     // [ E ]
std::vector<Payload> informational_delete_inner();  // HASH D (ESP SPI) D (ISAKMP SA)
Message informational_dpd();                        // [ E ]
std::vector<Payload> informational_dpd_inner();     // HASH N(DPD)

// The same exchanges with their payloads in clear (E flag off): what the decrypted message
// looks like, for Wireshark's independent check and for the fuzzers' corpora.
Message in_clear(const Message& encrypted, const std::vector<Payload>& inner);

// Other payloads: certificate-based Main Mode 5 (ID CERT CERTREQ SIG), a Mode Config request,
// NAT-OA in Quick Mode, fragments.
std::vector<Payload> main_mode_5_rsa_inner();   // ID CERT CERTREQ SIG
Message transaction_request();                  // TRANSACTION request [ HASH CP ]
std::vector<Payload> quick_mode_natoa_inner();  // HASH SA No ID ID NAT-OA NAT-OA
// The certificate-based message 5 (in clear) cut into two fragments, as strongSwan sends a
// message larger than its fragment size: ID_PROT request 0 [ FRAG(1) ], [ FRAG(2/2) ].
std::vector<Message> fragments();

// Zero padding up to a multiple of `block` (how strongSwan pads IKEv1 plaintext).
Bytes pad_to_block(const Bytes& plaintext, size_t block);

// Every sample message with its name, for the corpus generator and table-driven tests.
struct Named {
  std::string name;
  Message message;
};
std::vector<Named> all_messages();

}  // namespace ikesuite::v1::samples
