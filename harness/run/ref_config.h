// Translating a scenario host into the reference engine's configuration: ipsec.conf
// connections into ikev2::PeerConfig/ChildConfig, strongswan.conf settings into
// ikev2::Settings, ipsec.secrets into Credentials, with strongSwan 5.9's rules where the file
// leaves something out (an empty id is the end's address, empty proposal lists are charon's
// default proposals, a list without '!' has the defaults appended). Shared by the sim runner
// and the standalone daemon, which build the same host from a scenario file.
//
// keyexchange=ikev1 connections go to the IKEv1 engine (ikev1::PeerConfig), every other one
// (keyexchange=ike initiates IKEv2 in charon) to the IKEv2 engine.
//
// Keys the engine cannot honour are reported, never silently dropped: an error when they
// would change the protocol (type=passthrough, port-restricted selectors, ah= on IKEv1), a note for the host log when they only matter
// outside the protocol (leftfirewall, mobike=yes, installpolicy).
#pragma once

#include <string>
#include <vector>

#include "engine/base/result.h"
#include "engine/crypto/proposal.h"
#include "engine/ikev1/config.h"
#include "engine/ikev2/config.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::harness::run {

// charon 5.9's default proposals in strongSwan syntax (proposal_create_default and
// proposal_create_default_aead, libstrongswan/crypto/proposal/proposal.c), limited to the
// algorithms the reference engine implements.
extern const char* const kDefaultIkeProposals[2];
extern const char* const kDefaultEspProposal;
extern const char* const kDefaultAhProposal;
// charon 5.9's IKEv1 defaults: the first algorithm of each kind of the defaults above.
extern const char* const kDefaultV1IkeProposal;
extern const char* const kDefaultV1EspProposal;

struct RefConfig {
  ikev2::Settings settings;
  ikev2::Credentials credentials;
  std::vector<ikev2::PeerConfig> connections;  // the loaded ones (auto != ignore), file order
  ikev1::Settings v1_settings;
  std::vector<ikev1::PeerConfig> v1_connections;  // keyexchange=ikev1 ones, file order
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

// keyexchange=ikev1: one connection as the IKEv1 engine wants it.
Result<ikev1::PeerConfig> build_v1_peer_config(const Host& host, const Connection& conn,
                                               std::vector<std::string>& notes);
// IKEv1 transform lists: each entry parsed ('!' marks the list strict), defaults appended
// when not strict, duplicates of configured transforms left out.
Result<std::vector<crypto::V1IkeTransform>> build_v1_ike_proposals(
    const std::vector<std::string>& configured);
Result<std::vector<crypto::V1EspTransform>> build_v1_esp_proposals(
    const std::vector<std::string>& configured);
// The charon settings both engines share, for the IKEv1 engine.
ikev1::Settings build_v1_settings(const ikev2::Settings& v2);

ikev2::Settings build_settings(const harness::Settings& settings, std::vector<std::string>& notes);

}  // namespace ikesuite::harness::run
