// Escaping for XML and HTML: what a peer's log line may hold (markup, CDATA ends, control
// bytes, invalid UTF-8) must come out as well-formed text that shows what was there.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "reports/src/text.h"

namespace ikesuite::reports {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

// Decodes UTF-8 strictly; false on any ill-formed sequence or a code point XML 1.0 §2.2 does
// not allow (C0 controls other than TAB/LF/CR, surrogates, U+FFFE, U+FFFF).
bool is_xml_text(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0;
    size_t n = 0;
    if (c < 0x80) cp = c, n = 1;
    else if ((c & 0xE0) == 0xC0) cp = c & 0x1F, n = 2;
    else if ((c & 0xF0) == 0xE0) cp = c & 0x0F, n = 3;
    else if ((c & 0xF8) == 0xF0) cp = c & 0x07, n = 4;
    else return false;
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = cp << 6 | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') return false;
    if (cp == 0xFFFE || cp == 0xFFFF) return false;
    i += n;
  }
  return true;
}

TEST(Utf8, ValidTextPassesUnchanged) {
  for (std::string s : {std::string(""), std::string("plain ascii"), std::string("caf\xC3\xA9"),
                        std::string("\xE2\x82\xAC 100"), std::string("\xF0\x9F\x94\x91 key"),
                        std::string("\xEF\xBF\xBD"), std::string("\xF4\x8F\xBF\xBF")}) {
    EXPECT_EQ(sanitize_utf8(s), s);
  }
}

TEST(Utf8, EveryIllFormedSequenceBecomesReplacementCharacters) {
  struct Case {
    std::string in, out;
  };
  for (const auto& c : {
           Case{"\x80", kFffd},                                  // lone continuation byte
           Case{"a\xFF" "b", "a" + kFffd + "b"},                 // never valid
           Case{"\xC0\xAF", kFffd + kFffd},                      // overlong '/'
           Case{"\xC1\xBF", kFffd + kFffd},                      // overlong
           Case{"\xE0\x80\xAF", kFffd + kFffd + kFffd},          // overlong, 3 bytes
           Case{"\xF0\x80\x80\xAF", kFffd + kFffd + kFffd + kFffd},  // overlong, 4 bytes
           Case{"\xED\xA0\x80", kFffd + kFffd + kFffd},          // UTF-16 surrogate D800
           Case{"\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},  // above U+10FFFF
           Case{"\xF5\x80\x80\x80", kFffd + kFffd + kFffd + kFffd},  // lead byte out of range
           Case{"\xC3", kFffd},                                  // truncated at the end
           Case{"\xE2\x82", kFffd + kFffd},                      // truncated, 3-byte form
           Case{"\xC3(", kFffd + "("},                           // bad continuation
       }) {
    EXPECT_EQ(sanitize_utf8(c.in), c.out) << "input bytes: " << c.in.size();
    EXPECT_TRUE(is_xml_text(sanitize_utf8(c.in)));
  }
}

TEST(Escape, MarkupCharactersBecomeEntities) {
  EXPECT_EQ(escape_text("a < b && c > d \"q\" 'r'"), "a &lt; b &amp;&amp; c &gt; d &quot;q&quot; &#39;r&#39;");
  EXPECT_EQ(escape_text("</script>"), "&lt;/script&gt;");
  EXPECT_EQ(escape_text("<svg onload=alert(1)>"), "&lt;svg onload=alert(1)&gt;");
  EXPECT_EQ(escape_text("x]]>y"), "x]]&gt;y");
  EXPECT_EQ(escape_text("&amp;"), "&amp;amp;");  // already-escaped text is escaped again
}

TEST(Escape, ControlCharactersAreShownVisibly) {
  EXPECT_EQ(escape_text(std::string("a\x01" "b\x1b[0m", 7)), "a\\x01b\\x1b[0m");
  EXPECT_EQ(escape_text(std::string("nul\0end", 7)), "nul\\x00end");
  EXPECT_EQ(escape_text("del\x7F"), "del\\x7f");
  EXPECT_EQ(escape_text("nel\xC2\x85"), "nel\\u0085");
  EXPECT_EQ(escape_text("\xC2\xA0"), "\xC2\xA0");  // U+00A0 is not a control
  EXPECT_EQ(escape_text("\xEF\xBF\xBE|\xEF\xBF\xBF"), kFffd + "|" + kFffd);  // U+FFFE, U+FFFF
}

TEST(Escape, LineBreaksStayInTextAndBecomeReferencesInAttributes) {
  EXPECT_EQ(escape_text("a\nb\tc"), "a\nb\tc");
  EXPECT_EQ(escape_attribute("a\nb\tc"), "a&#10;b&#9;c");
  // A raw CR would be folded into LF by every XML parser, so it is kept as a reference.
  EXPECT_EQ(escape_text("a\r\nb"), "a&#13;\nb");
  EXPECT_EQ(escape_attribute("a\r\nb"), "a&#13;&#10;b");
}

// Every byte, alone and inside markup, and many pseudo-random strings: the output is always
// XML text without a raw '<', and never holds "]]>" or "</".
TEST(Escape, AnyInputGivesWellFormedText) {
  auto check = [](const std::string& in) {
    for (const std::string& out : {escape_text(in), escape_attribute(in)}) {
      ASSERT_TRUE(is_xml_text(out)) << "from " << in.size() << " bytes";
      ASSERT_EQ(out.find('<'), std::string::npos);
      ASSERT_EQ(out.find("]]>"), std::string::npos);
      ASSERT_EQ(out.find('"'), std::string::npos);
    }
  };
  for (int b = 0; b < 256; ++b) {
    std::string one(1, static_cast<char>(b));
    check(one);
    check("<a>" + one + "]]>" + one + "</a>");
  }
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    size_t len = round % 64;
    for (size_t i = 0; i < len; ++i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      s += static_cast<char>(state >> 56);
    }
    check(s);
  }
}

TEST(Truncate, CountsCodePointsNotBytes) {
  EXPECT_EQ(count_chars("h\xC3\xA9llo"), 5u);
  EXPECT_EQ(truncate_chars("h\xC3\xA9llo w\xC3\xB6rld", 5), "h\xC3\xA9ll\xE2\x80\xA6");
  EXPECT_EQ(truncate_chars("short", 5), "short");
  EXPECT_EQ(truncate_chars("short", 100), "short");
  EXPECT_EQ(truncate_chars("abc", 0), "");
  EXPECT_EQ(truncate_chars("abc", 1), "\xE2\x80\xA6");
  // Never cuts inside a multi-byte character, and cleans invalid input first.
  EXPECT_EQ(truncate_chars("\xF0\x9F\x94\x91\xF0\x9F\x94\x91\xF0\x9F\x94\x91", 2), "\xF0\x9F\x94\x91\xE2\x80\xA6");
  EXPECT_EQ(truncate_chars("\xFF\xFF\xFF", 2), kFffd + "\xE2\x80\xA6");
}

TEST(Truncate, VeryLongLabels) {
  std::string label;
  for (int i = 0; i < 20000; ++i) label += "N(REKEY_SA) ";
  std::string shown = truncate_chars(label, 80);
  EXPECT_EQ(count_chars(shown), 80u);
  EXPECT_EQ(shown.substr(shown.size() - 3), "\xE2\x80\xA6");
  EXPECT_EQ(shown.substr(0, 12), "N(REKEY_SA) ");
}

}  // namespace
}  // namespace ikesuite::reports
