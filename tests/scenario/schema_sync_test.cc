// The JSON Schema (for editors and the first validation pass) and the loader's C++ tables
// (for the semantic pass) must name the same keys and values.
#include <algorithm>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/scenario/catalogue.h"
#include "harness/scenario/schema_check.h"

namespace ikesuite::harness {
namespace {

using json = nlohmann::json;

const json& schema() {
  static auto compiled = detail::load_schema("");
  EXPECT_TRUE(compiled.ok()) << compiled.error().reason();
  return detail::schema_document(**compiled);
}

const json& def(const std::string& name) { return schema()["definitions"][name]; }

std::set<std::string> keys(const json& properties) {
  std::set<std::string> out;
  for (const auto& [k, v] : properties.items()) out.insert(k);
  return out;
}

std::set<std::string> strings(const json& arr) {
  std::set<std::string> out;
  for (const auto& v : arr) out.insert(v.get<std::string>());
  return out;
}

template <typename Span>
std::set<std::string> to_set(Span span) {
  std::set<std::string> out;
  for (const auto& s : span) out.insert(std::string(s));
  return out;
}

TEST(SchemaSync, BuiltInSchemaIsTheFileInTheTree) {
  std::string path = std::string(IKESUITE_SOURCE_DIR) + "/scenarios/schema.json";
  auto from_file = detail::load_schema(path);
  ASSERT_TRUE(from_file.ok()) << from_file.error().reason();
  EXPECT_EQ(detail::schema_document(**from_file), schema());
}

TEST(SchemaSync, ImpairmentNames) {
  std::set<std::string> catalogue;
  for (const auto& i : impairment_catalogue()) catalogue.insert(std::string(i.name));
  EXPECT_EQ(strings(def("impairment")["properties"]["impair"]["enum"]), catalogue);
  // Every parameter the catalogue knows is a property of the schema's impairment object.
  auto props = keys(def("impairment")["properties"]);
  for (uint32_t bit = 1; bit <= kParamTsr; bit <<= 1)
    EXPECT_TRUE(props.count(std::string(impair_param_name(static_cast<ImpairParam>(bit))))) << bit;
}

TEST(SchemaSync, ConnKeys) {
  std::set<std::string> cpp;
  for (const auto& k : conn_keys()) cpp.insert(std::string(k.key));
  EXPECT_EQ(keys(def("conn")["properties"]), cpp);
}

TEST(SchemaSync, SettingsKeys) {
  EXPECT_EQ(keys(def("settings")["properties"]), to_set(settings_keys()));
}

TEST(SchemaSync, ActionsAndTheirKeys) {
  EXPECT_EQ(strings(def("action")["properties"]["action"]["enum"]), to_set(action_names()));
  std::set<std::string> used{"action", "id", "description", "at"};
  for (auto n : action_names()) {
    auto kind = parse_action_kind(n);
    ASSERT_TRUE(kind) << n;
    for (auto k : action_keys(*kind)) used.insert(std::string(k));
  }
  EXPECT_EQ(keys(def("action")["properties"]), used);
}

TEST(SchemaSync, ChecksAndTheirKeys) {
  auto names = strings(def("expectation")["properties"]["check"]["enum"]);
  std::set<std::string> used{"check", "id", "description", "rfc"};
  for (const auto& n : names) {
    auto kind = parse_check_kind(n);
    ASSERT_TRUE(kind) << n;
    EXPECT_EQ(name(*kind), n);
    for (auto k : check_keys(*kind)) used.insert(std::string(k));
  }
  EXPECT_EQ(keys(def("expectation")["properties"]), used);
  auto matcher = to_set(matcher_keys());
  for (const char* extra : {"id", "description", "nth", "at"}) matcher.insert(extra);
  EXPECT_EQ(keys(def("matcher")["properties"]), matcher);
}

}  // namespace
}  // namespace ikesuite::harness
