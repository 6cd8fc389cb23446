#include "engine/sa/spec_checks.h"

#include <cerrno>

#include "engine/sa/kernel_error.h"

namespace ikesuite::sa {
namespace {

// The kernel takes at most XFRMA_REPLAY_ESN_MAX / 32 bitmap words (verify_replay): a
// 4096-packet window.
constexpr uint32_t kMaxReplayWindow = 4096;

Error invalid(std::string reason) {
  return Error(ErrorCode::kConfig, std::move(reason)).with_errno(EINVAL);
}

Status check_subnet(const Subnet& net, std::string_view side) {
  if (net.addr.empty()) return invalid(std::string(side) + " of the selector is not set");
  if (net.prefix > net.addr.size() * 8)
    return invalid(std::string(side) + " prefix /" + std::to_string(net.prefix) +
                   " is longer than the address");
  return ok_status();
}

}  // namespace

Status check_selector(const Selector& selector) {
  TRY(check_subnet(selector.src, "source"));
  TRY(check_subnet(selector.dst, "destination"));
  if (selector.src.addr.family() != selector.dst.addr.family())
    return invalid("selector " + selector.to_string() + " mixes address families");
  return ok_status();
}

Status check_sa_spec(const SaSpec& spec) {
  if (spec.src.empty() || spec.key.dst.empty())
    return invalid("SA needs both a source and a destination address");
  if (spec.src.family() != spec.key.dst.family())
    return invalid("SA source " + spec.src.to_string() + " and destination " +
                   spec.key.dst.to_string() + " are of different address families");
  const Selector& sel = spec.selector;
  if (!sel.src.addr.empty() || !sel.dst.addr.empty()) TRY(check_selector(sel));
  if (spec.replay_window > kMaxReplayWindow)
    return invalid("replay window " + std::to_string(spec.replay_window) +
                   " is beyond XFRM's largest (" + std::to_string(kMaxReplayWindow) + ")");
  return ok_status();
}

Status check_policy(const PolicySpec& policy) {
  TRY(check_selector(policy.selector));
  if (policy.action != PolicyAction::Protect) return ok_status();
  bool have_src = !policy.tmpl_src.empty(), have_dst = !policy.tmpl_dst.empty();
  // RFC 4301 4.4.1.2: a tunnel-mode SPD entry names the tunnel endpoints.
  if (policy.mode == Mode::Tunnel && (!have_src || !have_dst))
    return invalid("tunnel-mode policy template needs both tunnel endpoints");
  if (have_src != have_dst)
    return invalid("policy template needs both addresses or neither");
  if (have_src && policy.tmpl_src.family() != policy.tmpl_dst.family())
    return invalid("policy template addresses are of different address families");
  return ok_status();
}

Error as_kernel_error(std::string_view what, const Error& e) {
  return kernel_error(what, e.sys_errno() != 0 ? e.sys_errno() : EINVAL, e.reason());
}

}  // namespace ikesuite::sa
