// IKE SA and Child SA states, named as charon names them in its logs, and the tables of
// allowed transitions. Every state change goes through these tables, is logged as
//   IKE_SA <name>[<n>] state change: CONNECTING => ESTABLISHED
//   CHILD_SA <name>{<n>} state change: INSTALLING => INSTALLED
// and is reported to the observer, so scenarios can expect both the lines and the events.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace ikesuite::ikev2 {

enum class IkeSaState : uint8_t {
  Created,      // allocated, nothing sent or received yet
  Connecting,   // IKE_SA_INIT/IKE_AUTH in progress
  Established,  // authenticated
  Passive,      // kept for reference after a reauthentication took over (not used yet)
  Rekeying,     // our CREATE_CHILD_SA rekeying this IKE SA is outstanding
  Rekeyed,      // replaced by a new IKE SA, waiting for the delete
  Deleting,     // our INFORMATIONAL Delete is outstanding
  Destroying,   // being torn down; no message is processed any more
};

enum class ChildSaState : uint8_t {
  Created,     // SPI allocated, negotiation running
  Routed,      // trap policy installed (auto=route), no SA yet
  Installing,  // SAs being installed in the backend
  Installed,   // SAs and policies in place
  Updating,    // addresses being updated
  Rekeying,    // our rekey of this Child SA is outstanding
  Rekeyed,     // replaced by a newer Child SA, waiting for its delete
  Retrying,    // waiting to retry after TEMPORARY_FAILURE or a collision
  Deleting,    // our Delete is outstanding
  Deleted,     // outbound removed, inbound kept for delete_rekeyed_delay
  Destroying,  // being removed
};

std::string_view name(IkeSaState s);
std::string_view name(ChildSaState s);

struct IkeTransition {
  IkeSaState from;
  IkeSaState to;
  std::string_view why;  // the event that takes this edge, for the generated state diagram
};

struct ChildTransition {
  ChildSaState from;
  ChildSaState to;
  std::string_view why;
};

// The allowed edges. Anything else is an engine bug: it is logged, reported as an invariant
// violation (fuzzers abort on it) and the SA is torn down.
std::span<const IkeTransition> ike_transitions();
std::span<const ChildTransition> child_transitions();
bool allowed(IkeSaState from, IkeSaState to);
bool allowed(ChildSaState from, ChildSaState to);

}  // namespace ikesuite::ikev2
