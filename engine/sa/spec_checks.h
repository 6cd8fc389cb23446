// Checks on SA and policy specs that both backends make before anything is installed: the
// ones a spec must pass to be expressible in XFRM at all (address families agree, prefixes
// fit). They fail with an Error carrying EINVAL, the errno the kernel gives such requests;
// callers turn it into a kernel-shaped error with kernel_error(what, ...).
#pragma once

#include "engine/base/result.h"
#include "engine/sa/sa_backend.h"

namespace ikesuite::sa {

// Outer addresses set and of one family; the selector empty or consistent; the replay
// window within XFRM's largest bitmap (XFRMA_REPLAY_ESN_MAX, 4096 packets).
Status check_sa_spec(const SaSpec& spec);
// A selector with both sides set, of one family, prefixes within the address size.
Status check_selector(const Selector& selector);
// The selector, and for Protect a template whose addresses agree (required in tunnel mode).
Status check_policy(const PolicySpec& policy);

// kernel_error(what, e.sys_errno() or EINVAL, e.reason()).
Error as_kernel_error(std::string_view what, const Error& e);

}  // namespace ikesuite::sa
