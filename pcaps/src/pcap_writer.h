// Recording a run as a pcap file that Wireshark and tshark open directly.
//
// Link type: Ethernet (LINKTYPE_ETHERNET) with fixed fake MACs derived from the IP addresses
// (pcaps/src/frame.h). LINKTYPE_RAW would dissect just as well, but Ethernet is what the
// netns mode captures on veth interfaces, so a synthesized capture and a live one share one
// link type: PcapWriter can append to a capture PcapCapture wrote, mergecap needs no
// conversion, and tcpreplay can put the frames back on a wire.
//
// Timestamps: engine times are offsets from the start of the run on the virtual clock. They
// are written as `epoch + offset`, with a fixed default epoch, so the same run produces the
// same capture byte for byte. For times from the real clock (already since the Unix epoch),
// set the epoch to Time{0}.
//
// Every packet is flushed to the file as it is written: a crashed or killed run keeps every
// packet it recorded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/base/time.h"

namespace ikesuite::pcap {

// 2024-01-01T00:00:00Z, the default time base of synthesized captures.
inline constexpr Time kDefaultEpoch = std::chrono::seconds(1704067200);

struct PcapWriterOptions {
  // Added to every timestamp passed to write().
  Time epoch = kDefaultEpoch;
  // Append to an existing capture instead of truncating it (the file must have the Ethernet
  // link type and the same timestamp precision); a missing file is created.
  bool append = false;
  // Nanosecond timestamps (pcap magic 0xa1b23c4d) instead of the classic microseconds that
  // every tool reads.
  bool nanosecond = false;
  uint32_t snaplen = 262144;
};

class PcapWriter {
 public:
  static Result<PcapWriter> open(const std::string& path, const PcapWriterOptions& options = {});

  PcapWriter(PcapWriter&&) noexcept;
  PcapWriter& operator=(PcapWriter&&) noexcept;
  ~PcapWriter();

  // One UDP datagram as Ethernet + IPv4/IPv6 + UDP with correct checksums. IPv4 headers carry
  // DF, TTL 64 and an identification that increments per source address.
  Status write(Time timestamp, const Endpoint& src, const Endpoint& dst, ByteView udp_payload);
  // Any IP payload (for example ESP, protocol 50) in an IPv4/IPv6 packet.
  Status write_ip(Time timestamp, const IpAddress& src, const IpAddress& dst, uint8_t protocol,
                  ByteView payload);
  // A complete Ethernet frame as given.
  Status write_frame(Time timestamp, ByteView frame);

  // Flushes and closes the file; later writes fail. Called by the destructor.
  Status close();

  const std::string& path() const { return path_; }
  // Packets written by this writer (not counting those already in an appended file).
  size_t packets() const { return packets_; }

 private:
  struct Handles;
  PcapWriter(std::string path, const PcapWriterOptions& options, std::unique_ptr<Handles> h);
  uint16_t next_ip_id(const IpAddress& src);

  std::string path_;
  PcapWriterOptions options_;
  std::unique_ptr<Handles> handles_;
  std::map<IpAddress, uint16_t> ip_ids_;
  size_t packets_ = 0;
};

}  // namespace ikesuite::pcap
