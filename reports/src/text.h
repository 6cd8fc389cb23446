// Making arbitrary text (scenario names, peer log lines, error messages) safe to put into XML
// and HTML. Log lines of a peer under test can hold anything: invalid UTF-8, control bytes,
// "</script>", "<svg onload=...>". Everything the report writers emit passes through here.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ikesuite::reports {

// Valid UTF-8: every ill-formed sequence (bad lead or continuation bytes, overlong forms,
// surrogates, code points above U+10FFFF) becomes U+FFFD.
std::string sanitize_utf8(std::string_view text);

// Text for XML 1.0 and HTML content and attribute values: valid UTF-8, the five markup
// characters as entities (&amp; &lt; &gt; &quot; &#39;), CR/LF/TAB as character references
// in attributes (so parsers do not normalize them away), the C0 control characters XML
// forbids and DEL shown as visible "\xNN" text, the C1 controls as "\u0085", and the
// non-characters U+FFFE/U+FFFF as U+FFFD. The result never contains "]]>", "</" or a raw "<",
// so it is also safe inside a CDATA section or a raw-text HTML element.
std::string escape_text(std::string_view text);
std::string escape_attribute(std::string_view text);

// At most `max_chars` code points (not bytes) of valid UTF-8, ending in "…" when shortened.
std::string truncate_chars(std::string_view text, size_t max_chars);
size_t count_chars(std::string_view text);

}  // namespace ikesuite::reports
