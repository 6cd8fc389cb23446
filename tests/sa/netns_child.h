// Runs a piece of a test in a forked child inside a fresh network namespace, so XFRM tests
// never touch the host's SAD and SPD: the namespace (and every SA and policy in it) is gone
// when the child exits. The child reports facts as key/value pairs through a pipe; the
// parent makes the assertions.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace ikesuite::sa::testing {

class Facts {
 public:
  void set(const std::string& key, const std::string& value) { values_[key] = value; }
  void set(const std::string& key, long long value) { values_[key] = std::to_string(value); }
  bool has(const std::string& key) const { return values_.count(key) != 0; }
  // The value, or "<missing KEY>" so that a failed expectation names what was absent.
  std::string get(const std::string& key) const;
  // The value as a number (decimal or 0x hex), -1 when missing.
  long long num(const std::string& key) const;
  const std::map<std::string, std::string>& all() const { return values_; }

  std::string serialize() const;
  static Facts parse(const std::string& text);

 private:
  std::map<std::string, std::string> values_;
};

struct ChildResult {
  // Set when the test cannot run here (not root, no network namespaces): the reason.
  std::string skip;
  // Set when the child failed to report (crashed, timed out): what happened.
  std::string failure;
  Facts facts;
};

// Forks; the child enters a new network namespace (unshare(CLONE_NEWNET)), runs `body` and
// writes its facts back. Waits at most `timeout_seconds` for the child.
ChildResult run_in_new_netns(const std::function<void(Facts&)>& body, int timeout_seconds = 60);

}  // namespace ikesuite::sa::testing
