// Tests severity and content-type names, ObjectPath joining, BufferSink/CountingSink and Registry lookup.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "emoguard/analyzer.hpp"
#include "emoguard/content_type.hpp"
#include "emoguard/finding.hpp"
#include "emoguard/sink.hpp"

namespace emoguard {
namespace {

// ------------------------------------------------------------------ Severity

TEST(Severity, NamesRoundTrip) {
  const std::pair<Severity, std::string_view> v[] = {{Severity::info, "info"},
                                                     {Severity::low, "low"},
                                                     {Severity::medium, "medium"},
                                                     {Severity::high, "high"},
                                                     {Severity::critical, "critical"}};
  for (const auto& [sev, name] : v) {
    EXPECT_EQ(to_string(sev), name);
    const auto p = parse_severity(name);
    ASSERT_TRUE(p.has_value()) << name;
    EXPECT_EQ(*p, sev);
  }
  EXPECT_EQ(std::size(v), static_cast<std::size_t>(kSeverityCount));
}

TEST(Severity, OrderIsByGravity) {
  EXPECT_LT(Severity::info, Severity::low);
  EXPECT_LT(Severity::low, Severity::medium);
  EXPECT_LT(Severity::medium, Severity::high);
  EXPECT_LT(Severity::high, Severity::critical);
}

TEST(Severity, ParseRejectsOtherWords) {
  for (const std::string_view s : {"", "none", "warning", "crit", "medium ", " low", "informational", "hig"}) {
    EXPECT_FALSE(parse_severity(s).has_value()) << '"' << s << '"';
  }
}

// ------------------------------------------------------------------ ContentType

TEST(ContentTypeNames, EveryTypeRoundTrips) {
  std::set<std::string_view> names;
  for (int i = 0; i < kContentTypeCount; ++i) {
    const auto t = static_cast<ContentType>(i);
    const auto name = to_string(t);
    EXPECT_FALSE(name.empty()) << i;
    names.insert(name);
    const auto back = parse_content_type(name);
    ASSERT_TRUE(back.has_value()) << name;
    EXPECT_EQ(*back, t);
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kContentTypeCount));
  EXPECT_EQ(to_string(ContentType::sevenzip), "7z");
  EXPECT_EQ(to_string(ContentType::ole2), "ole2");
  EXPECT_EQ(to_string(ContentType::text), "text");
  EXPECT_FALSE(parse_content_type("sevenzip").has_value());
  EXPECT_FALSE(parse_content_type("").has_value());
}

TEST(ContentTypeNames, DetectionLabel) {
  Detection d{ContentType::ooxml, "docm", "why"};
  EXPECT_EQ(d.label(), "ooxml/docm");
  d.subtype.clear();
  EXPECT_EQ(d.label(), "ooxml");
  EXPECT_EQ(Detection{}.label(), "data");
}

// ------------------------------------------------------------------ ObjectPath

TEST(ObjectPath, StrJoinsWithArrows) {
  EXPECT_EQ(ObjectPath{}.str(), "");
  EXPECT_EQ(ObjectPath{{"mail.eml"}}.str(), "mail.eml");
  EXPECT_EQ((ObjectPath{{"mail.eml", "invoice.zip", "invoice.doc", "VBA/Module1"}}.str()),
            "mail.eml > invoice.zip > invoice.doc > VBA/Module1");
  EXPECT_EQ((ObjectPath{{"", ""}}.str()), " > ");
}

TEST(ObjectPath, ChildLeavesParentUnchanged) {
  const ObjectPath root{{"a.zip"}};
  const ObjectPath c = root.child("b.doc");
  const ObjectPath g = c.child("Macros/VBA");
  EXPECT_EQ(root.depth(), 1u);
  EXPECT_EQ(c.depth(), 2u);
  EXPECT_EQ(g.depth(), 3u);
  EXPECT_EQ(root.str(), "a.zip");
  EXPECT_EQ(c.str(), "a.zip > b.doc");
  EXPECT_EQ(g.str(), "a.zip > b.doc > Macros/VBA");
  EXPECT_EQ(ObjectPath{}.depth(), 0u);
}

TEST(ObjectPath, KeepsBytesAsGiven) {
  const ObjectPath p{{"\xFF\xFE", "a"}};
  EXPECT_EQ(p.str(), "\xFF\xFE > a");
}

// ------------------------------------------------------------------ Sinks

Finding finding_of(Severity s) {
  Finding f;
  f.analyzer = "t";
  f.rule.id = "t.rule";
  f.severity = s;
  return f;
}

TEST(Sinks, BufferKeepsOrderAndCountingCounts) {
  BufferSink buf;
  CountingSink count(buf);
  count.finding(finding_of(Severity::low));
  count.anomaly(Anomaly{"io", "io.x", {"m", ""}, {}, kNoOffset, {}});
  count.finding(finding_of(Severity::high));
  count.error(ErrorRecord{"in", Errc::io, {"e", ""}});
  count.finding(finding_of(Severity::critical));
  ASSERT_EQ(buf.records().size(), 5u);
  EXPECT_EQ(buf.records()[0].kind, BufferSink::Record::kFinding);
  EXPECT_EQ(buf.records()[1].kind, BufferSink::Record::kAnomaly);
  EXPECT_EQ(buf.records()[1].anomaly.code, "io.x");
  EXPECT_EQ(buf.records()[3].kind, BufferSink::Record::kError);
  EXPECT_EQ(buf.records()[3].error.input, "in");
  EXPECT_EQ(count.anomalies(), 1u);
  EXPECT_EQ(count.errors(), 1u);
  EXPECT_EQ(count.by_severity()[static_cast<int>(Severity::low)], 1u);
  EXPECT_EQ(count.by_severity()[static_cast<int>(Severity::medium)], 0u);
  EXPECT_EQ(count.at_or_above(Severity::info), 3u);
  EXPECT_EQ(count.at_or_above(Severity::medium), 2u);
  EXPECT_EQ(count.at_or_above(Severity::critical), 1u);

  BufferSink copy;
  buf.replay(copy);
  ASSERT_EQ(copy.records().size(), 5u);
  EXPECT_EQ(copy.records()[4].finding.severity, Severity::critical);
  buf.clear();
  EXPECT_TRUE(buf.records().empty());
}

// ------------------------------------------------------------------ Registry

class DummyAnalyzer final : public Analyzer {
 public:
  DummyAnalyzer(std::string name, std::vector<ContentType> handles, bool every)
      : info_{std::move(name), std::move(handles), "test analyzer", every} {}
  const AnalyzerInfo& info() const override { return info_; }
  void analyze(const ScanObject&, Context&) override {}

 private:
  AnalyzerInfo info_;
};

std::vector<std::string> names_of(const std::vector<Analyzer*>& v) {
  std::vector<std::string> out;
  for (const auto* a : v) out.push_back(a->info().name);
  return out;
}

TEST(Registry, EmptyRegistry) {
  const Registry r;
  EXPECT_TRUE(r.all().empty());
  EXPECT_TRUE(r.for_type(ContentType::pe).empty());
  EXPECT_FALSE(r.analyses(ContentType::pe));
}

TEST(Registry, ForTypeAndAnalyses) {
  Registry r;
  r.add(std::make_unique<DummyAnalyzer>("doc", std::vector<ContentType>{ContentType::ole2, ContentType::ooxml}, false));
  r.add(std::make_unique<DummyAnalyzer>("names", std::vector<ContentType>{}, true));
  r.add(std::make_unique<DummyAnalyzer>("mail", std::vector<ContentType>{ContentType::mail}, false));
  ASSERT_EQ(r.all().size(), 3u);

  EXPECT_EQ(names_of(r.for_type(ContentType::ole2)), (std::vector<std::string>{"doc", "names"}));
  EXPECT_EQ(names_of(r.for_type(ContentType::ooxml)), (std::vector<std::string>{"doc", "names"}));
  EXPECT_EQ(names_of(r.for_type(ContentType::mail)), (std::vector<std::string>{"names", "mail"}));
  EXPECT_EQ(names_of(r.for_type(ContentType::pdf)), (std::vector<std::string>{"names"}));
  EXPECT_EQ(names_of(r.for_type(ContentType::empty)), (std::vector<std::string>{"names"}));

  EXPECT_TRUE(r.analyses(ContentType::ole2));
  EXPECT_TRUE(r.analyses(ContentType::ooxml));
  EXPECT_TRUE(r.analyses(ContentType::mail));
  // A name check that runs on every type does not make a type "analysed".
  EXPECT_FALSE(r.analyses(ContentType::pdf));
  EXPECT_FALSE(r.analyses(ContentType::pe));
}

TEST(Registry, ForTypeReturnsTheRegisteredObjects) {
  Registry r;
  auto a = std::make_unique<DummyAnalyzer>("pe", std::vector<ContentType>{ContentType::pe}, false);
  Analyzer* raw = a.get();
  r.add(std::move(a));
  const auto v = r.for_type(ContentType::pe);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], raw);
  EXPECT_EQ(r.all()[0].get(), raw);
  EXPECT_TRUE(r.for_type(ContentType::elf).empty());
}

TEST(Registry, OnlyEveryTypeAnalyzers) {
  Registry r;
  r.add(std::make_unique<DummyAnalyzer>("n1", std::vector<ContentType>{}, true));
  r.add(std::make_unique<DummyAnalyzer>("n2", std::vector<ContentType>{}, true));
  for (int i = 0; i < kContentTypeCount; ++i) {
    const auto t = static_cast<ContentType>(i);
    EXPECT_EQ(r.for_type(t).size(), 2u) << to_string(t);
    EXPECT_FALSE(r.analyses(t)) << to_string(t);
  }
}

}  // namespace
}  // namespace emoguard

TEST(RegistryConsistency, EveryTypeAnalyzerNeverMakesATypeAnalysed) {
  // The engine does not count name checks as analysis; Registry::analyses must agree.
  class Both final : public emoguard::Analyzer {
   public:
    const emoguard::AnalyzerInfo& info() const override { return info_; }
    void analyze(const emoguard::ScanObject&, emoguard::Context&) override {}

   private:
    emoguard::AnalyzerInfo info_{"both", {emoguard::ContentType::pdf}, "name check listing a type", true};
  };
  emoguard::Registry r;
  r.add(std::make_unique<Both>());
  EXPECT_FALSE(r.analyses(emoguard::ContentType::pdf));
  EXPECT_EQ(r.for_type(emoguard::ContentType::pdf).size(), 1u);
}
