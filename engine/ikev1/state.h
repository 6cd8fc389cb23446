// States of the IKEv1 engine, as tables.
//
// Two levels, logged in two forms so that scenarios written for either daemon can expect them:
//
//  - The SA states charon shows for IKEv1 too (the IKEv2 engine's enums, shared so that the
//    harness reads both engines the same way):
//      IKE_SA <name>[<n>] state change: CONNECTING => ESTABLISHED
//      CHILD_SA <name>{<n>} state change: INSTALLING => INSTALLED
//
//  - The exchange states of RFC 2409 as pluto names them (MAIN_I1..MAIN_I4, MAIN_R0..MAIN_R3,
//    AGGR_I1/I2, AGGR_R0..R2, QUICK_I1/I2, QUICK_R0..R2), one line per change of the Main or
//    Aggressive Mode exchange of an ISAKMP SA, or of one Quick Mode exchange:
//      IKE_SA <name>[<n>] phase 1 state change: MAIN_I3 => MAIN_I4
//      CHILD_SA <name>{<n>} phase 2 state change: QUICK_R1 => QUICK_R2
//    (a Quick Mode exchange is named by the CHILD_SA it negotiates). An exchange state is
//    "<mode>_<I|R><n>": the message pairs it has sent (initiator) or answered (responder);
//    I4, R3, I2/R2 are the final states in which the SA is established.
//
// Every change goes through the tables below; an edge that is not in them is an engine bug:
// it is logged, reported to the observer as an invariant violation, and fuzzers abort on it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "engine/ikev2/state.h"

namespace ikesuite::ikev1 {

using ikev2::ChildSaState;
using ikev2::IkeSaState;

enum class ExchangeState : uint8_t {
  None,  // before the first message
  MainI1,   // sent SA; expecting the responder's SA
  MainI2,   // sent KE, Ni; expecting KE, Nr
  MainI3,   // sent IDii, HASH_I/SIG_I; expecting IDir, HASH_R/SIG_R
  MainI4,   // ISAKMP SA established
  MainR0,   // received SA, choosing
  MainR1,   // sent SA; expecting KE, Ni
  MainR2,   // sent KE, Nr; expecting IDii, HASH_I/SIG_I
  MainR3,   // sent IDir, HASH_R/SIG_R: ISAKMP SA established
  AggrI1,   // sent SA, KE, Ni, IDii; expecting the responder's answer
  AggrI2,   // sent HASH_I/SIG_I: ISAKMP SA established
  AggrR0,   // received SA, KE, Ni, IDii
  AggrR1,   // sent SA, KE, Nr, IDir, HASH_R/SIG_R; expecting HASH_I/SIG_I
  AggrR2,   // ISAKMP SA established
  QuickI1,  // sent HASH(1), SA, Ni [, KE] [, IDci, IDcr]; expecting HASH(2) ...
  QuickI2,  // SAs installed, sent HASH(3)
  QuickR0,  // received HASH(1) ...
  QuickR1,  // inbound SA installed, sent HASH(2) ...; expecting HASH(3)
  QuickR2,  // outbound SA installed: IPsec SA established
};

std::string_view name(ExchangeState s);  // "MAIN_I1", "QUICK_R2", "NONE"

// Whether the exchange in this state has sent its last message or received the peer's last
// one (nothing more is expected of it).
bool is_final(ExchangeState s);

struct ExchangeTransition {
  ExchangeState from;
  ExchangeState to;
  std::string_view why;
};

struct IkeTransition {
  IkeSaState from;
  IkeSaState to;
  std::string_view why;
};

struct ChildTransition {
  ChildSaState from;
  ChildSaState to;
  std::string_view why;
};

// The allowed edges, for the checks and for the generated state diagrams.
std::span<const IkeTransition> ike_transitions();
std::span<const ChildTransition> child_transitions();
std::span<const ExchangeTransition> exchange_transitions();
bool allowed(IkeSaState from, IkeSaState to);
bool allowed(ChildSaState from, ChildSaState to);
bool allowed(ExchangeState from, ExchangeState to);

}  // namespace ikesuite::ikev1
