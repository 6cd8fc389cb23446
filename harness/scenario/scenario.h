// The scenario model: what a scenario file says, as plain values the runner consumes. The
// loader (loader.h) builds it from JSON after validating it completely, so a runner can trust
// every name, reference and time in it: host and connection names exist, notify and exchange
// names are registry values, times are inside the scenario's duration, event references name
// something that happens. Every element keeps where it was written (JSON pointer, line and
// column) so a runner can report "expectation at line 40 failed".
//
// The connection keys follow strongSwan's ipsec.conf (5.9) with its defaults, the host
// settings strongswan.conf's charon section; see docs/scenarios.md for the language.
#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/base/bytes.h"
#include "engine/base/ip.h"
#include "engine/base/time.h"

namespace ikesuite::harness {

// Where an element was written: its JSON pointer (RFC 6901) and the 1-based line and column
// (in characters) of its value in the file.
struct SourceRef {
  std::string pointer;
  int line = 0;
  int column = 0;
  // "line 40" — for reports that already name the file.
  std::string describe() const;
};

// ---- enumerations ---------------------------------------------------------------------

enum class RunMode : uint8_t { kSim, kNetns };
enum class Implementation : uint8_t { kRef, kStrongswan, kLibreswan };
enum class SaBackendKind : uint8_t { kMemory, kXfrm, kKernelNetlink, kKernelLibipsec };
// keyexchange=ike|ikev1|ikev2. strongSwan's "ike" initiates IKEv2 and accepts both.
enum class IkeVersion : uint8_t { kAny, kV1, kV2 };
// leftauth/rightauth (authby sets both): RSA and ECDSA are pubkey auth restricted to a key type.
enum class AuthMethod : uint8_t { kPsk, kPubkey, kRsa, kEcdsa, kNull, kNever };
enum class ConnType : uint8_t { kTunnel, kTransport, kPassthrough, kDrop };
enum class AutoAction : uint8_t { kIgnore, kAdd, kRoute, kStart };
// dpdaction and closeaction share their values.
enum class SaAction : uint8_t { kNone, kClear, kHold, kRestart };
enum class Fragmentation : uint8_t { kNo, kYes, kAccept, kForce };
enum class Childless : uint8_t { kAllow, kForce, kNever };
enum class SendCert : uint8_t { kAlways, kIfAsked, kNever };
enum class SecretType : uint8_t { kPsk, kRsa, kEcdsa };
enum class NatType : uint8_t { kFullCone, kAddressRestricted, kPortRestricted, kSymmetric };
enum class SaKind : uint8_t { kIke, kChild };
enum class IpsecProtocol : uint8_t { kEsp, kAh };
enum class Direction : uint8_t { kIn, kOut, kFwd, kBoth };
// SA backend operations (engine/sa Operation) plus the backend's expire events.
enum class SaOp : uint8_t {
  kAllocSpi,
  kAddSa,
  kUpdateSa,
  kDeleteSa,
  kAddPolicy,
  kDeletePolicy,
  kExpireSoft,
  kExpireHard,
};
enum class MessageKind : uint8_t { kRequest, kResponse };
// Which side of the wire a message matcher looks at: as sent by "from" (before the simulated
// network loses, duplicates or delays it) or as received by "to".
enum class Seen : uint8_t { kSent, kReceived };
// How a matcher's payload list compares with a message's payloads (the payloads inside SK
// included, SK itself not listed, as charon logs them):
//   kExact    same labels in the same order, nothing else
//   kOrdered  the labels appear in this order, others may be interleaved
//   kPrefix   the message starts with these labels in this order
//   kContains every label appears (as a multiset), in any order
enum class PayloadMatch : uint8_t { kExact, kOrdered, kPrefix, kContains };

std::string_view name(RunMode v);
std::string_view name(Implementation v);
std::string_view name(SaBackendKind v);
std::string_view name(IkeVersion v);
std::string_view name(AuthMethod v);
std::string_view name(ConnType v);
std::string_view name(AutoAction v);
std::string_view name(SaAction v);
std::string_view name(Fragmentation v);
std::string_view name(Childless v);
std::string_view name(SendCert v);
std::string_view name(SecretType v);
std::string_view name(NatType v);
std::string_view name(SaKind v);
std::string_view name(IpsecProtocol v);
std::string_view name(Direction v);
std::string_view name(SaOp v);
std::string_view name(MessageKind v);
std::string_view name(Seen v);
std::string_view name(PayloadMatch v);

// ---- small value types ----------------------------------------------------------------

// A count: exactly n, or a range. An absent max means unbounded.
struct CountRange {
  uint64_t min = 1;
  std::optional<uint64_t> max;
  static CountRange exactly(uint64_t n) { return {n, n}; }
  static CountRange at_least(uint64_t n) { return {n, std::nullopt}; }
  bool contains(uint64_t n) const { return n >= min && (!max || n <= *max); }
  std::string describe() const;  // "2", "at least 1", "1..3", "at most 4"
};

// A traffic selector as ipsec.conf writes it: "10.1.0.0/16", "10.1.0.0/16[tcp/80]",
// "192.168.0.1[udp/500-600]". Protocol 0 and the full port range mean "any".
struct TrafficSelectorSpec {
  Subnet subnet;
  uint8_t protocol = 0;
  uint16_t port_from = 0;
  uint16_t port_to = 0xffff;
  std::string text;  // as written
  bool operator==(const TrafficSelectorSpec& o) const {
    return subnet == o.subnet && protocol == o.protocol && port_from == o.port_from &&
           port_to == o.port_to;
  }
};

// A payload label as charon logs it in "[ ... ]": "SA", "KE", "No", "N(REKEY_SA)", "IDi",
// "D", "V", "EF", "CPRQ", ... for IKEv2; "SA", "KE", "No", "ID", "HASH", "NAT-D", ... for
// IKEv1. A bare "N" matches any notify.
struct PayloadLabel {
  uint8_t version = 2;        // 1 or 2: which registry `type` and `notify` come from
  uint8_t type = 0;           // payload type number (v2::PayloadType or v1::PayloadType)
  std::optional<uint16_t> notify;  // for N(...): the notify type; none = any notify
  std::optional<uint8_t> cp_type;  // for CPRQ/CPRP/CPS/CPA: the CP type (RFC 7296 §3.15)
  std::string text;           // normalized label: "N(NO_PROPOSAL_CHOSEN)", "No", "SA"
  bool operator==(const PayloadLabel& o) const {
    return version == o.version && type == o.type && notify == o.notify && cp_type == o.cp_type;
  }
};

// ---- time -----------------------------------------------------------------------------

// Something that happens during a run, to which times can be relative.
struct EventRef {
  enum class Kind : uint8_t {
    kExpectation,  // the time an expectation (or sequence step, sa_events step, transition
                   // with an id) matched: its first matching message, or its nth
    kAction,       // the time an action of the timeline ran
    kIkeState,     // a host's IKE SA (of `conn`, if given) entered `state`
    kChildState,   // a host's Child SA (of `conn`, if given) entered `state`
    kSaEvent,      // a host's SA backend saw `op` (in `direction`, if given)
    kLog,          // a line of a host's log matched `regex`
  };
  SourceRef src;
  Kind kind = Kind::kExpectation;
  std::string id;  // kExpectation, kAction
  std::string host;
  std::string conn;   // optional for the state kinds
  std::string state;  // charon state name, "ESTABLISHED"
  SaOp op = SaOp::kAddSa;
  std::optional<Direction> direction;
  std::string regex;  // kLog (ECMAScript, checked to compile)
  uint32_t nth = 1;   // which occurrence
  std::string describe() const;
};

// A point in virtual time: `offset` from the start of the run, or from `after`.
struct Instant {
  SourceRef src;
  std::optional<EventRef> after;
  Duration offset{0};
  bool absolute() const { return !after.has_value(); }
};

// A window of virtual time, [min, max] from the start or from `after`. An absent max means
// "until the end of the run". With `before`, the window also closes when that event happens
// (strictly before it): "the SA is installed before the response is sent".
struct Window {
  SourceRef src;
  std::optional<EventRef> after;
  std::optional<EventRef> before;
  Duration min{0};
  std::optional<Duration> max;
};

// ---- network --------------------------------------------------------------------------

struct LinkParams {
  std::optional<double> loss;       // probabilities 0..1
  std::optional<double> duplicate;
  std::optional<double> reorder;
  std::optional<Duration> reorder_delay;
  std::optional<Duration> delay;
  std::optional<Duration> jitter;
  std::optional<uint32_t> mtu;
  std::optional<bool> down;
  bool empty() const {
    return !loss && !duplicate && !reorder && !reorder_delay && !delay && !jitter && !mtu && !down;
  }
};

// A path between two hosts: both directions ("between") or one ("from" -> "to").
struct Link {
  SourceRef src;
  std::string a;
  std::string b;
  bool bidirectional = true;
  LinkParams params;
};

struct Nat {
  SourceRef src;
  std::string name;
  std::vector<std::string> inside;  // host names behind the NAT
  IpAddress public_address;
  NatType type = NatType::kPortRestricted;
  Duration mapping_timeout = seconds(30);
};

struct Network {
  SourceRef src;
  LinkParams defaults;
  std::vector<Link> links;
  std::vector<Nat> nats;
  std::vector<IpAddress> blackhole;
};

// ---- misbehaviour ---------------------------------------------------------------------

// The impairment catalogue (docs/scenarios.md "Misbehaviour"); names as written in files.
enum class ImpairKind : uint8_t {
  kDropMessage,
  kDuplicateMessage,
  kDelayMessage,
  kReplayMessage,
  kIgnoreMessage,
  kNoRetransmit,
  kTruncateMessage,
  kMajorVersion,
  kMinorVersion,
  kHeaderFlags,
  kWrongSpi,
  kMessageId,
  kHeaderLength,
  kOmitPayload,
  kDuplicatePayload,
  kAddNotify,
  kAddUnknownPayload,
  kCorruptPayload,
  kPayloadLength,
  kKeGroup,
  kKeLength,
  kBadAuth,
  kBadIcv,
  kBadHash,
  kNonceLength,
  kForceProposal,
  kForceTs,
};
std::string_view name(ImpairKind v);

struct Impairment {
  SourceRef src;
  ImpairKind kind = ImpairKind::kDropMessage;
  std::string description;
  // Which messages (all unset: every message the host sends, or receives for
  // ignore_message). `exchange` is a registry value of `exchange_version`.
  uint8_t exchange_version = 2;
  std::optional<uint8_t> exchange;
  std::optional<MessageKind> message;
  std::optional<uint32_t> message_id;
  uint32_t count = 0;  // how many matching messages to change; 0 = all
  // Parameters; which apply depends on the kind (catalogue in catalogue.h).
  std::optional<PayloadLabel> payload;
  std::optional<uint16_t> notify;
  std::optional<uint16_t> group;  // DH group (transform type 4 number)
  std::optional<int64_t> value;
  bool critical = false;
  Bytes data;
  std::string proposal;
  std::optional<Duration> delay;
  std::vector<TrafficSelectorSpec> tsi;
  std::vector<TrafficSelectorSpec> tsr;
};

// ---- hosts and connections -------------------------------------------------------------

struct End {
  // left/right: nullopt for %any (and %any4/%any6, recorded in any_family).
  std::optional<IpAddress> address;
  IpAddress::Family any_family = IpAddress::Family::kNone;
  std::string address_text;
  std::string id;  // leftid as written ("@moon.strongswan.org"); empty: the address
  std::vector<TrafficSelectorSpec> subnets;  // empty: the end's own address
  std::optional<uint8_t> protoport_protocol;  // leftprotoport
  std::optional<std::pair<uint16_t, uint16_t>> protoport_ports;
  std::string cert;  // resolved path of leftcert, empty if none
  std::optional<AuthMethod> auth;  // leftauth, else authby, else pubkey: always set once loaded
  std::string ca;
  SendCert sendcert = SendCert::kIfAsked;
  std::string sourceip;
  bool firewall = false;
  std::string updown;
  uint16_t ikeport = 500;
};

struct Connection {
  SourceRef src;
  std::string name;
  IkeVersion version = IkeVersion::kAny;
  ConnType type = ConnType::kTunnel;
  AutoAction auto_action = AutoAction::kIgnore;
  End left;   // always the local end (the host's own side)
  End right;  // the peer
  // Proposal lists as written, split at commas; a trailing '!' (strict) is kept in the
  // string the way strongSwan reads it. Empty: the implementation's default proposals.
  std::vector<std::string> ike;
  std::vector<std::string> esp;
  std::vector<std::string> ah;
  Duration ike_lifetime = seconds(3 * 3600);
  Duration lifetime = seconds(3600);
  Duration margintime = seconds(9 * 60);
  double rekeyfuzz = 1.0;  // fraction: "100%" = 1.0
  uint64_t life_bytes = 0;
  uint64_t life_packets = 0;
  uint64_t margin_bytes = 0;
  uint64_t margin_packets = 0;
  uint32_t keyingtries = 3;  // 0 = %forever
  bool rekey = true;
  bool reauth = true;
  Duration dpd_delay = seconds(30);
  Duration dpd_timeout = seconds(150);
  SaAction dpd_action = SaAction::kNone;
  SaAction close_action = SaAction::kNone;
  Duration inactivity{0};
  bool mobike = true;
  Fragmentation fragmentation = Fragmentation::kYes;
  bool aggressive = false;
  bool force_encaps = false;
  uint32_t replay_window = 32;
  Childless childless = Childless::kAllow;
  uint32_t reqid = 0;  // 0 = allocated
  bool install_policy = true;
  std::vector<Impairment> impairments;
  // The ipsec.conf keys that were set (directly, through also= or %default), by canonical
  // name, with where each value was written: what an interop renderer writes out.
  std::vector<std::pair<std::string, SourceRef>> explicit_keys;
  const SourceRef* key_source(std::string_view key) const;
  // The protocol version this connection initiates with.
  bool is_ikev1() const { return version == IkeVersion::kV1; }
};

// strongswan.conf charon settings; unset keys keep the implementation's default.
struct Settings {
  std::optional<double> retransmit_timeout;
  std::optional<double> retransmit_base;
  std::optional<uint32_t> retransmit_tries;
  std::optional<uint32_t> retransmit_jitter;
  std::optional<double> retransmit_limit;
  std::optional<uint32_t> delete_rekeyed_delay;
  std::optional<uint32_t> half_open_timeout;
  std::optional<uint32_t> cookie_threshold;
  std::optional<uint32_t> cookie_threshold_ip;
  std::optional<uint32_t> block_threshold;
  std::optional<uint32_t> init_limit_half_open;
  std::optional<uint32_t> init_limit_job_load;
  std::optional<bool> dos_protection;
  std::optional<bool> make_before_break;
  std::optional<uint32_t> keep_alive;
  std::optional<uint32_t> keep_alive_dpd_margin;
  std::optional<uint32_t> fragment_size;
  std::optional<uint32_t> max_ikev1_exchanges;
  std::optional<bool> reuse_ikesa;
  std::optional<bool> follow_redirects;
  std::optional<bool> send_vendor_id;
  std::optional<bool> signature_authentication;
  std::optional<bool> close_ike_on_child_failure;
  std::optional<bool> inactivity_close_ike;
  std::optional<bool> install_routes;
  std::optional<uint32_t> ikesa_limit;
  std::optional<uint32_t> retry_initiate_interval;
  std::optional<uint32_t> spi_min;
  std::optional<uint32_t> spi_max;
  // The keys that were set, in file order, for renderers of strongswan.conf.
  std::vector<std::string> keys;
};

// Log levels per charon group ("default", "ike", "knl", ...); unset groups use "default".
struct LogLevels {
  std::optional<int> default_level;
  std::vector<std::pair<std::string, int>> groups;  // lowercase group name, level
};

struct Secret {
  SourceRef src;
  SecretType type = SecretType::kPsk;
  std::vector<std::string> ids;  // empty = any
  Bytes secret;                  // PSK, decoded from "0x..." hex or "0s..." base64
  std::string file;              // RSA/ECDSA private key, resolved path
};

struct Host {
  SourceRef src;
  std::string name;
  std::string description;
  Implementation implementation = Implementation::kRef;
  std::vector<IpAddress> addresses;
  std::vector<Subnet> subnets;
  SaBackendKind sa_backend = SaBackendKind::kMemory;
  bool autostart = true;
  Settings settings;
  LogLevels log;
  // The loaded connections, in file order, with %default and also= merged in. Sections
  // with auto=ignore stay (they may be included by others) and are marked so.
  std::vector<Connection> conns;
  std::vector<Secret> secrets;
  std::vector<std::string> certs;    // resolved paths
  std::vector<std::string> cacerts;  // resolved paths

  const Connection* find_conn(std::string_view conn) const;
  bool owns(const IpAddress& a) const;
};

// ---- the timeline ---------------------------------------------------------------------

struct FaultSpec {
  SaOp op = SaOp::kAddSa;            // one of the backend operations (not the expire events)
  uint32_t nth = 1;                  // fail the nth matching call from now on
  uint32_t times = 1;                // and this many in a row; 0 = always
  std::optional<IpsecProtocol> protocol;
  std::optional<Direction> direction;  // in or out
  int err = 0;                       // errno value
  std::string err_name;              // "EPROTONOSUPPORT", or the number as text
};

struct FloodSpec {
  uint32_t count = 0;         // IKE_SA_INIT requests to send
  double rate = 100;          // per second
  std::optional<Subnet> sources;  // spoofed source addresses drawn from this subnet
  std::string ike;            // proposal to offer; empty: the implementation's default
  uint16_t port = 500;
};

struct TrafficSpec {
  uint64_t bytes = 0;
  uint64_t packets = 0;
  Direction direction = Direction::kBoth;
};

enum class ActionKind : uint8_t {
  kStart,
  kStop,
  kRestart,
  kInitiate,
  kRekey,
  kTerminate,  // also written "delete"
  kFault,
  kClearFaults,
  kImpair,     // change link impairments
  kPartition,
  kHeal,
  kHostDown,
  kHostUp,
  kFlood,
  kTraffic,
  kMisbehave,
  kNote,
};
std::string_view name(ActionKind v);

struct Action {
  SourceRef src;
  ActionKind kind = ActionKind::kNote;
  std::string id;
  std::string description;
  Instant at;
  std::string host;
  std::string conn;
  SaKind sa = SaKind::kChild;  // rekey: child by default; terminate: ike by default
  bool ike_only = false;       // initiate without a Child SA (RFC 6023)
  FaultSpec fault;
  // impair / partition / heal: the path ("between", "from"/"to", or every path).
  std::string link_a;
  std::string link_b;
  bool link_bidirectional = true;
  bool link_default = false;
  LinkParams link;
  FloodSpec flood;
  TrafficSpec traffic;
  std::vector<Impairment> impairments;  // misbehave
  bool clear = false;                   // misbehave: drop every impairment first
  std::string text;                     // note
};

// ---- expectations ---------------------------------------------------------------------

// A wire message matcher; unset fields match anything.
struct MessageMatcher {
  SourceRef src;
  std::string id;  // for sequence steps
  std::string description;
  // Host names; when the file names an address, the host owning it (empty for blackhole and
  // NAT addresses, which are kept in the *_address fields).
  std::string from;
  std::string to;
  std::optional<IpAddress> from_address;
  std::optional<IpAddress> to_address;
  uint8_t ike_version = 2;
  std::optional<uint8_t> exchange;  // registry value for ike_version
  std::optional<MessageKind> kind;
  std::optional<uint32_t> message_id;
  std::optional<std::vector<PayloadLabel>> payloads;
  PayloadMatch match = PayloadMatch::kExact;
  std::vector<PayloadLabel> absent;
  std::optional<CountRange> fragments;  // RFC 7383 fragments carrying the message
  std::optional<uint16_t> src_port;
  std::optional<uint16_t> dst_port;
  Seen seen = Seen::kSent;
  std::string proposal;  // the (single) proposal an SA payload must carry
  std::optional<uint8_t> auth_method;  // the AUTH payload's method (v2::AuthMethod value)
  std::optional<uint16_t> ke_group;    // the KE payload's group (transform type 4 value)
  std::optional<std::vector<TrafficSelectorSpec>> tsi;
  std::optional<std::vector<TrafficSelectorSpec>> tsr;
  std::optional<uint32_t> nth;
  std::optional<Window> at;
  // "IKE_AUTH response 1 [ IDr AUTH N(AUTH_FAILED) ]", as charon would log the match.
  std::string describe() const;
};

struct LogPattern {
  SourceRef src;
  std::string text;
  std::regex regex;  // ECMAScript
};

struct StateTransition {
  SourceRef src;
  std::string id;
  std::string from;  // charon state names
  std::string to;
  std::optional<Window> at;
};

struct SaEventStep {
  SourceRef src;
  std::string id;
  std::string description;
  SaOp op = SaOp::kAddSa;
  std::optional<Direction> direction;
  std::optional<IpsecProtocol> protocol;
  std::optional<bool> ok;      // result: ok (true) or failed (false)
  std::optional<int> err;      // with failed: this errno
  std::string bind;            // names the SA of this event for later steps
  std::string sa;              // must be the SA bound by an earlier step
  std::optional<Window> at;
};

struct KnownDeviation {
  SourceRef src;
  std::string expectation;
  std::string reason;
};

// The messages matching `matcher` (and its window) number `count`; with matcher.nth, the nth
// matching message of the whole run exists and lies in the window instead.
struct MessageCheck {
  MessageMatcher matcher;
  CountRange count;  // default: at least 1
};
struct NoMessageCheck {
  MessageMatcher matcher;
};
// The steps match observations (a message sent, or delivered for `seen: received` steps) in
// time order, not necessarily adjacent.
struct SequenceCheck {
  std::vector<MessageMatcher> steps;
  bool strict = false;  // no message that no step matches is sent between the first and last
};
struct LogCheck {
  std::vector<LogPattern> lines;   // must match lines of the log in this order
  std::vector<LogPattern> absent;  // must match no line
};
struct StateCheck {
  SaKind sa = SaKind::kIke;
  std::string conn;
  std::optional<uint32_t> instance;  // the nth SA of that kind (and conn), in creation order
  std::vector<StateTransition> transitions;  // in this order, not necessarily adjacent
  std::optional<std::string> final_state;    // "none": the SA no longer exists
};
struct SaTableCheck {
  std::optional<Instant> at;  // unset: at the end of the run
  std::string conn;           // only SAs of this connection
  std::optional<CountRange> inbound;
  std::optional<CountRange> outbound;
  std::optional<CountRange> policies;
  bool spis_distinct = false;
  std::optional<IpsecProtocol> protocol;
  std::optional<ConnType> mode;  // tunnel or transport
  std::optional<bool> encap;     // UDP encapsulated (RFC 3948)
};
struct SaEventsCheck {
  std::string conn;
  std::vector<SaEventStep> events;  // in this order, not necessarily adjacent
};
struct FinalCheck {
  std::string conn;  // empty: every connection of the host
  std::optional<CountRange> ike_sas;
  std::optional<CountRange> child_sas;
  std::string ike_state;
  std::string child_state;
};
struct VerdictCheck {
  Implementation implementation = Implementation::kRef;
  std::vector<KnownDeviation> known_deviations;
};

enum class CheckKind : uint8_t {
  kMessage,
  kNoMessage,
  kSequence,
  kLog,
  kState,
  kSaTable,
  kSaEvents,
  kFinal,
  kVerdict,
};
std::string_view name(CheckKind v);

struct Expectation {
  SourceRef src;
  std::string id;
  std::string description;
  std::string rfc;   // the requirement tested: "RFC 7296 §2.21.2: ..."
  std::string host;  // the host judged (log, state, sa_table, sa_events, final)
  std::variant<MessageCheck, NoMessageCheck, SequenceCheck, LogCheck, StateCheck, SaTableCheck,
               SaEventsCheck, FinalCheck, VerdictCheck>
      check;
  CheckKind kind() const { return static_cast<CheckKind>(check.index()); }
};

// ---- the scenario ---------------------------------------------------------------------

// What an id names, for resolving EventRef::id: exactly one pointer is set. A sequence's own
// id happens when its last step does; its steps may carry ids of their own.
struct IdTarget {
  const Action* action = nullptr;
  const Expectation* expectation = nullptr;  // a message or sequence check
  const MessageMatcher* step = nullptr;      // a sequence step (expectation is its check)
  const StateTransition* transition = nullptr;
  const SaEventStep* sa_event = nullptr;
  bool found() const { return action || expectation || transition || sa_event; }
};

struct Scenario {
  std::string file;       // as given to the loader
  std::string directory;  // where relative paths in the file are resolved
  std::string name;
  std::string description;
  std::vector<std::string> references;
  std::vector<std::string> tags;
  uint64_t seed = 1;
  Duration duration{0};
  std::set<RunMode> modes;
  Network network;
  std::vector<Host> hosts;  // in file order
  std::vector<Action> timeline;
  std::vector<Expectation> expect;

  const Host* find_host(std::string_view host) const;
  // The host owning an address, if any.
  const Host* host_by_address(const IpAddress& a) const;
  const Expectation* find_expectation(std::string_view id) const;
  const Action* find_action(std::string_view id) const;
  // Any id: actions, checks, sequence steps, state transitions, sa_events steps.
  IdTarget resolve(std::string_view id) const;
  // The first line of the description (for listings).
  std::string summary() const;
};

}  // namespace ikesuite::harness
