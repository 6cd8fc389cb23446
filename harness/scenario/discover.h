// Finding scenario files: the paths given (files, or folders searched recursively for *.json,
// schema.json excepted), sorted and without duplicates.
#pragma once

#include <string>
#include <vector>

#include "engine/base/result.h"

namespace ikesuite::harness {

// Paths are returned as given (relative stays relative), folders joined with the file's path
// inside them. A path that does not exist is an error naming it.
Result<std::vector<std::string>> discover_scenarios(const std::vector<std::string>& paths);

// The default place: ./scenarios when it exists, else the source tree's scenarios/ folder.
std::string default_scenario_dir();

}  // namespace ikesuite::harness
