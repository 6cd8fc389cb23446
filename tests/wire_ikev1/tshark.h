// Wireshark as an independent judge of the codec's output: datagrams go into a pcap (UDP
// 500 -> 500, through text2pcap) and come back as tshark's full dissection, frame by frame.
#pragma once

#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/result.h"

namespace ikesuite::v1::testing {

// tshark -V output, one string per frame, in order. Fails (kNotFound) when tshark or text2pcap
// is missing: `make test` installs them (scripts/setup.sh test).
Result<std::vector<std::string>> dissect(const std::vector<Bytes>& datagrams);

// The top-level ISAKMP payload names of a frame, e.g. "Security Association (1)",
// "Vendor ID (13) : RFC 3706 DPD (Dead Peer Detection)".
std::vector<std::string> isakmp_payloads(const std::string& frame);

// Lines that report a dissection problem: malformed packets and expert infos of error or
// warning severity.
std::vector<std::string> problems(const std::string& frame);

}  // namespace ikesuite::v1::testing
