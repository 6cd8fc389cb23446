// A host's log in charon's shape: every line stamped with the run's clock (the virtual clock
// in sim mode) and kept with its group and level, written to <host>.log as it happens and
// kept in memory for log checks, event references and the report:
//
//   00:00:05.000 01[KNL] creating rekey job for CHILD_SA ESP/0xc8a1f00d/192.168.0.1
//
// The levels come from the scenario's "log" section (strongswan.conf filelog levels). Where
// a scenario sets no level for a group, level 2 applies: state changes ("IKE_SA net-net[1]
// state change: CONNECTING => ESTABLISHED") are logged at 2, and scenario log checks and the
// seed logs rely on them.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/log.h"
#include "engine/base/result.h"
#include "engine/base/time.h"
#include "harness/scenario/scenario.h"

namespace ikesuite::harness::run {

inline constexpr int kDefaultLogLevel = 2;

struct LogLine {
  Time t{0};
  LogGroup group = LogGroup::kIke;
  int level = 1;
  std::string text;
};

class HostLog final : public Logger {
 public:
  HostLog(const Clock& clock, const LogLevels& levels);
  ~HostLog() override;
  HostLog(const HostLog&) = delete;
  HostLog& operator=(const HostLog&) = delete;

  // Writes every kept line to `path` as well, flushed line by line.
  Status open_file(const std::string& path);
  // Called for every kept line, after it was stored.
  void set_sink(std::function<void(const LogLine&)> sink) { sink_ = std::move(sink); }

  void log(LogGroup group, int level, std::string_view text) override;
  bool enabled(LogGroup group, int level) const override;
  int level_of(LogGroup group) const;

  const std::vector<LogLine>& lines() const { return lines_; }
  // "00:00:05.000 01[IKE] text"
  static std::string format(const LogLine& line);
  // "00:00:05.000": the time part of a line (hours grow past 24 for long runs).
  static std::string format_time(Time t);

 private:
  const Clock& clock_;
  int levels_[11];
  std::FILE* file_ = nullptr;
  std::vector<LogLine> lines_;
  std::function<void(const LogLine&)> sink_;
};

// The LogGroup of a strongswan.conf group name ("ike", "knl", ...); nullopt for "default" and
// unknown names.
std::optional<LogGroup> parse_log_group(std::string_view name);

}  // namespace ikesuite::harness::run
