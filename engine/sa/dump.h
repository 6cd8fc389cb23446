// Text dumps of SA and policy tables in the shape of `ip -s xfrm state` and `ip xfrm
// policy`, for reports and failure messages, so that people who know the kernel's output
// read ikesuite's the same way (seed 001 shows the state dump this follows).
#pragma once

#include <string>
#include <vector>

#include "engine/sa/sa_backend.h"

namespace ikesuite::sa {

struct DumpOptions {
  enum class TimeStyle {
    kRunSeconds,  // seconds on the backend's clock: "add 5.000000s" (the virtual clock)
    kUtcDate,     // a date, for clocks counting from the Unix epoch: "add 2019-12-09 09:44:21"
  };
  TimeStyle time_style = TimeStyle::kRunSeconds;
  // Keys are private material (strongSwan logs them only at level 4): shown as their size
  // unless asked for.
  bool show_keys = false;
};

// One SA:
//   src 192.168.0.2 dst 192.168.0.1
//   	proto esp spi 0xcb131d54(3407027540) reqid 1(0x00000001) mode tunnel
//   	replay-window 32
//   	auth-trunc hmac(sha256) (256 bits) 128
//   	enc cbc(aes) (128 bits)
//   	lifetime config:
//   	  limit: soft (INF)(bytes), hard (INF)(bytes)
//   	  limit: soft (INF)(packets), hard (INF)(packets)
//   	  expire add: soft 5(sec), hard 10(sec)
//   	  expire use: soft 0(sec), hard 0(sec)
//   	lifetime current:
//   	  168(bytes), 2(packets)
//   	  add 0.000000s use -
//   	ikesuite: net-net{1} inbound
std::string format_sa(const SaEntry& sa, const DumpOptions& options = {});
std::string format_sas(const std::vector<SaEntry>& sas, const DumpOptions& options = {});

//   src 10.1.0.0/16 dst 10.2.0.0/16
//   	dir out priority 0
//   	tmpl src 192.168.0.1 dst 192.168.0.2
//   		proto esp reqid 1 mode tunnel
std::string format_policy(const PolicySpec& policy);
std::string format_policies(const std::vector<PolicySpec>& policies);

}  // namespace ikesuite::sa
