#include "engine/base/time.h"

#include <cstdio>

namespace ikesuite {

std::string format_seconds(Duration d) {
  int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  const char* sign = us < 0 ? "-" : "";
  if (us < 0) us = -us;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%lld.%06lld", sign, static_cast<long long>(us / 1000000),
                static_cast<long long>(us % 1000000));
  return buf;
}

}  // namespace ikesuite
