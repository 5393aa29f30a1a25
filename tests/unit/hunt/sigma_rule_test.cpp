// Sigma rule loading: logsource mapping, targets, and the reasons rules are rejected.
#include <gtest/gtest.h>

#include <string>

#include "analyzers/hunt/sigma_rule.hpp"

namespace hunt = emoguard::analyzers::hunt;

namespace {

hunt::RuleSet load(const std::string& yaml) {
  hunt::RuleSet set;
  hunt::load_rules_text(yaml, "test.yml", {}, set);
  return set;
}

std::string rule(const std::string& logsource, const std::string& detection, const std::string& extra = "") {
  return "title: T\nid: 11111111-2222-3333-4444-555555555555\nauthor: A. Author\nlevel: high\n" + extra + "logsource:\n" + logsource +
         "detection:\n" + detection;
}

}  // namespace

TEST(SigmaRule, ProcessCreationTargetsSysmonAndSecurity) {
  const auto set = load(rule("  category: process_creation\n  product: windows\n",
                             "  sel:\n    Image|endswith: '\\powershell.exe'\n  condition: sel\n"));
  ASSERT_EQ(set.rules.size(), 1U) << (set.rejected.empty() ? "" : set.rejected[0].reason);
  const hunt::Rule& r = set.rules[0];
  EXPECT_EQ(r.title, "T");
  EXPECT_EQ(r.author, "A. Author");
  EXPECT_EQ(r.level, hunt::Level::high);
  ASSERT_EQ(r.targets.size(), 2U);
  EXPECT_EQ(r.targets[0].channels.at(0), "Microsoft-Windows-Sysmon/Operational");
  EXPECT_EQ(r.targets[0].event_ids, std::vector<std::uint32_t>{1});
  EXPECT_EQ(r.targets[1].channels.at(0), "Security");
  EXPECT_EQ(r.targets[1].event_ids, std::vector<std::uint32_t>{4688});
  EXPECT_TRUE(r.targets[1].security_4688);
}

TEST(SigmaRule, SysmonOnlyFieldsKeepTheRuleOffSecurity4688) {
  const auto set = load(rule("  category: process_creation\n  product: windows\n",
                             "  sel:\n    OriginalFileName: 'PowerShell.EXE'\n  condition: sel\n"));
  ASSERT_EQ(set.rules.size(), 1U);
  ASSERT_EQ(set.rules[0].targets.size(), 1U);
  EXPECT_EQ(set.rules[0].targets[0].event_ids, std::vector<std::uint32_t>{1});
}

TEST(SigmaRule, ServicesAndCategoriesMapToChannels) {
  auto set = load(rule("  product: windows\n  service: security\n", "  sel:\n    EventID: 4625\n  condition: sel\n"));
  ASSERT_EQ(set.rules.size(), 1U);
  EXPECT_EQ(set.rules[0].targets.at(0).channels.at(0), "Security");
  EXPECT_TRUE(set.rules[0].targets.at(0).event_ids.empty());
  set = load(rule("  product: windows\n  category: ps_script\n", "  sel:\n    ScriptBlockText|contains: 'IEX'\n  condition: sel\n"));
  ASSERT_EQ(set.rules.size(), 1U);
  EXPECT_EQ(set.rules[0].targets.at(0).event_ids, std::vector<std::uint32_t>{4104});
  EXPECT_EQ(set.rules[0].targets.at(0).channels.size(), 2U);  // Windows PowerShell 5 and PowerShell 7
}

TEST(SigmaRule, RejectionsSayWhy) {
  auto reason = [](const std::string& yaml) {
    const auto set = load(yaml);
    EXPECT_TRUE(set.rules.empty());
    return set.rejected.empty() ? std::string("(not rejected)") : set.rejected[0].reason;
  };
  EXPECT_NE(reason(rule("  product: linux\n  category: process_creation\n", "  sel:\n    Image: x\n  condition: sel\n")).find("linux"),
            std::string::npos);
  EXPECT_NE(reason(rule("  product: windows\n  category: no_such_thing\n", "  sel:\n    Image: x\n  condition: sel\n")).find("no_such_thing"),
            std::string::npos);
  EXPECT_NE(reason(rule("  product: windows\n  service: no_such_service\n", "  sel:\n    Image: x\n  condition: sel\n")).find("no_such_service"),
            std::string::npos);
  EXPECT_NE(reason(rule("  product: windows\n  service: security\n", "  sel:\n    Image|frobnicate: x\n  condition: sel\n")).find("frobnicate"),
            std::string::npos);
  EXPECT_NE(reason(rule("  product: windows\n  service: security\n", "  sel:\n    Image: x\n  condition: sel and missing\n")).find("missing"),
            std::string::npos);
  EXPECT_NE(reason(rule("  product: windows\n  service: security\n", "  sel:\n    Image: x\n")).find("condition"), std::string::npos);
  EXPECT_NE(reason("title: C\ncorrelation:\n  type: event_count\n").find("correlation"), std::string::npos);
  EXPECT_NE(reason("title: [unclosed\n").find("YAML"), std::string::npos);
}

TEST(SigmaRule, SeveralDocumentsInOneFile) {
  const std::string one = rule("  product: windows\n  service: system\n", "  sel:\n    EventID: 7045\n  condition: sel\n");
  const auto set = load(one + "---\n" + one);
  EXPECT_EQ(set.rules.size(), 2U);
  EXPECT_EQ(set.documents, 2U);
}
