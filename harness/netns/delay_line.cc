#include "harness/netns/delay_line.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/base/text.h"
#include "harness/netns/scenario_loop.h"
#include "pcaps/src/frame.h"

namespace ikesuite::harness::netns {

namespace {

constexpr std::string_view kPrefixTag = "iks ";

Result<int> raw_socket(int family) {
  // IPPROTO_RAW: the packet is sent with the header it carries (IP_HDRINCL implied, also for
  // IPv6 since Linux 4.5).
  int fd = ::socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0)
    return Error(ErrorCode::kSystem, std::string("cannot open a raw ") + (family == AF_INET ? "IPv4" : "IPv6") +
                                         " socket: " + std::strerror(errno))
        .with_errno(errno);
  return fd;
}

}  // namespace

std::string DelayLine::prefix_for(size_t from, size_t to) {
  return std::string(kPrefixTag) + std::to_string(from) + " " + std::to_string(to);
}

std::optional<std::pair<size_t, size_t>> DelayLine::parse_prefix(std::string_view prefix) {
  if (prefix.substr(0, kPrefixTag.size()) != kPrefixTag) return std::nullopt;
  std::string_view rest = prefix.substr(kPrefixTag.size());
  size_t space = rest.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto from = parse_uint<size_t>(rest.substr(0, space));
  auto to = parse_uint<size_t>(rest.substr(space + 1));
  if (!from || !to) return std::nullopt;
  return std::pair{*from, *to};
}

Result<std::unique_ptr<DelayLine>> DelayLine::open(const std::string& router_ns, uint16_t group) {
  std::unique_ptr<DelayLine> line(new DelayLine());
  DelayLine* self = line.get();
  pcap::CaptureOptions co;
  co.interface = "nflog:" + std::to_string(group);
  co.filter = "";  // the rule logs only what the line is to carry
  co.on_packet = [self](Time t, ByteView record) {
    auto rec = pcap::decode_nflog(record);
    auto path = rec.ok() ? parse_prefix(rec->prefix) : std::nullopt;
    if (!path || rec->packet.empty()) {
      ++self->skipped_;
      return;
    }
    self->batch_.push_back(Datagram{rec->timestamp.value_or(t), path->first, path->second,
                                    Bytes(rec->packet.begin(), rec->packet.end())});
  };
  auto opened = in_netns(router_ns, [&]() -> Result<void> {
    TRY_ASSIGN(line->capture_, pcap::PcapCapture::open(co));
    TRY_ASSIGN(line->raw4_, raw_socket(AF_INET));
    TRY_ASSIGN(line->raw6_, raw_socket(AF_INET6));
    return {};
  });
  if (!opened.ok()) {
    line->stop();
    return std::move(opened).error().within("the router's delay line");
  }
  return line;
}

DelayLine::~DelayLine() { stop(); }

int DelayLine::fd() const { return capture_ ? capture_->fd() : -1; }

Result<std::vector<DelayLine::Datagram>> DelayLine::read() {
  if (!capture_) return Error(ErrorCode::kState, "the delay line is closed");
  TRY(capture_->dispatch());
  std::vector<Datagram> out = std::move(batch_);
  batch_.clear();
  return out;
}

Status DelayLine::send(Bytes packet) {
  TRY(pcap::refresh_udp_checksum(packet));
  auto d = pcap::decode_frame(pcap::LinkType::Raw, packet);
  if (!d.ok()) return d.error();
  sockaddr_storage to{};
  socklen_t len = 0;
  int fd = -1;
  Bytes dst = d->dst.addr.to_bytes();
  if (d->dst.addr.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&to);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, dst.data(), 4);
    len = sizeof(sockaddr_in);
    fd = raw4_;
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&to);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, dst.data(), 16);
    len = sizeof(sockaddr_in6);
    fd = raw6_;
  }
  if (fd < 0) return Error(ErrorCode::kState, "the delay line is closed");
  ssize_t n = ::sendto(fd, packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&to), len);
  if (n < 0)
    return Error(ErrorCode::kSystem, "the delay line cannot send to " + d->dst.addr.to_string() + ": " +
                                         std::strerror(errno))
        .with_errno(errno);
  return {};
}

void DelayLine::stop() {
  if (capture_) (void)capture_->stop();
  capture_.reset();
  for (int* fd : {&raw4_, &raw6_})
    if (*fd >= 0) {
      ::close(*fd);
      *fd = -1;
    }
}

}  // namespace ikesuite::harness::netns
