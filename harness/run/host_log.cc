#include "harness/run/host_log.h"

#include <cerrno>
#include <cstdio>

namespace ikesuite::harness::run {

namespace {

constexpr LogGroup kGroups[] = {LogGroup::kDmn, LogGroup::kMgr, LogGroup::kIke, LogGroup::kChd,
                                LogGroup::kJob, LogGroup::kCfg, LogGroup::kKnl, LogGroup::kNet,
                                LogGroup::kAsn, LogGroup::kEnc, LogGroup::kLib};

size_t index_of(LogGroup g) { return static_cast<size_t>(g); }

}  // namespace

std::optional<LogGroup> parse_log_group(std::string_view text) {
  for (LogGroup g : kGroups) {
    std::string lower(name(g));
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (lower == text) return g;
  }
  return std::nullopt;
}

HostLog::HostLog(const Clock& clock, const LogLevels& levels) : clock_(clock) {
  int fallback = levels.default_level.value_or(kDefaultLogLevel);
  for (int& l : levels_) l = fallback;
  for (const auto& [group, level] : levels.groups)
    if (auto g = parse_log_group(group)) levels_[index_of(*g)] = level;
}

HostLog::~HostLog() {
  if (file_) std::fclose(file_);
}

Status HostLog::open_file(const std::string& path) {
  if (file_) std::fclose(file_);
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) return Error(ErrorCode::kSystem, "cannot create " + path).with_errno(errno);
  for (const auto& line : lines_) std::fprintf(file_, "%s\n", format(line).c_str());
  std::fflush(file_);
  return {};
}

int HostLog::level_of(LogGroup group) const { return levels_[index_of(group)]; }

bool HostLog::enabled(LogGroup group, int level) const { return level <= level_of(group); }

void HostLog::log(LogGroup group, int level, std::string_view text) {
  if (!enabled(group, level)) return;
  LogLine line{clock_.now(), group, level, std::string(text)};
  if (file_) {
    std::fprintf(file_, "%s\n", format(line).c_str());
    // Flushed per line: a run that crashes keeps everything logged before.
    std::fflush(file_);
  }
  lines_.push_back(std::move(line));
  if (sink_) sink_(lines_.back());
}

std::string HostLog::format_time(Time t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t).count();
  if (ms < 0) ms = 0;
  long long h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, f = ms % 1000;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", h, m, s, f);
  return buf;
}

std::string HostLog::format(const LogLine& line) {
  // charon's "13[IKE]" shape; there is one thread, numbered 01.
  return format_time(line.t) + " 01[" + std::string(name(line.group)) + "] " + line.text;
}

}  // namespace ikesuite::harness::run
