#include "harness/scenario/catalogue.h"

#include <algorithm>

namespace ikesuite::harness {

namespace {

using K = ImpairKind;

// The catalogue is modelled on Libreswan's "impair" options and strongSwan's conftest hooks:
// every entry changes what the ref host sends (or, for ignore_message, what it accepts) at
// the codec boundary, and says which requirement the peer's reaction is judged against.
constexpr ImpairInfo kImpairments[] = {
    {K::kDropMessage, "drop_message", 0, 0, true, true,
     "does not send matching messages (the first `count`, or all)",
     "RFC 7296 §2.1: the initiator retransmits; the responder answers a retransmission"},
    {K::kDuplicateMessage, "duplicate_message", kParamValue, 0, true, true,
     "sends matching messages 1 + `value` times (default twice)",
     "RFC 7296 §2.1: a duplicate request is answered with the same response, once per copy"},
    {K::kDelayMessage, "delay_message", kParamDelay, kParamDelay, true, true,
     "holds matching messages back for `delay`",
     "RFC 7296 §2.1, §2.4: the peer retransmits and waits before declaring us dead"},
    {K::kReplayMessage, "replay_message", kParamDelay, 0, true, true,
     "sends a verbatim copy of matching messages again after `delay` (default 0)",
     "RFC 7296 §2.2: a replayed message ID is answered from the cache or ignored"},
    {K::kIgnoreMessage, "ignore_message", 0, 0, true, true,
     "silently drops matching messages it receives (a live but mute peer)",
     "RFC 7296 §2.4: the peer retransmits, then deletes the IKE SA"},
    {K::kNoRetransmit, "no_retransmit", 0, 0, true, true,
     "never retransmits matching requests",
     "RFC 7296 §2.1: retransmission is the initiator's job"},
    {K::kTruncateMessage, "truncate_message", kParamValue, kParamValue, true, true,
     "cuts matching datagrams to `value` bytes",
     "RFC 7296 §3.1, §3.2: a truncated message is discarded"},
    {K::kMajorVersion, "major_version", kParamValue, kParamValue, true, true,
     "sends major version `value` in the header",
     "RFC 7296 §2.5: INVALID_MAJOR_VERSION for a higher major version"},
    {K::kMinorVersion, "minor_version", kParamValue, kParamValue, true, true,
     "sends minor version `value` in the header",
     "RFC 7296 §2.5: the minor version is ignored"},
    {K::kHeaderFlags, "header_flags", kParamValue, kParamValue, true, true,
     "XORs the header flags with `value` (0x08 I, 0x10 V, 0x20 R)",
     "RFC 7296 §3.1: the I and R flags decide whose message it is"},
    {K::kWrongSpi, "wrong_spi", kParamValue, 0, true, true,
     "puts an unknown SPI (`value`, default random) in place of the peer's SPI",
     "RFC 7296 §2.21.4: INVALID_IKE_SPI, or silence"},
    {K::kMessageId, "message_id", kParamValue, kParamValue, true, true,
     "adds `value` to the message ID",
     "RFC 7296 §2.2: messages outside the window are dropped"},
    {K::kHeaderLength, "header_length", kParamValue, kParamValue, true, true,
     "adds `value` to the Length field of the IKE header",
     "RFC 7296 §3.1: a length that disagrees with the datagram is an error"},
    {K::kOmitPayload, "omit_payload", kParamPayload, kParamPayload, true, true,
     "leaves out the first `payload` of matching messages",
     "RFC 7296 §2.21: a missing mandatory payload is INVALID_SYNTAX"},
    {K::kDuplicatePayload, "duplicate_payload", kParamPayload, kParamPayload, true, true,
     "sends the first `payload` of matching messages twice",
     "RFC 7296 §3.2: duplicated payloads must not confuse the peer"},
    {K::kAddNotify, "add_notify", kParamNotify | kParamData | kParamCritical, kParamNotify, true,
     true, "adds N(`notify`) with `data` (hex) to matching messages",
     "RFC 7296 §3.10.1: unknown status notifies are ignored, errors handled"},
    {K::kAddUnknownPayload, "add_unknown_payload", kParamValue | kParamCritical | kParamData, 0,
     true, true,
     "adds a payload of unassigned type `value` (default 127), with the critical bit if set",
     "RFC 7296 §2.5, §3.2: UNSUPPORTED_CRITICAL_PAYLOAD if critical, skipped otherwise"},
    {K::kCorruptPayload, "corrupt_payload", kParamPayload | kParamValue, kParamPayload, true, true,
     "flips the bits of byte `value` (default 0) of `payload`'s body",
     "RFC 7296 §2.21: a malformed payload is INVALID_SYNTAX or an integrity failure"},
    {K::kPayloadLength, "payload_length", kParamPayload | kParamValue, kParamPayload | kParamValue,
     true, true, "adds `value` to the Payload Length of `payload`",
     "RFC 7296 §3.2: inconsistent lengths make the message invalid"},
    {K::kKeGroup, "ke_group", kParamGroup, kParamGroup, true, true,
     "announces DH group `group` in the KE payload (the data stays that of the real group)",
     "RFC 7296 §1.2, §3.4: INVALID_KE_PAYLOAD naming the expected group"},
    {K::kKeLength, "ke_length", kParamValue, kParamValue, true, true,
     "makes the KE data `value` bytes longer (negative: shorter)",
     "RFC 7296 §3.4, RFC 6989: a public value of the wrong size is rejected"},
    {K::kBadAuth, "bad_auth", 0, 0, false, true, "flips a bit of the AUTH data",
     "RFC 7296 §2.15, §2.21.2: AUTHENTICATION_FAILED"},
    {K::kBadIcv, "bad_icv", 0, 0, false, true,
     "flips a bit of the integrity checksum of the SK payload",
     "RFC 7296 §3.14: a message failing its integrity check is dropped silently"},
    {K::kBadHash, "bad_hash", 0, 0, true, false, "flips a bit of the HASH payload",
     "RFC 2409 §5: INVALID_HASH_INFORMATION or silence"},
    {K::kNonceLength, "nonce_length", kParamValue, kParamValue, true, true,
     "sends a nonce of `value` bytes",
     "RFC 7296 §2.10, §3.9: nonces are 16 to 256 bytes"},
    {K::kForceProposal, "force_proposal", kParamProposal, kParamProposal, true, true,
     "offers `proposal` (strongSwan syntax) whatever the connection allows",
     "RFC 7296 §2.7, §3.3.6: NO_PROPOSAL_CHOSEN for proposals outside policy"},
    {K::kForceTs, "force_ts", kParamTsi | kParamTsr, kParamTsi | kParamTsr, false, true,
     "proposes traffic selectors `tsi`/`tsr` whatever the connection says",
     "RFC 7296 §2.9: narrowing, or TS_UNACCEPTABLE"},
};

constexpr ConnKeyInfo kConnKeys[] = {
    {"also", "also", true, true},
    {"auto", "auto", true, true},
    {"keyexchange", "keyexchange", true, true},
    {"type", "type", true, true},
    {"left", "left", true, true},
    {"right", "right", true, true},
    {"leftid", "leftid", true, true},
    {"rightid", "rightid", true, true},
    {"leftsubnet", "leftsubnet", true, true},
    {"rightsubnet", "rightsubnet", true, true},
    {"leftprotoport", "leftprotoport", true, true},
    {"rightprotoport", "rightprotoport", true, true},
    {"leftcert", "leftcert", true, true},
    {"rightcert", "rightcert", true, true},
    {"leftauth", "leftauth", true, true},
    {"rightauth", "rightauth", true, true},
    {"leftca", "leftca", true, true},
    {"rightca", "rightca", true, true},
    {"leftsendcert", "leftsendcert", true, true},
    {"rightsendcert", "rightsendcert", true, true},
    {"leftsourceip", "leftsourceip", true, true},
    {"rightsourceip", "rightsourceip", true, true},
    {"leftfirewall", "leftfirewall", true, true},
    {"rightfirewall", "rightfirewall", true, true},
    {"leftupdown", "leftupdown", true, true},
    {"rightupdown", "rightupdown", true, true},
    {"leftikeport", "leftikeport", true, true},
    {"rightikeport", "rightikeport", true, true},
    {"authby", "authby", true, true},
    {"ike", "ike", true, true},
    {"esp", "esp", true, true},
    {"ah", "ah", true, true},
    {"ikelifetime", "ikelifetime", true, true},
    {"lifetime", "lifetime", true, true},
    {"keylife", "lifetime", true, true},
    {"margintime", "margintime", true, true},
    {"rekeymargin", "margintime", true, true},
    {"rekeyfuzz", "rekeyfuzz", true, true},
    {"lifebytes", "lifebytes", true, true},
    {"lifepackets", "lifepackets", true, true},
    {"marginbytes", "marginbytes", true, true},
    {"marginpackets", "marginpackets", true, true},
    {"keyingtries", "keyingtries", true, true},
    {"rekey", "rekey", true, true},
    {"reauth", "reauth", true, true},
    {"dpddelay", "dpddelay", true, true},
    {"dpdtimeout", "dpdtimeout", true, false},
    {"dpdaction", "dpdaction", true, true},
    {"closeaction", "closeaction", true, true},
    {"inactivity", "inactivity", true, true},
    {"mobike", "mobike", false, true},
    {"fragmentation", "fragmentation", true, true},
    {"aggressive", "aggressive", true, false},
    {"forceencaps", "forceencaps", true, true},
    {"replay_window", "replay_window", true, true},
    {"compress", "compress", true, true},
    {"childless", "childless", false, true},
    {"reqid", "reqid", true, true},
    {"installpolicy", "installpolicy", true, true},
    {"impair", "impair", true, true},
};

constexpr std::string_view kSettingsKeys[] = {
    "retransmit_timeout", "retransmit_base",     "retransmit_tries",
    "retransmit_jitter",  "retransmit_limit",    "delete_rekeyed_delay",
    "half_open_timeout",  "cookie_threshold",    "cookie_threshold_ip",
    "block_threshold",    "init_limit_half_open", "init_limit_job_load",
    "dos_protection",     "make_before_break",   "keep_alive",
    "keep_alive_dpd_margin", "fragment_size",    "max_ikev1_exchanges",
    "reuse_ikesa",        "follow_redirects",    "send_vendor_id",
    "signature_authentication", "close_ike_on_child_failure", "inactivity_close_ike",
    "install_routes",     "ikesa_limit",         "retry_initiate_interval",
    "spi_min",            "spi_max",
};

struct ActionName {
  std::string_view name;
  ActionKind kind;
};

constexpr ActionName kActionNames[] = {
    {"start", ActionKind::kStart},         {"stop", ActionKind::kStop},
    {"restart", ActionKind::kRestart},     {"initiate", ActionKind::kInitiate},
    {"rekey", ActionKind::kRekey},         {"terminate", ActionKind::kTerminate},
    {"delete", ActionKind::kTerminate},    {"fault", ActionKind::kFault},
    {"clear_faults", ActionKind::kClearFaults}, {"impair", ActionKind::kImpair},
    {"partition", ActionKind::kPartition}, {"heal", ActionKind::kHeal},
    {"host_down", ActionKind::kHostDown},  {"host_up", ActionKind::kHostUp},
    {"flood", ActionKind::kFlood},         {"traffic", ActionKind::kTraffic},
    {"misbehave", ActionKind::kMisbehave}, {"note", ActionKind::kNote},
};

constexpr std::string_view kActionNameList[] = {
    "start", "stop", "restart", "initiate", "rekey", "terminate", "delete", "fault",
    "clear_faults", "impair", "partition", "heal", "host_down", "host_up", "flood",
    "traffic", "misbehave", "note"};

constexpr std::string_view kHostOnly[] = {"host"};
constexpr std::string_view kInitiateKeys[] = {"host", "conn", "ike_only"};
constexpr std::string_view kRekeyKeys[] = {"host", "conn", "sa"};
constexpr std::string_view kFaultKeys[] = {"host", "op", "nth", "times", "protocol", "direction", "errno"};
constexpr std::string_view kImpairKeys[] = {"between", "from", "to", "default", "loss",
                                            "duplicate", "reorder", "reorder_delay", "delay",
                                            "jitter", "mtu", "down"};
constexpr std::string_view kBetweenKeys[] = {"between"};
constexpr std::string_view kFloodKeys[] = {"host", "count", "rate", "sources", "ike", "port"};
constexpr std::string_view kTrafficKeys[] = {"host", "conn", "bytes", "packets", "direction"};
constexpr std::string_view kMisbehaveKeys[] = {"host", "conn", "impair", "clear"};
constexpr std::string_view kNoteKeys[] = {"text"};

struct CheckName {
  std::string_view name;
  CheckKind kind;
};

constexpr CheckName kCheckNames[] = {
    {"message", CheckKind::kMessage},   {"no_message", CheckKind::kNoMessage},
    {"sequence", CheckKind::kSequence}, {"log", CheckKind::kLog},
    {"state", CheckKind::kState},       {"sa_table", CheckKind::kSaTable},
    {"sa_events", CheckKind::kSaEvents}, {"final", CheckKind::kFinal},
    {"verdict", CheckKind::kVerdict},
};

constexpr std::string_view kMatcherKeys[] = {
    "from", "to", "ike_version", "exchange", "kind", "message_id", "summary", "payloads",
    "match", "absent", "fragments", "src_port", "dst_port", "seen", "proposal", "auth_method", "ke_group",
    "tsi", "tsr"};
constexpr std::string_view kMessageCheckKeys[] = {
    "from", "to", "ike_version", "exchange", "kind", "message_id", "summary", "payloads",
    "match", "absent", "fragments", "src_port", "dst_port", "seen", "proposal", "auth_method", "ke_group",
    "tsi", "tsr",
    "count", "nth", "at"};
constexpr std::string_view kNoMessageCheckKeys[] = {
    "from", "to", "ike_version", "exchange", "kind", "message_id", "summary", "payloads",
    "match", "absent", "fragments", "src_port", "dst_port", "seen", "proposal", "auth_method", "ke_group",
    "tsi", "tsr",
    "at"};
constexpr std::string_view kSequenceKeys[] = {"steps", "strict"};
constexpr std::string_view kLogKeys[] = {"host", "lines", "absent"};
constexpr std::string_view kStateKeys[] = {"host", "sa", "conn", "instance", "transitions",
                                           "final_state"};
constexpr std::string_view kSaTableKeys[] = {"host", "at", "conn", "inbound", "outbound",
                                             "policies", "spis_distinct", "protocol", "mode",
                                             "encap"};
constexpr std::string_view kSaEventsKeys[] = {"host", "conn", "events"};
constexpr std::string_view kFinalKeys[] = {"host", "conn", "ike_sas", "child_sas", "ike_state",
                                           "child_state"};
constexpr std::string_view kVerdictKeys[] = {"implementation", "known_deviations"};

}  // namespace

std::span<const ImpairInfo> impairment_catalogue() { return kImpairments; }

const ImpairInfo* find_impairment(std::string_view name) {
  for (const auto& i : kImpairments)
    if (i.name == name) return &i;
  return nullptr;
}

const ImpairInfo& impairment_info(ImpairKind kind) {
  for (const auto& i : kImpairments)
    if (i.kind == kind) return i;
  return kImpairments[0];
}

std::string_view impair_param_name(ImpairParam p) {
  switch (p) {
    case kParamPayload: return "payload";
    case kParamNotify: return "notify";
    case kParamGroup: return "group";
    case kParamValue: return "value";
    case kParamCritical: return "critical";
    case kParamData: return "data";
    case kParamProposal: return "proposal";
    case kParamDelay: return "delay";
    case kParamTsi: return "tsi";
    case kParamTsr: return "tsr";
  }
  return "";
}

std::span<const ConnKeyInfo> conn_keys() { return kConnKeys; }

const ConnKeyInfo* find_conn_key(std::string_view key) {
  for (const auto& k : kConnKeys)
    if (k.key == key) return &k;
  return nullptr;
}

std::span<const std::string_view> settings_keys() { return kSettingsKeys; }

std::optional<ActionKind> parse_action_kind(std::string_view name) {
  for (const auto& a : kActionNames)
    if (a.name == name) return a.kind;
  return std::nullopt;
}

std::span<const std::string_view> action_names() { return kActionNameList; }

std::span<const std::string_view> action_keys(ActionKind kind) {
  switch (kind) {
    case ActionKind::kStart:
    case ActionKind::kStop:
    case ActionKind::kRestart:
    case ActionKind::kClearFaults:
    case ActionKind::kHostDown:
    case ActionKind::kHostUp: return kHostOnly;
    case ActionKind::kInitiate: return kInitiateKeys;
    case ActionKind::kRekey:
    case ActionKind::kTerminate: return kRekeyKeys;
    case ActionKind::kFault: return kFaultKeys;
    case ActionKind::kImpair: return kImpairKeys;
    case ActionKind::kPartition:
    case ActionKind::kHeal: return kBetweenKeys;
    case ActionKind::kFlood: return kFloodKeys;
    case ActionKind::kTraffic: return kTrafficKeys;
    case ActionKind::kMisbehave: return kMisbehaveKeys;
    case ActionKind::kNote: return kNoteKeys;
  }
  return {};
}

std::optional<CheckKind> parse_check_kind(std::string_view name) {
  for (const auto& c : kCheckNames)
    if (c.name == name) return c.kind;
  return std::nullopt;
}

std::span<const std::string_view> check_keys(CheckKind kind) {
  switch (kind) {
    case CheckKind::kMessage: return kMessageCheckKeys;
    case CheckKind::kNoMessage: return kNoMessageCheckKeys;
    case CheckKind::kSequence: return kSequenceKeys;
    case CheckKind::kLog: return kLogKeys;
    case CheckKind::kState: return kStateKeys;
    case CheckKind::kSaTable: return kSaTableKeys;
    case CheckKind::kSaEvents: return kSaEventsKeys;
    case CheckKind::kFinal: return kFinalKeys;
    case CheckKind::kVerdict: return kVerdictKeys;
  }
  return {};
}

std::span<const std::string_view> matcher_keys() { return kMatcherKeys; }

}  // namespace ikesuite::harness
