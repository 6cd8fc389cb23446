// Errors shaped like the kernel's answers. Every SA backend (the memory model, XFRM netlink
// and the fault injector) reports a failed operation through these helpers, so a simulated
// kernel refusal reads exactly like a real one: "add SA ESP 0xc14f1c0a 192.168.0.2 =>
// 192.168.0.1: Protocol not supported (errno 93)", with sys_errno() set. This mirrors what
// strongSwan's kernel interface logs ("received netlink error: Protocol not supported (93)",
// "unable to add SAD entry with SPI c14f1c0a") in one line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/ip.h"
#include "engine/base/result.h"
#include "engine/sa/sa_backend.h"

namespace ikesuite::sa {

// The C library's English text for an errno ("Protocol not supported"), independent of the
// locale; "Unknown error 4242" for values it does not know.
std::string errno_text(int err);

// The error code an errno maps to: kNotFound for ESRCH and ENOENT (missing SA or policy),
// kSystem for everything else.
ErrorCode errno_code(int err);

// "<what>: <errno text> (errno N)", plus " [<detail>]" when the kernel (netlink extended ack)
// or the model said more.
Error kernel_error(std::string_view what, int err, std::string_view detail = {});

// How each operation names its target in errors and logs.
std::string describe_alloc_spi(Protocol protocol, const IpAddress& src, const IpAddress& dst);
// "add SA ESP 0xc14f1c0a 192.168.0.2 => 192.168.0.1"
std::string describe_add_sa(const SaSpec& spec);
// "update SA ESP 0xc14f1c0a dst 192.168.0.1", "delete SA ..."
std::string describe_sa(Operation op, const SaKey& key);
// "add policy 10.1.0.0/16 === 10.2.0.0/16 out", "delete policy ..."
std::string describe_policy(Operation op, const Selector& selector, Direction direction);

// "0xc14f1c0a"
std::string spi_hex(uint32_t spi);

}  // namespace ikesuite::sa
