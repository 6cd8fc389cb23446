// The language's tables: which keys each action and check takes, the ipsec.conf keys with
// their aliases and version restrictions, the strongswan.conf settings, and the impairment
// catalogue. The JSON Schema (scenarios/schema.json) lists the same names for editors; a unit
// test keeps the two in step.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "harness/scenario/scenario.h"

namespace ikesuite::harness {

// ---- impairments ------------------------------------------------------------------------

// Parameters an impairment may take beyond the message selector (exchange, message,
// message_id, count, description), as bits.
enum ImpairParam : uint32_t {
  kParamPayload = 1u << 0,
  kParamNotify = 1u << 1,
  kParamGroup = 1u << 2,
  kParamValue = 1u << 3,
  kParamCritical = 1u << 4,
  kParamData = 1u << 5,
  kParamProposal = 1u << 6,
  kParamDelay = 1u << 7,
  kParamTsi = 1u << 8,
  kParamTsr = 1u << 9,
};

struct ImpairInfo {
  ImpairKind kind;
  std::string_view name;
  uint32_t params;    // allowed parameters
  uint32_t required;  // required parameters (for force_ts: at least one of tsi/tsr)
  bool ikev1;         // applies to IKEv1 messages
  bool ikev2;         // applies to IKEv2 messages
  std::string_view summary;  // what the host does
  std::string_view tests;    // the requirement a peer's reaction is judged against
};

std::span<const ImpairInfo> impairment_catalogue();
const ImpairInfo* find_impairment(std::string_view name);
const ImpairInfo& impairment_info(ImpairKind kind);
std::string_view impair_param_name(ImpairParam p);  // "payload", "notify", ...

// ---- ipsec.conf keys --------------------------------------------------------------------

struct ConnKeyInfo {
  std::string_view key;
  std::string_view canonical;  // the key it is an alias of ("keylife" -> "lifetime"), or key
  bool ikev1;                  // meaningful for IKEv1 connections
  bool ikev2;                  // meaningful for IKEv2 connections
};

std::span<const ConnKeyInfo> conn_keys();
const ConnKeyInfo* find_conn_key(std::string_view key);

// ---- strongswan.conf settings -----------------------------------------------------------

std::span<const std::string_view> settings_keys();

// ---- actions and checks -----------------------------------------------------------------

std::optional<ActionKind> parse_action_kind(std::string_view name);
// The keys an action takes besides "action", "id", "description" and "at".
std::span<const std::string_view> action_keys(ActionKind kind);
std::span<const std::string_view> action_names();  // as written, "delete" included

std::optional<CheckKind> parse_check_kind(std::string_view name);
// The keys a check takes besides "check", "id", "description" and "rfc".
std::span<const std::string_view> check_keys(CheckKind kind);
// The keys of a message matcher (also the keys of a sequence step, with "id", "nth", "at").
std::span<const std::string_view> matcher_keys();

}  // namespace ikesuite::harness
