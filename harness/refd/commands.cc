#include "harness/refd/commands.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/refd/events_json.h"
#include "harness/scenario/values.h"

namespace ikesuite::refd {
namespace {

using nlohmann::json;

json fail(const std::string& why) { return {{"ok", false}, {"error", why}}; }
// A failed operation's answer also names its error code ("unsupported", "state", ...), so
// a remote caller gets the same kind of error as an in-process one.
json done(const Status& s) {
  if (s.ok()) return {{"ok", true}};
  json out = fail(s.error().message());
  out["code"] = std::string(to_string(s.error().code()));
  return out;
}

// A string member, or an error naming it.
Result<std::string> member(const json& request, const char* key) {
  auto it = request.find(key);
  if (it == request.end() || !it->is_string() || it->get<std::string>().empty())
    return Error(ErrorCode::kConfig, std::string("missing \"") + key + "\" (a non-empty string)");
  return it->get<std::string>();
}

Result<harness::SaKind> sa_kind(const json& request, harness::SaKind fallback) {
  auto it = request.find("sa");
  if (it == request.end()) return fallback;
  if (it->is_string() && *it == "child") return harness::SaKind::kChild;
  if (it->is_string() && *it == "ike") return harness::SaKind::kIke;
  return Error(ErrorCode::kConfig, "\"sa\" must be \"child\" or \"ike\"");
}

template <typename E, size_t N>
std::optional<E> by_name(const std::string& text, const E (&values)[N]) {
  for (E v : values)
    if (harness::name(v) == text) return v;
  return std::nullopt;
}

std::string endpoint(const Endpoint& e) { return e.to_string(); }

}  // namespace

json CommandHandler::handle(const json& request) {
  auto cmd = member(request, "cmd");
  if (!cmd.ok()) return fail(cmd.error().reason());
  const std::string& c = *cmd;
  if (c == "initiate" || c == "rekey" || c == "terminate") {
    auto conn = member(request, "conn");
    if (!conn.ok()) return fail(c + ": " + conn.error().reason());
    if (c == "initiate") {
      auto ike_only = request.find("ike_only");
      if (ike_only != request.end() && !ike_only->is_boolean())
        return fail("initiate: \"ike_only\" must be true or false");
      return done(host_.initiate(*conn, ike_only != request.end() && ike_only->get<bool>()));
    }
    auto kind = sa_kind(request, c == "rekey" ? harness::SaKind::kChild : harness::SaKind::kIke);
    if (!kind.ok()) return fail(c + ": " + kind.error().reason());
    return done(c == "rekey" ? host_.rekey(*conn, *kind) : host_.terminate(*conn, *kind));
  }
  if (c == "list-sas") return list_sas();
  if (c == "sas")
    return {{"ok", true}, {"running", host_.running()}, {"sas", ike_snapshots_json(host_.sas())}};
  if (c == "backend")
    return {{"ok", true}, {"backend", backend_snapshot_json(host_.backend(clock_ ? clock_->now() : Time{0}))}};
  if (c == "misbehave") return misbehave(request);
  if (c == "traffic") return traffic(request);
  if (c == "stop") {
    host_.stop();
    return {{"ok", true}, {"generation", host_.generation()}};
  }
  if (c == "start") {
    Status s = host_.start();
    if (!s.ok()) return fail(s.error().message());
    return {{"ok", true}, {"generation", host_.generation()}};
  }
  if (c == "list-conns") return list_conns();
  if (c == "fault") return fault(request);
  if (c == "clear-faults") {
    host_.clear_faults();
    return {{"ok", true}};
  }
  if (c == "sa-dump") return {{"ok", true}, {"dump", host_.sa_dump()}};
  if (c == "stats") {
    json out{{"ok", true}, {"running", host_.running()}, {"generation", host_.generation()}};
    if (auto* e = host_.engine()) {
      const auto& s = e->stats();
      out["received"] = s.received;
      out["sent"] = s.sent;
      out["retransmits"] = s.retransmits;
      out["dropped"] = s.dropped;
      out["integrity_failures"] = s.integrity_failures;
    }
    return out;
  }
  if (c == "restart") {
    host_.stop();
    return done(host_.start());
  }
  if (c == "shutdown") {
    if (on_shutdown_) on_shutdown_();
    return {{"ok", true}};
  }
  return fail("unknown cmd '" + c +
              "' (initiate, rekey, terminate, list-sas, list-conns, sas, backend, fault, "
              "clear-faults, misbehave, traffic, sa-dump, stats, stop, start, restart, "
              "subscribe, shutdown)");
}

json CommandHandler::list_sas() const {
  json sas = json::array();
  if (auto* e = host_.engine()) {
    for (const auto& ike : e->list_sas()) {
      json children = json::array();
      for (const auto& child : ike.children)
        children.push_back({{"name", child.name},
                            {"unique_id", child.unique_id},
                            {"state", std::string(ikev2::name(child.state))},
                            {"spi_in", child.spi_in},
                            {"spi_out", child.spi_out},
                            {"proposal", child.proposal},
                            {"mode", child.mode},
                            {"local_ts", child.ts_local},
                            {"remote_ts", child.ts_remote}});
      sas.push_back({{"name", ike.name},
                     {"unique_id", ike.unique_id},
                     {"state", std::string(ikev2::name(ike.state))},
                     {"initiator", ike.initiator},
                     {"spi_i", ike.spi_i},
                     {"spi_r", ike.spi_r},
                     {"local", endpoint(ike.local)},
                     {"remote", endpoint(ike.remote)},
                     {"local_id", ike.local_id},
                     {"remote_id", ike.remote_id},
                     {"proposal", ike.proposal},
                     {"children", children}});
    }
  }
  return {{"ok", true}, {"running", host_.running()}, {"sas", sas}};
}

json CommandHandler::list_conns() const {
  json conns = json::array();
  for (const auto& pc : host_.config().connections) {
    json children = json::array();
    for (const auto& child : pc.children) children.push_back(child.name);
    conns.push_back({{"name", pc.name},
                     {"local", pc.local_addr.to_string()},
                     {"remote", pc.remote_addr.to_string()},
                     {"local_port", pc.local_port},
                     {"remote_port", pc.remote_port},
                     {"local_id", pc.local.id.to_string()},
                     {"remote_id", pc.remote.id.to_string()},
                     {"children", children}});
  }
  return {{"ok", true}, {"conns", conns}};
}

json CommandHandler::fault(const json& request) {
  using harness::Direction;
  using harness::IpsecProtocol;
  using harness::SaOp;
  static constexpr SaOp kOps[] = {SaOp::kAllocSpi,  SaOp::kAddSa,     SaOp::kUpdateSa,
                                  SaOp::kDeleteSa,  SaOp::kAddPolicy, SaOp::kDeletePolicy};
  static constexpr Direction kDirections[] = {Direction::kIn, Direction::kOut, Direction::kFwd};
  static constexpr IpsecProtocol kProtocols[] = {IpsecProtocol::kEsp, IpsecProtocol::kAh};
  harness::FaultSpec f;
  auto op = member(request, "op");
  if (!op.ok()) return fail("fault: " + op.error().reason());
  std::string op_name = *op;
  for (char& ch : op_name)
    if (ch == '_') ch = '-';  // scenario files spell them "add-sa"; "add_sa" is accepted too
  auto o = by_name(op_name, kOps);
  if (!o) return fail("fault: unknown op '" + *op + "' (alloc-spi, add-sa, update-sa, delete-sa, "
                      "add-policy, delete-policy)");
  f.op = *o;
  if (request.contains("direction")) {
    auto d = request["direction"].is_string()
                 ? by_name(request["direction"].get<std::string>(), kDirections)
                 : std::nullopt;
    if (!d) return fail("fault: \"direction\" must be \"in\", \"out\" or \"fwd\"");
    f.direction = *d;
  }
  if (request.contains("protocol")) {
    auto p = request["protocol"].is_string()
                 ? by_name(request["protocol"].get<std::string>(), kProtocols)
                 : std::nullopt;
    if (!p) return fail("fault: \"protocol\" must be \"esp\" or \"ah\"");
    f.protocol = *p;
  }
  auto number = [&](const char* key, uint32_t fallback) -> std::optional<uint32_t> {
    if (!request.contains(key)) return fallback;
    const json& v = request[key];
    if (v.is_number_unsigned() && v.get<uint64_t>() <= UINT32_MAX) return v.get<uint32_t>();
    return std::nullopt;
  };
  auto nth = number("nth", 1);
  auto times = number("times", 1);
  if (!nth || *nth == 0) return fail("fault: \"nth\" must be a positive integer");
  if (!times) return fail("fault: \"times\" must be an integer (0: every matching call)");
  f.nth = *nth;
  f.times = *times;
  if (!request.contains("errno")) return fail("fault: missing \"errno\" (a name such as EINVAL, or a number)");
  const json& e = request["errno"];
  if (e.is_number_integer()) {
    f.err = e.get<int>();
  } else if (e.is_string()) {
    auto err = harness::parse_errno(e.get<std::string>());
    if (!err.ok()) return fail("fault: " + err.error().reason());
    f.err = *err;
  } else {
    return fail("fault: \"errno\" must be a name such as EINVAL or a number");
  }
  f.err_name = harness::errno_name(f.err);
  return done(host_.add_fault(f));
}

json CommandHandler::misbehave(const json& request) {
  auto it = request.find("impair");
  if (request.contains("clear") && !request["clear"].is_boolean())
    return fail("misbehave: \"clear\" must be true or false");
  const bool clear = request.contains("clear") && request["clear"].get<bool>();
  if (it != request.end() && !it->is_array())
    return fail("misbehave: \"impair\" must be a list of impairments as a scenario file writes them");
  if ((it == request.end() || it->empty()) && !clear)
    return fail("misbehave: needs \"impair\": [...] (or \"clear\": true)");
  std::string conn;
  if (request.contains("conn")) {
    auto name = member(request, "conn");
    if (!name.ok()) return fail("misbehave: " + name.error().reason());
    conn = *name;
  }
  if (scenario_path_.empty())
    return fail("misbehave: the daemon does not know its scenario file to check impairments against");
  // The impairments are checked exactly as the scenario loader checks a misbehave action
  // (kinds, parameters, exchanges and payloads of the connection's IKE version): the
  // daemon's scenario is loaded again with this request as its only action.
  std::ifstream in(scenario_path_);
  std::stringstream text;
  text << in.rdbuf();
  json doc = json::parse(text.str(), nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (!in || doc.is_discarded() || !doc.is_object())
    return fail("misbehave: cannot read the scenario file " + scenario_path_ + " again");
  json action{{"at", 0}, {"host", host_.name()}, {"action", "misbehave"}};
  if (!conn.empty()) action["conn"] = conn;
  if (request.contains("clear")) action["clear"] = clear;
  action["impair"] = it != request.end() ? *it : json::array();
  doc["timeline"] = json::array({action});
  doc["expect"] = json::array();  // they may refer to actions of the real timeline
  const std::string directory = std::filesystem::path(scenario_path_).parent_path().string();
  harness::LoadResult loaded =
      harness::load_scenario_text(doc.dump(), scenario_path_, directory, load_options_);
  if (!loaded.ok()) {
    std::string why;
    for (const auto& d : loaded.diagnostics) {
      if (d.severity != harness::Severity::kError) continue;
      std::string where = d.pointer;
      if (where.rfind("/timeline/0", 0) == 0) where = where.substr(11);
      why += (why.empty() ? "" : "; ") + (where.empty() ? "" : where + ": ") + d.message;
    }
    return fail("misbehave: " + why);
  }
  if (loaded.scenario->timeline.size() != 1)
    return fail("misbehave: the request did not load as one misbehave action");
  return done(host_.misbehave(loaded.scenario->timeline[0].impairments, conn, clear));
}

json CommandHandler::traffic(const json& request) {
  auto conn = member(request, "conn");
  if (!conn.ok()) return fail("traffic: " + conn.error().reason());
  harness::TrafficSpec t;
  auto count = [&](const char* key, uint64_t* out) {
    if (!request.contains(key)) return true;
    const json& v = request[key];
    if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<int64_t>() < 0)) return false;
    *out = request[key].get<uint64_t>();
    return true;
  };
  if (!count("bytes", &t.bytes) || !count("packets", &t.packets))
    return fail("traffic: \"bytes\" and \"packets\" must be non-negative integers");
  if (t.bytes == 0 && t.packets == 0)
    return fail("traffic: needs \"bytes\" and/or \"packets\" above 0");
  if (request.contains("direction")) {
    static constexpr harness::Direction kTrafficDirections[] = {
        harness::Direction::kIn, harness::Direction::kOut, harness::Direction::kBoth};
    auto d = request["direction"].is_string()
                 ? by_name(request["direction"].get<std::string>(), kTrafficDirections)
                 : std::nullopt;
    if (!d) return fail("traffic: \"direction\" must be \"in\", \"out\" or \"both\"");
    t.direction = *d;
  }
  return done(host_.traffic(*conn, t));
}

}  // namespace ikesuite::refd
