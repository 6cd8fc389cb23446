// The input language of the IKEv2 engine fuzzer: a start state and a list of operations on a
// two-host world (the initiator and the responder of the start state's handshake, on the
// simulated network and a virtual clock). The fuzzer mutates bytes; this file says what they
// mean, and lets the corpus generator write programs that decode to exactly what it meant.
//
// Decoding is total and does not depend on the world: any byte string is a program (missing
// bytes read as zero, lengths are clipped to what is left), so libFuzzer's mutations always
// reach the engine, and a corpus file means the same operations whatever the engine did with
// the ones before it.
//
//   input    = start:u8 variant:u8 op*
//   start    = bits 0-2: StartState (modulo 7); bit 3: the responder host (sun) is the
//              initiator of the start state's handshake instead of moon
//   variant  = Variant bits (configuration of both engines)
//   op       = code:u8 (OpCode, modulo kOpCodes) body (below)
//
//   Raw      to:Target udp_len:u16 udp_payload
//   Clear    to:Target sa:u8 spis:u8 [spi_i:u64 if spis&1] [spi_r:u64 if spis&2] exchange:u8
//            flags:u8 mid:MessageId first_payload:u8 chain_len:u16 chain
//   Sealed   to:Target sa:u8 exchange:u8 flags:u8 mid:MessageId first_payload:u8 frag:u8
//            [number:u8 total:u8 if frag != 0] chain_len:u16 chain
//   Time     amount:u16   (below 0x8000: milliseconds; from 0x8000 on: (amount-0x8000) s)
//   Kernel   side:u8 kind:u8 (KernelKind, modulo) kind-specific fields (see KernelOp)
//   Api      side:u8 call:u8 (ApiCall, modulo)
//   Network  kind:u8 (NetworkKind, modulo) kind-specific fields (see NetworkOp)
//   Replay   back:u8 mode:u8 [offset:u16 xor:u8 if mode&1]
//
//   Target    = bit 0: Side; bits 1-2: PortMode; [src_port:u16 if PortMode::ExplicitSource]
//   flags     = bit 7 clear: as the peer would set them (its I flag, and R when bit 0 is
//               set); bit 7 set: the low 7 bits, verbatim (wrong I flag, reserved bits, ...)
//   MessageId = mode:u8 (MidMode, modulo) [mid:u32 if MidMode::Explicit]
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/base/bytes.h"

namespace ikesuite::ikev2::fuzz {

enum class StartState : uint8_t {
  FreshResponder,   // both engines configured, nothing exchanged
  InitSent,         // the initiator's IKE_SA_INIT request was lost: it waits for a response
  InitAnswered,     // the responder answered IKE_SA_INIT, the answer was lost: half-open SA
  Established,      // IKE SA and first Child SA up on both sides
  ChildRekeying,    // established; the initiator's Child SA rekey request is outstanding
  IkeRekeying,      // established; the initiator's IKE SA rekey request is outstanding
  Deleting,         // established; the initiator's Delete of the IKE SA is outstanding
};
inline constexpr size_t kStartStates = 7;
std::string_view name(StartState s);

// Configuration bits of both engines (the second input byte).
namespace variant {
inline constexpr uint8_t kCookies = 0x01;        // the responder demands COOKIEs from 1 half-open SA
inline constexpr uint8_t kFragments = 0x02;      // small fragment_size: IKE_AUTH goes in SKF fragments
inline constexpr uint8_t kChildless = 0x04;      // IKE_AUTH without a Child SA (RFC 6023)
inline constexpr uint8_t kCbcFirst = 0x08;       // AES-CBC/HMAC/ECP-256 IKE proposal preferred
inline constexpr uint8_t kPfsFirst = 0x10;       // ESP proposal with PFS (Curve25519) preferred
inline constexpr uint8_t kTransport = 0x20;      // transport mode Child SAs
inline constexpr uint8_t kDpd = 0x40;            // dpd_delay 10 s, dpdaction restart
inline constexpr uint8_t kMakeBeforeBreak = 0x80;
}  // namespace variant

// Hosts by their role in the start state's handshake, so a program keeps its meaning when
// the roles are swapped.
enum class Side : uint8_t { Initiator, Responder };

enum class PortMode : uint8_t {
  Ike500,          // 500 -> 500, plain
  Natt4500,        // 4500 -> 4500, the non-ESP marker prepended
  Raw4500,         // 4500 -> 4500, the payload as given (ESP, keepalives, junk, no marker)
  ExplicitSource,  // src_port -> 4500, non-ESP marker: a NAT rewrote the peer's port
};

struct Target {
  Side to = Side::Responder;
  PortMode port = PortMode::Ike500;
  uint16_t src_port = 0;  // for ExplicitSource
  bool operator==(const Target&) const = default;
};

enum class MidMode : uint8_t {
  Natural,   // requests: the message ID the target expects; responses: its outstanding one
  Explicit,  // the u32 that follows
  Previous,  // Natural - 1 (a retransmission, or a stale response)
  Next,      // Natural + 1 (out of window)
};
inline constexpr size_t kMidModes = 4;

struct MessageId {
  MidMode mode = MidMode::Natural;
  uint32_t value = 0;  // for Explicit
  bool operator==(const MessageId&) const = default;
};

inline constexpr uint8_t kFlagsVerbatim = 0x80;
inline constexpr uint8_t kFlagsResponse = 0x01;

// A UDP payload delivered to a host from its peer's address.
struct RawOp {
  Target at;
  Bytes udp_payload;
  bool operator==(const RawOp&) const = default;
};

// An unencrypted message: a header built from the fields (SPIs from the target's IKE SA
// number `sa` among its live ones, unless given) and an arbitrary payload chain.
struct ClearOp {
  Target at;
  uint8_t sa = 0;
  std::optional<uint64_t> spi_i;
  std::optional<uint64_t> spi_r;
  uint8_t exchange = 34;
  uint8_t flags = 0;
  MessageId mid;
  uint8_t first_payload = 0;
  Bytes chain;
  bool operator==(const ClearOp&) const = default;
};

// A message protected with the keys of the target's IKE SA number `sa`, exactly as the peer
// would protect it (SK, or one SKF fragment when `fragment` is set), around an arbitrary
// inner payload chain: this is what carries the fuzzer past the ICV into every handler.
struct SealedOp {
  Target at;
  uint8_t sa = 0;
  uint8_t exchange = 37;
  uint8_t flags = 0;
  MessageId mid;
  uint8_t first_payload = 0;
  std::optional<std::pair<uint8_t, uint8_t>> fragment;  // number, total
  Bytes chain;
  bool operator==(const SealedOp&) const = default;
};

struct TimeOp {
  uint16_t amount = 0;
  bool operator==(const TimeOp&) const = default;
};

enum class KernelKind : uint8_t {
  AddFault,        // op:u8 nth:u8 times:u8 err:u8 direction:u8 — a FaultInjector rule
  ClearFaults,
  SoftExpire,      // child:u8 inbound:u8 — the kernel's soft expire of one of its SAs
  HardExpire,      // child:u8 inbound:u8 — the SA removed and the hard expire delivered
  SpuriousExpire,  // spi:u32 hard:u8 — an expire for an SA the engine may not know
};
inline constexpr size_t kKernelKinds = 5;

struct KernelOp {
  Side side = Side::Initiator;
  KernelKind kind = KernelKind::AddFault;
  uint8_t a = 0, b = 0, c = 0, d = 0, e = 0;  // the kind's u8 fields, in order
  uint32_t spi = 0;                           // SpuriousExpire
  bool operator==(const KernelOp&) const = default;
};

enum class ApiCall : uint8_t { Initiate, RekeyChild, RekeyIke, TerminateChild, TerminateIke, Reset };
inline constexpr size_t kApiCalls = 6;

struct ApiOp {
  Side side = Side::Initiator;
  ApiCall call = ApiCall::Initiate;
  bool operator==(const ApiOp&) const = default;
};

enum class NetworkKind : uint8_t {
  Heal,       // heal the partition between the two hosts
  Partition,  // cut them apart (injected datagrams still arrive)
  Impair,     // loss:u8 duplicate:u8 reorder:u8 delay_ms:u8 (probabilities in 1/255)
  Clear,      // no impairment
  HostUp,     // side:u8 up:u8
};
inline constexpr size_t kNetworkKinds = 5;

struct NetworkOp {
  NetworkKind kind = NetworkKind::Heal;
  uint8_t a = 0, b = 0, c = 0, d = 0;
  bool operator==(const NetworkOp&) const = default;
};

// One of the last datagrams the hosts sent, put on the wire again (to its destination),
// optionally with one byte changed, optionally twice.
struct ReplayOp {
  uint8_t back = 0;  // 0 = the most recent
  uint8_t mode = 0;  // bit 0: mutate; bit 1: deliver twice
  uint16_t offset = 0;
  uint8_t xor_mask = 0;
  bool operator==(const ReplayOp&) const = default;
};

enum class OpCode : uint8_t { Raw, Clear, Sealed, Time, Kernel, Api, Network, Replay };
inline constexpr size_t kOpCodes = 8;

using Op = std::variant<RawOp, ClearOp, SealedOp, TimeOp, KernelOp, ApiOp, NetworkOp, ReplayOp>;

struct Program {
  StartState start = StartState::FreshResponder;
  bool swap_roles = false;
  uint8_t variant = 0;
  std::vector<Op> ops;
  bool operator==(const Program&) const = default;
};

// Bounds that keep one execution within a few milliseconds.
inline constexpr size_t kMaxOps = 128;

// Any input is a program (see the grammar above); at most kMaxOps operations are decoded.
Program decode(ByteView input);
// The bytes that decode() turns back into `program` (for programs with at most kMaxOps
// operations and chains of at most 65535 bytes).
Bytes encode(const Program& program);

// One line per operation, for logs and test failures: "sealed -> responder:500 sa 0 ...".
std::string describe(const Op& op);

}  // namespace ikesuite::ikev2::fuzz
