// Decoding IKE messages from the bytes on the wire, for the runner's trace and for `ikesuite
// decode`: the header (also of a version this tool does not speak, so a deliberately wrong
// major version still shows), the clear payloads, and, with the IKE SA's keys, the payloads
// inside SK (RFC 7296 §3.14) or reassembled from SKF fragments (RFC 7383 §2.5), labelled as
// charon labels them ("N(REKEY_SA)", "IDi", "EF(1/3)").
//
// A logical message is decoded from all the datagrams that carry it: one, or every fragment
// of one transmission. What cannot be decrypted stays "E" (or "EF(n/m)"), with the reason.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/result.h"
#include "engine/wire/ikev1/message.h"
#include "engine/wire/ikev2/message.h"

namespace ikesuite::harness::decode {

// An IKEv2 SA's keys, as the engine's observer reports them and as Wireshark's
// ikev2_decryption_table stores them. SK_e includes the salt of counter and AEAD modes.
struct Ikev2Keys {
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  v2::EncrId encr = v2::EncrId::AES_CBC;
  uint16_t encr_key_bits = 0;  // the KEY_LENGTH attribute; 0 for fixed-size ciphers
  v2::IntegId integ = v2::IntegId::None;
  Bytes sk_ei, sk_er, sk_ai, sk_ar;
};

// An ISAKMP SA's keys as the IKEv1 engine's observer reports them: the cipher, the hash
// (which derives the IVs, RFC 2409 Appendix B) and Ka. Wireshark's ikev1_decryption_table
// keys them by the initiator cookie alone, as this ring does.
struct Ikev1Keys {
  uint64_t cookie_i = 0;
  uint64_t cookie_r = 0;
  v1::OakleyEncryption encr = v1::OakleyEncryption::AES_CBC;
  uint16_t encr_key_bits = 0;  // the Key Length attribute; 0 when absent
  v1::OakleyHash hash = v1::OakleyHash::SHA2_256;
  Bytes ka;
};

class KeyRing {
 public:
  // IKEv1: adds or replaces the keys of the ISAKMP SA with this initiator cookie.
  void add_v1(Ikev1Keys keys);
  const Ikev1Keys* find_v1(uint64_t cookie_i) const;
  // Adds or replaces the keys of an IKE SA (identified by its SPI pair).
  void add(Ikev2Keys keys);
  const Ikev2Keys* find(uint64_t spi_i, uint64_t spi_r) const;
  size_t size() const { return keys_.size(); }

  // Reads Wireshark's ikev2_decryption_table (the format pcaps/src/key_tables.h writes):
  // SPIi,SPIr,SK_ei,SK_er,"<encr>",SK_ai,SK_ar,"<integ>" per line, '#' comments. Returns the
  // number of SAs read; an unreadable line is an error naming the file and line.
  Result<size_t> load_wireshark_ikev2(const std::string& path);

 private:
  std::map<std::pair<uint64_t, uint64_t>, Ikev2Keys> keys_;
  std::map<uint64_t, Ikev1Keys> v1_keys_;
};

// One payload as a summary lists it.
struct PayloadInfo {
  uint8_t version = 2;              // which registry `type` and `notify` come from
  uint8_t type = 0;                 // wire payload type
  std::optional<uint16_t> notify;   // Notify payloads: the notify type
  std::optional<uint8_t> cp_type;   // CP payloads: the CFG type
  bool critical = false;
  bool inner = false;               // from inside SK/SKF
  std::string label;                // "N(NATD_S_IP)", "SA", "EF(1/3)", "200"
};

struct DecodedMessage {
  // The header as read, whatever the version says (RFC 7296 §3.1, RFC 2408 §3.1).
  uint8_t major_version = 0;
  uint8_t minor_version = 0;
  uint64_t spi_i = 0;  // IKEv1: the cookies
  uint64_t spi_r = 0;
  uint8_t exchange = 0;
  uint8_t flags = 0;
  uint32_t message_id = 0;
  uint32_t length = 0;
  bool header_ok = false;  // 28 bytes could be read at all

  // The registry family the message is read with: 1 for ISAKMP, 2 for IKEv2 and for any
  // other major version (read with IKEv2's rules, as an IKEv2 peer would have to).
  uint8_t family = 2;
  bool response = false;   // IKEv2 R flag; IKEv1: as hinted by the caller
  bool initiator = false;  // IKEv2 I flag
  std::string exchange_name;  // "IKE_SA_INIT", "QUICK_MODE", "EXCHANGE(99)"

  bool parsed = false;     // the payload chain could be read
  bool encrypted = false;  // carries SK/SKF (v2) or has the E flag (v1)
  bool decrypted = false;  // the encrypted payloads were opened and parsed
  uint16_t fragments = 0;  // RFC 7383 fragments that carried it (0: not fragmented)
  size_t bytes = 0;        // sum of the datagrams' sizes

  // IKEv2: the clear payloads (SK/SKF replaced by the inner ones when decrypted), in order.
  std::vector<v2::Payload> v2_payloads;
  // IKEv1: the message and, once decrypted, the inner chain.
  std::optional<v1::Message> v1;
  std::vector<v1::Payload> v1_inner;
  std::vector<PayloadInfo> payloads;
  // charon's line: "IKE_AUTH request 1 [ IDi N(INIT_CONTACT) IDr AUTH SA TSi TSr ]".
  std::string summary;
  // Why something is missing: a parse error with its offset, missing keys, a failed ICV.
  std::string problem;

  // Convenience accessors over v2_payloads.
  const v2::Payload* find(v2::PayloadType type) const;
};

struct DecodeOptions {
  // IKEv1 has no response flag; the caller may know the direction.
  bool v1_response = false;
};

// Decodes one logical message from its datagrams (IKE bytes, without the non-ESP marker).
// Several datagrams are the SKF fragments of one message, in any order; missing fragments
// leave the message undecrypted with the reason.
DecodedMessage decode_message(std::span<const Bytes> datagrams, const KeyRing& keys,
                              const DecodeOptions& options = {});
inline DecodedMessage decode_message(const Bytes& datagram, const KeyRing& keys,
                                     const DecodeOptions& options = {}) {
  return decode_message(std::span<const Bytes>(&datagram, 1), keys, options);
}

// IKEv1 carries no IV (RFC 2409 Appendix B): whoever decrypts follows the exchange and
// derives each message's IV, so decoding an encrypted IKEv1 message takes the IV from the
// caller (the runner's trace, which sees every message in order).
//
// The IV of phase 1's first encrypted message: hash(g^xi | g^xr) cut to the block size.
Result<Bytes> ikev1_phase1_iv(const Ikev1Keys& keys, ByteView g_xi, ByteView g_xr);
// The IV of a Quick Mode's or Informational exchange's first message: hash(last phase-1
// CBC block | M-ID) cut to the block size.
Result<Bytes> ikev1_phase2_iv(const Ikev1Keys& keys, ByteView last_phase1_block,
                              uint32_t message_id);
// Decrypts an encrypted IKEv1 message `m` (from decode_message) with Ka and `iv`: fills
// v1_inner, payloads (marked inner) and the summary, or leaves "E" with the problem. Returns
// the IV the next message of the exchange continues from (its last ciphertext block), which
// does not depend on the decryption succeeding.
Result<Bytes> decrypt_v1(DecodedMessage& m, const Ikev1Keys& keys, ByteView iv);
// Sets the direction of an IKEv1 message (the caller knows who began the exchange) and
// labels the summary again.
void set_v1_direction(DecodedMessage& m, bool response);

// For a datagram that is an SKF fragment: its identity within a message, so callers can
// group fragments before decoding.
struct FragmentInfo {
  uint64_t spi_i = 0, spi_r = 0;
  uint32_t message_id = 0;
  uint8_t exchange = 0;
  uint8_t flags = 0;
  uint16_t number = 0;
  uint16_t total = 0;
};
std::optional<FragmentInfo> fragment_info(const Bytes& datagram);

// The header fields of any ISAKMP/IKE datagram, read with wire::Reader (28 bytes).
struct RawHeader {
  uint64_t spi_i = 0, spi_r = 0;
  uint8_t next_payload = 0;
  uint8_t major_version = 0, minor_version = 0;
  uint8_t exchange = 0;
  uint8_t flags = 0;
  uint32_t message_id = 0;
  uint32_t length = 0;
};
Result<RawHeader> read_raw_header(ByteView datagram);

}  // namespace ikesuite::harness::decode
