// Expectations: message matchers and the checks built on them, logs, states, SA tables,
// SA backend events, final states and verdicts.
#include <algorithm>

#include "engine/wire/ikev2/types.h"
#include "harness/scenario/builder.h"
#include "harness/scenario/catalogue.h"
#include "harness/scenario/values.h"

namespace ikesuite::harness::detail {

namespace {

constexpr std::string_view kCheckCommon[] = {"check", "id", "description", "rfc"};

bool contains_label(const std::vector<PayloadLabel>& list, std::string_view text) {
  return std::any_of(list.begin(), list.end(), [&](const PayloadLabel& l) { return l.text == text; });
}

std::optional<SaOp> sa_op(const std::string& s) {
  static constexpr std::pair<std::string_view, SaOp> kOps[] = {
      {"alloc-spi", SaOp::kAllocSpi},   {"add-sa", SaOp::kAddSa},
      {"update-sa", SaOp::kUpdateSa},   {"delete-sa", SaOp::kDeleteSa},
      {"add-policy", SaOp::kAddPolicy}, {"delete-policy", SaOp::kDeletePolicy},
      {"expire-soft", SaOp::kExpireSoft}, {"expire-hard", SaOp::kExpireHard}};
  for (const auto& [n, v] : kOps)
    if (n == s) return v;
  return std::nullopt;
}

bool is_policy_op(SaOp op) { return op == SaOp::kAddPolicy || op == SaOp::kDeletePolicy; }
bool is_expire(SaOp op) { return op == SaOp::kExpireSoft || op == SaOp::kExpireHard; }

}  // namespace

// ---- message matchers -------------------------------------------------------------------

std::optional<MessageMatcher> Builder::matcher(const json& obj, const std::string& pointer, bool is_step) {
  if (!obj.is_object()) return std::nullopt;
  auto p = [&](std::string_view key) { return json_pointer_append(pointer, key); };
  MessageMatcher m;
  m.src = src(pointer);
  if (is_step) {
    if (auto id = get_string(obj, "id")) {
      m.id = *id;
      declare_id(*id, p("id"), IdInfo::Kind::kStep, "sequence step");
    }
    if (auto d = get_string(obj, "description")) m.description = *d;
  }
  for (auto [key, host, address] :
       {std::tuple<const char*, std::string*, std::optional<IpAddress>*>{"from", &m.from, &m.from_address},
        {"to", &m.to, &m.to_address}}) {
    if (auto v = get_string(obj, key)) known_endpoint(*v, p(key), host, address, key);
  }
  if (!m.from.empty() && m.from == m.to) out_.value_error(p("to"), "a message goes from one host to another, not to itself");

  std::optional<uint8_t> version;
  if (auto v = get_uint(obj, "ike_version")) version = static_cast<uint8_t>(*v);
  auto check_version = [&](uint8_t v, const std::string& at, const std::string& what) {
    if (version && *version != v) {
      out_.value_error(at, what + " is IKEv" + std::to_string(v) + ", but ike_version is " + std::to_string(*version));
      return false;
    }
    return true;
  };

  if (auto summary = get_string(obj, "summary")) {
    for (const char* k : {"exchange", "kind", "message_id", "payloads"})
      if (get(obj, k)) out_.key_error(p(k), std::string("'") + k + "' is already given by 'summary'");
    auto s = parse_message_summary(*summary);
    if (!s.ok()) {
      out_.value_error(p("summary"), s.error().reason());
    } else if (check_version(s->exchange.version, p("summary"), "the summary's exchange")) {
      version = s->exchange.version;
      m.exchange = s->exchange.value;
      m.kind = s->kind;
      m.message_id = s->message_id;
      m.payloads = s->payloads;
    }
  }
  if (auto ex = get_string(obj, "exchange")) {
    auto e = parse_exchange(*ex);
    if (!e) {
      auto names = exchange_names(2);
      for (auto& n : exchange_names(1)) names.push_back(n);
      out_.value_error(p("exchange"), "unknown exchange '" + *ex + "'" + did_you_mean(*ex, names));
    } else if (check_version(e->version, p("exchange"), "exchange '" + *ex + "'")) {
      version = e->version;
      m.exchange = e->value;
    }
  }
  // Without an exchange, the version is the one the scenario speaks.
  if (!version) version = speaks_v1_ && !speaks_v2_ ? 1 : 2;
  m.ike_version = *version;
  if (m.ike_version == 1 && !speaks_v1_ && speaks_v2_)
    out_.error(m.exchange ? p("exchange") : pointer, "this matches IKEv1 messages, but no loaded conn speaks IKEv1");
  if (m.ike_version == 2 && !speaks_v2_ && speaks_v1_)
    out_.error(m.exchange ? p("exchange") : pointer, "this matches IKEv2 messages, but every loaded conn is IKEv1");

  if (auto k = get_string(obj, "kind")) m.kind = *k == "request" ? MessageKind::kRequest : MessageKind::kResponse;
  if (auto mid = get_uint(obj, "message_id")) m.message_id = static_cast<uint32_t>(std::min<uint64_t>(*mid, 0xffffffffu));

  auto labels = [&](const char* key) {
    std::vector<PayloadLabel> out;
    const json* arr = get(obj, key);
    if (!arr || !arr->is_array()) return out;
    for (size_t i = 0; i < arr->size(); ++i) {
      if (!(*arr)[i].is_string()) continue;
      auto l = parse_payload_label((*arr)[i].get<std::string>(), m.ike_version);
      if (!l.ok()) {
        out_.value_error(json_pointer_append(p(key), i), l.error().reason());
        continue;
      }
      out.push_back(std::move(*l));
    }
    return out;
  };
  if (get(obj, "payloads")) m.payloads = labels("payloads");
  m.absent = labels("absent");
  if (auto mt = get_string(obj, "match")) {
    if (*mt == "exact") m.match = PayloadMatch::kExact;
    if (*mt == "ordered") m.match = PayloadMatch::kOrdered;
    if (*mt == "prefix") m.match = PayloadMatch::kPrefix;
    if (*mt == "contains") m.match = PayloadMatch::kContains;
    if (!m.payloads) out_.key_error(p("match"), "'match' says how \"payloads\" compare, but there is no \"payloads\"");
  }
  if (m.payloads) {
    for (const auto& a : m.absent) {
      // A bare "N" absent while N(X) is required is a contradiction too.
      bool clash = std::any_of(m.payloads->begin(), m.payloads->end(), [&](const PayloadLabel& l) {
        return l == a || (l.type == a.type && !a.notify && !a.cp_type);
      });
      if (clash) {
        out_.value_error(p("absent"), a.text + " is both required (payloads) and forbidden (absent)");
        break;
      }
    }
    if (m.match == PayloadMatch::kExact && !m.absent.empty())
      out_.warning(p("absent"), "with \"match\": \"exact\", \"absent\" adds nothing: nothing else may appear");
  }
  if (const json* f = get(obj, "fragments")) m.fragments = count(*f, p("fragments"));
  if (auto sp = get_uint(obj, "src_port")) m.src_port = static_cast<uint16_t>(*sp);
  if (auto dp = get_uint(obj, "dst_port")) m.dst_port = static_cast<uint16_t>(*dp);
  if (auto s = get_string(obj, "seen")) {
    m.seen = *s == "received" ? Seen::kReceived : Seen::kSent;
    if (m.seen == Seen::kReceived && m.to_address &&
        std::find(sc_.network.blackhole.begin(), sc_.network.blackhole.end(), *m.to_address) !=
            sc_.network.blackhole.end())
      out_.value_error(p("seen"), "nothing is ever received at blackhole address " + m.to_address->to_string());
  }
  if (auto pr = get_string(obj, "proposal")) {
    m.proposal = *pr;
    bool has_sa = !m.payloads || contains_label(*m.payloads, "SA") || m.match != PayloadMatch::kExact;
    if (!has_sa || contains_label(m.absent, "SA"))
      out_.value_error(p("proposal"), "'proposal' checks the SA payload, but this message has none");
    std::vector<ProposalKind> kinds{ProposalKind::kIke, ProposalKind::kEsp};
    if (m.exchange) {
      std::string ex = exchange_name(m.ike_version, *m.exchange);
      if (ex == "IKE_SA_INIT" || ex == "ID_PROT" || ex == "AGGRESSIVE") kinds = {ProposalKind::kIke};
      if (ex == "IKE_AUTH" || ex == "QUICK_MODE") kinds = {ProposalKind::kEsp, ProposalKind::kAh};
      if (ex == "CREATE_CHILD_SA" && m.payloads) {
        // RFC 7296 §1.3: a Child SA exchange carries traffic selectors, an IKE SA rekey none.
        kinds = contains_label(*m.payloads, "TSi") ? std::vector<ProposalKind>{ProposalKind::kEsp, ProposalKind::kAh}
                                                   : std::vector<ProposalKind>{ProposalKind::kIke};
      }
    }
    IkeVersion iv = m.ike_version == 1 ? IkeVersion::kV1 : IkeVersion::kV2;
    if (pr->find(',') != std::string::npos) {
      out_.value_error(p("proposal"), "a chosen SA carries exactly one proposal; remove the ','");
    } else {
      std::optional<Error> first;
      bool ok = false;
      for (auto kind : kinds) {
        auto st = check_proposal(kind, iv, *pr);
        if (st.ok()) {
          ok = true;
          break;
        }
        if (!first) first = st.error();
      }
      if (!ok && first) out_.value_error(p("proposal"), first->reason());
    }
  }
  // The method and group fields name IKEv2 payload fields (RFC 7296 §3.8, §3.4); IKEv1
  // negotiates both inside the SA payload.
  auto needs = [&](const char* key, const char* label) {
    if (m.ike_version == 1) {
      out_.key_error(p(key), std::string("'") + key + "' reads an IKEv2 " + label +
                                 " payload field; IKEv1 negotiates it in the SA payload");
      return false;
    }
    bool present = !m.payloads || contains_label(*m.payloads, label) || m.match != PayloadMatch::kExact;
    if (!present || contains_label(m.absent, label)) {
      out_.value_error(p(key), std::string("'") + key + "' checks the " + label + " payload, but this message has none");
      return false;
    }
    return true;
  };
  if (const json* am = get(obj, "auth_method"); am && needs("auth_method", "AUTH")) {
    if (am->is_number_integer()) {
      m.auth_method = static_cast<uint8_t>(am->get<int64_t>());
    } else if (am->is_string()) {
      auto v = v2::kAuthMethodNames.parse(am->get<std::string>());
      if (!v) {
        std::vector<std::string> names;
        for (const auto& e : v2::kAuthMethodNames.entries()) names.emplace_back(e.name);
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        out_.value_error(p("auth_method"), "unknown authentication method '" + am->get<std::string>() + "'" +
                                               did_you_mean(am->get<std::string>(), names) + " (methods: " + list + ")");
      } else {
        m.auth_method = static_cast<uint8_t>(*v);
      }
    }
  }
  if (const json* kg = get(obj, "ke_group"); kg && needs("ke_group", "KE")) {
    if (kg->is_number_integer()) {
      m.ke_group = static_cast<uint16_t>(kg->get<int64_t>());
    } else if (kg->is_string()) {
      auto g = parse_dh_group(kg->get<std::string>());
      if (!g.ok()) {
        out_.value_error(p("ke_group"), g.error().reason());
      } else if (*g == 0) {
        out_.value_error(p("ke_group"), "a KE payload always names a real group, not NONE");
      } else {
        m.ke_group = *g;
      }
    }
  }
  for (auto [key, field] : {std::pair<const char*, std::optional<std::vector<TrafficSelectorSpec>>*>{"tsi", &m.tsi},
                            {"tsr", &m.tsr}}) {
    const json* v = get(obj, key);
    if (!v) continue;
    if (m.ike_version == 1) {
      out_.key_error(p(key), "IKEv1 carries Quick Mode selectors in ID payloads; tsi/tsr are IKEv2 (RFC 7296 §3.13)");
      continue;
    }
    std::vector<TrafficSelectorSpec> list;
    for (const auto& text : string_list(*v)) {
      auto ts = parse_traffic_selectors(text);
      if (!ts.ok()) {
        out_.value_error(p(key), ts.error().reason());
        continue;
      }
      for (auto& t : *ts) list.push_back(std::move(t));
    }
    *field = std::move(list);
  }
  if (auto n = get_uint(obj, "nth")) m.nth = static_cast<uint32_t>(std::max<uint64_t>(1, *n));
  if (const json* at = get(obj, "at")) m.at = window(*at, p("at"));
  return m;
}

// ---- checks -----------------------------------------------------------------------------

void Builder::build_expectations() {
  const json* expect = get(doc_, "expect");
  if (!expect || !expect->is_array()) {
    out_.warning("", "the scenario has no \"expect\": a run cannot fail, so it proves nothing");
    return;
  }
  if (expect->empty()) out_.warning("/expect", "no expectations: a run cannot fail, so it proves nothing");
  for (size_t i = 0; i < expect->size(); ++i) {
    std::string ep = json_pointer_append("/expect", i);
    const json& obj = (*expect)[i];
    if (!obj.is_object()) continue;
    auto kind_name = get_string(obj, "check");
    auto kind = kind_name ? parse_check_kind(*kind_name) : std::nullopt;
    if (!kind) continue;  // the schema reports it
    Expectation e;
    e.src = src(ep);
    switch (*kind) {
      case CheckKind::kMessage: e.check = MessageCheck{}; break;
      case CheckKind::kNoMessage: e.check = NoMessageCheck{}; break;
      case CheckKind::kSequence: e.check = SequenceCheck{}; break;
      case CheckKind::kLog: e.check = LogCheck{}; break;
      case CheckKind::kState: e.check = StateCheck{}; break;
      case CheckKind::kSaTable: e.check = SaTableCheck{}; break;
      case CheckKind::kSaEvents: e.check = SaEventsCheck{}; break;
      case CheckKind::kFinal: e.check = FinalCheck{}; break;
      case CheckKind::kVerdict: e.check = VerdictCheck{}; break;
    }
    build_expectation(e, obj, ep);
    sc_.expect.push_back(std::move(e));
  }
}

void Builder::build_expectation(Expectation& e, const json& obj, const std::string& pointer) {
  auto p = [&](std::string_view key) { return json_pointer_append(pointer, key); };
  std::string what = "check '" + std::string(name(e.kind())) + "'";
  check_applicable(obj, pointer, check_keys(e.kind()), kCheckCommon, what);
  if (auto id = get_string(obj, "id")) {
    e.id = *id;
    IdInfo::Kind k = e.kind() == CheckKind::kMessage    ? IdInfo::Kind::kMessage
                     : e.kind() == CheckKind::kSequence ? IdInfo::Kind::kSequence
                                                        : IdInfo::Kind::kOther;
    declare_id(*id, p("id"), k, what);
  }
  if (auto d = get_string(obj, "description")) e.description = *d;
  if (auto r = get_string(obj, "rfc")) e.rfc = *r;
  const Host* host = host_ref(obj, pointer);
  if (host) e.host = host->name;

  switch (e.kind()) {
    case CheckKind::kMessage: {
      auto& c = std::get<MessageCheck>(e.check);
      if (auto m = matcher(obj, pointer, false)) c.matcher = std::move(*m);
      c.count = CountRange::at_least(1);
      if (const json* cnt = get(obj, "count")) {
        if (auto cr = count(*cnt, p("count"))) c.count = *cr;
        if (get(obj, "nth"))
          out_.key_error(p("nth"), "'nth' picks one message and 'count' counts them all: use one of the two");
      }
      break;
    }
    case CheckKind::kNoMessage: {
      auto& c = std::get<NoMessageCheck>(e.check);
      if (auto m = matcher(obj, pointer, false)) c.matcher = std::move(*m);
      break;
    }
    case CheckKind::kSequence: {
      auto& c = std::get<SequenceCheck>(e.check);
      if (const json* steps = get(obj, "steps"); steps && steps->is_array()) {
        for (size_t i = 0; i < steps->size(); ++i)
          if (auto m = matcher((*steps)[i], json_pointer_append(p("steps"), i), true)) c.steps.push_back(std::move(*m));
      }
      if (auto s = get_bool(obj, "strict")) c.strict = *s;
      if (c.steps.size() == 1) out_.warning(p("steps"), "a sequence of one step is a message check");
      break;
    }
    case CheckKind::kLog: {
      auto& c = std::get<LogCheck>(e.check);
      for (auto [key, list] : {std::pair<const char*, std::vector<LogPattern>*>{"lines", &c.lines}, {"absent", &c.absent}}) {
        const json* arr = get(obj, key);
        if (!arr || !arr->is_array()) continue;
        for (size_t i = 0; i < arr->size(); ++i) {
          if (!(*arr)[i].is_string()) continue;
          LogPattern lp;
          lp.text = (*arr)[i].get<std::string>();
          std::string ip = json_pointer_append(p(key), i);
          lp.src = src(ip);
          if (compile_regex(lp.text, ip, &lp.regex)) list->push_back(std::move(lp));
        }
      }
      if (!get(obj, "lines") && !get(obj, "absent"))
        out_.error(pointer, "a log check needs \"lines\" (in order) and/or \"absent\"");
      break;
    }
    case CheckKind::kState:
      build_state_check(std::get<StateCheck>(e.check), obj, pointer);
      break;
    case CheckKind::kSaTable: {
      auto& c = std::get<SaTableCheck>(e.check);
      if (const json* at = get(obj, "at")) c.at = instant(*at, p("at"));
      if (c.at && c.at->absolute() && sc_.duration.count() > 0 && c.at->offset > sc_.duration)
        out_.error(p("at"), "at " + describe_duration(c.at->offset) + " is after the scenario ends");
      if (get(obj, "conn"))
        if (const Connection* conn = conn_ref(host, obj, pointer, false)) c.conn = conn->name;
      for (auto [key, field] : {std::pair<const char*, std::optional<CountRange>*>{"inbound", &c.inbound},
                                {"outbound", &c.outbound},
                                {"policies", &c.policies}}) {
        if (const json* v = get(obj, key)) *field = count(*v, p(key));
      }
      if (auto s = get_bool(obj, "spis_distinct")) c.spis_distinct = *s;
      if (auto pr = get_string(obj, "protocol")) c.protocol = *pr == "ah" ? IpsecProtocol::kAh : IpsecProtocol::kEsp;
      if (auto m = get_string(obj, "mode")) c.mode = *m == "transport" ? ConnType::kTransport : ConnType::kTunnel;
      if (auto en = get_bool(obj, "encap")) c.encap = *en;
      if (!c.inbound && !c.outbound && !c.policies && !c.spis_distinct)
        out_.error(pointer, "an sa_table check needs at least one of inbound, outbound, policies, spis_distinct");
      break;
    }
    case CheckKind::kSaEvents: {
      auto& c = std::get<SaEventsCheck>(e.check);
      if (get(obj, "conn"))
        if (const Connection* conn = conn_ref(host, obj, pointer, false)) c.conn = conn->name;
      build_sa_events(c, obj, pointer);
      break;
    }
    case CheckKind::kFinal: {
      auto& c = std::get<FinalCheck>(e.check);
      if (get(obj, "conn"))
        if (const Connection* conn = conn_ref(host, obj, pointer, false)) c.conn = conn->name;
      if (const json* v = get(obj, "ike_sas")) c.ike_sas = count(*v, p("ike_sas"));
      if (const json* v = get(obj, "child_sas")) c.child_sas = count(*v, p("child_sas"));
      for (auto [key, field, valid, sa_count] :
           {std::tuple<const char*, std::string*, bool (*)(std::string_view), std::optional<CountRange>*>{
                "ike_state", &c.ike_state, &is_ike_state, &c.ike_sas},
            {"child_state", &c.child_state, &is_child_state, &c.child_sas}}) {
        auto s = get_string(obj, key);
        if (!s) continue;
        *field = *s;
        if (!valid(*s)) {
          auto names = std::string_view(key) == "ike_state" ? ike_state_names() : child_state_names();
          std::vector<std::string> list(names.begin(), names.end());
          (void)list;
          bool ike = std::string_view(key) == "ike_state";
          out_.value_error(p(key), "'" + *s + "' is not " + (ike ? "an IKE SA" : "a Child SA") + " state" +
                                       state_hint(*s, ike));
        } else if (*sa_count && (*sa_count)->max && *(*sa_count)->max == 0) {
          out_.value_error(p(key), std::string("a state for SAs that must not exist (") +
                                       (std::string_view(key) == "ike_state" ? "ike_sas" : "child_sas") + " is 0)");
        }
      }
      if (!c.ike_sas && !c.child_sas && c.ike_state.empty() && c.child_state.empty())
        out_.error(pointer, "a final check needs ike_sas, child_sas, ike_state and/or child_state");
      break;
    }
    case CheckKind::kVerdict: {
      auto& c = std::get<VerdictCheck>(e.check);
      if (auto impl = get_string(obj, "implementation")) {
        if (*impl == "strongswan") c.implementation = Implementation::kStrongswan;
        if (*impl == "libreswan") c.implementation = Implementation::kLibreswan;
        if (*impl == "ref") c.implementation = Implementation::kRef;
      }
      if (const json* arr = get(obj, "known_deviations"); arr && arr->is_array()) {
        for (size_t i = 0; i < arr->size(); ++i) {
          const json& d = (*arr)[i];
          if (!d.is_object()) continue;
          KnownDeviation kd;
          kd.src = src(json_pointer_append(p("known_deviations"), i));
          kd.expectation = get_string(d, "expectation").value_or("");
          kd.reason = get_string(d, "reason").value_or("");
          c.known_deviations.push_back(std::move(kd));
        }
      }
      bool same = std::any_of(sc_.expect.begin(), sc_.expect.end(), [&](const Expectation& other) {
        return other.kind() == CheckKind::kVerdict &&
               std::get<VerdictCheck>(other.check).implementation == c.implementation;
      });
      if (same)
        out_.error(p("implementation"), "there is already a verdict for " + std::string(name(c.implementation)));
      break;
    }
  }
}

void Builder::build_state_check(StateCheck& c, const json& obj, const std::string& pointer) {
  auto p = [&](std::string_view key) { return json_pointer_append(pointer, key); };
  if (auto s = get_string(obj, "sa")) c.sa = *s == "ike" ? SaKind::kIke : SaKind::kChild;
  const Host* host = sc_.find_host(get_string(obj, "host").value_or(""));
  if (get(obj, "conn"))
    if (const Connection* conn = conn_ref(host, obj, pointer, false)) c.conn = conn->name;
  if (auto n = get_uint(obj, "instance")) c.instance = static_cast<uint32_t>(std::max<uint64_t>(1, *n));
  auto valid = [&](const std::string& s) { return c.sa == SaKind::kIke ? is_ike_state(s) : is_child_state(s); };
  auto names = [&] {
    auto n = c.sa == SaKind::kIke ? ike_state_names() : child_state_names();
    return std::vector<std::string>(n.begin(), n.end());
  };
  std::string kind_text = c.sa == SaKind::kIke ? "an IKE SA" : "a Child SA";
  if (const json* arr = get(obj, "transitions"); arr && arr->is_array()) {
    for (size_t i = 0; i < arr->size(); ++i) {
      const json& t = (*arr)[i];
      std::string tp = json_pointer_append(p("transitions"), i);
      StateTransition st;
      st.src = src(tp);
      std::string text;
      std::string text_ptr = tp;
      if (t.is_string()) {
        text = t.get<std::string>();
      } else if (t.is_object()) {
        text = get_string(t, "transition").value_or("");
        text_ptr = json_pointer_append(tp, "transition");
        if (auto id = get_string(t, "id")) {
          st.id = *id;
          declare_id(*id, json_pointer_append(tp, "id"), IdInfo::Kind::kTransition, "state transition");
        }
        if (const json* at = get(t, "at")) st.at = window(*at, json_pointer_append(tp, "at"));
      } else {
        continue;
      }
      if (text.empty()) continue;
      auto parsed = parse_transition(text);
      if (!parsed.ok()) {
        out_.value_error(text_ptr, parsed.error().reason());
        continue;
      }
      st.from = parsed->first;
      st.to = parsed->second;
      bool ok = true;
      for (const auto& s : {st.from, st.to}) {
        if (!valid(s)) {
          out_.value_error(text_ptr, "'" + s + "' is not " + kind_text + " state" + state_hint(s, c.sa == SaKind::kIke));
          ok = false;
          break;
        }
      }
      if (ok && st.from == st.to) {
        out_.value_error(text_ptr, "a transition changes the state; '" + text + "' does not");
        ok = false;
      }
      if (ok) c.transitions.push_back(std::move(st));
    }
  }
  if (auto f = get_string(obj, "final_state")) {
    if (*f != "none" && !valid(*f)) {
      auto list = names();
      list.push_back("none");
      out_.value_error(p("final_state"), "'" + *f + "' is not " + kind_text + " state or \"none\"" + did_you_mean(*f, list));
    } else {
      c.final_state = *f;
    }
  }
  if (!get(obj, "transitions") && !get(obj, "final_state"))
    out_.error(pointer, "a state check needs \"transitions\" and/or \"final_state\"");
}

void Builder::build_sa_events(SaEventsCheck& c, const json& obj, const std::string& pointer) {
  const json* arr = get(obj, "events");
  if (!arr || !arr->is_array()) return;
  std::set<std::string> bound;
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& step = (*arr)[i];
    std::string sp = json_pointer_append(json_pointer_append(pointer, "events"), i);
    auto p = [&](std::string_view key) { return json_pointer_append(sp, key); };
    if (!step.is_object()) continue;
    SaEventStep s;
    s.src = src(sp);
    auto op = get_string(step, "op");
    auto parsed = op ? sa_op(*op) : std::nullopt;
    if (!parsed) continue;
    s.op = *parsed;
    if (auto id = get_string(step, "id")) {
      s.id = *id;
      declare_id(*id, p("id"), IdInfo::Kind::kSaEvent, "sa_events step");
    }
    if (auto d = get_string(step, "description")) s.description = *d;
    if (auto d = get_string(step, "direction")) {
      Direction dir = *d == "in" ? Direction::kIn : *d == "out" ? Direction::kOut : Direction::kFwd;
      if (s.op == SaOp::kAllocSpi)
        out_.value_error(p("direction"), "alloc-spi is always for an inbound SA; 'direction' does not apply");
      else if (dir == Direction::kFwd && !is_policy_op(s.op))
        out_.value_error(p("direction"), "SAs are in or out; fwd exists for policies only");
      else
        s.direction = dir;
    }
    if (auto pr = get_string(step, "protocol")) {
      if (is_policy_op(s.op))
        out_.value_error(p("protocol"), "'protocol' selects SAs; policy events do not have one");
      s.protocol = *pr == "ah" ? IpsecProtocol::kAh : IpsecProtocol::kEsp;
    }
    if (auto r = get_string(step, "result")) {
      if (is_expire(s.op))
        out_.value_error(p("result"), "an expire event is reported by the backend; it has no result");
      s.ok = *r == "ok";
    }
    if (const json* e = get(step, "errno")) {
      if (s.ok != false) {
        out_.key_error(p("errno"), "'errno' goes with \"result\": \"failed\"");
      } else if (e->is_number_integer()) {
        s.err = static_cast<int>(e->get<int64_t>());
      } else if (e->is_string()) {
        auto err = parse_errno(e->get<std::string>());
        if (!err.ok()) {
          out_.value_error(p("errno"), err.error().reason());
        } else {
          s.err = *err;
        }
      }
    }
    if (auto b = get_string(step, "bind")) {
      if (is_policy_op(s.op)) {
        out_.value_error(p("bind"), "'bind' names an SA; policy events have none");
      } else if (!bound.insert(*b).second) {
        out_.value_error(p("bind"), "'" + *b + "' is already bound by an earlier step");
      } else {
        s.bind = *b;
      }
    }
    if (auto ref = get_string(step, "sa")) {
      if (is_policy_op(s.op) || s.op == SaOp::kAllocSpi || s.op == SaOp::kAddSa) {
        out_.value_error(p("sa"), "'sa' refers to an SA bound by an earlier step; " + *op +
                                      " creates or reserves one (use 'bind')");
      } else if (!bound.count(*ref)) {
        std::vector<std::string> names(bound.begin(), bound.end());
        out_.value_error(p("sa"), "no earlier step binds '" + *ref + "'" + did_you_mean(*ref, names));
      } else {
        s.sa = *ref;
      }
    }
    if (const json* at = get(step, "at")) s.at = window(*at, p("at"));
    c.events.push_back(std::move(s));
  }
}

}  // namespace ikesuite::harness::detail
