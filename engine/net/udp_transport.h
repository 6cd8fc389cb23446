// Real UDP sockets on a RealEventLoop: one non-blocking socket per bound address and port
// (normally 500 and 4500, on IPv4 and IPv6), as charon's socket-default plugin does.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/base/log.h"
#include "engine/clock/event_loop.h"
#include "engine/net/transport.h"

namespace ikesuite::net {

struct UdpOptions {
  // Local ports whose IKE datagrams carry the non-ESP marker (RFC 3948 §2.2), like charon's
  // port_nat_t. Tests that bind ephemeral ports set them after open() (set_natt_ports).
  std::vector<uint16_t> natt_ports{kNattPort};
  // Drops and socket errors are logged here (group NET); nullptr logs nothing.
  Logger* logger = nullptr;
  // SO_RCVBUF / SO_SNDBUF when positive (a flood test may need more than the default).
  int receive_buffer = 0;
  int send_buffer = 0;
  // Sets UDP_ENCAP_ESPINUDP on the sockets of NAT-T ports, as charon does, so the kernel's
  // XFRM takes ESP-in-UDP itself (netns mode with the xfrm SA backend and UDP-encapsulated
  // SAs). IKE still reaches the transport (the kernel passes marked datagrams on) and
  // keepalives are swallowed by the kernel.
  bool kernel_encap = false;
  // The largest datagram received whole; a longer one is dropped (and logged) rather than
  // delivered cut short. 65535 holds anything UDP can carry.
  size_t max_datagram = 65535;
};

struct UdpStats {
  uint64_t sent = 0;            // datagrams handed to the kernel
  uint64_t send_errors = 0;     // sendmsg failures (reported to the caller too)
  uint64_t received = 0;        // datagrams read from the sockets
  uint64_t delivered = 0;       // IKE messages handed to the receiver
  uint64_t esp = 0;             // ESP-in-UDP on a NAT-T port, dropped
  uint64_t keepalives = 0;      // NAT-keepalives on a NAT-T port, dropped
  uint64_t invalid = 0;         // too short for ESP and not IKE, on a NAT-T port, dropped
  uint64_t truncated = 0;       // longer than max_datagram, dropped
  uint64_t receive_errors = 0;  // recvmsg failures other than "nothing left"
};

// The loop must outlive the transport; the transport's sockets leave the loop with it.
class UdpTransport final : public Transport {
 public:
  // Binds one socket per endpoint: IPv4 and IPv6 (IPV6_V6ONLY, so "::" does not also take
  // IPv4), any port including 0 (the kernel picks one; local_endpoints() tells which),
  // SO_REUSEADDR so the any-address and specific addresses can share a port, and
  // IP_PKTINFO/IPV6_RECVPKTINFO so a socket on the any-address still learns which address
  // each datagram was sent to. Errors name the endpoint and the errno text:
  // "bind 192.168.0.1[500]: Address already in use".
  static Result<std::unique_ptr<UdpTransport>> open(clock::RealEventLoop& loop,
                                                    std::vector<Endpoint> bind_to,
                                                    UdpOptions options = {});
  ~UdpTransport() override;
  UdpTransport(const UdpTransport&) = delete;
  UdpTransport& operator=(const UdpTransport&) = delete;

  // Sends from the socket bound to `src` exactly, or else from one bound to the any-address
  // of its family on `src.port` (with `src.addr` as source, through IP_PKTINFO; an empty
  // `src.addr` leaves the choice to the kernel). Fails if no socket matches.
  Status send(const Endpoint& src, const Endpoint& dst, ByteView ike) override;
  Status send_udp(const Endpoint& src, const Endpoint& dst, ByteView udp_payload) override;
  void set_receiver(std::function<void(const Datagram&)> receiver) override;
  // The bound endpoints, with the ports the kernel picked for port 0.
  std::vector<Endpoint> local_endpoints() const override;

  void set_natt_ports(std::vector<uint16_t> ports);
  const UdpStats& stats() const;

 private:
  struct Impl;
  explicit UdpTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ikesuite::net
