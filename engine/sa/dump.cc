#include "engine/sa/dump.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "engine/sa/algorithms.h"

namespace ikesuite::sa {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string limit(uint64_t v) { return v == 0 ? "(INF)" : std::to_string(v); }

std::string key_text(const Bytes& key, const DumpOptions& options) {
  if (options.show_keys) return "0x" + to_hex(key);
  return "(" + std::to_string(key.size() * 8) + " bits)";
}

std::string time_text(Time t, const DumpOptions& options) {
  if (options.time_style == DumpOptions::TimeStyle::kRunSeconds) return format_seconds(t) + "s";
  std::time_t secs = static_cast<std::time_t>(
      std::chrono::duration_cast<std::chrono::seconds>(t).count());
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string ip_proto(uint8_t p) {
  switch (p) {
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    case 58: return "ipv6-icmp";
    case 132: return "sctp";
    default: return std::to_string(p);
  }
}

// The selector as ip xfrm prints it: "src 10.1.0.0/16 dst 10.2.0.0/16 proto tcp dport 80".
std::string selector_text(const Selector& sel) {
  std::string out = "src " + (sel.src.addr.empty() ? std::string("0.0.0.0/0") : sel.src.to_string()) +
                    " dst " + (sel.dst.addr.empty() ? std::string("0.0.0.0/0") : sel.dst.to_string());
  if (sel.ip_protocol != 0) out += " proto " + ip_proto(sel.ip_protocol);
  if (sel.src_port != 0) out += " sport " + std::to_string(sel.src_port);
  if (sel.dst_port != 0) out += " dport " + std::to_string(sel.dst_port);
  return out;
}

void algorithms(std::string& out, const SaSpec& spec, const DumpOptions& options) {
  if (spec.integ != v2::IntegId::None) {
    auto integ = integ_info(spec.integ);
    out += "\tauth-trunc ";
    out += integ ? std::string(integ->kernel_name) : v2::to_string(spec.integ);
    out += ' ' + key_text(spec.integ_key, options);
    out += ' ' + std::to_string(integ ? integ->trunc_bits : 0) + '\n';
  }
  if (spec.key.protocol != Protocol::ESP) return;
  auto encr = encr_info(spec.encr);
  if (encr && encr->aead) {
    out += "\taead " + std::string(encr->kernel_name) + ' ' + key_text(spec.encr_key, options) +
           ' ' + std::to_string(encr->icv_bits) + '\n';
  } else {
    out += "\tenc " + (encr ? std::string(encr->kernel_name) : v2::to_string(spec.encr)) + ' ' +
           key_text(spec.encr_key, options) + '\n';
  }
}

// A transport-mode template leaves its addresses unset; the kernel shows them as zeros.
std::string template_address(const IpAddress& addr, const Selector& sel) {
  if (!addr.empty()) return addr.to_string();
  return sel.src.addr.is_v6() ? "::" : "0.0.0.0";
}

}  // namespace

std::string format_sa(const SaEntry& sa, const DumpOptions& options) {
  const SaSpec& spec = sa.spec;
  char buf[160];
  std::string out = "src " + spec.src.to_string() + " dst " + spec.key.dst.to_string() + '\n';
  std::snprintf(buf, sizeof buf, "\tproto %s spi 0x%08x(%" PRIu32 ") reqid %" PRIu32
                "(0x%08x) mode %s\n",
                lower(name(spec.key.protocol)).c_str(), spec.key.spi, spec.key.spi, spec.reqid,
                spec.reqid, lower(name(spec.mode)).c_str());
  out += buf;
  out += "\treplay-window " + std::to_string(spec.replay_window);
  if (spec.esn) out += " flag esn";
  out += '\n';
  algorithms(out, spec, options);
  if (spec.encap) {
    out += "\tencap type espinudp sport " + std::to_string(spec.encap->src_port) + " dport " +
           std::to_string(spec.encap->dst_port) + " addr 0.0.0.0\n";
  }
  if (!spec.selector.src.addr.empty() || !spec.selector.dst.addr.empty())
    out += "\tsel " + selector_text(spec.selector) + '\n';
  const Lifetime& lft = spec.lifetime;
  out += "\tlifetime config:\n";
  out += "\t  limit: soft " + limit(lft.soft_bytes) + "(bytes), hard " + limit(lft.hard_bytes) +
         "(bytes)\n";
  out += "\t  limit: soft " + limit(lft.soft_packets) + "(packets), hard " +
         limit(lft.hard_packets) + "(packets)\n";
  out += "\t  expire add: soft " + std::to_string(lft.soft_add_seconds) + "(sec), hard " +
         std::to_string(lft.hard_add_seconds) + "(sec)\n";
  out += "\t  expire use: soft " + std::to_string(lft.soft_use_seconds) + "(sec), hard " +
         std::to_string(lft.hard_use_seconds) + "(sec)\n";
  out += "\tlifetime current:\n";
  out += "\t  " + std::to_string(sa.bytes) + "(bytes), " + std::to_string(sa.packets) +
         "(packets)\n";
  out += "\t  add " + time_text(sa.added, options) + " use " +
         (sa.first_use ? time_text(*sa.first_use, options) : std::string("-")) + '\n';
  // What the kernel does not know but a report wants: the engine's name for the Child SA,
  // its direction and whether the soft expire has fired.
  std::string extra = spec.label;
  if (spec.inbound) extra += extra.empty() ? "inbound" : " inbound";
  if (sa.soft_expired) extra += extra.empty() ? "soft-expired" : " soft-expired";
  if (!extra.empty()) out += "\tikesuite: " + extra + '\n';
  return out;
}

std::string format_sas(const std::vector<SaEntry>& sas, const DumpOptions& options) {
  std::string out;
  for (const auto& sa : sas) out += format_sa(sa, options);
  return out;
}

std::string format_policy(const PolicySpec& policy) {
  std::string out = selector_text(policy.selector) + '\n';
  out += "\tdir " + std::string(name(policy.direction));
  if (policy.action == PolicyAction::Drop) out += " action block";
  out += " priority " + std::to_string(policy.priority) + '\n';
  if (policy.action == PolicyAction::Protect) {
    out += "\ttmpl src " + template_address(policy.tmpl_src, policy.selector) + " dst " +
           template_address(policy.tmpl_dst, policy.selector) + '\n';
    out += "\t\tproto " + lower(name(policy.protocol)) + " reqid " +
           std::to_string(policy.reqid) + " mode " + lower(name(policy.mode)) + '\n';
  }
  return out;
}

std::string format_policies(const std::vector<PolicySpec>& policies) {
  std::string out;
  for (const auto& p : policies) out += format_policy(p);
  return out;
}

}  // namespace ikesuite::sa
