// Cross-references, checked once everything is built: event references resolve to an id that
// has a time, "after" chains have no cycle, times derived from actions stay inside the run.
#include <algorithm>
#include <functional>
#include <set>

#include "harness/scenario/builder.h"
#include "harness/scenario/values.h"

namespace ikesuite::harness::detail {

namespace {

struct RefSite {
  EventRef* ref;
  std::vector<std::string> owners;  // ids whose time depends on this reference
};

std::vector<RefSite> collect_refs(Scenario& sc) {
  std::vector<RefSite> sites;
  auto add = [&](std::optional<EventRef>& ref, std::vector<std::string> owners) {
    if (!ref) return;
    owners.erase(std::remove(owners.begin(), owners.end(), std::string()), owners.end());
    sites.push_back({&*ref, std::move(owners)});
  };
  for (auto& a : sc.timeline) add(a.at.after, {a.id});
  for (auto& e : sc.expect) {
    std::visit(
        [&](auto& c) {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, MessageCheck> || std::is_same_v<T, NoMessageCheck>) {
            if (c.matcher.at) {
              add(c.matcher.at->after, {e.id});
              add(c.matcher.at->before, {e.id});
            }
          } else if constexpr (std::is_same_v<T, SequenceCheck>) {
            for (auto& s : c.steps)
              if (s.at) {
                add(s.at->after, {e.id, s.id});
                add(s.at->before, {e.id, s.id});
              }
          } else if constexpr (std::is_same_v<T, StateCheck>) {
            for (auto& t : c.transitions)
              if (t.at) {
                add(t.at->after, {e.id, t.id});
                add(t.at->before, {e.id, t.id});
              }
          } else if constexpr (std::is_same_v<T, SaTableCheck>) {
            if (c.at) add(c.at->after, {e.id});
          } else if constexpr (std::is_same_v<T, SaEventsCheck>) {
            for (auto& s : c.events)
              if (s.at) {
                add(s.at->after, {e.id, s.id});
                add(s.at->before, {e.id, s.id});
              }
          }
        },
        e.check);
  }
  return sites;
}

}  // namespace

void Builder::check_event_ref(EventRef& ref) {
  if (ref.kind != EventRef::Kind::kExpectation && ref.kind != EventRef::Kind::kAction) return;
  const std::string& pointer = ref.src.pointer;
  bool bare = bare_refs_.count(pointer) > 0;
  std::string at = bare ? pointer : json_pointer_append(pointer, ref.kind == EventRef::Kind::kAction ? "action" : "expectation");
  auto it = ids_.find(ref.id);
  if (it == ids_.end()) {
    std::vector<std::string> names;
    for (const auto& [id, info] : ids_) names.push_back(id);
    out_.value_error(at, "no action or expectation has the id '" + ref.id + "'" + did_you_mean(ref.id, names));
    return;
  }
  const IdInfo& info = it->second;
  if (bare) {
    ref.kind = info.kind == IdInfo::Kind::kAction ? EventRef::Kind::kAction : EventRef::Kind::kExpectation;
  } else if (ref.kind == EventRef::Kind::kAction && info.kind != IdInfo::Kind::kAction) {
    out_.value_error(at, "'" + ref.id + "' is a " + info.what + ", not an action (write {\"expectation\": \"" + ref.id + "\"})");
    return;
  } else if (ref.kind == EventRef::Kind::kExpectation && info.kind == IdInfo::Kind::kAction) {
    out_.value_error(at, "'" + ref.id + "' is an " + info.what + ", not an expectation (write {\"action\": \"" + ref.id + "\"})");
    return;
  }
  if (info.kind == IdInfo::Kind::kOther) {
    out_.value_error(at, "'" + ref.id + "' is a " + info.what +
                             ", which has no time to refer to (refer to a message, sequence, sequence step, "
                             "state transition or sa_events step)");
    return;
  }
  if (info.kind == IdInfo::Kind::kMessage) {
    if (const Expectation* e = sc_.find_expectation(ref.id)) {
      const auto& c = std::get<MessageCheck>(e->check);
      if (c.count.max && *c.count.max == 0) {
        out_.value_error(at, "'" + ref.id + "' expects no matching message, so it never happens");
        return;
      }
      if (ref.nth > 1 && c.count.max && ref.nth > *c.count.max)
        out_.value_error(at, "'" + ref.id + "' expects at most " + std::to_string(*c.count.max) +
                                 (*c.count.max == 1 ? " message" : " messages") + "; occurrence #" +
                                 std::to_string(ref.nth) + " never happens");
    }
  }
  if (ref.nth > 1 && info.kind != IdInfo::Kind::kMessage && info.kind != IdInfo::Kind::kAction)
    out_.value_error(pointer, "'nth' counts the matches of a message check; a " + info.what + " happens once");
}

void Builder::check_cycles() {
  // Edges: an id's time depends on the ids its "after" references name (a sequence also
  // depends on its steps).
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> edges;  // id -> (target, pointer)
  for (auto& site : collect_refs(sc_)) {
    if (site.ref->kind != EventRef::Kind::kExpectation && site.ref->kind != EventRef::Kind::kAction) continue;
    if (!ids_.count(site.ref->id)) continue;
    for (const auto& owner : site.owners) edges[owner].emplace_back(site.ref->id, site.ref->src.pointer);
  }
  for (const auto& e : sc_.expect) {
    if (e.id.empty() || e.kind() != CheckKind::kSequence) continue;
    for (const auto& s : std::get<SequenceCheck>(e.check).steps)
      if (!s.id.empty() && s.id != e.id) edges[e.id].emplace_back(s.id, s.src.pointer);
  }
  std::map<std::string, int> color;  // 0 unvisited, 1 on the stack, 2 done
  std::vector<std::string> stack;
  std::set<std::set<std::string>> reported;  // each cycle once, whichever node it is found from
  std::function<void(const std::string&)> visit = [&](const std::string& id) {
    color[id] = 1;
    stack.push_back(id);
    for (const auto& [target, pointer] : edges[id]) {
      if (color[target] == 1) {
        auto start = std::find(stack.begin(), stack.end(), target);
        std::set<std::string> members(start, stack.end());
        if (!reported.insert(members).second) continue;
        std::string cycle;
        for (auto it = start; it != stack.end(); ++it) cycle += *it + " -> ";
        out_.value_error(pointer, "cycle of \"after\" references: " + cycle + target);
        continue;
      }
      if (color[target] == 0) visit(target);
    }
    stack.pop_back();
    color[id] = 2;
  };
  for (const auto& [id, unused] : edges)
    if (color[id] == 0) visit(id);
}

void Builder::check_times() {
  // Actions placed after other actions have a time known before the run: it must lie inside
  // the scenario.
  std::map<std::string, const Action*> by_id;
  for (const auto& a : sc_.timeline)
    if (!a.id.empty()) by_id[a.id] = &a;
  std::function<std::optional<Duration>(const Action&, int)> time_of = [&](const Action& a, int depth) -> std::optional<Duration> {
    if (depth > 64) return std::nullopt;
    if (a.at.absolute()) return a.at.offset;
    if (a.at.after->kind != EventRef::Kind::kAction || a.at.after->nth != 1) return std::nullopt;
    auto it = by_id.find(a.at.after->id);
    if (it == by_id.end()) return std::nullopt;
    auto base = time_of(*it->second, depth + 1);
    if (!base) return std::nullopt;
    return *base + a.at.offset;
  };
  if (sc_.duration.count() == 0) return;
  for (const auto& a : sc_.timeline) {
    if (a.at.absolute()) continue;  // reported where it was parsed
    auto t = time_of(a, 0);
    if (t && *t > sc_.duration)
      out_.error(a.at.src.pointer, "this action falls at " + describe_duration(*t) + ", after the scenario ends (duration " +
                                       describe_duration(sc_.duration) + ")");
  }
}

void Builder::check_references() {
  for (auto& site : collect_refs(sc_)) check_event_ref(*site.ref);
  check_cycles();
  check_times();
  for (const auto& e : sc_.expect) {
    if (e.kind() != CheckKind::kVerdict) continue;
    for (const auto& d : std::get<VerdictCheck>(e.check).known_deviations) {
      std::string at = json_pointer_append(d.src.pointer, "expectation");
      auto it = ids_.find(d.expectation);
      if (it == ids_.end()) {
        std::vector<std::string> names;
        for (const auto& [id, info] : ids_)
          if (info.kind != IdInfo::Kind::kAction) names.push_back(id);
        out_.value_error(at, "no expectation has the id '" + d.expectation + "'" + did_you_mean(d.expectation, names));
      } else if (it->second.kind == IdInfo::Kind::kAction) {
        out_.value_error(at, "'" + d.expectation + "' is an action; a deviation names an expectation");
      }
    }
  }
  // Nothing sets an IKE SA up: almost certainly a forgotten action.
  bool initiates = std::any_of(sc_.timeline.begin(), sc_.timeline.end(), [](const Action& a) {
    return a.kind == ActionKind::kInitiate || a.kind == ActionKind::kFlood;
  });
  for (const auto& h : sc_.hosts)
    for (const auto& c : h.conns)
      if (c.auto_action == AutoAction::kStart || c.auto_action == AutoAction::kRoute) initiates = true;
  if (!initiates && !sc_.hosts.empty())
    out_.warning("/timeline", "nothing initiates: no \"initiate\" action, no conn with auto=start or auto=route");
}

}  // namespace ikesuite::harness::detail
