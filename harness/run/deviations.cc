#include "harness/run/deviations.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace ikesuite::harness::run {

namespace {

Error bad(const std::string& path, const std::string& pointer, const std::string& what) {
  return Error(ErrorCode::kConfig, path + ": " + pointer + ": " + what);
}

}  // namespace

Result<std::vector<PeerDeviation>> load_peer_deviations(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::kNotFound, path + ": cannot read the known-deviations file");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return Error(ErrorCode::kConfig, path + ": not valid JSON");
  if (!j.is_object()) return bad(path, "/", "must be an object with implementation and deviations");
  for (const auto& [key, value] : j.items())
    if (key != "implementation" && key != "version" && key != "deviations" && key != "description")
      return bad(path, "/" + key, "unknown key (implementation, version, description, deviations)");
  if (!j.contains("implementation") || !j["implementation"].is_string())
    return bad(path, "/implementation", "required: strongswan or libreswan");
  std::string impl_name = j["implementation"];
  Implementation impl;
  if (impl_name == "strongswan")
    impl = Implementation::kStrongswan;
  else if (impl_name == "libreswan")
    impl = Implementation::kLibreswan;
  else if (impl_name == "ref")
    impl = Implementation::kRef;
  else
    return bad(path, "/implementation", "'" + impl_name + "' is not ref, strongswan or libreswan");
  std::string version = j.contains("version") && j["version"].is_string() ? j["version"].get<std::string>() : "";
  if (!j.contains("deviations") || !j["deviations"].is_array()) return bad(path, "/deviations", "required: an array");
  std::vector<PeerDeviation> out;
  for (size_t i = 0; i < j["deviations"].size(); ++i) {
    const auto& d = j["deviations"][i];
    std::string where = "/deviations/" + std::to_string(i);
    if (!d.is_object()) return bad(path, where, "must be an object");
    PeerDeviation p;
    p.implementation = impl;
    p.version = version;
    p.source = path + ":" + where;
    for (const char* key : {"scenario", "expectation", "reason"}) {
      if (!d.contains(key) || !d[key].is_string() || d[key].get<std::string>().empty())
        return bad(path, where + "/" + key, "required: a non-empty string");
    }
    for (const auto& [key, value] : d.items())
      if (key != "scenario" && key != "expectation" && key != "reason")
        return bad(path, where + "/" + key, "unknown key (scenario, expectation, reason)");
    p.scenario = d["scenario"];
    p.expectation = d["expectation"];
    p.reason = d["reason"];
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace ikesuite::harness::run
