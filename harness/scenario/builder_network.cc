// The network: link impairments, NATs and unroutable addresses.
#include <algorithm>
#include <map>

#include "harness/scenario/builder.h"
#include "harness/scenario/values.h"

namespace ikesuite::harness::detail {

void Builder::parse_link_params(const json& obj, const std::string& pointer, LinkParams& params) {
  auto p = [&](std::string_view key) { return json_pointer_append(pointer, key); };
  for (auto [key, field] : {std::pair<const char*, std::optional<double>*>{"loss", &params.loss},
                            {"duplicate", &params.duplicate},
                            {"reorder", &params.reorder}}) {
    if (const json* v = get(obj, key))
      if (auto pr = probability(*v, p(key))) *field = *pr;
  }
  for (auto [key, field] : {std::pair<const char*, std::optional<Duration>*>{"delay", &params.delay},
                            {"jitter", &params.jitter},
                            {"reorder_delay", &params.reorder_delay}}) {
    if (const json* v = get(obj, key))
      if (auto d = duration(*v, p(key))) *field = *d;
  }
  if (auto mtu = get_uint(obj, "mtu")) params.mtu = static_cast<uint32_t>(*mtu);
  if (auto down = get_bool(obj, "down")) params.down = *down;
  if (params.reorder && *params.reorder > 0 && !params.reorder_delay && !params.delay && !params.jitter)
    out_.warning(p("reorder"), "reordering needs a delay to reorder by: set reorder_delay (or delay/jitter)");
  if (params.jitter && params.delay && *params.jitter > *params.delay)
    out_.warning(p("jitter"), "jitter larger than delay: the delay is clamped at 0, so packets bunch up");
}

bool Builder::known_endpoint(const std::string& text, const std::string& pointer, std::string* host,
                             std::optional<IpAddress>* address, const char* role) {
  if (const Host* h = sc_.find_host(text)) {
    *host = h->name;
    return true;
  }
  if (auto a = IpAddress::parse(text)) {
    if (const Host* h = sc_.host_by_address(*a)) {
      *host = h->name;
      return true;
    }
    bool nat = std::any_of(sc_.network.nats.begin(), sc_.network.nats.end(),
                           [&](const Nat& n) { return n.public_address == *a; });
    bool blackhole =
        std::find(sc_.network.blackhole.begin(), sc_.network.blackhole.end(), *a) != sc_.network.blackhole.end();
    if (nat || blackhole) {
      *address = *a;
      return true;
    }
    out_.value_error(pointer, std::string(role) + " " + text +
                                  " is no host's address, no NAT's public address and not in network.blackhole");
    return false;
  }
  std::vector<std::string> names;
  for (const auto& h : sc_.hosts) names.push_back(h.name);
  out_.value_error(pointer, "unknown host '" + text + "'" + did_you_mean(text, names));
  return false;
}

void Builder::build_network() {
  const json* net = get(doc_, "network");
  Network& n = sc_.network;
  n.src = src("/network");
  if (!net || !net->is_object()) return;
  std::vector<std::string> host_names;
  for (const auto& h : sc_.hosts) host_names.push_back(h.name);
  auto host_exists = [&](const std::string& name, const std::string& pointer) {
    if (sc_.find_host(name)) return true;
    out_.value_error(pointer, "unknown host '" + name + "'" + did_you_mean(name, host_names));
    return false;
  };

  if (const json* d = get(*net, "default"); d && d->is_object()) {
    parse_link_params(*d, "/network/default", n.defaults);
  }

  // Blackhole and NAT addresses first: links and conns refer to them.
  if (const json* bh = get(*net, "blackhole"); bh && bh->is_array()) {
    for (size_t i = 0; i < bh->size(); ++i) {
      if (!(*bh)[i].is_string()) continue;
      std::string bp = json_pointer_append("/network/blackhole", i);
      auto a = IpAddress::parse((*bh)[i].get<std::string>());
      if (!a) {
        out_.value_error(bp, "'" + (*bh)[i].get<std::string>() + "' is not an IP address");
        continue;
      }
      if (const Host* h = sc_.host_by_address(*a)) {
        out_.value_error(bp, a->to_string() + " belongs to host '" + h->name +
                                 "'; a blackhole address is one no host owns (use host_down to silence a host)");
        continue;
      }
      n.blackhole.push_back(*a);
    }
  }

  if (const json* nats = get(*net, "nat"); nats && nats->is_array()) {
    std::map<std::string, std::string> behind;  // host -> NAT name
    std::set<std::string> names;
    for (size_t i = 0; i < nats->size(); ++i) {
      const json& obj = (*nats)[i];
      std::string np = json_pointer_append("/network/nat", i);
      if (!obj.is_object()) continue;
      Nat nat;
      nat.src = src(np);
      if (auto v = get_string(obj, "name")) {
        nat.name = *v;
        if (!names.insert(*v).second) out_.value_error(json_pointer_append(np, "name"), "NAT '" + *v + "' is defined twice");
      }
      if (const json* inside = get(obj, "inside"); inside && inside->is_array()) {
        for (size_t j = 0; j < inside->size(); ++j) {
          if (!(*inside)[j].is_string()) continue;
          std::string h = (*inside)[j].get<std::string>();
          std::string ip = json_pointer_append(json_pointer_append(np, "inside"), j);
          if (!host_exists(h, ip)) continue;
          auto [it, fresh] = behind.emplace(h, nat.name);
          if (!fresh) {
            out_.value_error(ip, "host '" + h + "' is already behind NAT '" + it->second + "'");
            continue;
          }
          nat.inside.push_back(h);
        }
      }
      if (auto v = get_string(obj, "public")) {
        std::string pp = json_pointer_append(np, "public");
        auto a = IpAddress::parse(*v);
        if (!a) {
          out_.value_error(pp, "'" + *v + "' is not an IP address");
        } else if (const Host* owner = sc_.host_by_address(*a)) {
          out_.value_error(pp, a->to_string() + " belongs to host '" + owner->name + "'; a NAT needs an address of its own");
        } else if (std::find(n.blackhole.begin(), n.blackhole.end(), *a) != n.blackhole.end()) {
          out_.value_error(pp, a->to_string() + " is also listed in network.blackhole");
        } else if (std::any_of(n.nats.begin(), n.nats.end(), [&](const Nat& o) { return o.public_address == *a; })) {
          out_.value_error(pp, a->to_string() + " is already the public address of another NAT");
        } else {
          nat.public_address = *a;
          for (const auto& h : nat.inside) {
            const Host* in = sc_.find_host(h);
            bool family = in && std::any_of(in->addresses.begin(), in->addresses.end(),
                                            [&](const IpAddress& x) { return x.family() == a->family(); });
            if (in && !family)
              out_.value_error(pp, "host '" + h + "' has no " + std::string(a->is_v4() ? "IPv4" : "IPv6") +
                                       " address for this NAT to translate");
          }
        }
      }
      if (const json* t = get(obj, "type"); t && t->is_string()) {
        std::string s = t->get<std::string>();
        if (s == "full-cone") nat.type = NatType::kFullCone;
        if (s == "address-restricted") nat.type = NatType::kAddressRestricted;
        if (s == "port-restricted") nat.type = NatType::kPortRestricted;
        if (s == "symmetric") nat.type = NatType::kSymmetric;
      }
      if (const json* v = get(obj, "mapping_timeout"))
        if (auto d = duration(*v, json_pointer_append(np, "mapping_timeout"))) nat.mapping_timeout = *d;
      n.nats.push_back(std::move(nat));
    }
  }

  if (const json* links = get(*net, "links"); links && links->is_array()) {
    std::map<std::pair<std::string, std::string>, std::string> seen;  // directed pair -> pointer
    for (size_t i = 0; i < links->size(); ++i) {
      const json& obj = (*links)[i];
      std::string lp = json_pointer_append("/network/links", i);
      if (!obj.is_object()) continue;
      Link link;
      link.src = src(lp);
      const json* between = get(obj, "between");
      auto from = get_string(obj, "from");
      auto to = get_string(obj, "to");
      if (between && (from || to)) {
        out_.error(lp, "a link is \"between\" two hosts (both directions) or \"from\"/\"to\" (one direction), not both");
        continue;
      }
      if (between && between->is_array() && between->size() == 2 && (*between)[0].is_string() &&
          (*between)[1].is_string()) {
        link.a = (*between)[0].get<std::string>();
        link.b = (*between)[1].get<std::string>();
        link.bidirectional = true;
        bool ok = host_exists(link.a, json_pointer_append(json_pointer_append(lp, "between"), 0));
        ok = host_exists(link.b, json_pointer_append(json_pointer_append(lp, "between"), 1)) && ok;
        if (!ok) continue;
      } else if (from || to) {
        if (!from || !to) {
          out_.error(lp, "a one-way link needs both \"from\" and \"to\"");
          continue;
        }
        link.a = *from;
        link.b = *to;
        link.bidirectional = false;
        bool ok = host_exists(link.a, json_pointer_append(lp, "from"));
        ok = host_exists(link.b, json_pointer_append(lp, "to")) && ok;
        if (!ok) continue;
      } else {
        if (!between) out_.error(lp, "a link needs \"between\": [host, host], or \"from\" and \"to\"");
        continue;
      }
      if (link.a == link.b) {
        out_.error(lp, "a link joins two different hosts, not '" + link.a + "' with itself");
        continue;
      }
      parse_link_params(obj, lp, link.params);
      if (link.params.empty()) out_.warning(lp, "this link changes nothing (no loss, delay, ... given)");
      std::vector<std::pair<std::string, std::string>> dirs{{link.a, link.b}};
      if (link.bidirectional) dirs.emplace_back(link.b, link.a);
      for (const auto& d : dirs) {
        auto [it, fresh] = seen.emplace(d, lp);
        if (!fresh) {
          out_.error(lp, "the path " + d.first + " -> " + d.second + " is already described at line " +
                             std::to_string(positions_.locate(it->second).line));
          break;
        }
      }
      n.links.push_back(std::move(link));
    }
  }
}

}  // namespace ikesuite::harness::detail
