// The trace of a sim run: every datagram the simulated network saw (from its taps), what
// became of each copy, the capture frames, and the logical IKE messages they carried,
// decoded with the keys the hosts' observers reported (SKF fragments of one transmission
// reassembled into one message; retransmissions kept as separate messages; a message that
// cannot be decrypted shows "E"). Checks match observations of these messages: a message
// as sent by its sender, and each complete delivery of it to its receiver.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/base/ip.h"
#include "engine/base/time.h"
#include "engine/net/sim_network.h"
#include "harness/decode/ike_decode.h"
#include "pcaps/src/pcap_writer.h"

namespace ikesuite::harness::run {

struct Delivery {
  Time t{0};
  Endpoint src;  // as the receiver saw them (after NAT)
  Endpoint dst;
};

struct TraceDatagram {
  Time sent{0};
  std::string from;  // sending host; empty for injected (spoofed) datagrams
  std::string origin;  // the sender's name in the network (host, or the injector's)
  std::string to;      // receiving host, when known
  Endpoint src;        // as sent
  Endpoint dst;
  Bytes ike;           // the IKE message (without the non-ESP marker); empty if not IKE
  size_t udp_bytes = 0;
  bool is_ike = false;
  bool retransmit = false;  // the same bytes were sent by the same sender before
  std::optional<uint64_t> frame;  // its first frame in the capture
  std::vector<Delivery> deliveries;
  std::vector<std::string> drops;  // reasons, one per lost copy ("loss", "mtu", ...)
  bool duplicated = false;
  bool reordered = false;
  bool nat = false;  // translated by a NAT on its way
  std::optional<size_t> message;  // the logical message it belongs to
  uint16_t fragment = 0;          // SKF fragment number (0: not a fragment)
  uint16_t fragments = 0;         // SKF total
};

struct TraceMessage {
  Time sent{0};
  std::string from;
  std::string to;
  Endpoint src;  // as sent (first fragment)
  Endpoint dst;
  std::vector<size_t> datagrams;  // in fragment order of sending
  bool complete = false;          // every fragment of the transmission was sent
  bool retransmit = false;
  decode::DecodedMessage decoded;
  std::vector<Delivery> received;  // complete deliveries to `to`
  // RFC 7383 fragment deliveries counted per fragment number, for `received`.
  std::map<uint16_t, size_t> fragment_deliveries;
};

// One thing a check can match: a message as sent, or one delivery of it.
struct Observation {
  Time t{0};
  size_t message = 0;
  bool received = false;
  Endpoint src;  // as sent, or as received
  Endpoint dst;
};

class Trace {
 public:
  // `hosts` are the scenario's host names (datagrams from other origins are injected).
  Trace(pcap::PcapWriter* capture, std::set<std::string> hosts)
      : capture_(capture), hosts_(std::move(hosts)) {}

  // Called from the network tap, in event order.
  void on_wire(const net::WireEvent& e);
  // The same for a datagram captured on a real interface: `frame` (the Ethernet frame as
  // captured) goes into the capture file instead of one synthesized from the event.
  void on_wire_frame(const net::WireEvent& e, ByteView frame);
  // A datagram that never reached the network: larger than the path's MTU (dropped as with
  // DF set, but seen on the sender's segment, so it is in the capture).
  void on_mtu_drop(Time t, const std::string& from, const std::string& to, const Endpoint& src,
                   const Endpoint& dst, ByteView udp_payload, uint32_t mtu);
  // New keys: messages of that IKE SA waiting for them are decoded again.
  void add_keys(const decode::Ikev2Keys& keys);
  // IKEv1: the ISAKMP SA's messages are decrypted again from its first one, following the
  // IV chain (RFC 2409 Appendix B).
  void add_v1_keys(const decode::Ikev1Keys& keys);
  // Ends fragment groups left open (their messages stay incomplete).
  void finish();

  // Called for every new observation (index into observations()).
  void set_listener(std::function<void(size_t)> listener) { listener_ = std::move(listener); }

  const std::vector<TraceDatagram>& datagrams() const { return datagrams_; }
  const std::vector<TraceMessage>& messages() const { return messages_; }
  const std::vector<Observation>& observations() const { return observations_; }
  const decode::KeyRing& keys() const { return keys_; }
  uint64_t frames() const { return frames_; }
  const std::vector<std::string>& capture_errors() const { return capture_errors_; }

 private:
  size_t add_datagram(const net::WireEvent& e);
  void attach_to_message(size_t index);
  void close_message(size_t message);
  void decode(size_t message);
  void observe(Observation o);
  void write_frame(Time t, const Endpoint& src, const Endpoint& dst, ByteView payload,
                   std::optional<uint64_t>* first);
  void delivered(size_t datagram, const Delivery& d);
  // IKEv1: who began each exchange (so which messages are "responses") and the IV chain,
  // per initiator cookie, in the order the messages were sent.
  struct V1Sa {
    std::vector<size_t> messages;
    std::map<uint32_t, std::string> initiator;  // message ID -> the first sender
    Bytes g_xi, g_xr;
    std::string phase1_initiator;
    std::map<uint32_t, Bytes> next_iv;  // message ID -> IV of the next message
    std::optional<Bytes> last_phase1_block;
    std::map<Bytes, Bytes> iv_of;  // message bytes -> the IV it was decrypted with
  };
  void v1_process(V1Sa& sa, size_t message);
  void v1_redo(uint64_t cookie_i);

  pcap::PcapWriter* capture_;
  std::set<std::string> hosts_;
  uint64_t frames_ = 0;
  std::vector<std::string> capture_errors_;
  decode::KeyRing keys_;
  std::vector<TraceDatagram> datagrams_;
  std::vector<TraceMessage> messages_;
  std::vector<Observation> observations_;
  std::map<uint64_t, size_t> by_network_id_;
  // Open fragment groups: sender + SPIs + message ID + flags -> message.
  std::map<std::tuple<std::string, uint64_t, uint64_t, uint32_t, uint8_t>, size_t> open_groups_;
  std::map<std::string, std::set<Bytes>> sent_before_;
  std::function<void(size_t)> listener_;
  std::map<uint64_t, V1Sa> v1_sas_;
  ByteView captured_frame_;  // set during on_wire_frame
};

}  // namespace ikesuite::harness::run
