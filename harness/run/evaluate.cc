#include "harness/run/evaluate.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <functional>
#include <regex>

#include "engine/crypto/proposal.h"
#include "harness/scenario/values.h"

namespace ikesuite::harness::run {

namespace {

// A bound on the backtracking of ordered-step searches (sa_events with bind/sa): the tables
// are small, but a pathological file must not hang the run.
constexpr size_t kSearchBudget = 200000;

std::string trim_seconds(double s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", s);
  std::string out = buf;
  // Keep at least three decimals: "5.000", "4.900123".
  while (out.size() > 1 && out.back() == '0' && out.find('.') + 4 < out.size()) out.pop_back();
  return out;
}

// Window bounds as written: "4.9", "0.5", "2".
std::string compact_seconds(double s) {
  std::string out = trim_seconds(s);
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

bool label_matches(const PayloadLabel& label, const decode::PayloadInfo& p) {
  if (label.version != p.version || label.type != p.type) return false;
  if (label.notify && p.notify != label.notify) return false;
  if (label.cp_type && p.cp_type != label.cp_type) return false;
  return true;
}

std::string labels_text(const std::vector<decode::PayloadInfo>& payloads) {
  std::string out = "[";
  for (const auto& p : payloads) out += " " + p.label;
  return out + " ]";
}

bool payloads_match(const std::vector<PayloadLabel>& want,
                    const std::vector<decode::PayloadInfo>& have, PayloadMatch mode) {
  switch (mode) {
    case PayloadMatch::kExact:
      if (want.size() != have.size()) return false;
      for (size_t i = 0; i < want.size(); ++i)
        if (!label_matches(want[i], have[i])) return false;
      return true;
    case PayloadMatch::kPrefix:
      if (want.size() > have.size()) return false;
      for (size_t i = 0; i < want.size(); ++i)
        if (!label_matches(want[i], have[i])) return false;
      return true;
    case PayloadMatch::kOrdered: {
      size_t j = 0;
      for (size_t i = 0; i < have.size() && j < want.size(); ++i)
        if (label_matches(want[j], have[i])) ++j;
      return j == want.size();
    }
    case PayloadMatch::kContains: {
      // A multiset: each wanted label consumes one payload; specific labels first, so a bare
      // "N" does not take the notify an "N(X)" needs.
      std::vector<bool> used(have.size(), false);
      std::vector<const PayloadLabel*> order;
      for (const auto& w : want) order.push_back(&w);
      std::stable_sort(order.begin(), order.end(), [](const PayloadLabel* a, const PayloadLabel* b) {
        return (a->notify || a->cp_type) && !(b->notify || b->cp_type);
      });
      for (const PayloadLabel* w : order) {
        bool found = false;
        for (size_t i = 0; i < have.size() && !found; ++i)
          if (!used[i] && label_matches(*w, have[i])) used[i] = found = true;
        if (!found) return false;
      }
      return true;
    }
  }
  return false;
}

std::string ts_set_text(const std::vector<v2::TrafficSelector>& ts) {
  std::string out;
  for (const auto& t : ts) out += (out.empty() ? "" : ", ") + t.to_string();
  return out.empty() ? "none" : out;
}

std::vector<v2::TrafficSelector> selectors_of(const decode::DecodedMessage& m, v2::PayloadType type) {
  std::vector<v2::TrafficSelector> out;
  for (const auto& p : m.v2_payloads)
    if (p.type == type)
      if (const auto* ts = p.as<v2::TsPayload>()) out.insert(out.end(), ts->selectors.begin(), ts->selectors.end());
  return out;
}

bool same_set(std::vector<v2::TrafficSelector> a, std::vector<v2::TrafficSelector> b) {
  if (a.size() != b.size()) return false;
  for (const auto& x : a) {
    auto it = std::find(b.begin(), b.end(), x);
    if (it == b.end()) return false;
    b.erase(it);
  }
  return true;
}

// Transforms compared as a set (their order in a proposal carries no meaning, RFC 7296 §3.3).
bool same_transforms(const v2::Proposal& a, const v2::Proposal& b) {
  if (a.protocol != b.protocol || a.transforms.size() != b.transforms.size()) return false;
  auto rest = b.transforms;
  for (const auto& t : a.transforms) {
    auto it = std::find_if(rest.begin(), rest.end(), [&](const v2::Transform& u) {
      return u.type == t.type && u.id == t.id && u.attributes == t.attributes;
    });
    if (it == rest.end()) return false;
    rest.erase(it);
  }
  return true;
}

std::string host_or(const std::string& host, const Endpoint& e) {
  return host.empty() ? e.addr.to_string() : host;
}

}  // namespace

struct Evaluator::Span {
  bool open = false;       // the window's start is known (its "after" event happened)
  Time start{0};
  std::optional<Time> end;  // inclusive
  std::optional<Time> before;  // exclusive: the "before" event's time, if it happened
  std::string problem;     // why it never opened
  bool contains(Time t) const {
    if (!open || t < start) return false;
    if (end && t > *end) return false;
    if (before && t >= *before) return false;
    return true;
  }
};

struct Evaluator::SaInstance {
  uint32_t generation = 0;
  uint32_t unique_id = 0;
  std::string conn;
  std::vector<const StateChange*> changes;
};

std::string Evaluator::seconds_text(Time t) { return trim_seconds(to_seconds(t)) + " s"; }

// ---- events ---------------------------------------------------------------------------

std::optional<Time> Evaluator::event_time(const EventRef& ref) {
  uint32_t nth = std::max<uint32_t>(ref.nth, 1);
  switch (ref.kind) {
    case EventRef::Kind::kExpectation:
    case EventRef::Kind::kAction: {
      IdTarget target = scenario_.resolve(ref.id);
      if (target.action) {
        size_t index = static_cast<size_t>(target.action - scenario_.timeline.data());
        if (index < record_.action_times.size()) return record_.action_times[index];
        return std::nullopt;
      }
      const void* key = target.step ? static_cast<const void*>(target.step)
                        : target.transition ? static_cast<const void*>(target.transition)
                        : target.sa_event ? static_cast<const void*>(target.sa_event)
                                          : static_cast<const void*>(target.expectation);
      if (!key) return std::nullopt;
      if (auto it = resolved_.find(key); it != resolved_.end()) return it->second;
      if (evaluating_.count(key) || !target.expectation) return std::nullopt;
      evaluating_.insert(key);
      // Evaluating the check records the times of its parts in resolved_.
      CheckOutcome outcome = check(*target.expectation);
      evaluating_.erase(key);
      if (auto it = resolved_.find(key); it != resolved_.end()) return it->second;
      (void)outcome;
      return std::nullopt;
    }
    case EventRef::Kind::kIkeState:
    case EventRef::Kind::kChildState: {
      bool ike = ref.kind == EventRef::Kind::kIkeState;
      uint32_t seen = 0;
      for (const auto& c : record_.states) {
        if (c.host != ref.host || c.ike != ike || c.to != ref.state) continue;
        if (!ref.conn.empty() && c.conn != ref.conn) continue;
        if (++seen == nth) return c.t;
      }
      return std::nullopt;
    }
    case EventRef::Kind::kSaEvent: {
      auto it = record_.hosts.find(ref.host);
      if (it == record_.hosts.end()) return std::nullopt;
      uint32_t seen = 0;
      for (const auto& e : it->second->backend_events()) {
        if (e.op != ref.op) continue;
        if (ref.direction && e.direction != ref.direction) continue;
        if (++seen == nth) return e.t;
      }
      return std::nullopt;
    }
    case EventRef::Kind::kLog: {
      auto it = record_.hosts.find(ref.host);
      if (it == record_.hosts.end()) return std::nullopt;
      std::regex re;
      try {
        re = std::regex(ref.regex, std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        return std::nullopt;
      }
      uint32_t seen = 0;
      for (const auto& line : it->second->log_lines())
        if (std::regex_search(line.text, re) && ++seen == nth) return line.t;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<Time> Evaluator::instant_time(const Instant& at) {
  if (!at.after) return at.offset;
  auto t = event_time(*at.after);
  if (!t) return std::nullopt;
  return *t + at.offset;
}

std::string Evaluator::describe_event(const EventRef& ref) const {
  std::string nth = ref.nth > 1 ? " (occurrence " + std::to_string(ref.nth) + ")" : "";
  switch (ref.kind) {
    case EventRef::Kind::kExpectation:
    case EventRef::Kind::kAction: {
      IdTarget t = scenario_.resolve(ref.id);
      if (t.action) return "action '" + ref.id + "'";
      if (t.step) return "sequence step '" + ref.id + "'";
      if (t.transition) return "transition '" + ref.id + "'";
      if (t.sa_event) return "sa_events step '" + ref.id + "'";
      return "expectation '" + ref.id + "'";
    }
    case EventRef::Kind::kIkeState:
      return ref.host + "'s IKE SA" + (ref.conn.empty() ? "" : " " + ref.conn) + " entered " +
             ref.state + nth;
    case EventRef::Kind::kChildState:
      return ref.host + "'s Child SA" + (ref.conn.empty() ? "" : " " + ref.conn) + " entered " +
             ref.state + nth;
    case EventRef::Kind::kSaEvent:
      return ref.host + "'s SA backend saw " + std::string(name(ref.op)) +
             (ref.direction ? " " + std::string(name(*ref.direction)) : "") + nth;
    case EventRef::Kind::kLog: return ref.host + " logged /" + ref.regex + "/" + nth;
  }
  return ref.describe();
}

Evaluator::Span Evaluator::window(const std::optional<Window>& w, bool absence) {
  Span s;
  s.open = true;
  if (!w) return s;
  Time base{0};
  if (w->after) {
    auto t = event_time(*w->after);
    if (!t) {
      s.open = false;
      s.problem = describe_event(*w->after) + " never happened";
      return s;
    }
    base = *t;
  }
  s.start = base + w->min;
  if (w->max) s.end = base + *w->max;
  if (tolerance_ > Duration{0}) {
    if (absence) {
      if (s.start > base || w->after) s.start += tolerance_;
      if (s.end) s.end = std::max(s.start, *s.end - tolerance_);
    } else {
      s.start = std::max(Time{0}, s.start - tolerance_);
      if (s.end) *s.end += tolerance_;
    }
  }
  if (w->before) {
    if (auto t = event_time(*w->before)) s.before = *t;
  }
  return s;
}

std::string Evaluator::describe_window(const std::optional<Window>& w, const Span& span) const {
  if (!w) return "";
  std::string out;
  std::string anchor;
  if (w->after) {
    anchor = " after " + describe_event(*w->after) +
             (span.open ? " (at " + seconds_text(span.start - w->min) + ")" : " (which never happened)");
  }
  double lo = to_seconds(w->min);
  if (w->max) {
    out = " between " + compact_seconds(lo) + " and " + compact_seconds(to_seconds(*w->max)) + " s" + anchor;
  } else if (lo > 0 || w->after) {
    out = " at least " + compact_seconds(lo) + " s" + anchor;
  }
  if (w->before) {
    out += " and before " + describe_event(*w->before) +
           (span.before ? " (at " + seconds_text(*span.before) + ")" : " (which never happened)");
  }
  return out;
}

// ---- message matching -------------------------------------------------------------------

std::vector<std::string> Evaluator::differences(const MessageMatcher& m, const Observation& o) const {
  std::vector<std::string> diffs;
  const TraceMessage& msg = record_.trace->messages()[o.message];
  const decode::DecodedMessage& d = msg.decoded;
  if (m.seen == Seen::kReceived && !o.received) diffs.push_back("not a delivery");
  if (m.seen == Seen::kSent && o.received) diffs.push_back("a delivery");
  if (!m.from.empty() && msg.from != m.from)
    diffs.push_back("from " + host_or(msg.from, msg.src) + " instead of " + m.from);
  if (!m.to.empty() && msg.to != m.to)
    diffs.push_back("to " + host_or(msg.to, msg.dst) + " instead of " + m.to);
  if (m.from_address && msg.src.addr != *m.from_address && o.src.addr != *m.from_address)
    diffs.push_back("from " + msg.src.addr.to_string());
  if (m.to_address && msg.dst.addr != *m.to_address && o.dst.addr != *m.to_address)
    diffs.push_back("to " + msg.dst.addr.to_string());
  uint8_t version = d.family;
  if (version != m.ike_version) diffs.push_back("IKEv" + std::to_string(d.major_version));
  if (m.exchange && d.exchange != *m.exchange) diffs.push_back(d.exchange_name);
  if (m.kind && d.response != (*m.kind == MessageKind::kResponse))
    diffs.push_back(d.response ? "a response" : "a request");
  if (m.message_id && d.message_id != *m.message_id)
    diffs.push_back("message ID " + std::to_string(d.message_id));
  if (m.payloads && !payloads_match(*m.payloads, d.payloads, m.match))
    diffs.push_back("payloads " + labels_text(d.payloads));
  for (const auto& a : m.absent)
    for (const auto& p : d.payloads)
      if (label_matches(a, p)) {
        diffs.push_back("carries " + p.label);
        break;
      }
  if (m.fragments && !m.fragments->contains(d.fragments))
    diffs.push_back(std::to_string(d.fragments) + " fragments");
  const Endpoint& src = o.received ? o.src : msg.src;
  const Endpoint& dst = o.received ? o.dst : msg.dst;
  if (m.src_port && src.port != *m.src_port) diffs.push_back("source port " + std::to_string(src.port));
  if (m.dst_port && dst.port != *m.dst_port) diffs.push_back("destination port " + std::to_string(dst.port));
  if (!m.proposal.empty() || m.auth_method || m.ke_group || m.tsi || m.tsr) {
    if (d.encrypted && !d.decrypted) diffs.push_back("encrypted (no keys)");
  }
  if (!m.proposal.empty()) {
    const v2::Payload* sa = d.find(v2::PayloadType::SA);
    const v2::SaPayload* body = sa ? sa->as<v2::SaPayload>() : nullptr;
    if (!body) {
      diffs.push_back("no SA payload");
    } else if (body->proposals.size() != 1) {
      diffs.push_back(std::to_string(body->proposals.size()) + " proposals in SA");
    } else {
      auto want = crypto::parse_proposals(body->proposals[0].protocol, m.proposal);
      if (!want.ok() || want->empty() || !same_transforms((*want)[0], body->proposals[0]))
        diffs.push_back("proposal " + crypto::to_string(body->proposals[0]));
    }
  }
  if (m.auth_method) {
    const v2::Payload* auth = d.find(v2::PayloadType::AUTH);
    const v2::AuthPayload* body = auth ? auth->as<v2::AuthPayload>() : nullptr;
    if (!body)
      diffs.push_back("no AUTH payload");
    else if (static_cast<uint8_t>(body->method) != *m.auth_method)
      diffs.push_back("AUTH method " + std::to_string(static_cast<unsigned>(body->method)));
  }
  if (m.ke_group) {
    const v2::Payload* ke = d.find(v2::PayloadType::KE);
    const v2::KePayload* body = ke ? ke->as<v2::KePayload>() : nullptr;
    if (!body)
      diffs.push_back("no KE payload");
    else if (static_cast<uint16_t>(body->group) != *m.ke_group)
      diffs.push_back("KE group " + std::to_string(static_cast<unsigned>(body->group)));
  }
  auto want_ts = [](const std::vector<TrafficSelectorSpec>& specs) {
    std::vector<v2::TrafficSelector> out;
    for (const auto& s : specs)
      out.push_back(v2::TrafficSelector::from_subnet(s.subnet, s.protocol, s.port_from, s.port_to));
    return out;
  };
  if (m.tsi) {
    auto have = selectors_of(d, v2::PayloadType::TSi);
    if (!same_set(want_ts(*m.tsi), have)) diffs.push_back("TSi " + ts_set_text(have));
  }
  if (m.tsr) {
    auto have = selectors_of(d, v2::PayloadType::TSr);
    if (!same_set(want_ts(*m.tsr), have)) diffs.push_back("TSr " + ts_set_text(have));
  }
  return diffs;
}

std::string Evaluator::describe_matcher(const MessageMatcher& m) const {
  std::string out = m.describe();
  if (!m.absent.empty()) {
    out += " without";
    for (const auto& a : m.absent) out += " " + a.text;
  }
  if (m.seen == Seen::kReceived) out += " (as received)";
  return out;
}

std::string Evaluator::describe_observation(const Observation& o) const {
  const TraceMessage& msg = record_.trace->messages()[o.message];
  std::string summary = msg.decoded.summary.empty() ? "undecodable message" : msg.decoded.summary;
  return summary + " from " + host_or(msg.from, msg.src) + " to " + host_or(msg.to, msg.dst) +
         (o.received ? " received" : " sent") + " at " + seconds_text(o.t) +
         (msg.retransmit ? " (retransmission)" : "");
}

std::string Evaluator::closest(const MessageMatcher& m, size_t from_index) const {
  // The observations differing in the fewest fields, earliest first.
  const auto& obs = record_.trace->observations();
  std::vector<std::pair<size_t, size_t>> ranked;  // (differences, index)
  for (size_t i = from_index; i < obs.size(); ++i) {
    if ((m.seen == Seen::kReceived) != obs[i].received) continue;
    ranked.emplace_back(differences(m, obs[i]).size(), i);
  }
  if (ranked.empty()) return "no message was " + std::string(m.seen == Seen::kReceived ? "received" : "sent");
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = "closest: ";
  for (size_t k = 0; k < ranked.size() && k < 3; ++k) {
    const Observation& o = obs[ranked[k].second];
    auto diffs = differences(m, o);
    std::string why;
    for (const auto& d : diffs) why += (why.empty() ? "" : ", ") + d;
    out += (k ? "; " : "") + describe_observation(o) + (why.empty() ? "" : " (" + why + ")");
  }
  return out;
}

CheckOutcome Evaluator::check_message(const Expectation& e, const MessageCheck& c) {
  CheckOutcome out;
  const MessageMatcher& m = c.matcher;
  Span span = window(m.at);
  const auto& obs = record_.trace->observations();
  std::string where = describe_window(m.at, span);
  std::vector<size_t> matching;        // static matches, whole run
  std::vector<size_t> in_window;
  for (size_t i = 0; i < obs.size(); ++i) {
    if (!static_match(m, obs[i])) continue;
    matching.push_back(i);
    if (span.contains(obs[i].t)) in_window.push_back(i);
  }
  auto note_time = [&](size_t i) {
    resolved_.emplace(&e, obs[i].t);
  };
  if (m.nth) {
    out.expected = "message #" + std::to_string(*m.nth) + ": " + describe_matcher(m) + where;
    if (matching.size() < *m.nth) {
      out.actual = "only " + std::to_string(matching.size()) + " such message" +
                   (matching.size() == 1 ? "" : "s") + " in the run";
      if (matching.empty()) out.actual += "; " + closest(m, 0);
      for (size_t i : matching) out.messages.push_back(obs[i].message);
      return out;
    }
    size_t i = matching[*m.nth - 1];
    note_time(i);
    out.t = obs[i].t;
    out.messages.push_back(obs[i].message);
    if (!span.contains(obs[i].t)) {
      out.actual = "found it at " + seconds_text(obs[i].t) + relative_miss(span, obs[i].t);
      if (!span.open) out.actual = span.problem + "; " + out.actual;
      return out;
    }
    out.passed = true;
    out.actual = describe_observation(obs[i]);
    return out;
  }
  out.expected = c.count.describe() + " × " + describe_matcher(m) + where;
  if (!in_window.empty()) note_time(in_window.front());
  for (size_t i : in_window) out.messages.push_back(obs[i].message);
  if (c.count.contains(in_window.size())) {
    out.passed = true;
    out.t = in_window.empty() ? (span.end ? *span.end : record_.end) : obs[in_window.front()].t;
    out.actual = std::to_string(in_window.size()) + " found" +
                 (in_window.empty() ? "" : ", first: " + describe_observation(obs[in_window.front()]));
    return out;
  }
  out.t = span.end ? *span.end : record_.end;
  if (!span.open) {
    out.actual = span.problem;
    if (!matching.empty()) out.actual += "; such a message was seen at " + seconds_text(obs[matching.front()].t);
    return out;
  }
  if (in_window.empty()) {
    if (!matching.empty()) {
      // The closest in time to the window.
      size_t best = matching.front();
      for (size_t i : matching)
        if (std::llabs((obs[i].t - span.start).count()) < std::llabs((obs[best].t - span.start).count())) best = i;
      out.actual = "found it at " + seconds_text(obs[best].t) + relative_miss(span, obs[best].t);
      if (matching.size() > 1) out.actual += " (" + std::to_string(matching.size()) + " outside the window)";
      out.messages.push_back(obs[best].message);
      out.t = obs[best].t;
    } else {
      out.actual = "none found; " + closest(m, 0);
    }
    return out;
  }
  out.actual = std::to_string(in_window.size()) + " found:";
  for (size_t k = 0; k < in_window.size() && k < 5; ++k)
    out.actual += (k ? ";" : "") + std::string(" ") + describe_observation(obs[in_window[k]]);
  if (in_window.size() > 5) out.actual += "; ...";
  return out;
}

std::string Evaluator::relative_miss(const Span& span, Time t) const {
  if (!span.open) return "";
  if (t < span.start) return " (" + seconds_text(span.start - t) + " too early)";
  if (span.end && t > *span.end) return " (" + seconds_text(t - *span.end) + " too late)";
  if (span.before && t >= *span.before) return " (not before " + seconds_text(*span.before) + ")";
  return "";
}

CheckOutcome Evaluator::check_no_message(const Expectation&, const NoMessageCheck& c) {
  CheckOutcome out;
  const MessageMatcher& m = c.matcher;
  Span span = window(m.at, true);
  out.expected = "no " + describe_matcher(m) + describe_window(m.at, span);
  out.t = span.end ? *span.end : record_.end;
  if (!span.open) {
    // The window never opened: nothing can have been in it.
    out.passed = true;
    out.actual = "the window never opened: " + span.problem;
    return out;
  }
  const auto& obs = record_.trace->observations();
  std::vector<size_t> found;
  for (size_t i = 0; i < obs.size(); ++i)
    if (span.contains(obs[i].t) && static_match(m, obs[i])) found.push_back(i);
  if (found.empty()) {
    out.passed = true;
    out.actual = "none";
    return out;
  }
  out.t = obs[found.front()].t;
  out.actual = std::to_string(found.size()) + " found, first: " + describe_observation(obs[found.front()]);
  for (size_t i : found) out.messages.push_back(obs[i].message);
  return out;
}

CheckOutcome Evaluator::check_sequence(const Expectation& e, const SequenceCheck& c) {
  CheckOutcome out;
  const auto& obs = record_.trace->observations();
  out.expected = "in order:";
  for (size_t k = 0; k < c.steps.size(); ++k)
    out.expected += (k ? ";" : "") + std::string(" ") + std::to_string(k + 1) + ". " +
                    describe_matcher(c.steps[k]);
  if (c.strict) out.expected += "; and no other message sent between the first and the last";
  std::vector<size_t> matched;
  size_t next = 0;
  for (size_t k = 0; k < c.steps.size(); ++k) {
    const MessageMatcher& step = c.steps[k];
    Span span = window(step.at);
    uint32_t need = step.nth.value_or(1), seen = 0;
    std::optional<size_t> hit;
    std::optional<size_t> static_hit;  // ignoring the window, for the report
    for (size_t i = next; i < obs.size(); ++i) {
      if (!static_match(step, obs[i])) continue;
      if (!static_hit) static_hit = i;
      if (!span.contains(obs[i].t)) continue;
      if (++seen == need) {
        hit = i;
        break;
      }
    }
    if (!hit) {
      out.actual = "step " + std::to_string(k + 1) + " (" + describe_matcher(step) + ") " +
                   (step.at ? "in its window" + describe_window(step.at, span) + " " : "") +
                   "not found after " +
                   (matched.empty() ? std::string("the start") : "step " + std::to_string(k) + " at " + seconds_text(obs[matched.back()].t));
      if (static_hit)
        out.actual += "; found at " + seconds_text(obs[*static_hit].t) + relative_miss(span, obs[*static_hit].t);
      else
        out.actual += "; " + closest(step, next);
      for (size_t i : matched) out.messages.push_back(obs[i].message);
      out.t = record_.end;
      return out;
    }
    matched.push_back(*hit);
    if (!step.id.empty()) resolved_.emplace(&step, obs[*hit].t);
    next = *hit + 1;
  }
  for (size_t i : matched) out.messages.push_back(obs[i].message);
  if (c.strict && !matched.empty()) {
    for (size_t i = matched.front(); i <= matched.back(); ++i) {
      if (obs[i].received) continue;
      bool known = std::any_of(c.steps.begin(), c.steps.end(), [&](const MessageMatcher& s) {
        MessageMatcher sent = s;
        sent.seen = Seen::kSent;
        return static_match(sent, obs[i]);
      });
      if (!known) {
        out.actual = "unexpected message between the steps: " + describe_observation(obs[i]);
        out.messages.push_back(obs[i].message);
        out.t = obs[i].t;
        return out;
      }
    }
  }
  out.passed = true;
  out.t = matched.empty() ? Time{0} : obs[matched.back()].t;
  if (!matched.empty()) resolved_.emplace(&e, obs[matched.back()].t);
  out.actual = "all " + std::to_string(c.steps.size()) + " steps found, the last at " +
               seconds_text(out.t.value_or(Time{0}));
  return out;
}

CheckOutcome Evaluator::check_log(const Expectation& e, const LogCheck& c) {
  CheckOutcome out;
  auto it = record_.hosts.find(e.host);
  out.t = record_.end;
  if (it == record_.hosts.end()) {
    out.actual = "host '" + e.host + "' has no log";
    return out;
  }
  const auto& lines = it->second->log_lines();
  auto matches = [](const LogLine& line, const std::regex& re) {
    return std::regex_search(line.text, re) || std::regex_search(HostLog::format(line), re);
  };
  out.expected = e.host + "'s log has, in order:";
  for (const auto& l : c.lines) out.expected += " /" + l.text + "/";
  if (!c.absent.empty()) {
    out.expected += (c.lines.empty() ? " no line matching" : "; and no line matching");
    for (const auto& l : c.absent) out.expected += " /" + l.text + "/";
  }
  size_t next = 0;
  for (size_t k = 0; k < c.lines.size(); ++k) {
    std::optional<size_t> hit;
    for (size_t i = next; i < lines.size(); ++i)
      if (matches(lines[i], c.lines[k].regex)) {
        hit = i;
        break;
      }
    if (!hit) {
      bool earlier = false;
      for (size_t i = 0; i < next && !earlier; ++i) earlier = matches(lines[i], c.lines[k].regex);
      out.actual = "no line matches /" + c.lines[k].text + "/" +
                   (k ? " after the line matching /" + c.lines[k - 1].text + "/ (at " +
                            seconds_text(lines[next - 1].t) + ")"
                      : "") +
                   (earlier ? " (a line before it does)" : "") + " among " +
                   std::to_string(lines.size()) + " lines";
      return out;
    }
    next = *hit + 1;
  }
  for (const auto& a : c.absent)
    for (const auto& line : lines)
      if (matches(line, a.regex)) {
        out.actual = "line matching /" + a.text + "/ found: " + HostLog::format(line);
        out.t = line.t;
        return out;
      }
  out.passed = true;
  out.actual = c.lines.empty() ? "no such line" : "found in order";
  return out;
}

std::vector<Evaluator::SaInstance> Evaluator::instances(const std::string& host, bool ike,
                                                        const std::string& conn) const {
  std::vector<SaInstance> out;
  std::map<std::pair<uint32_t, uint32_t>, size_t> index;
  for (const auto& c : record_.states) {
    if (c.host != host || c.ike != ike) continue;
    if (!conn.empty() && c.conn != conn) continue;
    auto key = std::make_pair(c.generation, c.unique_id);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, out.size()).first;
      out.push_back({c.generation, c.unique_id, c.conn, {}});
    }
    out[it->second].changes.push_back(&c);
  }
  return out;
}

CheckOutcome Evaluator::check_state(const Expectation& e, const StateCheck& c) {
  CheckOutcome out;
  out.t = record_.end;
  bool ike = c.sa == SaKind::kIke;
  std::string what = std::string(ike ? "IKE SA" : "Child SA") + (c.conn.empty() ? "" : " " + c.conn);
  auto all = instances(e.host, ike, c.conn);
  out.expected = e.host + "'s " +
                 (c.instance ? "#" + std::to_string(*c.instance) + " " : std::string("some ")) + what;
  for (const auto& t : c.transitions) out.expected += " " + t.from + " => " + t.to + describe_window(t.at, Span{});
  if (c.final_state) out.expected += ", finally " + *c.final_state;
  std::vector<const SaInstance*> candidates;
  if (c.instance) {
    if (*c.instance == 0 || *c.instance > all.size()) {
      out.actual = "only " + std::to_string(all.size()) + " such SA" + (all.size() == 1 ? "" : "s") +
                   " existed";
      return out;
    }
    candidates.push_back(&all[*c.instance - 1]);
  } else {
    for (const auto& i : all) candidates.push_back(&i);
    if (candidates.empty()) {
      out.actual = "no such SA existed";
      return out;
    }
  }
  auto host_it = record_.hosts.find(e.host);
  uint32_t last_generation = 0;
  for (const auto& s : record_.states)
    if (s.host == e.host) last_generation = std::max(last_generation, s.generation);
  auto final_of = [&](const SaInstance& inst) -> std::string {
    auto fs = record_.final_sas.find(e.host);
    if (fs == record_.final_sas.end() || inst.generation != last_generation) return "none";
    for (const auto& s : fs->second) {
      if (ike && s.unique_id == inst.unique_id && s.conn == inst.conn) return s.state;
      if (!ike)
        for (const auto& ch : s.children)
          if (ch.unique_id == inst.unique_id && ch.conn == inst.conn) return ch.state;
    }
    return "none";
  };
  (void)host_it;
  std::string best_failure;
  size_t best_progress = 0;
  bool have_failure = false;
  for (const SaInstance* inst : candidates) {
    std::string label = what + "[" + std::to_string(inst->unique_id) + "]";
    size_t next = 0, progress = 0;
    std::string failure;
    std::map<const void*, Time> times;
    for (const auto& tr : c.transitions) {
      Span span = window(tr.at);
      std::optional<size_t> hit, static_hit;
      for (size_t i = next; i < inst->changes.size(); ++i) {
        const StateChange& ch = *inst->changes[i];
        if (ch.from != tr.from || ch.to != tr.to) continue;
        if (!static_hit) static_hit = i;
        if (span.contains(ch.t)) {
          hit = i;
          break;
        }
      }
      if (!hit) {
        std::string history;
        for (const auto* ch : inst->changes) history += " " + ch->from + "=>" + ch->to + "@" + trim_seconds(to_seconds(ch->t));
        failure = label + ": " + tr.from + " => " + tr.to + describe_window(tr.at, span) +
                  (static_hit ? " happened at " + seconds_text(inst->changes[*static_hit]->t) +
                                    relative_miss(span, inst->changes[*static_hit]->t)
                              : " did not happen") +
                  "; its transitions:" + (history.empty() ? " none" : history);
        break;
      }
      ++progress;
      if (!tr.id.empty()) times[&tr] = inst->changes[*hit]->t;
      next = *hit + 1;
    }
    // The transitions' times stand once they matched, whatever the end brings: "after"
    // references to them are resolved while the run goes on.
    if (failure.empty())
      for (const auto& [k, t] : times) resolved_.emplace(k, t);
    if (failure.empty() && c.final_state) {
      std::string fin = final_of(*inst);
      if (fin != *c.final_state) failure = label + ": final state " + fin + " instead of " + *c.final_state;
      else ++progress;
    }
    if (failure.empty()) {
      out.passed = true;
      out.actual = label + " did";
      if (!inst->changes.empty()) out.t = inst->changes.back()->t;
      return out;
    }
    if (!have_failure || progress > best_progress) {
      best_failure = failure;
      best_progress = progress;
      have_failure = true;
    }
  }
  out.actual = best_failure;
  return out;
}

CheckOutcome Evaluator::check_sa_table(const Expectation& e, const SaTableCheck& c) {
  CheckOutcome out;
  const BackendSnapshot* snap = nullptr;
  size_t index = static_cast<size_t>(&e - scenario_.expect.data());
  if (c.at) {
    auto it = record_.table_snapshots.find(index);
    if (it != record_.table_snapshots.end()) snap = &it->second;
  } else {
    auto it = record_.final_tables.find(e.host);
    if (it != record_.final_tables.end()) snap = &it->second;
  }
  out.expected = e.host + "'s SA table" + (c.conn.empty() ? "" : " for " + c.conn);
  if (c.inbound) out.expected += ", inbound SAs: " + c.inbound->describe();
  if (c.outbound) out.expected += ", outbound SAs: " + c.outbound->describe();
  if (c.policies) out.expected += ", policies: " + c.policies->describe();
  if (c.spis_distinct) out.expected += ", distinct SPIs";
  if (c.protocol) out.expected += ", protocol " + std::string(name(*c.protocol));
  if (c.mode) out.expected += ", mode " + std::string(name(*c.mode));
  if (c.encap) out.expected += std::string(", ") + (*c.encap ? "UDP-encapsulated" : "not encapsulated");
  if (!snap) {
    out.actual = c.at ? "the instant of the snapshot never came" : "no table at the end";
    out.t = record_.end;
    return out;
  }
  out.t = snap->t;
  out.expected += " at " + seconds_text(snap->t);
  auto conn_ok = [&](uint32_t reqid) {
    if (c.conn.empty()) return true;
    auto it = snap->reqid_conn.find(reqid);
    return it != snap->reqid_conn.end() && it->second == c.conn;
  };
  uint64_t in = 0, outb = 0, pol = 0;
  std::vector<std::string> problems;
  std::set<uint32_t> spis;
  bool dup = false;
  for (const auto& s : snap->sas) {
    if (!conn_ok(s.spec.reqid)) continue;
    if (c.protocol && to_model(s.spec.key.protocol) != *c.protocol) continue;
    (s.spec.inbound ? in : outb)++;
    if (!spis.insert(s.spec.key.spi).second) dup = true;
    char spi[16];
    std::snprintf(spi, sizeof spi, "0x%08" PRIx32, s.spec.key.spi);
    if (c.mode) {
      bool tunnel = s.spec.mode == sa::Mode::Tunnel;
      if (tunnel != (*c.mode == ConnType::kTunnel))
        problems.push_back(std::string("SA ") + spi + " is in " + (tunnel ? "tunnel" : "transport") + " mode");
    }
    if (c.encap && s.spec.encap.has_value() != *c.encap)
      problems.push_back(std::string("SA ") + spi + (s.spec.encap ? " is" : " is not") + " UDP-encapsulated");
  }
  for (const auto& p : snap->policies) {
    if (!conn_ok(p.reqid)) continue;
    if (c.protocol && to_model(p.protocol) != *c.protocol) continue;
    ++pol;
  }
  std::string counts = std::to_string(in) + " inbound, " + std::to_string(outb) + " outbound SAs, " +
                       std::to_string(pol) + " policies";
  if (c.inbound && !c.inbound->contains(in)) problems.push_back(std::to_string(in) + " inbound SAs");
  if (c.outbound && !c.outbound->contains(outb)) problems.push_back(std::to_string(outb) + " outbound SAs");
  if (c.policies && !c.policies->contains(pol)) problems.push_back(std::to_string(pol) + " policies");
  if (c.spis_distinct && dup) problems.push_back("an SPI appears twice");
  if (problems.empty()) {
    out.passed = true;
    out.actual = counts;
    return out;
  }
  out.actual = counts + ": ";
  for (size_t k = 0; k < problems.size(); ++k) out.actual += (k ? "; " : "") + problems[k];
  return out;
}

CheckOutcome Evaluator::check_sa_events(const Expectation& e, const SaEventsCheck& c) {
  CheckOutcome out;
  out.t = record_.end;
  auto it = record_.hosts.find(e.host);
  if (it == record_.hosts.end()) {
    out.actual = "no such host";
    return out;
  }
  const auto& events = it->second->backend_events();
  out.expected = e.host + "'s SA backend, in order:";
  for (size_t k = 0; k < c.events.size(); ++k) {
    const auto& s = c.events[k];
    out.expected += (k ? ";" : "") + std::string(" ") + std::string(name(s.op)) +
                    (s.direction ? " " + std::string(name(*s.direction)) : "") +
                    (s.protocol ? " " + std::string(name(*s.protocol)) : "") +
                    (s.ok ? (*s.ok ? " ok" : " failed") : "") +
                    (s.err ? " errno " + errno_name(*s.err) : "") +
                    (s.bind.empty() ? "" : " (SA '" + s.bind + "')") +
                    (s.sa.empty() ? "" : " of SA '" + s.sa + "'") + describe_window(s.at, Span{});
  }
  if (!c.conn.empty()) out.expected += " (conn " + c.conn + ")";
  using SaId = std::tuple<sa::Protocol, uint32_t, IpAddress>;
  auto sa_of = [](const BackendEvent& ev) {
    return SaId(ev.protocol == IpsecProtocol::kAh ? sa::Protocol::AH : sa::Protocol::ESP, ev.spi, ev.dst);
  };
  std::vector<Span> spans;
  for (const auto& s : c.events) spans.push_back(window(s.at));
  auto static_ok = [&](const SaEventStep& s, const BackendEvent& ev) {
    if (ev.op != s.op) return false;
    if (s.direction && ev.direction != s.direction) return false;
    if (s.protocol && ev.protocol != s.protocol) return false;
    if (s.ok && ev.ok != *s.ok) return false;
    if (s.err && ev.err != *s.err) return false;
    if (!c.conn.empty() && !ev.conn.empty() && ev.conn != c.conn) return false;
    if (!c.conn.empty() && ev.conn.empty() && ev.is_sa_operation() && ev.op != SaOp::kAllocSpi) return false;
    return true;
  };
  std::vector<size_t> chosen(c.events.size());
  std::map<std::string, SaId> binds;
  size_t budget = kSearchBudget, deepest = 0;
  std::function<bool(size_t, size_t)> search = [&](size_t k, size_t from) -> bool {
    if (k == c.events.size()) return true;
    deepest = std::max(deepest, k);
    const auto& s = c.events[k];
    for (size_t i = from; i < events.size(); ++i) {
      if (budget == 0) return false;
      --budget;
      const auto& ev = events[i];
      if (!static_ok(s, ev) || !spans[k].contains(ev.t)) continue;
      if (!s.sa.empty()) {
        auto b = binds.find(s.sa);
        if (b == binds.end() || b->second != sa_of(ev)) continue;
      }
      chosen[k] = i;
      if (!s.bind.empty()) binds[s.bind] = sa_of(ev);
      if (search(k + 1, i + 1)) return true;
      if (!s.bind.empty()) binds.erase(s.bind);
    }
    return false;
  };
  if (search(0, 0)) {
    for (size_t k = 0; k < c.events.size(); ++k)
      if (!c.events[k].id.empty()) resolved_.emplace(&c.events[k], events[chosen[k]].t);
    out.passed = true;
    out.t = c.events.empty() ? Time{0} : events[chosen.back()].t;
    out.actual = "found:";
    for (size_t k = 0; k < c.events.size(); ++k)
      out.actual += (k ? ";" : "") + std::string(" ") + events[chosen[k]].text + " at " +
                    seconds_text(events[chosen[k]].t);
    return out;
  }
  // Report the first step that could not be matched after the deepest partial match.
  const auto& s = c.events[deepest];
  out.actual = "step " + std::to_string(deepest + 1) + " (" + std::string(name(s.op)) +
               (s.direction ? " " + std::string(name(*s.direction)) : "") + ") not matched" +
               (spans[deepest].open ? describe_window(s.at, spans[deepest]) : "; " + spans[deepest].problem);
  std::string cands;
  size_t shown = 0;
  for (const auto& ev : events)
    if (ev.op == s.op && (!s.direction || ev.direction == s.direction) && shown < 4) {
      cands += (shown ? "; " : "") + ev.text + (ev.ok ? "" : " (failed: " + ev.error + ")") + " at " + seconds_text(ev.t);
      ++shown;
    }
  out.actual += cands.empty() ? "; no such operation at all" : "; candidates: " + cands;
  return out;
}

CheckOutcome Evaluator::check_final(const Expectation& e, const FinalCheck& c) {
  CheckOutcome out;
  out.t = record_.end;
  out.expected = e.host + (c.conn.empty() ? "" : " conn " + c.conn) + " at the end:";
  if (c.ike_sas) out.expected += " IKE SAs " + c.ike_sas->describe();
  if (c.child_sas) out.expected += ", Child SAs " + c.child_sas->describe();
  if (!c.ike_state.empty()) out.expected += ", IKE SA " + c.ike_state;
  if (!c.child_state.empty()) out.expected += ", Child SA " + c.child_state;
  auto it = record_.final_sas.find(e.host);
  std::vector<IkeSnapshot> none;
  const auto& sas = it == record_.final_sas.end() ? none : it->second;
  uint64_t ikes = 0, children = 0;
  std::vector<std::string> ike_states, child_states;
  for (const auto& s : sas) {
    if (c.conn.empty() || s.conn == c.conn) {
      ++ikes;
      ike_states.push_back(s.conn + "[" + std::to_string(s.unique_id) + "] " + s.state);
    }
    for (const auto& ch : s.children)
      if (c.conn.empty() || ch.conn == c.conn) {
        ++children;
        child_states.push_back(ch.conn + "{" + std::to_string(ch.unique_id) + "} " + ch.state);
      }
  }
  std::vector<std::string> problems;
  if (c.ike_sas && !c.ike_sas->contains(ikes)) problems.push_back(std::to_string(ikes) + " IKE SAs");
  if (c.child_sas && !c.child_sas->contains(children))
    problems.push_back(std::to_string(children) + " Child SAs");
  auto state_ok = [](const std::vector<std::string>& states, const std::string& want) {
    if (states.empty()) return false;
    for (const auto& s : states)
      if (s.substr(s.rfind(' ') + 1) != want) return false;
    return true;
  };
  if (!c.ike_state.empty() && !state_ok(ike_states, c.ike_state))
    problems.push_back(ike_states.empty() ? "no IKE SA" : "IKE SA states differ");
  if (!c.child_state.empty() && !state_ok(child_states, c.child_state))
    problems.push_back(child_states.empty() ? "no Child SA" : "Child SA states differ");
  std::string have = std::to_string(ikes) + " IKE SA" + (ikes == 1 ? "" : "s");
  for (const auto& s : ike_states) have += " " + s + ";";
  have += " " + std::to_string(children) + " Child SA" + (children == 1 ? "" : "s");
  for (const auto& s : child_states) have += " " + s + ";";
  if (!have.empty() && have.back() == ';') have.pop_back();
  if (problems.empty()) {
    out.passed = true;
    out.actual = have;
    return out;
  }
  out.actual = "";
  for (size_t k = 0; k < problems.size(); ++k) out.actual += (k ? ", " : "") + problems[k];
  out.actual += ": " + have;
  return out;
}

CheckOutcome Evaluator::check_verdict(const Expectation&, const VerdictCheck& c) {
  // Known deviations apply when that implementation plays the judged role; every host of a
  // sim run is the reference engine, so there is nothing to excuse.
  CheckOutcome out;
  out.passed = true;
  out.t = record_.end;
  out.expected = "known deviations of " + std::string(name(c.implementation)) + " (" +
                 std::to_string(c.known_deviations.size()) + ")";
  bool present = false;
  for (const auto& [n, h] : record_.hosts) present = present || h->implementation() == c.implementation;
  out.actual = present ? "applied to this run" : "not applicable: no " + std::string(name(c.implementation)) +
                                                     " host in this run";
  return out;
}

CheckOutcome Evaluator::check(const Expectation& e) {
  switch (e.kind()) {
    case CheckKind::kMessage: return check_message(e, std::get<MessageCheck>(e.check));
    case CheckKind::kNoMessage: return check_no_message(e, std::get<NoMessageCheck>(e.check));
    case CheckKind::kSequence: return check_sequence(e, std::get<SequenceCheck>(e.check));
    case CheckKind::kLog: return check_log(e, std::get<LogCheck>(e.check));
    case CheckKind::kState: return check_state(e, std::get<StateCheck>(e.check));
    case CheckKind::kSaTable: return check_sa_table(e, std::get<SaTableCheck>(e.check));
    case CheckKind::kSaEvents: return check_sa_events(e, std::get<SaEventsCheck>(e.check));
    case CheckKind::kFinal: return check_final(e, std::get<FinalCheck>(e.check));
    case CheckKind::kVerdict: return check_verdict(e, std::get<VerdictCheck>(e.check));
  }
  return {};
}

}  // namespace ikesuite::harness::run
