#include "fuzz/ikev2_engine/program.h"

#include <algorithm>
#include <cstdio>

#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace ikesuite::ikev2::fuzz {

std::string_view name(StartState s) {
  switch (s) {
    case StartState::FreshResponder: return "fresh-responder";
    case StartState::InitSent: return "init-sent";
    case StartState::InitAnswered: return "init-answered";
    case StartState::Established: return "established";
    case StartState::ChildRekeying: return "child-rekeying";
    case StartState::IkeRekeying: return "ike-rekeying";
    case StartState::Deleting: return "deleting";
  }
  return "?";
}

namespace {

// A reader that never fails: past the end every field reads as zero, so every byte string
// decodes (the fuzzer's truncations still mean something).
class Input {
 public:
  explicit Input(ByteView data) : r_(data) {}
  bool empty() const { return r_.empty(); }
  uint8_t u8() { return r_.u8().value_or(0); }
  uint16_t u16() {
    if (r_.remaining() >= 2) return r_.u16().value_or(0);
    return static_cast<uint16_t>(u8() << 8);
  }
  uint32_t u32() {
    uint32_t hi = u16();
    return hi << 16 | u16();
  }
  uint64_t u64() {
    uint64_t hi = u32();
    return hi << 32 | u32();
  }
  // A length-prefixed byte string, clipped to what is left.
  Bytes chunk() {
    size_t len = u16();
    size_t n = std::min(len, r_.remaining());
    return r_.copy(n).value_or(Bytes{});
  }

 private:
  wire::Reader r_;
};

Target read_target(Input& in) {
  uint8_t b = in.u8();
  Target t;
  t.to = (b & 1) ? Side::Responder : Side::Initiator;
  t.port = static_cast<PortMode>((b >> 1) & 3);
  if (t.port == PortMode::ExplicitSource) t.src_port = in.u16();
  return t;
}

void write_target(wire::Writer& w, const Target& t) {
  w.u8(static_cast<uint8_t>((t.to == Side::Responder ? 1 : 0) |
                            (static_cast<uint8_t>(t.port) << 1)));
  if (t.port == PortMode::ExplicitSource) w.u16(t.src_port);
}

MessageId read_mid(Input& in) {
  MessageId m;
  m.mode = static_cast<MidMode>(in.u8() % kMidModes);
  if (m.mode == MidMode::Explicit) m.value = in.u32();
  return m;
}

void write_mid(wire::Writer& w, const MessageId& m) {
  w.u8(static_cast<uint8_t>(m.mode));
  if (m.mode == MidMode::Explicit) w.u32(m.value);
}

void write_chunk(wire::Writer& w, ByteView b) {
  w.u16(static_cast<uint16_t>(std::min<size_t>(b.size(), 0xffff)));
  w.bytes(b.first(std::min<size_t>(b.size(), 0xffff)));
}

Side read_side(Input& in) { return (in.u8() & 1) ? Side::Responder : Side::Initiator; }
uint8_t side_byte(Side s) { return s == Side::Responder ? 1 : 0; }

Op read_op(OpCode code, Input& in) {
  switch (code) {
    case OpCode::Raw: {
      RawOp op;
      op.at = read_target(in);
      op.udp_payload = in.chunk();
      return op;
    }
    case OpCode::Clear: {
      ClearOp op;
      op.at = read_target(in);
      op.sa = in.u8();
      uint8_t spis = in.u8();
      if (spis & 1) op.spi_i = in.u64();
      if (spis & 2) op.spi_r = in.u64();
      op.exchange = in.u8();
      op.flags = in.u8();
      op.mid = read_mid(in);
      op.first_payload = in.u8();
      op.chain = in.chunk();
      return op;
    }
    case OpCode::Sealed: {
      SealedOp op;
      op.at = read_target(in);
      op.sa = in.u8();
      op.exchange = in.u8();
      op.flags = in.u8();
      op.mid = read_mid(in);
      op.first_payload = in.u8();
      if (in.u8() != 0) {
        uint8_t number = in.u8();
        uint8_t total = in.u8();
        op.fragment = std::make_pair(number, total);
      }
      op.chain = in.chunk();
      return op;
    }
    case OpCode::Time: return TimeOp{in.u16()};
    case OpCode::Kernel: {
      KernelOp op;
      op.side = read_side(in);
      op.kind = static_cast<KernelKind>(in.u8() % kKernelKinds);
      switch (op.kind) {
        case KernelKind::AddFault:
          op.a = in.u8();
          op.b = in.u8();
          op.c = in.u8();
          op.d = in.u8();
          op.e = in.u8();
          break;
        case KernelKind::ClearFaults: break;
        case KernelKind::SoftExpire:
        case KernelKind::HardExpire:
          op.a = in.u8();
          op.b = in.u8();
          break;
        case KernelKind::SpuriousExpire:
          op.spi = in.u32();
          op.a = in.u8();
          break;
      }
      return op;
    }
    case OpCode::Api: {
      ApiOp op;
      op.side = read_side(in);
      op.call = static_cast<ApiCall>(in.u8() % kApiCalls);
      return op;
    }
    case OpCode::Network: {
      NetworkOp op;
      op.kind = static_cast<NetworkKind>(in.u8() % kNetworkKinds);
      if (op.kind == NetworkKind::Impair) {
        op.a = in.u8();
        op.b = in.u8();
        op.c = in.u8();
        op.d = in.u8();
      } else if (op.kind == NetworkKind::HostUp) {
        op.a = in.u8() & 1;
        op.b = in.u8() & 1;
      }
      return op;
    }
    case OpCode::Replay: {
      ReplayOp op;
      op.back = in.u8();
      op.mode = in.u8() & 3;
      if (op.mode & 1) {
        op.offset = in.u16();
        op.xor_mask = in.u8();
      }
      return op;
    }
  }
  return TimeOp{};
}

struct Encoder {
  wire::Writer& w;
  void operator()(const RawOp& op) {
    write_target(w, op.at);
    write_chunk(w, op.udp_payload);
  }
  void operator()(const ClearOp& op) {
    write_target(w, op.at);
    w.u8(op.sa);
    w.u8(static_cast<uint8_t>((op.spi_i ? 1 : 0) | (op.spi_r ? 2 : 0)));
    if (op.spi_i) w.u64(*op.spi_i);
    if (op.spi_r) w.u64(*op.spi_r);
    w.u8(op.exchange);
    w.u8(op.flags);
    write_mid(w, op.mid);
    w.u8(op.first_payload);
    write_chunk(w, op.chain);
  }
  void operator()(const SealedOp& op) {
    write_target(w, op.at);
    w.u8(op.sa);
    w.u8(op.exchange);
    w.u8(op.flags);
    write_mid(w, op.mid);
    w.u8(op.first_payload);
    w.u8(op.fragment ? 1 : 0);
    if (op.fragment) {
      w.u8(op.fragment->first);
      w.u8(op.fragment->second);
    }
    write_chunk(w, op.chain);
  }
  void operator()(const TimeOp& op) { w.u16(op.amount); }
  void operator()(const KernelOp& op) {
    w.u8(side_byte(op.side));
    w.u8(static_cast<uint8_t>(op.kind));
    switch (op.kind) {
      case KernelKind::AddFault:
        for (uint8_t v : {op.a, op.b, op.c, op.d, op.e}) w.u8(v);
        break;
      case KernelKind::ClearFaults: break;
      case KernelKind::SoftExpire:
      case KernelKind::HardExpire:
        w.u8(op.a);
        w.u8(op.b);
        break;
      case KernelKind::SpuriousExpire:
        w.u32(op.spi);
        w.u8(op.a);
        break;
    }
  }
  void operator()(const ApiOp& op) {
    w.u8(side_byte(op.side));
    w.u8(static_cast<uint8_t>(op.call));
  }
  void operator()(const NetworkOp& op) {
    w.u8(static_cast<uint8_t>(op.kind));
    if (op.kind == NetworkKind::Impair) {
      for (uint8_t v : {op.a, op.b, op.c, op.d}) w.u8(v);
    } else if (op.kind == NetworkKind::HostUp) {
      w.u8(op.a);
      w.u8(op.b);
    }
  }
  void operator()(const ReplayOp& op) {
    w.u8(op.back);
    w.u8(op.mode);
    if (op.mode & 1) {
      w.u16(op.offset);
      w.u8(op.xor_mask);
    }
  }
};

std::string side_name(Side s) { return s == Side::Initiator ? "initiator" : "responder"; }

std::string target_name(const Target& t) {
  switch (t.port) {
    case PortMode::Ike500: return side_name(t.to) + ":500";
    case PortMode::Natt4500: return side_name(t.to) + ":4500";
    case PortMode::Raw4500: return side_name(t.to) + ":4500(raw)";
    case PortMode::ExplicitSource:
      return side_name(t.to) + ":4500 from port " + std::to_string(t.src_port);
  }
  return "?";
}

std::string mid_name(const MessageId& m) {
  switch (m.mode) {
    case MidMode::Natural: return "natural";
    case MidMode::Explicit: return std::to_string(m.value);
    case MidMode::Previous: return "natural-1";
    case MidMode::Next: return "natural+1";
  }
  return "?";
}

std::string flags_name(uint8_t flags) {
  char buf[32];
  if (flags & kFlagsVerbatim) {
    std::snprintf(buf, sizeof buf, "0x%02x", flags & 0x7f);
    return buf;
  }
  return (flags & kFlagsResponse) ? "response" : "request";
}

struct Describer {
  std::string operator()(const RawOp& op) const {
    return "raw -> " + target_name(op.at) + " (" + std::to_string(op.udp_payload.size()) +
           " bytes)";
  }
  std::string operator()(const ClearOp& op) const {
    return "clear -> " + target_name(op.at) + " sa " + std::to_string(op.sa) + " exchange " +
           std::to_string(op.exchange) + " " + flags_name(op.flags) + " mid " + mid_name(op.mid) +
           " first " + std::to_string(op.first_payload) + " (" + std::to_string(op.chain.size()) +
           " bytes)";
  }
  std::string operator()(const SealedOp& op) const {
    std::string frag;
    if (op.fragment)
      frag = " fragment " + std::to_string(op.fragment->first) + "/" +
             std::to_string(op.fragment->second);
    return "sealed -> " + target_name(op.at) + " sa " + std::to_string(op.sa) + " exchange " +
           std::to_string(op.exchange) + " " + flags_name(op.flags) + " mid " + mid_name(op.mid) +
           " first " + std::to_string(op.first_payload) + frag + " (" +
           std::to_string(op.chain.size()) + " bytes)";
  }
  std::string operator()(const TimeOp& op) const {
    if (op.amount >= 0x8000) return "time +" + std::to_string(op.amount - 0x8000) + " s";
    return "time +" + std::to_string(op.amount) + " ms";
  }
  std::string operator()(const KernelOp& op) const {
    static constexpr const char* kNames[] = {"add-fault", "clear-faults", "soft-expire",
                                             "hard-expire", "spurious-expire"};
    return "kernel " + side_name(op.side) + " " + kNames[static_cast<size_t>(op.kind)];
  }
  std::string operator()(const ApiOp& op) const {
    static constexpr const char* kNames[] = {"initiate",        "rekey-child",   "rekey-ike",
                                             "terminate-child", "terminate-ike", "reset"};
    return "api " + side_name(op.side) + " " + kNames[static_cast<size_t>(op.call)];
  }
  std::string operator()(const NetworkOp& op) const {
    static constexpr const char* kNames[] = {"heal", "partition", "impair", "clear", "host-up"};
    return std::string("network ") + kNames[static_cast<size_t>(op.kind)];
  }
  std::string operator()(const ReplayOp& op) const {
    return "replay " + std::to_string(op.back) + ((op.mode & 1) ? " mutated" : "") +
           ((op.mode & 2) ? " twice" : "");
  }
};

}  // namespace

Program decode(ByteView input) {
  Input in(input);
  Program p;
  uint8_t start = in.u8();
  p.start = static_cast<StartState>((start & 7) % kStartStates);
  p.swap_roles = (start & 8) != 0;
  p.variant = in.u8();
  while (!in.empty() && p.ops.size() < kMaxOps) {
    auto code = static_cast<OpCode>(in.u8() % kOpCodes);
    p.ops.push_back(read_op(code, in));
  }
  return p;
}

Bytes encode(const Program& p) {
  wire::Writer w;
  w.u8(static_cast<uint8_t>(static_cast<uint8_t>(p.start) | (p.swap_roles ? 8 : 0)));
  w.u8(p.variant);
  for (const Op& op : p.ops) {
    w.u8(static_cast<uint8_t>(op.index()));
    std::visit(Encoder{w}, op);
  }
  return std::move(w).finish().value_or(Bytes{});
}

std::string describe(const Op& op) { return std::visit(Describer{}, op); }

}  // namespace ikesuite::ikev2::fuzz
