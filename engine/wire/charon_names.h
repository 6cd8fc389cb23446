// charon's short notify names (libcharon's notify_type_short_names), as its message logs
// print them: "N(NO_PROP)", "N(INVAL_KE)". One table for the IKEv1 summaries, the IKEv2
// summaries' readers (scenario files) and anything else that speaks charon's log dialect.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace ikesuite::wire {

struct CharonLabel {
  uint16_t value;
  std::string_view text;
};

// The shared IKEv1/IKEv2 numbering charon names, in number order.
std::span<const CharonLabel> charon_notify_short_names();

}  // namespace ikesuite::wire
