#include "harness/run/trace.h"

#include <algorithm>

#include "engine/net/transport.h"

namespace ikesuite::harness::run {

void Trace::write_frame(Time t, const Endpoint& src, const Endpoint& dst, ByteView payload,
                        std::optional<uint64_t>* first) {
  if (!capture_) return;
  auto s = captured_frame_.data() ? capture_->write_frame(t, captured_frame_) : capture_->write(t, src, dst, payload);
  if (!s.ok()) {
    if (capture_errors_.size() < 10) capture_errors_.push_back(s.error().message());
    return;
  }
  ++frames_;
  if (first && !*first) *first = frames_;
}

size_t Trace::add_datagram(const net::WireEvent& e) {
  TraceDatagram d;
  d.sent = e.time;
  d.origin = e.from;
  if (hosts_.count(e.from)) d.from = e.from;
  d.to = hosts_.count(e.to) ? e.to : std::string();
  d.src = e.src;
  d.dst = e.dst;
  d.udp_bytes = e.payload.size();
  if (auto ike = net::unframe_ike(e.src.port, e.dst.port, e.payload); ike && ike->size() >= 28) {
    d.is_ike = true;
    d.ike.assign(ike->begin(), ike->end());
    auto& seen = sent_before_[e.from];
    d.retransmit = !seen.insert(d.ike).second;
  }
  datagrams_.push_back(std::move(d));
  size_t index = datagrams_.size() - 1;
  by_network_id_[e.datagram] = index;
  return index;
}

void Trace::on_wire(const net::WireEvent& e) {
  if (e.fate == net::Fate::kSent) {
    size_t index = add_datagram(e);
    write_frame(e.time, e.src, e.dst, e.payload, &datagrams_[index].frame);
    if (datagrams_[index].is_ike) attach_to_message(index);
    return;
  }
  auto it = by_network_id_.find(e.datagram);
  if (it == by_network_id_.end()) return;
  TraceDatagram& d = datagrams_[it->second];
  if (!e.to.empty() && hosts_.count(e.to)) d.to = e.to;
  switch (e.fate) {
    case net::Fate::kForwarded:
      // A NAT translated it: a second wire appearance, on the segment it entered.
      d.nat = true;
      write_frame(e.time, e.src, e.dst, e.payload, nullptr);
      break;
    case net::Fate::kDuplicated: d.duplicated = true; break;
    case net::Fate::kReordered: d.reordered = true; break;
    case net::Fate::kDelivered: delivered(it->second, Delivery{e.time, e.src, e.dst}); break;
    case net::Fate::kDropped: d.drops.push_back(std::string(net::name(e.reason))); break;
    case net::Fate::kSent: break;
  }
}

void Trace::on_wire_frame(const net::WireEvent& e, ByteView frame) {
  captured_frame_ = frame;
  on_wire(e);
  captured_frame_ = ByteView();
}

void Trace::on_mtu_drop(Time t, const std::string& from, const std::string& to,
                        const Endpoint& src, const Endpoint& dst, ByteView payload, uint32_t mtu) {
  net::WireEvent e;
  e.time = t;
  e.datagram = 0;
  e.from = from;
  e.to = to;
  e.src = src;
  e.dst = dst;
  e.payload = payload;
  size_t index = add_datagram(e);
  by_network_id_.erase(0);
  write_frame(t, src, dst, payload, &datagrams_[index].frame);
  datagrams_[index].drops.push_back("mtu " + std::to_string(mtu));
  if (datagrams_[index].is_ike) attach_to_message(index);
}

void Trace::attach_to_message(size_t index) {
  TraceDatagram& d = datagrams_[index];
  auto frag = decode::fragment_info(d.ike);
  if (frag) {
    d.fragment = frag->number;
    d.fragments = frag->total;
    auto key = std::make_tuple(d.origin, frag->spi_i, frag->spi_r, frag->message_id, frag->flags);
    auto open = open_groups_.find(key);
    // RFC 7383 §2.5: one transmission sends fragments 1..n in a row; a fragment number seen
    // again (or a fragment 1) starts the next transmission.
    bool fresh = open == open_groups_.end() || frag->number == 1;
    if (!fresh) {
      for (size_t di : messages_[open->second].datagrams)
        if (datagrams_[di].fragment == frag->number) fresh = true;
    }
    if (fresh) {
      // A transmission that never sent all its fragments is not a message on the wire.
      if (open != open_groups_.end()) decode(open->second);
      TraceMessage m;
      m.sent = d.sent;
      m.from = d.from;
      m.to = d.to;
      m.src = d.src;
      m.dst = d.dst;
      m.retransmit = d.retransmit;
      messages_.push_back(std::move(m));
      open_groups_[key] = messages_.size() - 1;
    }
    size_t mi = open_groups_[key];
    TraceMessage& m = messages_[mi];
    m.datagrams.push_back(index);
    d.message = mi;
    if (m.datagrams.size() >= frag->total) {
      open_groups_.erase(key);
      m.complete = true;
      close_message(mi);
    }
    return;
  }
  TraceMessage m;
  m.sent = d.sent;
  m.from = d.from;
  m.to = d.to;
  m.src = d.src;
  m.dst = d.dst;
  m.retransmit = d.retransmit;
  m.complete = true;
  m.datagrams.push_back(index);
  messages_.push_back(std::move(m));
  d.message = messages_.size() - 1;
  close_message(messages_.size() - 1);
}

void Trace::close_message(size_t mi) {
  decode(mi);
  TraceMessage& m = messages_[mi];
  // The message is on the wire when its last fragment is.
  Time t = datagrams_[m.datagrams.back()].sent;
  observe({t, mi, false, m.src, m.dst});
}

void Trace::decode(size_t mi) {
  TraceMessage& m = messages_[mi];
  std::vector<Bytes> parts;
  for (size_t di : m.datagrams) parts.push_back(datagrams_[di].ike);
  m.decoded = decode::decode_message(parts, keys_);
  if (m.decoded.family == 1 && m.decoded.header_ok && m.decoded.parsed) {
    V1Sa& sa = v1_sas_[m.decoded.spi_i];
    if (std::find(sa.messages.begin(), sa.messages.end(), mi) == sa.messages.end()) {
      sa.messages.push_back(mi);
      v1_process(sa, mi);
    } else {
      v1_redo(m.decoded.spi_i);
    }
  }
  if (!m.complete && m.decoded.fragments > m.datagrams.size())
    m.decoded.problem = "only " + std::to_string(m.datagrams.size()) + " of " +
                        std::to_string(m.decoded.fragments) + " fragments were sent" +
                        (m.decoded.problem.empty() ? "" : "; " + m.decoded.problem);
}

void Trace::delivered(size_t di, const Delivery& delivery) {
  TraceDatagram& d = datagrams_[di];
  d.deliveries.push_back(delivery);
  if (!d.message) return;
  TraceMessage& m = messages_[*d.message];
  if (m.to.empty()) m.to = d.to;
  if (d.fragment == 0) {
    m.received.push_back(delivery);
    observe({delivery.t, *d.message, true, delivery.src, delivery.dst});
    return;
  }
  // RFC 7383 §2.6: the receiver has the message when it has every fragment; each further
  // complete set (duplicates, retransmissions of the same set) is another delivery.
  size_t before = m.received.size();
  m.fragment_deliveries[d.fragment]++;
  uint16_t total = d.fragments;
  if (m.fragment_deliveries.size() < total) return;
  size_t sets = SIZE_MAX;
  for (const auto& [n, count] : m.fragment_deliveries) sets = std::min(sets, count);
  while (m.received.size() < sets) {
    m.received.push_back(delivery);
    observe({delivery.t, *d.message, true, delivery.src, delivery.dst});
  }
  (void)before;
}

void Trace::observe(Observation o) {
  observations_.push_back(o);
  if (listener_) listener_(observations_.size() - 1);
}

void Trace::add_keys(const decode::Ikev2Keys& keys) {
  bool known = keys_.find(keys.spi_i, keys.spi_r) != nullptr;
  keys_.add(keys);
  if (known) return;
  for (size_t mi = 0; mi < messages_.size(); ++mi) {
    const auto& dm = messages_[mi].decoded;
    if (dm.encrypted && !dm.decrypted && dm.spi_i == keys.spi_i && dm.spi_r == keys.spi_r)
      decode(mi);
  }
}

namespace {

// Who sent a message, for telling requests from responses: the host (its port changes when
// NAT-T floats to 4500), or the source address of a datagram from outside the scenario.
std::string sender_of(const TraceMessage& m) { return m.from.empty() ? m.src.addr.to_string() : m.from; }

const v1::KePayload* find_ke(const decode::DecodedMessage& d) {
  const std::vector<v1::Payload>& list = d.decrypted ? d.v1_inner : d.v1->payloads;
  for (const auto& p : list)
    if (const auto* ke = p.as<v1::KePayload>()) return ke;
  return nullptr;
}

}  // namespace

// IKEv1 has no response flag (RFC 2408 §3.1): a message is a "response" when it comes from
// the other side than the one that sent its exchange's first message. Encrypted messages
// are decrypted with the IV RFC 2409 Appendix B gives: for phase 1 (message ID 0) first
// hash(g^xi | g^xr), for a Quick Mode or Informational exchange first hash(last phase-1
// block | M-ID), then always the last ciphertext block of the exchange's previous message.
// A retransmission is the same bytes, decrypted with the IV its first copy had.
void Trace::v1_process(V1Sa& sa, size_t mi) {
  TraceMessage& m = messages_[mi];
  decode::DecodedMessage& d = m.decoded;
  uint32_t mid = d.message_id;
  std::string sender = sender_of(m);
  auto [first, inserted] = sa.initiator.emplace(mid, sender);
  if (sa.phase1_initiator.empty() && mid == 0) sa.phase1_initiator = sender;
  decode::set_v1_direction(d, !inserted && first->second != sender);
  const Bytes& bytes = datagrams_[m.datagrams.front()].ike;
  const decode::Ikev1Keys* keys = keys_.find_v1(d.spi_i);
  if (d.encrypted && keys) {
    std::optional<Bytes> iv;
    bool repeat = false;
    if (auto it = sa.iv_of.find(bytes); it != sa.iv_of.end()) {
      iv = it->second;
      repeat = true;
    } else if (auto chained = sa.next_iv.find(mid); chained != sa.next_iv.end()) {
      iv = chained->second;
    } else if (mid == 0 && !sa.g_xi.empty() && !sa.g_xr.empty()) {
      if (auto first_iv = decode::ikev1_phase1_iv(*keys, sa.g_xi, sa.g_xr); first_iv.ok())
        iv = *first_iv;
    } else if (mid != 0 && sa.last_phase1_block) {
      if (auto first_iv = decode::ikev1_phase2_iv(*keys, *sa.last_phase1_block, mid); first_iv.ok())
        iv = *first_iv;
    }
    if (!iv) {
      d.problem = mid == 0 ? "encrypted IKEv1 message: the KE payloads of phase 1 were not seen"
                           : "encrypted IKEv1 message: phase 1's last encrypted block was not seen";
    } else {
      auto next = decode::decrypt_v1(d, *keys, *iv);
      if (!repeat) {
        sa.iv_of[bytes] = *iv;
        if (next.ok()) {
          sa.next_iv[mid] = *next;
          if (mid == 0) sa.last_phase1_block = *next;
        }
      }
    }
  }
  if (mid == 0 && d.v1) {
    if (const v1::KePayload* ke = find_ke(d)) {
      if (sender == sa.phase1_initiator && sa.g_xi.empty()) sa.g_xi = ke->data;
      if (sender != sa.phase1_initiator && sa.g_xr.empty()) sa.g_xr = ke->data;
    }
  }
}

void Trace::v1_redo(uint64_t cookie_i) {
  auto it = v1_sas_.find(cookie_i);
  if (it == v1_sas_.end()) return;
  std::vector<size_t> list = std::move(it->second.messages);
  it->second = V1Sa{};
  it->second.messages = list;
  for (size_t mi : list) {
    std::vector<Bytes> parts;
    for (size_t di : messages_[mi].datagrams) parts.push_back(datagrams_[di].ike);
    messages_[mi].decoded = decode::decode_message(parts, keys_);
    v1_process(it->second, mi);
  }
}

void Trace::add_v1_keys(const decode::Ikev1Keys& keys) {
  const decode::Ikev1Keys* known = keys_.find_v1(keys.cookie_i);
  if (known && known->ka == keys.ka) return;
  keys_.add_v1(keys);
  v1_redo(keys.cookie_i);
}

void Trace::finish() {
  for (auto& [key, mi] : open_groups_) decode(mi);
  open_groups_.clear();
}

}  // namespace ikesuite::harness::run
