// Live capture on the loopback interface. Capturing needs CAP_NET_RAW, as netns mode does; the
// tests say so and skip when run unprivileged.
#include "pcaps/src/pcap_capture.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "pcaps/src/pcap_reader.h"
#include "tests/pcap/test_util.h"

namespace ikesuite::pcap {
namespace {

using testing::TempDir;

// A UDP socket bound to an ephemeral loopback port, and a sender to it.
class LoopbackPeer {
 public:
  LoopbackPeer() {
    rx_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    tx_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(rx_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(rx_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    addr_ = a;
  }
  ~LoopbackPeer() {
    ::close(rx_);
    ::close(tx_);
  }
  uint16_t port() const { return port_; }
  void send(const std::string& text) {
    ::sendto(tx_, text.data(), text.size(), 0, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_);
  }

 private:
  int rx_ = -1;
  int tx_ = -1;
  uint16_t port_ = 0;
  sockaddr_in addr_{};
};

bool privileged() { return ::geteuid() == 0; }

TEST(PcapCapture, ThreadCapturesFilteredTrafficToAFile) {
  if (!privileged()) GTEST_SKIP() << "live capture needs CAP_NET_RAW (run as root, as netns mode does)";
  TempDir dir;
  LoopbackPeer peer;
  LoopbackPeer other;  // traffic the filter must leave out
  CaptureOptions options;
  options.interface = "lo";
  options.path = dir.file("live.pcap");
  options.filter = "udp port " + std::to_string(peer.port());
  auto capture = PcapCapture::open(options);
  ASSERT_TRUE(capture.ok()) << capture.error().message();
  EXPECT_EQ((*capture)->link_type(), LinkType::Ethernet);
  ASSERT_TRUE((*capture)->start().ok());
  EXPECT_FALSE((*capture)->start().ok());  // one thread at a time
  for (int i = 0; i < 3; ++i) {
    peer.send("datagram " + std::to_string(i));
    other.send("not for this capture");
  }
  // Immediate mode: the packets reach the file without waiting for stop().
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((*capture)->stats().written < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto before_stop = read_udp_datagrams(options.path);
  ASSERT_TRUE(before_stop.ok()) << before_stop.error().message();
  EXPECT_EQ(before_stop->size(), 3u);

  ASSERT_TRUE((*capture)->stop().ok());
  ASSERT_TRUE((*capture)->stop().ok());  // idempotent
  EXPECT_EQ((*capture)->fd(), -1);
  EXPECT_EQ((*capture)->stats().written, 3u);
  EXPECT_GE((*capture)->stats().received, 3u);
  auto datagrams = read_udp_datagrams(options.path);
  ASSERT_TRUE(datagrams.ok());
  ASSERT_EQ(datagrams->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const auto& d = (*datagrams)[static_cast<size_t>(i)];
    EXPECT_EQ(std::string(d.payload.begin(), d.payload.end()), "datagram " + std::to_string(i));
    EXPECT_EQ(d.dst.port, peer.port());
    EXPECT_EQ(d.dst.addr, IpAddress::v4(127, 0, 0, 1));
  }
}

TEST(PcapCapture, DescriptorModeForAnEventLoop) {
  if (!privileged()) GTEST_SKIP() << "live capture needs CAP_NET_RAW (run as root, as netns mode does)";
  TempDir dir;
  LoopbackPeer peer;
  CaptureOptions options;
  options.interface = "lo";
  options.path = dir.file("live.pcap");
  options.filter = "udp port " + std::to_string(peer.port());
  auto capture = PcapCapture::open(options);
  ASSERT_TRUE(capture.ok()) << capture.error().message();
  int fd = (*capture)->fd();
  ASSERT_GE(fd, 0);
  auto nothing = (*capture)->dispatch();  // non-blocking with nothing queued
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(*nothing, 0u);
  peer.send("one");
  peer.send("two");
  size_t total = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (total < 2 && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      auto n = (*capture)->dispatch();
      ASSERT_TRUE(n.ok()) << n.error().message();
      total += *n;
    }
  }
  EXPECT_EQ(total, 2u);
  ASSERT_TRUE((*capture)->stop().ok());
  EXPECT_FALSE((*capture)->dispatch().ok());
  auto datagrams = read_udp_datagrams(options.path);
  ASSERT_TRUE(datagrams.ok());
  EXPECT_EQ(datagrams->size(), 2u);

  // A second capture appends to the same file.
  options.append = true;
  auto again = PcapCapture::open(options);
  ASSERT_TRUE(again.ok()) << again.error().message();
  ASSERT_TRUE((*again)->start().ok());
  peer.send("three");
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((*again)->stats().written < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE((*again)->stop().ok());
  datagrams = read_udp_datagrams(options.path);
  ASSERT_TRUE(datagrams.ok());
  EXPECT_EQ(datagrams->size(), 3u);
}

TEST(PcapCapture, ReportsBadInterfacesAndFilters) {
  if (!privileged()) GTEST_SKIP() << "live capture needs CAP_NET_RAW (run as root, as netns mode does)";
  TempDir dir;
  CaptureOptions options;
  options.interface = "ikesuite-no-such-if0";
  options.path = dir.file("x.pcap");
  auto missing = PcapCapture::open(options);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().reason().find("ikesuite-no-such-if0"), std::string::npos);
  options.interface = "lo";
  options.filter = "udp port banana";
  auto bad_filter = PcapCapture::open(options);
  ASSERT_FALSE(bad_filter.ok());
  EXPECT_NE(bad_filter.error().reason().find("banana"), std::string::npos);
  options.filter = kIkeFilter;
  options.path = "/nonexistent-dir/x.pcap";
  EXPECT_FALSE(PcapCapture::open(options).ok());
}

}  // namespace
}  // namespace ikesuite::pcap
