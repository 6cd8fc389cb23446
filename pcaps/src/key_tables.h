// Wireshark key tables: the files Wireshark (and tshark) 4.0 read from a profile folder to
// decrypt IKE and ESP in a capture.
//
//   ikev2_decryption_table   SPIi,SPIr,SK_ei,SK_er,"<encr>",SK_ai,SK_ar,"<integ>"
//   ikev1_decryption_table   ICOOKIE,Ka
//   esp_sa                   "IPv4","src","dst","0xSPI","<encr>","0xKEY","<auth>","0xKEY"
//   preferences              turns on ESP decryption and ICV checking
//
// Hex fields of the IKE tables are bare (UAT buffer fields); the ESP table's fields are all
// quoted strings with 0x-prefixed keys. The algorithm strings are Wireshark's own, exactly as
// its UAT value lists spell them (epan/dissectors/packet-isakmp.c and packet-esp.c of the 4.0
// branch); tshark rejects the whole table on one unknown string or one key of the wrong
// length, so every entry is checked before it is written.
//
// Open a run's capture with its keys:  WIRESHARK_CONFIG_DIR=<folder> wireshark capture.pcap
// (or tshark -r ...). The folder is a complete configuration directory.
//
// Keys are secrets: the folder is created 0700, the files 0600, and every file is rewritten
// atomically (temporary file + rename) whenever an entry is added, so the tables are complete
// and consistent at every moment of a run, including a run that is killed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/file.h"
#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/wire/ikev1/types.h"
#include "engine/wire/ikev2/types.h"

namespace ikesuite::pcap {

// An IKEv2 SA's keys (RFC 7296 §2.14). For AES-CTR/GCM/CCM, SK_e includes the salt
// (RFC 5930 §2, RFC 5282 §7.1), as the key schedule produces it.
struct Ikev2SaKeys {
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  v2::EncrId encr = v2::EncrId::AES_CBC;
  // Key length in bits without salt (the KEY_LENGTH attribute); 0 to derive it from SK_ei.
  unsigned encr_key_bits = 0;
  Bytes sk_ei;
  Bytes sk_er;
  v2::IntegId integ = v2::IntegId::HMAC_SHA2_256_128;
  Bytes sk_ai;
  Bytes sk_ar;
};

// An IKEv1 ISAKMP SA: the initiator cookie and the final encryption key Ka (RFC 2409
// Appendix B: SKEYID_e, expanded when shorter than the cipher needs). Wireshark derives the
// IVs itself from the Main/Aggressive Mode KE payloads in the capture. The negotiated cipher
// and hash, when known, let the table tell whether Wireshark can decrypt the SA at all.
struct Ikev1SaKeys {
  uint64_t cookie_i = 0;
  Bytes ka;
  std::optional<v1::OakleyEncryption> encr;
  unsigned encr_key_bits = 0;  // for AES-CBC; 0 derives it from Ka's length
  std::optional<v1::OakleyHash> hash;
};

// One direction of an ESP Child SA (RFC 4303), algorithms in IKEv2 numbering. For AES-CTR and
// AES-GCM, encr_key includes the 4-byte nonce/salt (RFC 3686 §5.1, RFC 4106 §8.1).
// src/dst are the addresses of the packets as captured (the outer header, also with UDP
// encapsulation).
struct EspSaKeys {
  IpAddress src;
  IpAddress dst;
  uint32_t spi = 0;
  v2::EncrId encr = v2::EncrId::AES_CBC;
  Bytes encr_key;
  v2::IntegId integ = v2::IntegId::HMAC_SHA2_256_128;
  Bytes integ_key;
};

// What the tables could not fully express, for the report ("not decryptable by Wireshark:
// ENCR_CHACHA20_POLY1305").
struct KeyTableNote {
  std::string sa;      // "IKE_SA 0x0102030405060708_i 0x1112131415161718_r", "ESP SA 0x0000c1a5 ..."
  std::string reason;  // "not decryptable by Wireshark: ..." or "integrity not checked by ..."
  bool decryptable = false;
};

// Wireshark's name of an algorithm and the key length (bytes) it insists on.
struct WiresharkAlgorithm {
  std::string name;
  size_t key_bytes = 0;
  bool checked = true;  // false for "ANY n-bits [no checking]" integrity entries
};

// The Wireshark 4.0 UAT strings for each table. kUnsupported: Wireshark cannot process the
// algorithm (the error's reason says "not decryptable by Wireshark: <name>"); kConfig: the
// key length does not fit the algorithm.
Result<WiresharkAlgorithm> wireshark_ikev2_encr(v2::EncrId encr, unsigned key_bits,
                                                size_t key_bytes);
Result<WiresharkAlgorithm> wireshark_ikev2_integ(v2::IntegId integ);
Result<WiresharkAlgorithm> wireshark_esp_encr(v2::EncrId encr, size_t key_bytes);
Result<WiresharkAlgorithm> wireshark_esp_auth(v2::IntegId integ);

class KeyTables {
 public:
  static constexpr const char* kIkev2File = "ikev2_decryption_table";
  static constexpr const char* kIkev1File = "ikev1_decryption_table";
  static constexpr const char* kEspFile = "esp_sa";
  static constexpr const char* kPreferencesFile = "preferences";

  // Creates the folder (0700, parents as needed) and writes the tables, empty.
  static Result<KeyTables> create(const std::string& folder);

  // Adds an SA and rewrites the tables. An SA whose algorithm Wireshark cannot handle is not
  // written; it is recorded in notes() and the call succeeds. Adding keys for an SA already
  // present replaces them. Fails on keys of the wrong length (they would make Wireshark reject
  // the whole table) and on I/O errors.
  Status add(const Ikev2SaKeys& keys);
  Status add(const Ikev1SaKeys& keys);
  Status add(const EspSaKeys& keys);

  const std::vector<KeyTableNote>& notes() const { return notes_; }
  const std::string& folder() const { return folder_; }
  std::string path(const char* file) const { return folder_ + "/" + file; }
  size_t ikev2_entries() const { return ikev2_lines_.size(); }
  size_t ikev1_entries() const { return ikev1_lines_.size(); }
  size_t esp_entries() const { return esp_lines_.size(); }

  // The file contents as they are written (for tests and for embedding elsewhere).
  std::string ikev2_table() const;
  std::string ikev1_table() const;
  std::string esp_table() const;
  static std::string preferences();

 private:
  explicit KeyTables(std::string folder) : folder_(std::move(folder)) {}
  Status write_all() const;
  void note(std::string sa, std::string reason, bool decryptable);

  struct Line {
    std::string key;   // identifies the SA, for replacement
    std::string text;  // the table line, or a comment
  };
  static void upsert(std::vector<Line>& lines, Line line);

  std::string folder_;
  std::vector<Line> ikev2_lines_;
  std::vector<Line> ikev1_lines_;
  std::vector<Line> esp_lines_;
  std::vector<KeyTableNote> notes_;
};

// Key tables are private material: written atomically with mode 0600 by default.
inline Status write_file_atomically(const std::string& path, const std::string& content,
                                    unsigned mode = 0600) {
  return ikesuite::write_file_atomically(path, content, mode);
}

}  // namespace ikesuite::pcap
