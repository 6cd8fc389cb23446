#include "engine/ikev1/state.h"

namespace ikesuite::ikev1 {

std::string_view name(ExchangeState s) {
  switch (s) {
    case ExchangeState::None: return "NONE";
    case ExchangeState::MainI1: return "MAIN_I1";
    case ExchangeState::MainI2: return "MAIN_I2";
    case ExchangeState::MainI3: return "MAIN_I3";
    case ExchangeState::MainI4: return "MAIN_I4";
    case ExchangeState::MainR0: return "MAIN_R0";
    case ExchangeState::MainR1: return "MAIN_R1";
    case ExchangeState::MainR2: return "MAIN_R2";
    case ExchangeState::MainR3: return "MAIN_R3";
    case ExchangeState::AggrI1: return "AGGR_I1";
    case ExchangeState::AggrI2: return "AGGR_I2";
    case ExchangeState::AggrR0: return "AGGR_R0";
    case ExchangeState::AggrR1: return "AGGR_R1";
    case ExchangeState::AggrR2: return "AGGR_R2";
    case ExchangeState::QuickI1: return "QUICK_I1";
    case ExchangeState::QuickI2: return "QUICK_I2";
    case ExchangeState::QuickR0: return "QUICK_R0";
    case ExchangeState::QuickR1: return "QUICK_R1";
    case ExchangeState::QuickR2: return "QUICK_R2";
  }
  return "?";
}

bool is_final(ExchangeState s) {
  return s == ExchangeState::MainI4 || s == ExchangeState::MainR3 || s == ExchangeState::AggrI2 ||
         s == ExchangeState::AggrR2 || s == ExchangeState::QuickI2 || s == ExchangeState::QuickR2;
}

namespace {

using E = ExchangeState;
constexpr ExchangeTransition kExchangeTransitions[] = {
    // RFC 2409 §5: Main Mode, three message pairs.
    {E::None, E::MainI1, "sent HDR, SA"},
    {E::MainI1, E::MainI2, "received SA, sent KE, Ni"},
    {E::MainI2, E::MainI3, "received KE, Nr, sent HDR*, IDii, HASH_I/SIG_I"},
    {E::MainI3, E::MainI4, "received IDir, HASH_R/SIG_R: authenticated"},
    {E::None, E::MainR0, "received HDR, SA"},
    {E::MainR0, E::MainR1, "sent SA"},
    {E::MainR1, E::MainR2, "received KE, Ni, sent KE, Nr"},
    {E::MainR2, E::MainR3, "received IDii, HASH_I/SIG_I, sent IDir, HASH_R/SIG_R"},
    // RFC 2409 §5: Aggressive Mode, three messages.
    {E::None, E::AggrI1, "sent HDR, SA, KE, Ni, IDii"},
    {E::AggrI1, E::AggrI2, "received SA, KE, Nr, IDir, HASH_R, sent HDR*, HASH_I"},
    {E::None, E::AggrR0, "received HDR, SA, KE, Ni, IDii"},
    {E::AggrR0, E::AggrR1, "sent SA, KE, Nr, IDir, HASH_R"},
    {E::AggrR1, E::AggrR2, "received HASH_I: authenticated"},
    // RFC 2409 §5.5: Quick Mode, as seed 000 walks it.
    {E::None, E::QuickI1, "sent HASH(1), SA, Ni [, KE] [, IDci, IDcr]"},
    {E::QuickI1, E::QuickI2, "received HASH(2) ..., installed both SAs, sent HASH(3)"},
    {E::None, E::QuickR0, "received HASH(1) ..."},
    {E::QuickR0, E::QuickR1, "installed the inbound SA, sent HASH(2) ..."},
    {E::QuickR1, E::QuickR2, "received HASH(3), installed the outbound SA"},
};

using I = IkeSaState;
constexpr IkeTransition kIkeTransitions[] = {
    {I::Created, I::Connecting, "Main/Aggressive Mode initiated or first message accepted"},
    {I::Created, I::Destroying, "first message refused"},
    {I::Connecting, I::Established, "phase 1 authenticated"},
    {I::Connecting, I::Destroying, "phase 1 failed, refused or peer not responding"},
    {I::Established, I::Rekeying, "reauthentication (a new phase 1) started"},
    {I::Established, I::Rekeyed, "a newer ISAKMP SA with the peer adopted the CHILD_SAs"},
    {I::Established, I::Deleting, "Delete of the ISAKMP SA sent"},
    {I::Established, I::Destroying, "Delete received, peer dead or reset"},
    {I::Rekeying, I::Established, "reauthentication failed"},
    {I::Rekeying, I::Rekeyed, "reauthentication completed"},
    {I::Rekeying, I::Deleting, "Delete sent during reauthentication"},
    {I::Rekeying, I::Destroying, "Delete received or peer dead during reauthentication"},
    {I::Rekeyed, I::Deleting, "Delete of the replaced ISAKMP SA sent"},
    {I::Rekeyed, I::Destroying, "Delete of the replaced ISAKMP SA received, or it expired"},
    {I::Deleting, I::Destroying, "Delete sent (IKEv1 Deletes are not answered)"},
};

using C = ChildSaState;
constexpr ChildTransition kChildTransitions[] = {
    {C::Created, C::Installing, "Quick Mode negotiated, installing SAs"},
    {C::Created, C::Destroying, "Quick Mode failed"},
    {C::Installing, C::Installed, "both SAs and the policies installed"},
    {C::Installing, C::Destroying, "install failed, HASH(3) never came, or Delete received"},
    {C::Installing, C::Deleting, "install failed: Delete sent to the peer"},
    {C::Installed, C::Rekeying, "rekeying Quick Mode started"},
    {C::Installed, C::Rekeyed, "the peer's rekeying Quick Mode completed"},
    {C::Installed, C::Deleting, "Delete sent"},
    {C::Installed, C::Destroying, "Delete received, ISAKMP SA gone or hard expire"},
    {C::Rekeying, C::Installed, "rekey failed"},
    {C::Rekeying, C::Rekeyed, "rekey completed"},
    {C::Rekeying, C::Deleting, "Delete sent during rekey"},
    {C::Rekeying, C::Destroying, "Delete received, ISAKMP SA gone or hard expire"},
    {C::Rekeyed, C::Deleting, "Delete of the replaced CHILD_SA sent"},
    {C::Rekeyed, C::Deleted, "Delete of the replaced CHILD_SA received"},
    {C::Rekeyed, C::Destroying, "ISAKMP SA gone or hard expire"},
    {C::Deleting, C::Deleted, "outbound SA removed, inbound kept delete_rekeyed_delay"},
    {C::Deleting, C::Destroying, "SAs removed"},
    {C::Deleted, C::Destroying, "inbound SA removed after delete_rekeyed_delay"},
};

}  // namespace

std::span<const IkeTransition> ike_transitions() { return kIkeTransitions; }
std::span<const ChildTransition> child_transitions() { return kChildTransitions; }
std::span<const ExchangeTransition> exchange_transitions() { return kExchangeTransitions; }

bool allowed(IkeSaState from, IkeSaState to) {
  for (const auto& t : kIkeTransitions)
    if (t.from == from && t.to == to) return true;
  return false;
}

bool allowed(ChildSaState from, ChildSaState to) {
  for (const auto& t : kChildTransitions)
    if (t.from == from && t.to == to) return true;
  return false;
}

bool allowed(ExchangeState from, ExchangeState to) {
  for (const auto& t : kExchangeTransitions)
    if (t.from == from && t.to == to) return true;
  return false;
}

}  // namespace ikesuite::ikev1
