// `ikesuite decode`: every IKE message of a capture (ours, or tcpdump's on a veth or "any"),
// decrypted where keys are given, payload by payload. IKE is found on UDP ports 500 and 4500
// (behind the non-ESP marker, RFC 3948 §2.2); SKF fragments of one message are collected and
// shown reassembled after the last one (RFC 7383 §2.6). Problems name the frame number and,
// for parse errors, the byte offset within the IKE message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "harness/decode/ike_decode.h"
#include "pcaps/src/pcap_reader.h"

namespace ikesuite::harness::decode {

struct CapturedMessage {
  uint64_t frame = 0;                // the frame that completed it (the last fragment)
  std::vector<uint64_t> frames;      // every frame that carried it
  Time timestamp{};                  // of the frame that completed it
  Endpoint src;
  Endpoint dst;
  DecodedMessage message;
};

struct CaptureDecode {
  std::vector<CapturedMessage> messages;
  pcap::ReadStats stats;
  uint64_t not_ike = 0;       // UDP on 500/4500 that is ESP, a keepalive or junk
  uint64_t other_ports = 0;   // UDP on other ports
  std::vector<std::string> warnings;  // fragments never completed, unreadable key files
};

// Loads keys from a Wireshark configuration folder (its ikev2_decryption_table) or from one
// ikev2_decryption_table file. A folder without the table is not an error: nothing to load.
Result<size_t> load_keys(const std::string& path, KeyRing& keys);

Result<CaptureDecode> decode_capture(const std::string& path, const KeyRing& keys);

// One line per payload detail, as `ikesuite decode` prints them: "SA  #1 IKE:AES_CBC_128/...".
std::vector<std::string> describe_payload(const v2::Payload& payload);
std::vector<std::string> describe_payload(const v1::Payload& payload);

std::string render_text(const CaptureDecode& decoded);
nlohmann::ordered_json render_json(const CaptureDecode& decoded);

}  // namespace ikesuite::harness::decode
