// The message sequence diagram (see html.h), drawn in the manner of the packet-flow figures
// of strongSwan's test documentation: one lifeline per host, time running down with the
// virtual time in the left margin, one arrow per IKE message labelled with its exchange,
// direction, message ID and payloads, notes on the lifelines for what happened inside a host.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string_view>

#include "reports/src/html.h"
#include "reports/src/text.h"

namespace ikesuite::reports {

namespace {

// Geometry, in CSS pixels. The widths make a two-host diagram fill a 1400-pixel window
// without horizontal scrolling; more hosts get narrower lanes down to kMinLaneWidth, then the
// diagram scrolls sideways.
constexpr double kTimeMargin = 86;      // left margin with the virtual time
constexpr double kRightMargin = 24;
constexpr double kMinLaneWidth = 240;
constexpr double kMaxLaneWidth = 600;
constexpr double kTargetWidth = 1180;   // lanes widen to fill this much when there are few
constexpr double kHeadHeight = 66;
constexpr double kMessageRow = 30;      // a message with a one-line label
constexpr double kLabelLine = 13;       // each further label line
constexpr double kFailTagRow = 14;      // the failed-expectation tag under an arrow
constexpr double kNoteRow = 26;
constexpr double kGapRow = 18;
constexpr double kLabelCharWidth = 6.7;  // 11px DejaVu Sans Mono
constexpr double kNoteCharWidth = 6.2;   // 10.5px DejaVu Sans, on average
constexpr double kBoldCharWidth = 7.3;   // bold 10.5px DejaVu Sans, on the wide side
constexpr size_t kMaxLabelLines = 3;
constexpr double kGapSeconds = 1.0;      // a pause longer than this gets a "later" row

std::string num(double v) {
  char buf[32];
  double rounded = std::round(v * 10) / 10;
  auto r = std::to_chars(buf, buf + sizeof buf, rounded, std::chars_format::fixed, 1);
  std::string s(buf, r.ptr);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string fixed(double v, int digits) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, digits);
  return r.ec == std::errc() ? std::string(buf, r.ptr) : "?";
}

std::string address_of(const std::string& endpoint) {
  // "192.0.2.1[500]" -> "192.0.2.1"; "192.0.2.1/24" -> "192.0.2.1"
  auto cut = endpoint.find_first_of("[/");
  return cut == std::string::npos ? endpoint : endpoint.substr(0, cut);
}

size_t fit_chars(double width, double char_width) {
  double n = width / char_width;
  return n < 4 ? 4 : static_cast<size_t>(n);
}

// Splits `text` at spaces into at most `max_lines` lines of at most `max_chars` code points;
// what does not fit ends the last line with "…" (the tooltip has the full text).
std::vector<std::string> wrap_words(std::string_view text, size_t max_chars, size_t max_lines) {
  std::vector<std::string> lines;
  std::string current;
  size_t current_chars = 0;
  bool overflow = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t space = text.find(' ', pos);
    std::string word(text.substr(pos, space == std::string_view::npos ? std::string_view::npos : space - pos));
    pos = space == std::string_view::npos ? text.size() : space + 1;
    if (word.empty()) continue;
    size_t chars = count_chars(word);
    if (!current.empty() && current_chars + 1 + chars > max_chars) {
      if (lines.size() + 1 == max_lines) {
        overflow = true;
        break;
      }
      lines.push_back(std::move(current));
      current.clear();
      current_chars = 0;
    }
    if (!current.empty()) {
      current += ' ';
      ++current_chars;
    }
    current += word;
    current_chars += chars;
  }
  if (overflow) current += " \xE2\x80\xA6";
  lines.push_back(truncate_chars(current, max_chars));
  return lines;
}

// A message label on as few lines as it takes: one when it fits, else the head ("IKE_AUTH
// req MID 1") on the first line and the payload list wrapped below it, so that the exchange
// and message ID are always read first.
std::vector<std::string> wrap_label(const std::string& label, size_t max_chars, size_t max_lines) {
  if (count_chars(label) <= max_chars || max_lines <= 1) return {truncate_chars(label, max_chars)};
  auto bracket = label.find(" [");
  if (bracket == std::string::npos) return wrap_words(label, max_chars, max_lines);
  std::vector<std::string> lines = {truncate_chars(label.substr(0, bracket), max_chars)};
  for (auto& line : wrap_words(std::string_view(label).substr(bracket + 1), max_chars, max_lines - 1))
    lines.push_back(std::move(line));
  return lines;
}

struct Lane {
  std::string name;
  std::string implementation;
  std::string addresses;
  bool known = true;  // a host of the scenario, not an address seen on the wire
};

class Lanes {
 public:
  explicit Lanes(const ScenarioResult& s) : s_(s) {
    for (const auto& h : s.hosts) {
      std::string impl = h.implementation;
      if (!h.version.empty()) impl += (impl.empty() ? "" : " ") + h.version;
      std::string addrs;
      for (const auto& a : h.addresses) addrs += (addrs.empty() ? "" : ", ") + a;
      add(Lane{h.name, impl, addrs, true});
    }
  }
  // The lane of a message end: the named host, else the host owning the address, else a lane
  // for the bare address (a spoofed or stray datagram).
  size_t for_endpoint(const std::string& host, const std::string& endpoint) {
    if (!host.empty()) return for_host(host);
    std::string addr = address_of(endpoint);
    for (const auto& h : s_.hosts)
      for (const auto& a : h.addresses)
        if (address_of(a) == addr) return for_host(h.name);
    std::string name = addr.empty() ? "?" : addr;
    auto it = index_.find("addr:" + name);
    if (it != index_.end()) return it->second;
    size_t i = lanes_.size();
    lanes_.push_back(Lane{name, "not a scenario host", "", false});
    index_["addr:" + name] = i;
    return i;
  }
  size_t for_host(const std::string& host) {
    auto it = index_.find("host:" + host);
    if (it != index_.end()) return it->second;
    return add(Lane{host, "", "", true});
  }
  const std::vector<Lane>& all() const { return lanes_; }

 private:
  size_t add(Lane lane) {
    size_t i = lanes_.size();
    index_["host:" + lane.name] = i;
    lanes_.push_back(std::move(lane));
    return i;
  }
  const ScenarioResult& s_;
  std::vector<Lane> lanes_;
  std::map<std::string, size_t> index_;
};

enum class ItemKind { kMessage, kEvent, kExpectation };

struct Item {
  ItemKind kind;
  size_t index;
  double t;
  int order;  // tie-breaker at equal times
};

// At one instant, what caused things comes first: actions and faults, then the messages,
// then the states they led to, then verdicts.
int event_order(const Event& e) {
  if (e.kind == "action") return 0;
  if (e.kind == "fault") return 1;
  return 3;
}

std::string note_class(const Event& e) {
  std::string kind = e.kind == "state" || e.kind == "fault" || e.kind == "action" || e.kind == "sa"
                         ? e.kind
                         : "note";
  std::string cls = "note note-" + kind;
  if (e.level == "error") cls += " note-error";
  return cls;
}

std::string note_text(const Event& e) {
  if (e.kind == "fault") return "\xE2\x9A\xA1 " + e.text;  // ⚡
  if (e.kind == "action") return "\xE2\x96\xB6 " + e.text;  // ▶
  return e.text;
}

struct Geometry {
  size_t lane_count = 1;
  double lane_width = kMinLaneWidth;
  double width = 0;
  double lanes_left = 0, lanes_right = 0;
  double lane_x(size_t lane) const { return kTimeMargin + lane_width * (static_cast<double>(lane) + 0.5); }
};

Geometry geometry_for(size_t lanes) {
  Geometry g;
  g.lane_count = std::max<size_t>(lanes, 1);
  double n = static_cast<double>(g.lane_count);
  g.lane_width = std::clamp(kTargetWidth / n, kMinLaneWidth, kMaxLaneWidth);
  g.width = kTimeMargin + g.lane_width * n + kRightMargin;
  g.lanes_left = kTimeMargin + 8;
  g.lanes_right = kTimeMargin + g.lane_width * n - 8;
  return g;
}

// Milliseconds when every time of the diagram is a whole millisecond (the usual case on the
// virtual clock), microseconds otherwise, so that the margin is as short as it can be
// without two different times looking equal.
int time_digits(const ScenarioResult& s) {
  auto whole_ms = [](double t) { return std::abs(t * 1000 - std::round(t * 1000)) < 1e-6; };
  for (const auto& m : s.messages)
    if (!whole_ms(m.t)) return 6;
  for (const auto& e : s.events)
    if (!whole_ms(e.t)) return 6;
  for (const auto& e : s.expectations)
    if (e.t && !whole_ms(*e.t)) return 6;
  return 3;
}

std::string render_head(const Lanes& lanes, const Geometry& g) {
  std::string head = "<svg class=\"seq-head\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(g.width) +
                     "\" height=\"" + num(kHeadHeight) + "\" viewBox=\"0 0 " + num(g.width) + " " +
                     num(kHeadHeight) + "\">";
  head += "<rect class=\"head-bg\" x=\"0\" y=\"0\" width=\"" + num(g.width) + "\" height=\"" +
          num(kHeadHeight) + "\"/>";
  head += "<text class=\"time-head\" x=\"" + num(kTimeMargin - 10) + "\" y=\"" + num(kHeadHeight - 8) +
          "\">t (s)</text>";
  for (size_t i = 0; i < lanes.all().size(); ++i) {
    const Lane& lane = lanes.all()[i];
    double x = g.lane_x(i);
    double box_w = std::min(g.lane_width - 30, 300.0);
    std::string tip = lane.name + (lane.implementation.empty() ? "" : " (" + lane.implementation + ")") +
                      (lane.addresses.empty() ? "" : "\n" + lane.addresses);
    head += "<g class=\"lane-head" + std::string(lane.known ? "" : " lane-foreign") + "\"><title>" +
            escape_text(tip) + "</title>";
    head += "<rect x=\"" + num(x - box_w / 2) + "\" y=\"6\" width=\"" + num(box_w) + "\" height=\"" +
            num(kHeadHeight - 12) + "\" rx=\"6\"/>";
    head += "<text class=\"lane-name\" x=\"" + num(x) + "\" y=\"24\">" +
            escape_text(truncate_chars(lane.name, fit_chars(box_w - 10, 8.5))) + "</text>";
    head += "<text class=\"lane-addr\" x=\"" + num(x) + "\" y=\"40\">" +
            escape_text(truncate_chars(lane.addresses, fit_chars(box_w - 10, 6.6))) + "</text>";
    head += "<text class=\"lane-sub\" x=\"" + num(x) + "\" y=\"54\">" +
            escape_text(truncate_chars(lane.implementation, fit_chars(box_w - 10, 6.2))) + "</text>";
    head += "</g>";
  }
  return head + "</svg>";
}

// Draws the rows of the body, top to bottom.
class RowWriter {
 public:
  RowWriter(const ScenarioResult& s, const Geometry& g, const std::string& id_prefix)
      : s_(s), g_(g), digits_(time_digits(s)), prefix_(id_prefix) {}

  double y() const { return y_; }
  std::string take() { return std::move(out_); }

  void gap(double seconds) {
    double mid = y_ + kGapRow / 2;
    out_ += "<g class=\"gap\"><line x1=\"" + num(g_.lanes_left) + "\" y1=\"" + num(mid) + "\" x2=\"" +
            num(g_.lanes_right) + "\" y2=\"" + num(mid) + "\"/><text x=\"" + num(kTimeMargin - 10) +
            "\" y=\"" + num(mid + 4) + "\">+" + fixed(seconds, digits_) + " s</text></g>";
    y_ += kGapRow;
  }

  void message(size_t index, size_t from, size_t to, const std::vector<std::string>* failed_ids);
  void event(const Event& e, size_t lane);
  void verdict(const Expectation& e);
  void footnote(const std::string& text) {
    out_ += "<text class=\"more\" x=\"" + num(g_.lanes_left) + "\" y=\"" + num(y_ + 16) + "\">" +
            escape_text(text) + "</text>";
    y_ += 26;
  }

 private:
  std::string time_text(double t, double baseline, bool note) const {
    return "<text class=\"time" + std::string(note ? " time-note" : "") + "\" x=\"" + num(kTimeMargin - 10) +
           "\" y=\"" + num(baseline) + "\">" + fixed(t, digits_) + "</text>";
  }

  const ScenarioResult& s_;
  const Geometry& g_;
  int digits_;
  std::string prefix_;
  std::string out_;
  double y_ = 10;
};

void RowWriter::message(size_t index, size_t from, size_t to, const std::vector<std::string>* failed_ids) {
  const WireMessage& m = s_.messages[index];
  bool dropped = m.fate == "dropped";
  bool fate_shown = !m.fate.empty() && m.fate != "delivered";
  std::string cls = std::string("msg ") + (m.response ? "msg-resp" : "msg-req");
  if (failed_ids) cls += " msg-fail";
  if (dropped) cls += " msg-dropped";
  if (m.retransmit) cls += " msg-retransmit";
  std::string label = message_label(m);
  if (m.retransmit) label += " (retransmit)";
  if (fate_shown) label += " (" + m.fate + ")";

  std::string tip = message_label(m) + "\nt=" + fixed(m.t, 6) + "  " + m.src + " \xE2\x86\x92 " + m.dst + "\n" +
                    std::to_string(m.bytes) + " bytes, " + (m.fate.empty() ? "delivered" : m.fate) +
                    (m.retransmit ? ", retransmission" : "") +
                    (m.encrypted ? (m.decrypted ? ", encrypted (decrypted)" : ", encrypted") : "") +
                    (m.frame ? ", frame #" + std::to_string(*m.frame) : "");
  if (!m.summary.empty()) tip += "\n" + m.summary;
  if (!m.note.empty()) tip += "\nnote: " + m.note;
  std::string failed_list;
  if (failed_ids)
    for (const auto& id : *failed_ids) failed_list += (failed_list.empty() ? "" : ", ") + id;
  if (failed_ids) tip += "\nfailed expectation: " + failed_list;

  double x1 = g_.lane_x(from), x2 = g_.lane_x(to);
  bool self = from == to;
  double label_width = self ? g_.lane_width / 2 - 44 : std::abs(x2 - x1) - 16;
  std::vector<std::string> lines = wrap_label(label, fit_chars(label_width, kLabelCharWidth), self ? 1 : kMaxLabelLines);
  double label_height = kLabelLine * static_cast<double>(lines.size() - 1);
  double ay = y_ + kMessageRow - 10 + label_height;  // the arrow, below its label

  out_ += "<g class=\"" + cls + "\" data-index=\"" + std::to_string(index) + "\"><title>" + escape_text(tip) +
          "</title>";
  out_ += time_text(m.t, ay + 4, false);
  std::string marker = prefix_ + (failed_ids ? "-fail" : dropped ? "-drop" : m.response ? "-resp" : "-req");
  if (self) {
    // To itself (or between two unknown addresses sharing a lane): a small loop.
    out_ += "<path class=\"arrow\" d=\"M" + num(x1) + " " + num(ay - 8) + " h28 v12 h-24\"" +
            (dropped ? "" : " marker-end=\"url(#" + marker + ")\"") + "/>";
    out_ += "<text class=\"label\" x=\"" + num(x1 + 36) + "\" y=\"" + num(ay) + "\">" + escape_text(lines[0]) +
            "</text>";
  } else {
    double dir = x2 > x1 ? 1 : -1;
    double start = x1 + dir * 2;
    if (dropped) {
      // Lost on the way: the arrow stops short of the receiver and ends in a cross.
      double stop = x1 + (x2 - x1) * 0.66;
      out_ += "<line class=\"arrow\" x1=\"" + num(start) + "\" y1=\"" + num(ay) + "\" x2=\"" + num(stop) +
              "\" y2=\"" + num(ay) + "\"/>";
      out_ += "<path class=\"cross\" d=\"M" + num(stop - 6) + " " + num(ay - 6) + " l12 12 M" + num(stop - 6) +
              " " + num(ay + 6) + " l12 -12\"/>";
    } else {
      double end = x2 - dir * 3;
      out_ += "<line class=\"arrow\" x1=\"" + num(start) + "\" y1=\"" + num(ay) + "\" x2=\"" + num(end) +
              "\" y2=\"" + num(ay) + "\" marker-end=\"url(#" + marker + ")\"/>";
      if (m.fate == "duplicated")
        out_ += "<text class=\"fate\" x=\"" + num(end - dir * 16) + "\" y=\"" + num(ay + 12) + "\">\xC3\x97" "2</text>";
    }
    double mid = (x1 + x2) / 2;
    for (size_t i = 0; i < lines.size(); ++i) {
      double line_y = ay - 6 - kLabelLine * static_cast<double>(lines.size() - 1 - i);
      out_ += "<text class=\"label\" x=\"" + num(mid) + "\" y=\"" + num(line_y) + "\" text-anchor=\"middle\">" +
              escape_text(lines[i]) + "</text>";
    }
  }
  if (failed_ids) {
    double tag_x = self ? x1 + 36 : (x1 + x2) / 2;
    std::string tag = "\xE2\x9C\x97 " + failed_list;  // ✗
    out_ += "<text class=\"fail-tag\" x=\"" + num(tag_x) + "\" y=\"" + num(ay + 14) + "\"" +
            (self ? "" : " text-anchor=\"middle\"") + ">" +
            escape_text(truncate_chars(tag, fit_chars(label_width, kBoldCharWidth))) + "</text>";
  }
  out_ += "</g>";
  y_ += kMessageRow + label_height + (failed_ids ? kFailTagRow : 0);
}

void RowWriter::event(const Event& e, size_t lane) {
  double x = g_.lane_x(lane);
  double max_w = g_.lane_width - 24;
  std::string shown = truncate_chars(note_text(e), fit_chars(max_w - 14, kNoteCharWidth));
  double w = std::min(max_w, static_cast<double>(count_chars(shown)) * kNoteCharWidth + 16);
  double top = y_ + 4;
  std::string tip = "t=" + fixed(e.t, 6) + "  " + e.host + "  " + e.kind +
                    (e.level.empty() || e.level == "info" ? "" : " (" + e.level + ")") + "\n" + e.text;
  out_ += "<g class=\"" + note_class(e) + "\"><title>" + escape_text(tip) + "</title>";
  out_ += time_text(e.t, top + 13, true);
  out_ += "<rect x=\"" + num(x - w / 2) + "\" y=\"" + num(top) + "\" width=\"" + num(w) +
          "\" height=\"18\" rx=\"4\"/>";
  out_ += "<text x=\"" + num(x) + "\" y=\"" + num(top + 13) + "\" text-anchor=\"middle\">" + escape_text(shown) +
          "</text></g>";
  y_ += kNoteRow;
}

// A failed expectation that names no message: a red line across the diagram at its time.
void RowWriter::verdict(const Expectation& e) {
  std::string text = "\xE2\x9C\x97 " + e.id + ": expected " + e.expected + ", got " + e.actual;
  std::string tip = text + (e.rfc.empty() ? "" : "\n" + e.rfc) + (e.description.empty() ? "" : "\n" + e.description);
  double ly = y_ + kNoteRow / 2;
  out_ += "<g class=\"verdict\"><title>" + escape_text(tip) + "</title>";
  out_ += time_text(e.t.value_or(0), ly + 4, false);
  out_ += "<line x1=\"" + num(g_.lanes_left) + "\" y1=\"" + num(ly) + "\" x2=\"" + num(g_.lanes_right) +
          "\" y2=\"" + num(ly) + "\"/>";
  std::string shown = truncate_chars(text, fit_chars(g_.lanes_right - g_.lanes_left - 30, kBoldCharWidth));
  double w = std::min(g_.lanes_right - g_.lanes_left - 10,
                      static_cast<double>(count_chars(shown)) * kBoldCharWidth + 16);
  out_ += "<rect x=\"" + num(g_.lanes_left + 10) + "\" y=\"" + num(ly - 9) + "\" width=\"" + num(w) +
          "\" height=\"18\" rx=\"3\"/>";
  out_ += "<text x=\"" + num(g_.lanes_left + 17) + "\" y=\"" + num(ly + 4) + "\">" + escape_text(shown) +
          "</text></g>";
  y_ += kNoteRow;
}

}  // namespace

std::string render_sequence_diagram(const ScenarioResult& s, const std::string& id_prefix,
                                    const HtmlOptions& options) {
  Lanes lanes(s);
  std::vector<Item> items;
  std::vector<std::pair<size_t, size_t>> message_lanes(s.messages.size());
  for (size_t i = 0; i < s.messages.size(); ++i) {
    const auto& m = s.messages[i];
    message_lanes[i] = {lanes.for_endpoint(m.from, m.src), lanes.for_endpoint(m.to, m.dst)};
    items.push_back({ItemKind::kMessage, i, m.t, 2});
  }
  std::vector<size_t> event_lanes(s.events.size(), 0);
  for (size_t i = 0; i < s.events.size(); ++i) {
    const auto& e = s.events[i];
    if (e.kind == "log") continue;  // log lines go to the host log section
    event_lanes[i] = lanes.for_host(e.host.empty() ? "?" : e.host);
    items.push_back({ItemKind::kEvent, i, e.t, event_order(e)});
  }
  // Failed expectations: their messages turn red and carry the expectation's id; one
  // without messages but with a time gets a row of its own.
  std::map<size_t, std::vector<std::string>> failed_by_message;
  for (size_t i = 0; i < s.expectations.size(); ++i) {
    const auto& e = s.expectations[i];
    if (e.passed) continue;
    bool placed = false;
    for (size_t r : e.related_messages) {
      if (r < s.messages.size()) {
        failed_by_message[r].push_back(e.id);
        placed = true;
      }
    }
    if (!placed && e.t) items.push_back({ItemKind::kExpectation, i, *e.t, 4});
  }
  // A time that is not a number (a runner bug) sorts last instead of breaking the ordering.
  for (Item& item : items)
    if (std::isnan(item.t)) item.t = std::numeric_limits<double>::infinity();
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.t != b.t) return a.t < b.t;
    return a.order < b.order;
  });

  Geometry g = geometry_for(lanes.all().size());
  RowWriter rows(s, g, id_prefix);
  size_t drawn = 0;
  std::optional<double> previous_t;
  for (const Item& item : items) {
    if (drawn >= options.max_diagram_rows) break;
    ++drawn;
    if (previous_t && std::isfinite(item.t) && std::isfinite(*previous_t) && item.t - *previous_t > kGapSeconds)
      rows.gap(item.t - *previous_t);
    previous_t = item.t;
    if (item.kind == ItemKind::kMessage) {
      auto failed = failed_by_message.find(item.index);
      rows.message(item.index, message_lanes[item.index].first, message_lanes[item.index].second,
                   failed == failed_by_message.end() ? nullptr : &failed->second);
    } else if (item.kind == ItemKind::kEvent) {
      rows.event(s.events[item.index], event_lanes[item.index]);
    } else {
      rows.verdict(s.expectations[item.index]);
    }
  }
  if (drawn < items.size())
    rows.footnote(std::to_string(items.size() - drawn) +
                  " more messages and events are not drawn; results.json has them all");
  if (items.empty()) rows.footnote("no messages were exchanged");
  double height = rows.y() + 12;

  std::string body = "<svg class=\"seq-body\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(g.width) +
                     "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(g.width) + " " + num(height) +
                     "\" role=\"img\" aria-label=\"" + escape_attribute("message sequence of " + s.name) + "\">";
  body += "<defs>";
  for (auto [suffix, cls] : {std::pair{"-req", "ah-req"}, std::pair{"-resp", "ah-resp"},
                             std::pair{"-fail", "ah-fail"}, std::pair{"-drop", "ah-drop"}}) {
    body += "<marker id=\"" + escape_attribute(id_prefix + suffix) + "\" class=\"" + cls +
            "\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" "
            "markerWidth=\"11\" markerHeight=\"11\" "
            "orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5 L0 10 z\"/></marker>";
  }
  body += "</defs>";
  for (size_t i = 0; i < lanes.all().size(); ++i) {
    double x = g.lane_x(i);
    body += "<line class=\"lifeline\" x1=\"" + num(x) + "\" y1=\"0\" x2=\"" + num(x) + "\" y2=\"" + num(height) +
            "\"/>";
  }
  body += rows.take() + "</svg>";

  return "<div class=\"diagram\">" + render_head(lanes, g) + body + "</div>";
}

}  // namespace ikesuite::reports
