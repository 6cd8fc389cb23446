// Hash functions and the MACs built from them or from AES, as IKE uses them: HMAC (RFC 2104)
// for PRFs and integrity, AES-XCBC-MAC (RFC 3566) and AES-CMAC (RFC 4493), and plain hashes
// for NAT detection, IKEv1 IVs and certificate fingerprints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/base/bytes.h"
#include "engine/base/result.h"
#include "engine/wire/ikev1/types.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::crypto {

enum class Hash : uint8_t { kMd5, kSha1, kSha256, kSha384, kSha512 };

std::string_view name(Hash h);  // "MD5", "SHA1", "SHA2_256", ...
size_t digest_size(Hash h);
size_t block_size(Hash h);  // the HMAC block size (64 or 128 bytes)

// RFC 2409 Appendix A: the IKEv1 Hash Algorithm attribute (Tiger is not supported).
std::optional<Hash> hash_from_v1(v1::OakleyHash h);
// RFC 7427 §7: the SIGNATURE_HASH_ALGORITHMS registry (IDENTITY has no Hash).
std::optional<Hash> hash_from_v2(v2::HashAlgorithm h);
std::optional<v2::HashAlgorithm> hash_to_v2(Hash h);

Result<Bytes> digest(Hash h, ByteView data);
Result<Bytes> digest(Hash h, std::initializer_list<ByteView> parts);

// HMAC with any key length (RFC 2104 hashes keys longer than the block size).
Result<Bytes> hmac(Hash h, ByteView key, ByteView data);

// RFC 3566 §4: AES-XCBC-MAC with a 16-byte key; the full 16-byte MAC (callers truncate).
Result<Bytes> aes_xcbc_mac(ByteView key, ByteView data);
// RFC 4493: AES-CMAC with a 16-byte key; the full 16-byte MAC.
Result<Bytes> aes_cmac(ByteView key, ByteView data);

}  // namespace ikesuite::crypto
