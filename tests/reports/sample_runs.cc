#include "tests/reports/sample_runs.h"

#include <vector>

namespace ikesuite::reports::testing {

namespace {

constexpr const char* kMoon = "192.168.0.1[500]";
constexpr const char* kSun = "192.168.0.2[500]";

WireMessage msg(double t, bool from_moon, const std::string& exchange, bool response, uint32_t mid,
                std::vector<std::string> payloads, size_t bytes) {
  WireMessage m;
  m.t = t;
  m.from = from_moon ? "moon" : "sun";
  m.to = from_moon ? "sun" : "moon";
  m.src = from_moon ? kMoon : kSun;
  m.dst = from_moon ? kSun : kMoon;
  m.ike_version = 2;
  m.exchange = exchange;
  m.response = response;
  m.message_id = mid;
  m.payloads = std::move(payloads);
  m.bytes = bytes;
  m.encrypted = exchange != "IKE_SA_INIT";
  m.decrypted = m.encrypted;
  std::string list;
  for (const auto& p : m.payloads) list += p + " ";
  m.summary = "generating " + exchange + (response ? " response " : " request ") + std::to_string(mid) +
              " [ " + list + "]";
  return m;
}

Event event(double t, const std::string& host, const std::string& kind, const std::string& text,
            const std::string& level = "info") {
  return Event{t, host, kind, text, level};
}

std::vector<HostInfo> moon_and_sun() {
  return {HostInfo{"moon", "ikesuite", "", {"192.168.0.1"}},
          HostInfo{"sun", "ikesuite", "", {"192.168.0.2"}}};
}

// IKE_SA_INIT and IKE_AUTH as strongSwan 5.9 sends them with certificates.
void add_setup(ScenarioResult& s, double t0) {
  s.messages.push_back(msg(t0, true, "IKE_SA_INIT", false, 0,
                           {"SA", "KE", "No", "N(NATD_S_IP)", "N(NATD_D_IP)", "N(FRAG_SUP)",
                            "N(HASH_ALG)", "N(REDIR_SUP)"},
                           464));
  s.messages.push_back(msg(t0 + 0.002, false, "IKE_SA_INIT", true, 0,
                           {"SA", "KE", "No", "N(NATD_S_IP)", "N(NATD_D_IP)", "CERTREQ", "N(FRAG_SUP)",
                            "N(HASH_ALG)", "N(CHDLESS_SUP)", "N(MULT_AUTH)"},
                           481));
}

}  // namespace

ScenarioResult passing_rekey() {
  ScenarioResult s;
  s.name = "net2net-rekey";
  s.file = "scenarios/ikev2/net2net-rekey.json";
  s.description =
      "Rekeys a Child SA by its lifetime: with lifetime=10s, margintime=5s and rekeyfuzz=0% moon "
      "rekeys with CREATE_CHILD_SA 5 s after installing it and deletes the old Child SA.";
  s.references = {"seed 001", "RFC 7296 §1.3.3", "RFC 7296 §2.8"};
  s.tags = {"ikev2", "rekey", "child-sa"};
  s.status = kPassed;
  s.wall_seconds = 0.042;
  s.virtual_seconds = 9;
  s.seed = 1;
  s.mode = "sim";
  s.hosts = moon_and_sun();
  add_setup(s, 0);
  s.messages.push_back(msg(0.010, true, "IKE_AUTH", false, 1,
                           {"IDi", "CERT", "N(INIT_CONTACT)", "CERTREQ", "IDr", "AUTH", "SA", "TSi", "TSr",
                            "N(MULT_AUTH)", "N(EAP_ONLY)", "N(MSG_ID_SYN_SUP)"},
                           1236));
  s.messages.push_back(
      msg(0.015, false, "IKE_AUTH", true, 1, {"IDr", "CERT", "AUTH", "SA", "TSi", "TSr", "N(AUTH_LFT)"}, 1148));
  s.messages.push_back(
      msg(5.015, true, "CREATE_CHILD_SA", false, 2, {"N(REKEY_SA)", "SA", "No", "TSi", "TSr"}, 236));
  s.messages.push_back(msg(5.017, false, "CREATE_CHILD_SA", true, 2, {"SA", "No", "TSi", "TSr"}, 220));
  s.messages.push_back(msg(5.018, true, "INFORMATIONAL", false, 3, {"D"}, 76));
  s.messages.push_back(msg(5.019, false, "INFORMATIONAL", true, 3, {"D"}, 76));
  for (size_t i = 0; i < s.messages.size(); ++i) s.messages[i].frame = i + 1;

  s.events = {
      event(0, "moon", "action", "initiate net-net"),
      event(0, "moon", "state", "IKE net-net[1]: CREATED => CONNECTING"),
      event(0.002, "sun", "state", "IKE net-net[1]: CREATED => CONNECTING"),
      event(0.002, "moon", "log", "received packet: from 192.168.0.2[500] to 192.168.0.1[500] (481 bytes)"),
      event(0.015, "sun", "state", "IKE net-net[1]: CONNECTING => ESTABLISHED"),
      event(0.015, "sun", "sa", "add SA ESP in 0xc8a1b7d2 + out 0xcd5e2f10"),
      event(0.016, "moon", "state", "IKE net-net[1]: CONNECTING => ESTABLISHED"),
      event(0.016, "moon", "state", "CHILD net-net{1}: INSTALLING => INSTALLED"),
      event(0.016, "moon", "sa", "add SA ESP in 0xcd5e2f10 + out 0xc8a1b7d2"),
      event(0.016, "moon", "log", "CHILD_SA net-net{1} established with SPIs cd5e2f10_i c8a1b7d2_o"),
      event(5.015, "moon", "sa", "soft expire: ESP in 0xcd5e2f10"),
      event(5.015, "moon", "log", "creating rekey job for CHILD_SA ESP/0xcd5e2f10/192.168.0.1"),
      event(5.015, "moon", "state", "CHILD net-net{1}: INSTALLED => REKEYING"),
      event(5.018, "moon", "state", "CHILD net-net{1}: REKEYING => REKEYED"),
      event(5.019, "moon", "sa", "delete SA ESP out 0xc8a1b7d2"),
      event(7.019, "moon", "sa", "delete SA ESP in 0xcd5e2f10"),
      event(7.019, "moon", "state", "CHILD net-net{1}: DELETED => DESTROYING"),
  };
  auto ok = [](std::string id, std::string description, std::string rfc, std::string expected,
               double t, std::vector<size_t> related) {
    Expectation e;
    e.id = std::move(id);
    e.description = std::move(description);
    e.rfc = std::move(rfc);
    e.passed = true;
    e.expected = expected;
    e.actual = expected;
    e.t = t;
    e.related_messages = std::move(related);
    return e;
  };
  s.expectations = {
      ok("sequence", "The whole conversation: setup, one rekey, one delete.", "RFC 7296 §1.3.3",
         "8 messages in order", 9, {0, 1, 2, 3, 4, 5, 6, 7}),
      ok("rekey", "moon rekeys 5 s after installing the Child SA.", "RFC 7296 §1.3.3",
         "CREATE_CHILD_SA request 2 [ N(REKEY_SA) SA No TSi TSr ] at 4.9..5.1 s after INSTALLED", 5.015, {4}),
      ok("delete", "Right after the rekey, moon deletes the old Child SA.", "RFC 7296 §2.8",
         "INFORMATIONAL request 3 [ D ] within 0.5 s", 5.018, {6}),
  };
  s.artifacts = {{"capture", "ikev2/net2net-rekey/capture.pcap"},
                 {"keys", "ikev2/net2net-rekey/keys"},
                 {"log:moon", "ikev2/net2net-rekey/moon.log"},
                 {"log:sun", "ikev2/net2net-rekey/sun.log"}};
  return s;
}

ScenarioResult failing_lossy_auth() {
  ScenarioResult s;
  s.name = "lossy-ike-auth";
  s.file = "scenarios/ikev2/lossy/ike-auth-drop.json";
  s.description =
      "The link drops moon's first two IKE_AUTH requests; moon must retransmit after 4 s and "
      "7.2 s and the IKE SA must be up within 10 s.";
  s.references = {"RFC 7296 §2.1", "RFC 7296 §2.4"};
  s.tags = {"ikev2", "retransmission", "impairment"};
  s.status = kFailed;
  s.wall_seconds = 0.031;
  s.virtual_seconds = 15;
  s.seed = 7;
  s.mode = "sim";
  s.hosts = moon_and_sun();
  add_setup(s, 0);
  std::vector<std::string> auth = {"IDi", "N(INIT_CONTACT)", "IDr", "AUTH", "SA", "TSi", "TSr"};
  WireMessage first = msg(0.010, true, "IKE_AUTH", false, 1, auth, 348);
  first.fate = "dropped";
  s.messages.push_back(first);
  WireMessage second = msg(4.010, true, "IKE_AUTH", false, 1, auth, 348);
  second.fate = "dropped";
  second.retransmit = true;
  s.messages.push_back(second);
  WireMessage third = msg(11.210, true, "IKE_AUTH", false, 1, auth, 348);
  third.retransmit = true;
  s.messages.push_back(third);
  s.messages.push_back(msg(11.214, false, "IKE_AUTH", true, 1, {"IDr", "AUTH", "SA", "TSi", "TSr"}, 252));
  // A stray datagram from an address no host of the scenario owns.
  WireMessage stray = msg(12.5, false, "INFORMATIONAL", false, 0, {}, 28);
  stray.from = "";
  stray.src = "203.0.113.66[500]";
  stray.to = "sun";
  stray.dst = kSun;
  stray.fate = "duplicated";
  stray.encrypted = false;
  stray.decrypted = false;
  stray.note = "unknown SPI, ignored";
  s.messages.push_back(stray);
  for (size_t i = 0; i < s.messages.size(); ++i) s.messages[i].frame = i + 1;

  s.events = {
      event(0, "moon", "action", "initiate host-host"),
      event(0, "moon", "fault", "network: drop the next 2 datagrams moon -> sun on port 500", "warning"),
      event(0, "moon", "state", "IKE host-host[1]: CREATED => CONNECTING"),
      event(4.010, "moon", "log", "retransmit 1 of request with message ID 1"),
      event(11.210, "moon", "log", "retransmit 2 of request with message ID 1"),
      event(11.214, "sun", "state", "IKE host-host[1]: CONNECTING => ESTABLISHED"),
      event(11.214, "sun", "log", kHostileText, "error"),
      event(11.216, "moon", "state", "IKE host-host[1]: CONNECTING => ESTABLISHED"),
      event(12.5, "sun", "note", "ignoring packet with unknown SPI", "warning"),
      event(12.5, "sun", "log", "line two with <b>bold</b> & an ampersand", "warning"),
  };
  Expectation retransmit1;
  retransmit1.id = "first-retransmit";
  retransmit1.description = "moon retransmits IKE_AUTH 4 s after the first try.";
  retransmit1.rfc = "RFC 7296 §2.1: the initiator retransmits a request until it gets a response";
  retransmit1.passed = true;
  retransmit1.expected = "IKE_AUTH request 1 at 4.0 s ± 0.1";
  retransmit1.actual = "at 4.000 s";
  retransmit1.t = 4.010;
  retransmit1.related_messages = {3};
  Expectation established;
  established.id = "established-in-time";
  established.description = "The IKE SA is ESTABLISHED on moon within 10 s despite the losses.";
  established.rfc = "RFC 7296 §2.1";
  established.passed = false;
  established.expected = "moon IKE ESTABLISHED by t=10.000";
  established.actual = "ESTABLISHED at t=11.216 after 2 retransmissions";
  established.t = 10;
  established.related_messages = {4, 5};
  Expectation child;
  child.id = "child-on-sun";
  child.description = "sun holds one Child SA at the end.";
  child.rfc = "RFC 7296 §1.2";
  child.passed = false;
  child.expected = "1 CHILD_SA INSTALLED on sun";
  child.actual = "0 CHILD_SAs: " + kHostileText;
  child.t = 14.5;
  child.known_deviation = "the simulated peer installs Child SAs lazily";
  s.expectations = {retransmit1, established, child};
  s.artifacts = {{"capture", "ikev2/lossy/lossy-ike-auth/capture.pcap"},
                 {"keys", "ikev2/lossy/lossy-ike-auth/keys"},
                 {"log:moon", "ikev2/lossy/lossy-ike-auth/moon.log"},
                 {"log:sun", "javascript:alert(1)"}};
  s.notes = {"not decryptable by Wireshark: ENCR_CHACHA20_POLY1305 <none>"};
  return s;
}

ScenarioResult broken_scenario() {
  ScenarioResult s;
  s.name = "broken-lifetime";
  s.file = "scenarios/ikev2/broken-lifetime.json";
  s.status = kError;
  s.error =
      "scenarios/ikev2/broken-lifetime.json:14:22: $.hosts.moon.conns.net-net.lifetime: \"ten\" is not "
      "a duration\nhint: durations look like \"10s\", \"5m\" or \"1h\"";
  s.mode = "sim";
  return s;
}

ScenarioResult skipped_netns() {
  ScenarioResult s;
  s.name = "xfrm-install-failure";
  s.file = "scenarios/netns/xfrm-install-failure.json";
  s.status = kSkipped;
  s.error = "netns mode needs root";
  s.mode = "netns";
  return s;
}

ScenarioResult long_rekeying(size_t rekeys) {
  ScenarioResult s;
  s.name = "rekey-marathon";
  s.file = "scenarios/ikev2/stress/rekey-marathon.json";
  s.description = "Rekeys the Child SA every 10 s for a long time.";
  s.status = kPassed;
  s.mode = "sim";
  s.seed = 99;
  s.hosts = moon_and_sun();
  add_setup(s, 0);
  s.messages.push_back(msg(0.010, true, "IKE_AUTH", false, 1, {"IDi", "AUTH", "SA", "TSi", "TSr"}, 300));
  s.messages.push_back(msg(0.015, false, "IKE_AUTH", true, 1, {"IDr", "AUTH", "SA", "TSi", "TSr"}, 300));
  uint32_t mid = 2;
  for (size_t i = 0; i < rekeys; ++i) {
    double t = 10.0 * static_cast<double>(i + 1);
    s.messages.push_back(msg(t, true, "CREATE_CHILD_SA", false, mid,
                             {"N(REKEY_SA)", "SA", "No", "TSi", "TSr"}, 236));
    s.messages.push_back(msg(t + 0.002, false, "CREATE_CHILD_SA", true, mid, {"SA", "No", "TSi", "TSr"}, 220));
    ++mid;
    s.messages.push_back(msg(t + 0.003, true, "INFORMATIONAL", false, mid, {"D"}, 76));
    s.messages.push_back(msg(t + 0.004, false, "INFORMATIONAL", true, mid, {"D"}, 76));
    ++mid;
    s.events.push_back(event(t, "moon", "state", "CHILD net-net{" + std::to_string(i + 1) +
                                                     "}: INSTALLED => REKEYING"));
  }
  s.virtual_seconds = 10.0 * static_cast<double>(rekeys + 1);
  Expectation e;
  e.id = "all-rekeys";
  e.passed = true;
  e.expected = std::to_string(rekeys) + " rekeys";
  e.actual = e.expected;
  s.expectations = {e};
  return s;
}

RunResult sample_run() {
  RunResult run;
  run.tool_version = "ikesuite 0.1.0";
  run.started_at = "2024-05-01T12:00:00Z";
  run.mode = "sim";
  run.seed = 1;
  run.wall_seconds = 0.25;
  run.command = "ikesuite run --seed 1 scenarios/ikev2";
  run.scenarios = {passing_rekey(), failing_lossy_auth(), broken_scenario(), skipped_netns()};
  return run;
}

}  // namespace ikesuite::reports::testing
