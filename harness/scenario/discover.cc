#include "harness/scenario/discover.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace ikesuite::harness {

namespace fs = std::filesystem;

Result<std::vector<std::string>> discover_scenarios(const std::vector<std::string>& paths) {
  std::set<std::string> found;
  for (const auto& path : paths) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) return Error(ErrorCode::kNotFound, path + ": no such file or directory");
    if (!fs::is_directory(status)) {
      found.insert(fs::path(path).lexically_normal().generic_string());
      continue;
    }
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    if (ec) return Error(ErrorCode::kSystem, path + ": " + ec.message());
    for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
      if (ec) return Error(ErrorCode::kSystem, path + ": " + ec.message());
      const auto& entry = *it;
      if (!entry.is_regular_file(ec)) continue;
      const fs::path& p = entry.path();
      // schema.json and a peer's recorded deviations (*.deviations.json) are not scenarios.
      std::string file = p.filename().string();
      bool deviations = file.size() > 16 && file.compare(file.size() - 16, 16, ".deviations.json") == 0;
      if (p.extension() != ".json" || file == "schema.json" || deviations) continue;
      found.insert(p.lexically_normal().generic_string());
    }
  }
  return std::vector<std::string>(found.begin(), found.end());
}

std::string default_scenario_dir() {
  std::error_code ec;
  if (fs::is_directory("scenarios", ec)) return "scenarios";
#ifdef IKESUITE_SOURCE_DIR
  return std::string(IKESUITE_SOURCE_DIR) + "/scenarios";
#else
  return "scenarios";
#endif
}

}  // namespace ikesuite::harness
