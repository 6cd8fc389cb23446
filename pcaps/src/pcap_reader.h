// Reading UDP datagrams back out of a capture: ours, a tcpdump on a veth, "tcpdump -i any"
// (Linux cooked v1/v2), a raw-IP or a BSD loopback capture. Frames that are not complete UDP
// datagrams are skipped and counted, never fatal: an operator replaying a busy capture wants
// the IKE traffic in it, and to know how much else there was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "pcaps/src/frame.h"

namespace ikesuite::pcap {

struct UdpDatagram {
  uint64_t frame = 0;  // 1-based frame number in the file, as Wireshark numbers frames
  Time timestamp{};    // since the Unix epoch, nanosecond resolution
  Endpoint src;
  Endpoint dst;
  Bytes payload;
  // Whether the UDP checksum verifies (nullopt: IPv4 sender sent none). Captures taken on
  // the sending host with checksum offload show bad checksums on outgoing packets.
  std::optional<bool> checksum_ok;
};

struct ReadStats {
  uint64_t frames = 0;      // every record in the file
  uint64_t udp = 0;         // complete UDP datagrams returned
  uint64_t fragments = 0;   // IPv4/IPv6 fragments (not reassembled)
  uint64_t not_udp = 0;     // IP carrying another protocol (ESP, ICMP, TCP, ...)
  uint64_t not_ip = 0;      // ARP, LLDP, other ethertypes
  uint64_t truncated = 0;   // cut short by the capture's snap length
  uint64_t malformed = 0;   // headers that do not hold together
  // The first decode error, for telling an operator why frames were skipped.
  std::string first_error;
  uint64_t skipped() const { return fragments + not_udp + not_ip + truncated + malformed; }
};

class PcapReader {
 public:
  // Opens a pcap or pcapng file. Fails for link types the reader does not decode, naming
  // the link type.
  static Result<PcapReader> open(const std::string& path);

  PcapReader(PcapReader&&) noexcept;
  PcapReader& operator=(PcapReader&&) noexcept;
  ~PcapReader();

  // The next UDP datagram, nullopt at the end of the file. Fails only when the file itself
  // cannot be read (I/O error, corrupt record header).
  Result<std::optional<UdpDatagram>> next();

  LinkType link_type() const { return link_type_; }
  const ReadStats& stats() const { return stats_; }

 private:
  struct Handle;
  PcapReader(std::unique_ptr<Handle> h, LinkType link_type, std::string path);

  std::unique_ptr<Handle> handle_;
  LinkType link_type_;
  std::string path_;
  ReadStats stats_;
};

// Every UDP datagram of a capture, in file order.
Result<std::vector<UdpDatagram>> read_udp_datagrams(const std::string& path,
                                                    ReadStats* stats = nullptr);

}  // namespace ikesuite::pcap
