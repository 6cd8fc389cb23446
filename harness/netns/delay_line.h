// netns mode's delay line: the links' delay, jitter, duplication and reordering, done in the
// router by the harness, because the kernel's sch_netem is not something a machine can be
// assumed to have (this one has none).
//
// A datagram on a path with such an impairment leaves the kernel's forwarding at the
// router's forward hook: a rule of the router's conditions chain logs it to an NFLOG group,
// with a prefix naming the path ("iks <from> <to>", host indices), and drops it. The harness
// reads the group through libpcap ("nflog:<group>" opened inside the router's namespace),
// draws the path's copies as the simulated network does (net::plan_copies), and sends each
// copy when its delay is up from a raw socket in the router's namespace, so it leaves through
// the receiver's veth where the capture sees it: delivered after its delay.
//  - Rules earlier in the chain (down paths and hosts, MTU, loss) and a NAT's private-inside
//    filter (a chain of higher priority) drop a datagram before it reaches the log rule, in
//    the order the simulated network applies them.
//  - A copy keeps the IP header the forward hook saw (a NAT's reply translation done, TTL
//    decremented); its UDP checksum is computed afresh (a packet from a veth may carry a
//    partial one). Sent from the router, it takes the OUTPUT/POSTROUTING path, so a NAT's
//    source translation applies to it as it would to the forwarded datagram.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "pcaps/src/pcap_capture.h"

namespace ikesuite::harness::netns {

// The NFLOG group of the router's delay-line rule (groups are per network namespace).
inline constexpr uint16_t kDelayLineGroup = 1;

class DelayLine {
 public:
  struct Datagram {
    // When it entered the router (the kernel's receive stamp), or else when the harness read
    // it (Unix scale).
    Time seen{0};
    size_t from = 0;
    size_t to = 0;  // host indices in the scenario
    Bytes packet;   // the IP packet
  };

  // Opens the NFLOG group and the raw sockets inside `router_ns`.
  static Result<std::unique_ptr<DelayLine>> open(const std::string& router_ns, uint16_t group = kDelayLineGroup);
  ~DelayLine();
  DelayLine(const DelayLine&) = delete;
  DelayLine& operator=(const DelayLine&) = delete;

  // The log prefix of the path from host index `from` to `to`, and back.
  static std::string prefix_for(size_t from, size_t to);
  static std::optional<std::pair<size_t, size_t>> parse_prefix(std::string_view prefix);

  // The descriptor to watch; -1 once stopped.
  int fd() const;
  // What the rules handed over since the last call, in the order they were logged. Records
  // without a path prefix or a UDP packet are skipped (and counted).
  Result<std::vector<Datagram>> read();
  // Sends an IP packet out of the router as it is routed there (UDP checksum recomputed).
  Status send(Bytes packet);
  // Closes the group and the sockets; idempotent.
  void stop();

  size_t skipped() const { return skipped_; }

 private:
  DelayLine() = default;

  std::unique_ptr<pcap::PcapCapture> capture_;
  std::vector<Datagram> batch_;
  int raw4_ = -1;
  int raw6_ = -1;
  size_t skipped_ = 0;
};

}  // namespace ikesuite::harness::netns
