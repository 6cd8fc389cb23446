#include "engine/ikev2/state.h"

namespace ikesuite::ikev2 {

std::string_view name(IkeSaState s) {
  switch (s) {
    case IkeSaState::Created: return "CREATED";
    case IkeSaState::Connecting: return "CONNECTING";
    case IkeSaState::Established: return "ESTABLISHED";
    case IkeSaState::Passive: return "PASSIVE";
    case IkeSaState::Rekeying: return "REKEYING";
    case IkeSaState::Rekeyed: return "REKEYED";
    case IkeSaState::Deleting: return "DELETING";
    case IkeSaState::Destroying: return "DESTROYING";
  }
  return "?";
}

std::string_view name(ChildSaState s) {
  switch (s) {
    case ChildSaState::Created: return "CREATED";
    case ChildSaState::Routed: return "ROUTED";
    case ChildSaState::Installing: return "INSTALLING";
    case ChildSaState::Installed: return "INSTALLED";
    case ChildSaState::Updating: return "UPDATING";
    case ChildSaState::Rekeying: return "REKEYING";
    case ChildSaState::Rekeyed: return "REKEYED";
    case ChildSaState::Retrying: return "RETRYING";
    case ChildSaState::Deleting: return "DELETING";
    case ChildSaState::Deleted: return "DELETED";
    case ChildSaState::Destroying: return "DESTROYING";
  }
  return "?";
}

namespace {

using I = IkeSaState;
constexpr IkeTransition kIkeTransitions[] = {
    {I::Created, I::Connecting, "initiate, or IKE_SA_INIT request accepted"},
    {I::Created, I::Destroying, "IKE_SA_INIT request refused"},
    {I::Created, I::Established, "created by rekeying an established IKE SA (RFC 7296 2.18)"},
    {I::Connecting, I::Established, "IKE_AUTH completed"},
    {I::Connecting, I::Destroying, "authentication failed, no proposal, peer not responding"},
    {I::Connecting, I::Created, "retry with a COOKIE or another DH group"},
    {I::Established, I::Rekeying, "IKE SA rekey initiated"},
    {I::Established, I::Rekeyed, "peer rekeyed this IKE SA"},
    {I::Established, I::Deleting, "Delete of the IKE SA initiated"},
    {I::Established, I::Destroying, "peer deleted the IKE SA, or liveness check failed"},
    {I::Rekeying, I::Established, "rekey failed or lost a collision"},
    {I::Rekeying, I::Rekeyed, "rekey completed"},
    {I::Rekeying, I::Deleting, "Delete initiated during rekey"},
    {I::Rekeying, I::Destroying, "peer deleted the IKE SA, or peer not responding"},
    {I::Rekeyed, I::Deleting, "Delete of the replaced IKE SA initiated"},
    {I::Rekeyed, I::Destroying, "Delete of the replaced IKE SA received"},
    {I::Deleting, I::Destroying, "Delete answered or not answered"},
    {I::Passive, I::Destroying, "replaced SA removed"},
};

using C = ChildSaState;
constexpr ChildTransition kChildTransitions[] = {
    {C::Created, C::Installing, "negotiated, installing SAs"},
    {C::Created, C::Destroying, "negotiation failed"},
    {C::Created, C::Routed, "trap policy installed"},
    {C::Routed, C::Created, "acquire: negotiation started"},
    {C::Routed, C::Destroying, "unrouted"},
    {C::Installing, C::Installed, "SAs and policies installed"},
    {C::Installing, C::Destroying, "install failed"},
    {C::Installing, C::Deleting, "install failed on the initiator: Delete sent to the peer"},
    {C::Installed, C::Rekeying, "rekey initiated"},
    {C::Installed, C::Rekeyed, "peer rekeyed this Child SA"},
    {C::Installed, C::Updating, "addresses changing"},
    {C::Installed, C::Deleting, "Delete initiated"},
    {C::Installed, C::Deleted, "Delete received"},
    {C::Installed, C::Destroying, "IKE SA gone or hard expire"},
    {C::Updating, C::Installed, "addresses updated"},
    {C::Updating, C::Destroying, "update failed"},
    {C::Rekeying, C::Installed, "rekey failed or lost a collision"},
    {C::Rekeying, C::Rekeyed, "rekey completed"},
    {C::Rekeying, C::Retrying, "TEMPORARY_FAILURE: retry later"},
    {C::Rekeying, C::Deleting, "Delete initiated during rekey"},
    {C::Rekeying, C::Deleted, "Delete received during rekey"},
    {C::Rekeying, C::Destroying, "IKE SA gone or hard expire"},
    {C::Retrying, C::Rekeying, "retrying the rekey"},
    {C::Retrying, C::Installed, "retry abandoned"},
    {C::Retrying, C::Destroying, "IKE SA gone or hard expire"},
    {C::Retrying, C::Deleting, "Delete initiated while waiting to retry the rekey"},
    {C::Rekeyed, C::Deleting, "Delete of the replaced Child SA initiated"},
    {C::Rekeyed, C::Deleted, "Delete of the replaced Child SA received"},
    {C::Rekeyed, C::Destroying, "IKE SA gone or hard expire"},
    {C::Deleting, C::Deleted, "Delete answered"},
    {C::Deleting, C::Destroying, "IKE SA gone"},
    {C::Deleted, C::Destroying, "inbound SA removed after delete_rekeyed_delay"},
};

}  // namespace

std::span<const IkeTransition> ike_transitions() { return kIkeTransitions; }
std::span<const ChildTransition> child_transitions() { return kChildTransitions; }

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

}  // namespace ikesuite::ikev2
