#include "harness/scenario/json_positions.h"

#include <gtest/gtest.h>

namespace ikesuite::harness {
namespace {

TextPosition pos(int line, int column) { return TextPosition{line, column}; }

TEST(JsonPointer, EscapesAndTokens) {
  EXPECT_EQ(json_pointer_escape("a/b~c"), "a~1b~0c");
  EXPECT_EQ(json_pointer_append("/hosts", "%default"), "/hosts/%default");
  EXPECT_EQ(json_pointer_append("/x", size_t{3}), "/x/3");
  EXPECT_EQ(json_pointer_parent("/a/b/c"), "/a/b");
  EXPECT_EQ(json_pointer_parent("/a"), "");
  EXPECT_EQ(json_pointer_parent(""), "");
  auto tokens = json_pointer_tokens("/a~1b/c~0d/0");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0], "a/b");
  EXPECT_EQ(tokens[1], "c~d");
  EXPECT_EQ(tokens[2], "0");
  EXPECT_TRUE(json_pointer_tokens("").empty());
  EXPECT_EQ(json_pointer_display(""), "/");
  EXPECT_EQ(json_pointer_display("/a"), "/a");
}

TEST(JsonPositions, ObjectsArraysAndKeys) {
  const char* text =
      "{\n"
      "  \"name\": \"x\",\n"
      "  \"list\": [1, [2, 3], {\"k\": true}],\n"
      "  \"empty\": {}\n"
      "}\n";
  auto p = JsonPositions::index(text);
  EXPECT_EQ(p.value(""), pos(1, 1));
  EXPECT_EQ(p.value("/name"), pos(2, 11));
  EXPECT_EQ(p.key("/name"), pos(2, 3));
  EXPECT_EQ(p.value("/list"), pos(3, 11));
  EXPECT_EQ(p.value("/list/0"), pos(3, 12));
  EXPECT_EQ(p.value("/list/1"), pos(3, 15));
  EXPECT_EQ(p.value("/list/1/1"), pos(3, 19));
  EXPECT_EQ(p.value("/list/2/k"), pos(3, 29));
  EXPECT_EQ(p.key("/list/2/k"), pos(3, 24));
  EXPECT_EQ(p.value("/empty"), pos(4, 12));
  EXPECT_FALSE(p.key("/list/0").has_value());  // array elements have no key
  EXPECT_FALSE(p.value("/nope").has_value());
  EXPECT_FALSE(p.syntax_error().has_value());
}

TEST(JsonPositions, EscapedKeysMatchNlohmannKeys) {
  // Keys are decoded the way nlohmann decodes them: escapes, \u, surrogate pairs, and
  // pointer escaping of '/' and '~'.
  const char* text = R"({"a\"b": 1, "c\/d": 2, "\u00e9t\u00e9": 3, "\ud83d\ude00": 4, "x~y": 5, "tab\t": 6})";
  auto p = JsonPositions::index(text);
  EXPECT_EQ(p.value("/a\"b"), pos(1, 10));
  EXPECT_EQ(p.value("/c~1d"), pos(1, 21));
  EXPECT_EQ(p.value("/\xc3\xa9t\xc3\xa9"), pos(1, 41));
  EXPECT_EQ(p.value("/\xf0\x9f\x98\x80"), pos(1, 60));
  EXPECT_EQ(p.value("/x~0y"), pos(1, 70));
  EXPECT_EQ(p.value("/tab\t"), pos(1, 82));
}

TEST(JsonPositions, ColumnsCountCharactersNotBytes) {
  // "é" is two bytes and "😀" four, one column each.
  const char* text = "{\"d\": \"\xc3\xa9\xf0\x9f\x98\x80\", \"n\": 1}";
  auto p = JsonPositions::index(text);
  EXPECT_EQ(p.value("/d"), pos(1, 7));
  EXPECT_EQ(p.key("/n"), pos(1, 13));
  EXPECT_EQ(p.value("/n"), pos(1, 18));
}

TEST(JsonPositions, MultiLineStringsAndNestedArrays) {
  const char* text = "[\n  [\n    [],\n    [\"a\", {\"b\": [null,\n false]}]\n  ]\n]";
  auto p = JsonPositions::index(text);
  EXPECT_EQ(p.value("/0/0"), pos(3, 5));
  EXPECT_EQ(p.value("/0/1/0"), pos(4, 6));
  EXPECT_EQ(p.value("/0/1/1/b/0"), pos(4, 18));
  EXPECT_EQ(p.value("/0/1/1/b/1"), pos(5, 2));
}

TEST(JsonPositions, ByteOrderMarkIsNotAColumn) {
  std::string text = "\xef\xbb\xbf{\"a\": 1}";
  auto p = JsonPositions::index(text);
  EXPECT_EQ(p.value(""), pos(1, 1));
  EXPECT_EQ(p.value("/a"), pos(1, 7));
  EXPECT_EQ(p.at_offset(3), pos(1, 1));
}

TEST(JsonPositions, DuplicateKeysAreFound) {
  const char* text = "{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2},\n \"a\": 3}";
  auto p = JsonPositions::index(text);
  ASSERT_EQ(p.duplicate_keys().size(), 2u);
  EXPECT_EQ(p.duplicate_keys()[0].pointer, "/b/c");
  EXPECT_EQ(p.duplicate_keys()[0].position, pos(2, 16));
  EXPECT_EQ(p.duplicate_keys()[0].first, pos(2, 8));
  EXPECT_EQ(p.duplicate_keys()[1].pointer, "/a");
  EXPECT_EQ(p.duplicate_keys()[1].position, pos(3, 2));
  EXPECT_EQ(p.duplicate_keys()[1].first, pos(1, 2));
  // Like nlohmann, the last value wins.
  EXPECT_EQ(p.value("/a"), pos(3, 7));
}

TEST(JsonPositions, LocateFallsBackToTheNearestAncestor) {
  const char* text = "{\n  \"hosts\": {\n    \"moon\": {}\n  }\n}";
  auto p = JsonPositions::index(text);
  EXPECT_EQ(p.locate("/hosts/moon/addresses"), pos(3, 13));
  EXPECT_EQ(p.locate("/hosts/sun/x"), pos(2, 12));
  EXPECT_EQ(p.locate("/nothing"), pos(1, 1));
}

TEST(JsonPositions, OffsetsMapToLinesAndColumns) {
  std::string text = "{\n  \"\xc3\xa9\": tru\n}";
  auto p = JsonPositions::index(text);
  EXPECT_EQ(p.at_offset(0), pos(1, 1));
  EXPECT_EQ(p.at_offset(2), pos(2, 1));
  // After the two-byte "é", the column advances by one.
  EXPECT_EQ(p.at_offset(9), pos(2, 7));
  EXPECT_EQ(p.at_offset(1000), p.at_offset(text.size()));
}

TEST(JsonPositions, InvalidTextStopsAtTheError) {
  auto p = JsonPositions::index("{\"a\": [1, 2,, 3]}");
  ASSERT_TRUE(p.syntax_error().has_value());
  EXPECT_EQ(*p.syntax_error(), pos(1, 13));
  EXPECT_EQ(p.value("/a/1"), pos(1, 11));

  for (const char* bad : {"", "{", "[1", "{\"a\" 1}", "\"\\x\"", "\"\\ud800\"", "01", "-", "1.", "1e",
                          "tru", "{\"a\":1,}", "[\"\x01\"]", "{} {}"}) {
    EXPECT_TRUE(JsonPositions::index(bad).syntax_error().has_value()) << bad;
  }
  for (const char* good : {"0", "-0.5e+3", "\"\\u0041\"", "[]", "{}", " null ", "[true,false]"}) {
    EXPECT_FALSE(JsonPositions::index(good).syntax_error().has_value()) << good;
  }
}

TEST(JsonPositions, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  auto p = JsonPositions::index(deep);
  EXPECT_TRUE(p.syntax_error().has_value());
}

}  // namespace
}  // namespace ikesuite::harness
