// What pluto 4.x reads for one scenario host: ipsec.conf (a `config setup` section and one
// `conn` per loaded connection) and ipsec.secrets, rendered from the scenario's model, whose
// keys follow strongSwan's ipsec.conf. Values are rendered in full (strongSwan's defaults
// included) so pluto behaves as the scenario means, not as pluto's own defaults would.
//
// A key pluto cannot express is an error naming the connection, the key and where the
// scenario wrote it (Connection::key_source): the driver refuses to run a scenario it would
// silently change.
//
// Proposals: strongSwan's syntax is parsed with engine/crypto's parser and written in
// pluto's: IKEv2 ike= "ENCRS-INTEGS-PRFS;DHS" ("aes_cbc_128-sha2_256_128-sha2_256;modp2048"),
// esp= "ENCRS[-INTEGS][;DHS]", IKEv1 one "ENCR-HASH;DH" per transform. Algorithms pluto 4.10
// does not offer (MODP 768/1024, ECP 192/224, brainpool, curve448, ML-KEM, AES-CMAC PRF,
// CAMELLIA-CCM) are errors. strongSwan appends its defaults to a proposal list without a
// trailing '!'; pluto never does, so both forms give pluto exactly the listed proposals.
#pragma once

#include <string>
#include <string_view>

#include "engine/base/result.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::peers {

struct LibreswanConfig {
  std::string ipsec_conf;
  std::string ipsec_secrets;
};

// Renders `host`'s connections and secrets. Connections with auto=ignore are left out;
// auto=start connections are written as auto=add, the driver initiates them itself after
// `whack --listen`.
Result<LibreswanConfig> render_libreswan_config(const harness::Host& host);

// One connection's `conn` section.
Result<std::string> render_conn(const harness::Connection& conn);

// A strongSwan proposal list (the comma-split strings of Connection::ike/esp) in pluto's
// syntax; `context` names the key for errors ("conn 'x': ike").
Result<std::string> pluto_ike_proposals(const std::vector<std::string>& proposals, bool ikev1,
                                        const std::string& context);
Result<std::string> pluto_esp_proposals(const std::vector<std::string>& proposals, bool ikev1,
                                        const std::string& context);
// Whether any ESP proposal carries a DH group (pluto's pfs=yes).
bool esp_wants_pfs(const std::vector<std::string>& proposals, bool ikev1);

// An identity as pluto writes it: "@fqdn" for names ("moon.strongswan.org" gains the '@',
// without which pluto would resolve it in DNS), addresses as they are, DNs quoted.
std::string pluto_id(std::string_view id);

}  // namespace ikesuite::peers
