// Logging in strongSwan's shape: a group ("IKE", "CHD", "KNL", ...) and a level (0 audit,
// 1 control, 2 more control, 3 raw data, 4 private data), so that scenario expectations and
// people who know charon's logs read the same lines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ikesuite {

enum class LogGroup : uint8_t { kDmn, kMgr, kIke, kChd, kJob, kCfg, kKnl, kNet, kAsn, kEnc, kLib };

std::string_view name(LogGroup g);  // "IKE", "CHD", ...

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogGroup group, int level, std::string_view text) = 0;
  // Whether a line at this level would be kept (lets callers skip formatting raw dumps).
  virtual bool enabled(LogGroup group, int level) const {
    (void)group;
    return level <= 2;
  }
};

class NullLogger final : public Logger {
 public:
  void log(LogGroup, int, std::string_view) override {}
  bool enabled(LogGroup, int) const override { return false; }
};

}  // namespace ikesuite
