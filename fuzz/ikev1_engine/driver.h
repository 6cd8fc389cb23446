// The IKEv1 engine fuzzer's driver: a program of operations run against two IKEv1 engines
// (moon initiates, sun responds) on the simulated network and a virtual clock.
//
// Program format (every byte string is a valid program; missing bytes read as zero):
//   byte 0   starting point: how many datagrams of a real exchange go over the wire before
//            the operations start (0 = none, 9 = Main Mode and Quick Mode complete,
//            255 = everything within 2 s), reached with the normal engines.
//   byte 1   variant bits: 0x01 Aggressive Mode, 0x02 PFS in Quick Mode, 0x04 moon behind a
//            NAT (NAT-T, port 4500), 0x08 transport mode,
//            0x10 DPD on both ends.
//   then ops, each an opcode byte (taken modulo the number of ops) and its operands:
//     Raw        dir len bytes[len]        a datagram from the peer's IKE endpoint
//     Replay     dir index nflips (pos xor)*   a datagram seen on the wire, bits flipped
//     Encrypted  dir kind flags mid4 first len bytes[len]
//                                          a payload chain sealed with the receiver's
//                                          ISAKMP SA keys and the IV it expects (RFC 2409
//                                          Appendix B), for kind 0 phase 1 (message ID 0),
//                                          1 a running Quick Mode, 2 a new Quick Mode (mid4),
//                                          3 INFORMATIONAL (mid4); flags 0x01 prepends a
//                                          correct HASH(1)/informational HASH
//     Advance    amount                    virtual time: amount^2 / 16 seconds
//     Api        host call                 initiate, rekey_child, rekey_ike, terminate_child,
//                                          terminate_ike, reset, start, list_sas
//     Fault      host op nth times         an SA backend failure (FaultInjector rule)
//     Link       what                      host up/down, packet loss on/off
//     Expire     host index hard           an SA backend expire event for an installed SA
// Invariants checked after every op: no invariant violation reported by either engine,
// every state a valid enum value, every installed CHILD_SA's inbound and outbound SAs
// present in its host's backend.
#pragma once

#include <functional>
#include <string>

#include "engine/base/bytes.h"
#include "engine/base/log.h"

namespace ikesuite::ikev1::fuzz {

struct Options {
  Logger* log = nullptr;  // both engines' logs, or nothing
  bool trap = false;      // abort() on the first broken invariant (for libFuzzer)
};

struct Outcome {
  size_t ops = 0;
  std::string violation;  // empty when every invariant held
  size_t established = 0;  // ISAKMP SAs established on moon at the end
};

Outcome run(ByteView program, const Options& options = {});

}  // namespace ikesuite::ikev1::fuzz
