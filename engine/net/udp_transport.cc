#include "engine/net/udp_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace ikesuite::net {

namespace {

std::string errno_text(int e) {
  const char* d = ::strerrordesc_np(e);
  return d ? std::string(d) : "errno " + std::to_string(e);
}

Error system_error(const std::string& what, const Endpoint& ep, int e) {
  return Error(ErrorCode::kSystem, what + " " + ep.to_string() + ": " + errno_text(e))
      .with_errno(e);
}

int family_of(const IpAddress& a) {
  return a.is_v4() ? AF_INET : AF_INET6;
}

socklen_t to_sockaddr(const Endpoint& ep, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (ep.addr.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(ep.port);
    std::memcpy(&sin->sin_addr, ep.addr.bytes().data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(ep.port);
  std::memcpy(&sin6->sin6_addr, ep.addr.bytes().data(), 16);
  return sizeof(sockaddr_in6);
}

std::optional<Endpoint> from_sockaddr(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&ss);
    auto addr =
        IpAddress::from_bytes(ByteView(reinterpret_cast<const uint8_t*>(&sin->sin_addr), 4));
    return Endpoint{*addr, ntohs(sin->sin_port)};
  }
  if (ss.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    auto addr =
        IpAddress::from_bytes(ByteView(reinterpret_cast<const uint8_t*>(&sin6->sin6_addr), 16));
    return Endpoint{*addr, ntohs(sin6->sin6_port)};
  }
  return std::nullopt;
}

bool is_any(const IpAddress& a) {
  return a == IpAddress::any(a.family());
}

// Room for one in6_pktinfo (the larger of the two) control message.
constexpr size_t kControlSize = CMSG_SPACE(sizeof(in6_pktinfo));

}  // namespace

struct UdpTransport::Impl {
  struct Socket {
    int fd = -1;
    Endpoint local;  // with the kernel's port when 0 was asked for
  };

  clock::RealEventLoop* loop = nullptr;
  UdpOptions options;
  std::vector<Socket> sockets;
  std::shared_ptr<std::function<void(const Datagram&)>> receiver;
  UdpStats stats;
  Bytes buffer;
  // Expires when the transport is destroyed, possibly by the receiver it is calling.
  std::shared_ptr<int> alive = std::make_shared<int>(0);

  ~Impl() {
    for (auto& s : sockets) {
      loop->unwatch(s.fd);
      ::close(s.fd);
    }
  }

  void log(int level, const std::string& text) {
    if (options.logger && options.logger->enabled(LogGroup::kNet, level))
      options.logger->log(LogGroup::kNet, level, text);
  }

  Result<Socket> open_socket(const Endpoint& ep) {
    if (ep.addr.empty())
      return Error(ErrorCode::kConfig, "bind " + ep.to_string() + ": no address family");
    int family = family_of(ep.addr);
    int fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
    if (fd < 0) return system_error("socket", ep, errno);
    Socket s{fd, ep};
    auto fail = [&](const char* what) {
      Error e = system_error(what, ep, errno);
      ::close(fd);
      return e;
    };
    int on = 1;
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
      return fail("setsockopt SO_REUSEADDR");
    if (family == AF_INET6) {
      if (::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) < 0)
        return fail("setsockopt IPV6_V6ONLY");
      if (::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on) < 0)
        return fail("setsockopt IPV6_RECVPKTINFO");
    } else if (::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) < 0) {
      return fail("setsockopt IP_PKTINFO");
    }
    if (options.receive_buffer > 0 &&
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer,
                     sizeof options.receive_buffer) < 0)
      return fail("setsockopt SO_RCVBUF");
    if (options.send_buffer > 0 && ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &options.send_buffer,
                                                sizeof options.send_buffer) < 0)
      return fail("setsockopt SO_SNDBUF");
    if (options.kernel_encap &&
        framing_for_port(ep.port, options.natt_ports) == Framing::kNonEspMarker) {
      int encap = UDP_ENCAP_ESPINUDP;
      if (::setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &encap, sizeof encap) < 0)
        return fail("setsockopt UDP_ENCAP");
    }
    sockaddr_storage ss;
    socklen_t len = to_sockaddr(ep, ss);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0) return fail("bind");
    socklen_t got = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &got) < 0) return fail("getsockname");
    if (auto actual = from_sockaddr(ss)) s.local.port = actual->port;
    return s;
  }

  const Socket* find_socket(const Endpoint& src, int family) const {
    for (const auto& s : sockets)
      if (s.local == src) return &s;
    for (const auto& s : sockets)
      if (s.local.port == src.port && family_of(s.local.addr) == family && is_any(s.local.addr))
        return &s;
    return nullptr;
  }

  Status send_payload(const Endpoint& src, const Endpoint& dst, ByteView payload) {
    if (dst.addr.empty() || dst.port == 0)
      return Error(ErrorCode::kConfig, "cannot send to " + dst.to_string());
    if (!src.addr.empty() && src.addr.family() != dst.addr.family())
      return Error(ErrorCode::kConfig, "cannot send from " + src.to_string() + " to " +
                                           dst.to_string() + ": address families differ");
    const Socket* s = find_socket(src, family_of(dst.addr));
    if (!s) return Error(ErrorCode::kNotFound, "no socket bound to " + src.to_string());

    sockaddr_storage to;
    socklen_t to_len = to_sockaddr(dst, to);
    iovec iov{const_cast<uint8_t*>(payload.data()), payload.size()};
    msghdr msg{};
    msg.msg_name = &to;
    msg.msg_namelen = to_len;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) std::array<uint8_t, kControlSize> control{};
    // A socket on the any-address sends from the address the engine chose (the one the peer
    // addressed), not whatever the routing table prefers.
    if (is_any(s->local.addr) && !src.addr.empty() && !is_any(src.addr)) {
      msg.msg_control = control.data();
      if (src.addr.is_v4()) {
        msg.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo info{};
        std::memcpy(&info.ipi_spec_dst, src.addr.bytes().data(), 4);
        std::memcpy(CMSG_DATA(c), &info, sizeof info);
      } else {
        msg.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = IPPROTO_IPV6;
        c->cmsg_type = IPV6_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
        in6_pktinfo info{};
        std::memcpy(&info.ipi6_addr, src.addr.bytes().data(), 16);
        std::memcpy(CMSG_DATA(c), &info, sizeof info);
      }
    }
    for (;;) {
      if (::sendmsg(s->fd, &msg, 0) >= 0) {
        ++stats.sent;
        return ok_status();
      }
      if (errno == EINTR) continue;
      int e = errno;
      ++stats.send_errors;
      log(1, "error sending to " + dst.to_string() + " from " + src.to_string() + ": " +
                 errno_text(e));
      return Error(ErrorCode::kSystem, "sendmsg from " + src.to_string() + " to " +
                                           dst.to_string() + ": " + errno_text(e))
          .with_errno(e);
    }
  }

  // The address the datagram was sent to (IP_PKTINFO / IPV6_PKTINFO), with the socket's port:
  // a socket on the any-address learns which of the host's addresses the peer used.
  static Endpoint destination_of(msghdr& msg, const Endpoint& local) {
    Endpoint dst = local;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo info;
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        dst.addr =
            *IpAddress::from_bytes(ByteView(reinterpret_cast<const uint8_t*>(&info.ipi_addr), 4));
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo info;
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        dst.addr =
            *IpAddress::from_bytes(ByteView(reinterpret_cast<const uint8_t*>(&info.ipi6_addr), 16));
      }
    }
    return dst;
  }

  // RFC 3948 §2.2: on a NAT-T port only marked datagrams are IKE; the rest is counted and
  // dropped here (the kernel takes ESP itself when kernel_encap is set).
  bool is_ike_on_natt_port(ByteView payload, const Endpoint& src, const Endpoint& dst) {
    auto what = [&] { return " from " + src.to_string() + " to " + dst.to_string(); };
    switch (classify_4500(payload)) {
      case Udp4500Kind::kIke:
        return true;
      case Udp4500Kind::kEsp:
        ++stats.esp;
        log(3, "dropping ESP-in-UDP packet" + what() + " (" + std::to_string(payload.size()) +
                   " bytes)");
        return false;
      case Udp4500Kind::kKeepalive:
        ++stats.keepalives;
        log(3, "received NAT-keepalive" + what());
        return false;
      case Udp4500Kind::kInvalid:
        ++stats.invalid;
        log(1, "dropping invalid " + std::to_string(payload.size()) + " byte datagram" + what());
        return false;
    }
    return false;
  }

  // Reads what the socket holds; level-triggered epoll calls again for anything left after
  // the per-round cap, so one busy socket cannot starve the loop's other work.
  void on_readable(size_t index) {
    std::weak_ptr<int> guard = alive;
    for (int round = 0; round < 256; ++round) {
      const Socket& s = sockets[index];
      sockaddr_storage from;
      alignas(cmsghdr) std::array<uint8_t, kControlSize> control{};
      iovec iov{buffer.data(), buffer.size()};
      msghdr msg{};
      msg.msg_name = &from;
      msg.msg_namelen = sizeof from;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control.data();
      msg.msg_controllen = control.size();
      ssize_t n = ::recvmsg(s.fd, &msg, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        // A queued ICMP error and the like: reported once by the kernel, then reading goes on.
        ++stats.receive_errors;
        log(1, "error reading from " + s.local.to_string() + ": " + errno_text(errno));
        continue;
      }
      ++stats.received;
      auto src = from_sockaddr(from);
      if (!src) continue;
      Endpoint dst = destination_of(msg, s.local);
      if (msg.msg_flags & MSG_TRUNC) {
        ++stats.truncated;
        log(1, "dropping datagram from " + src->to_string() + " to " + dst.to_string() +
                   ": longer than " + std::to_string(buffer.size()) + " bytes (truncated)");
        continue;
      }
      ByteView payload(buffer.data(), static_cast<size_t>(n));
      Framing framing = framing_for_port(dst.port, options.natt_ports);
      if (framing == Framing::kNonEspMarker && !is_ike_on_natt_port(payload, *src, dst)) continue;
      auto ike = unframe_ike(framing, payload);
      if (!ike) continue;  // unreachable: classified above
      if (!receiver || !*receiver) continue;
      ++stats.delivered;
      // Held by copy: the receiver may replace itself or destroy this transport.
      auto current = receiver;
      (*current)(Datagram{*src, dst, Bytes(ike->begin(), ike->end())});
      if (guard.expired()) return;
    }
  }
};

UdpTransport::UdpTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

UdpTransport::~UdpTransport() = default;

Result<std::unique_ptr<UdpTransport>> UdpTransport::open(clock::RealEventLoop& loop,
                                                         std::vector<Endpoint> bind_to,
                                                         UdpOptions options) {
  TRY(loop.status());
  if (bind_to.empty()) return Error(ErrorCode::kConfig, "no endpoints to bind");
  if (options.max_datagram == 0 || options.max_datagram > 65535)
    return Error(ErrorCode::kConfig, "max_datagram must be in 1..65535");
  for (size_t i = 0; i < bind_to.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (bind_to[i] == bind_to[j] && bind_to[i].port != 0)
        return Error(ErrorCode::kConfig, "bind " + bind_to[i].to_string() + ": listed twice");

  auto impl = std::make_unique<Impl>();
  impl->loop = &loop;
  impl->options = std::move(options);
  impl->buffer.resize(impl->options.max_datagram);
  for (const auto& ep : bind_to) {
    // On failure the sockets opened so far are closed by ~Impl.
    TRY_ASSIGN(auto s, impl->open_socket(ep));
    impl->sockets.push_back(s);
  }
  Impl* raw = impl.get();
  for (size_t i = 0; i < raw->sockets.size(); ++i) {
    Status watched = loop.watch(raw->sockets[i].fd, [raw, i] { raw->on_readable(i); });
    if (!watched.ok()) return std::move(watched).error().within("bind " + bind_to[i].to_string());
  }
  return std::unique_ptr<UdpTransport>(new UdpTransport(std::move(impl)));
}

Status UdpTransport::send(const Endpoint& src, const Endpoint& dst, ByteView ike) {
  Framing framing = framing_for_port(src.port, impl_->options.natt_ports);
  Bytes payload = frame_ike(framing, ike);
  return impl_->send_payload(src, dst, payload);
}

Status UdpTransport::send_udp(const Endpoint& src, const Endpoint& dst, ByteView udp_payload) {
  return impl_->send_payload(src, dst, udp_payload);
}

void UdpTransport::set_receiver(std::function<void(const Datagram&)> receiver) {
  impl_->receiver = std::make_shared<std::function<void(const Datagram&)>>(std::move(receiver));
}

std::vector<Endpoint> UdpTransport::local_endpoints() const {
  std::vector<Endpoint> out;
  for (const auto& s : impl_->sockets) out.push_back(s.local);
  return out;
}

void UdpTransport::set_natt_ports(std::vector<uint16_t> ports) {
  impl_->options.natt_ports = std::move(ports);
}

const UdpStats& UdpTransport::stats() const {
  return impl_->stats;
}

}  // namespace ikesuite::net
