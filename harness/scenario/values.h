// Parsers for the value syntaxes of scenario files: ipsec.conf durations and percentages,
// yes/no, traffic selectors, ipsec.secrets PSKs, charon's payload labels and notify names,
// errno names. Each returns a Result whose error reason is the text the loader reports.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::harness {

// "10s", "5m", "1h", "2d", "500ms", "1.5h", or a bare number of seconds ("30", "0.25").
Result<Duration> parse_duration(std::string_view text);
// A number of seconds from a JSON number (must be finite and >= 0).
Result<Duration> duration_from_seconds(double s);
// A duration as scenario files write it: "5s", "4.9s", "0.25s", "90s".
std::string describe_duration(Duration d);
// "0%", "100%", "250%" -> 0.0, 1.0, 2.5 (ipsec.conf rekeyfuzz).
Result<double> parse_percent(std::string_view text);
// "30%", "0.5%" -> 0.3, 0.005; at most 100%.
Result<double> parse_probability(std::string_view text);
// "yes"/"no" (ipsec.conf also accepts "true"/"false").
Result<bool> parse_yes_no(std::string_view text);

// An IP protocol for leftprotoport and selectors: a number, "%any", or one of tcp, udp,
// icmp, icmpv6, sctp, gre, esp, ah.
Result<uint8_t> parse_ip_protocol(std::string_view text);
// "tcp", "tcp/80", "udp/500-600", "17/%any", "%any" (ipsec.conf leftprotoport).
struct ProtoPort {
  uint8_t protocol = 0;
  uint16_t port_from = 0;
  uint16_t port_to = 0xffff;
};
Result<ProtoPort> parse_protoport(std::string_view text);
// "10.1.0.0/16", "192.168.0.1", "10.1.0.0/16[tcp/80]", "fec1::/16[udp/500-600]".
Result<TrafficSelectorSpec> parse_traffic_selector(std::string_view text);
// A comma-separated list of selectors (ipsec.conf leftsubnet); empty items are errors.
Result<std::vector<TrafficSelectorSpec>> parse_traffic_selectors(std::string_view text);

// An ipsec.secrets PSK: "0x" + hex, "0s" + base64, or the text itself.
Result<Bytes> parse_psk(std::string_view text);
// Hex without a prefix ("deadbeef"), as impairment data is written.
Result<Bytes> parse_hex(std::string_view text);

// An errno name ("EPROTONOSUPPORT") or number; names are those of Linux.
Result<int> parse_errno(std::string_view text);
std::string errno_name(int err);  // "EPROTONOSUPPORT", or the number as text

// A Diffie-Hellman group (transform type 4): the registry name ("MODP_2048", "CURVE25519"),
// strongSwan's keyword ("modp2048", "ecp256", "x25519") or the number.
Result<uint16_t> parse_dh_group(std::string_view text);

// An exchange by name: IKEv2 ("IKE_SA_INIT", "IKE_AUTH", "CREATE_CHILD_SA", "INFORMATIONAL",
// ...) or IKEv1 as charon logs it ("ID_PROT", "AGGRESSIVE", "QUICK_MODE",
// "INFORMATIONAL_V1", "TRANSACTION"). Numbers are not accepted: the names are the contract.
struct ExchangeName {
  uint8_t version = 2;
  uint8_t value = 0;
};
std::optional<ExchangeName> parse_exchange(std::string_view text);
std::string exchange_name(uint8_t version, uint8_t value);
// Every exchange name of a version, for suggestions.
std::vector<std::string> exchange_names(uint8_t version);

// A notify type: the RFC name, charon's short name ("NO_PROP", "AUTH_FAILED", "NATD_S_IP",
// "INVAL_KE", "TS_UNACCEPT", "DPD"), or a number (0..65535). Case-insensitive; '-' = '_'.
Result<uint16_t> parse_notify(std::string_view text, uint8_t version);
// The RFC name, or "NOTIFY(n)" for unregistered numbers.
std::string notify_name(uint16_t value, uint8_t version);
// charon's short name (as in its "[ ... N(NO_PROP) ... ]" logs), or the RFC name.
std::string notify_short_name(uint16_t value, uint8_t version);

// A payload label as charon logs it: "SA", "KE", "No", "N", "N(REKEY_SA)", "IDi", "IDr",
// "CERT", "CERTREQ", "AUTH", "D", "V", "TSi", "TSr", "E", "EF", "CP", "CPRQ", "CPRP", "CPS",
// "CPA", "EAP" (IKEv2); "SA", "KE", "No", "ID", "CERT", "CRE", "HASH", "SIG", "N(...)", "D",
// "V", "NAT-D", "NAT-OA", "FRAG" (IKEv1). Registry names ("Nonce", "Delete") and numbers are
// accepted too. Arguments charon adds ("EF(1/3)", "CPRQ(ADDR DNS)", "EAP/REQ/ID") are read
// and ignored.
Result<PayloadLabel> parse_payload_label(std::string_view text, uint8_t version);
// Every plain label of a version (for suggestions and docs).
std::vector<std::string> payload_label_names(uint8_t version);

// A charon message summary: "CREATE_CHILD_SA request 2 [ N(REKEY_SA) SA No TSi TSr ]".
struct MessageSummary {
  ExchangeName exchange;
  MessageKind kind = MessageKind::kRequest;
  uint32_t message_id = 0;
  std::vector<PayloadLabel> payloads;
};
Result<MessageSummary> parse_message_summary(std::string_view text);
// Splits "[ N(REKEY_SA) SA CPRQ(ADDR DNS) ]" contents into labels, keeping parentheses whole.
std::vector<std::string> split_labels(std::string_view text);

// charon's IKE SA and Child SA state names.
std::span<const std::string_view> ike_state_names();
std::span<const std::string_view> child_state_names();
bool is_ike_state(std::string_view s);
bool is_child_state(std::string_view s);
// Why `s` is not a state of the kind asked for: " (it is a Child SA state)", or a
// did-you-mean hint, or "".
std::string state_hint(std::string_view s, bool ike);
// "CONNECTING => ESTABLISHED" (spaces around "=>" optional).
Result<std::pair<std::string, std::string>> parse_transition(std::string_view text);

// The candidate closest to `text` by edit distance (case-insensitive), if close enough to be
// a plausible typo; for "did you mean" hints.
std::optional<std::string> closest_match(std::string_view text,
                                         const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view text, const std::vector<std::string>& candidates);

}  // namespace ikesuite::harness
