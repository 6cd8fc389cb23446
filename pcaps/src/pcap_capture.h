// Live capture for netns and interop runs: libpcap on a (veth) interface with a BPF filter,
// every packet dumped to a file and flushed as it arrives. Two ways to drive it:
//  - start(): a thread of its own polls the capture until stop();
//  - fd() + dispatch(): the caller watches the selectable descriptor on its own event loop
//    (RealEventLoop::watch) and calls dispatch() whenever it is readable.
// stop() drains what the kernel still holds, flushes and closes the file; the destructor
// calls it. Capturing needs CAP_NET_RAW (root in netns mode).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "engine/base/bytes.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "pcaps/src/frame.h"

namespace ikesuite::pcap {

inline constexpr const char* kIkeFilter = "udp port 500 or udp port 4500";

enum class CaptureDirection : uint8_t { kBoth, kIn, kOut };

struct CaptureOptions {
  std::string interface;  // "veth-moon", "lo", "any", ...
  std::string path;       // the capture file; empty: no file (on_packet only)
  // Packets the interface sent, received, or both (pcap_setdirection).
  CaptureDirection direction = CaptureDirection::kBoth;
  // Called for every packet (on the thread that dispatches) with its capture time on the
  // Unix scale and the frame as captured (valid during the call).
  std::function<void(Time t, ByteView frame)> on_packet;
  std::string filter = kIkeFilter;
  uint32_t snaplen = 262144;
  bool promiscuous = false;
  // Append to an existing capture of the same link type instead of truncating it.
  bool append = false;
};

struct CaptureStats {
  uint64_t written = 0;    // packets written to the file
  uint64_t received = 0;   // pcap_stats ps_recv (packets that passed the filter)
  uint64_t dropped = 0;    // pcap_stats ps_drop (no room in the capture buffer)
  uint64_t if_dropped = 0; // pcap_stats ps_ifdrop (dropped by the interface)
};

class PcapCapture {
 public:
  // Opens the interface in immediate mode (each packet is delivered as it arrives, so
  // the file is current and the selectable descriptor wakes per packet), installs the filter
  // and creates the file.
  static Result<std::unique_ptr<PcapCapture>> open(const CaptureOptions& options);
  ~PcapCapture();
  PcapCapture(const PcapCapture&) = delete;
  PcapCapture& operator=(const PcapCapture&) = delete;

  // For callers that drive the capture from their own loop. -1 once stopped.
  int fd() const { return fd_; }
  // Writes every packet available now without blocking; returns how many. Not to be called
  // while the capture's own thread runs (start()).
  Result<size_t> dispatch();

  // Runs the capture on a thread of its own until stop().
  Status start();
  // Stops the thread (if any), writes what is still buffered, flushes and closes the file.
  // Idempotent.
  Status stop();

  // Written count is live; the pcap_stats counters are refreshed by dispatch() when no
  // thread runs, and by stop().
  CaptureStats stats() const;
  LinkType link_type() const { return link_type_; }
  const std::string& path() const { return options_.path; }

 private:
  struct Handles;
  PcapCapture(const CaptureOptions& options, std::unique_ptr<Handles> h, LinkType link_type,
              int fd);
  void run_thread();
  void refresh_pcap_stats();

  CaptureOptions options_;
  std::unique_ptr<Handles> handles_;
  LinkType link_type_;
  int fd_ = -1;
  int wake_read_ = -1;
  int wake_write_ = -1;
  std::thread thread_;
  std::atomic<bool> threaded_{false};
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> if_dropped_{0};
  std::string thread_error_;
};

}  // namespace ikesuite::pcap
