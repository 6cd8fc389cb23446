// Translating a scenario host into the reference engine's configuration: ipsec.conf
// connections into ikev2::PeerConfig/ChildConfig, strongswan.conf settings into
// ikev2::Settings, ipsec.secrets into Credentials, with strongSwan 5.9's rules where the file
// leaves something out (an empty id is the end's address, empty proposal lists are charon's
// default proposals, a list without '!' has the defaults appended). Shared by the sim runner
// and the standalone daemon, which build the same host from a scenario file.
//
// Keys the engine cannot honour are reported, never silently dropped: an error when they
// would change the protocol (keyexchange=ikev1 until the IKEv1 engine plugs in, type=
// passthrough, port-restricted selectors), a note for the host log when they only matter
// outside the protocol (leftfirewall, mobike=yes, installpolicy).
#pragma once

#include <string>
#include <vector>

#include "engine/base/result.h"
#include "engine/ikev2/config.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::harness::run {

// charon 5.9's default proposals in strongSwan syntax (proposal_create_default and
// proposal_create_default_aead, libstrongswan/crypto/proposal/proposal.c), limited to the
// algorithms the reference engine implements.
extern const char* const kDefaultIkeProposals[2];
extern const char* const kDefaultEspProposal;
extern const char* const kDefaultAhProposal;

struct RefConfig {
  ikev2::Settings settings;
  ikev2::Credentials credentials;
  std::vector<ikev2::PeerConfig> connections;  // the loaded ones (auto != ignore), file order
  std::vector<std::string> notes;              // for the host log: what is not modelled
};

// The whole host. Errors name the connection or setting and why.
Result<RefConfig> build_ref_config(const Host& host);

// One connection (with the host's secrets, certificates and CAs).
Result<ikev2::PeerConfig> build_peer_config(const Host& host, const Connection& conn,
                                            std::vector<std::string>& notes);

// Proposals as the engine wants them: each list entry parsed (a trailing '!' marks the list
// strict), defaults when empty, defaults appended when not strict; renumbered from 1.
Result<std::vector<v2::Proposal>> build_proposals(v2::ProtocolId protocol,
                                                  const std::vector<std::string>& configured);

ikev2::Settings build_settings(const harness::Settings& settings, std::vector<std::string>& notes);

}  // namespace ikesuite::harness::run
