// Tests the analysis Engine: dispatch by type, fault containment, nesting limit, time budget, base_name().
#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "analyzers/engine/engine.hpp"
#include "emoguard/sink.hpp"
#include "io/detect.hpp"

namespace emoguard::analyzers {
namespace {

using namespace std::literals;

// What a test analyzer saw.
struct Call {
  std::string analyzer;
  std::string name;
  std::string path;
  std::size_t depth;
  ContentType type;
  std::string subtype;
  std::uint64_t declared_size;
};

// A configurable analyzer: records each call, then optionally throws or recurses.
class Probe final : public Analyzer {
 public:
  enum class Action { none, throw_runtime, throw_bad_alloc, throw_int, recurse, finding };
  Probe(std::string name, std::vector<ContentType> handles, bool every, std::vector<Call>& log, Action action = Action::none)
      : info_{std::move(name), std::move(handles), "probe", every}, log_(log), action_(action) {}
  const AnalyzerInfo& info() const override { return info_; }
  void analyze(const ScanObject& obj, Context& ctx) override {
    log_.push_back(Call{info_.name, obj.name, obj.path.str(), obj.path.depth(), obj.detection.type, obj.detection.subtype,
                        obj.declared_size});
    switch (action_) {
      case Action::none: break;
      case Action::throw_runtime: throw std::runtime_error("boom in " + info_.name);
      case Action::throw_bad_alloc: throw std::bad_alloc();
      case Action::throw_int: throw 42;
      case Action::recurse: ctx.scan_nested(obj.bytes, "child" + std::to_string(obj.path.depth()), obj.path); break;
      case Action::finding: {
        Finding f;
        f.analyzer = info_.name;
        f.rule.id = info_.name + ".seen";
        f.object = obj.path;
        ctx.sink().finding(f);
        break;
      }
    }
  }

 private:
  AnalyzerInfo info_;
  std::vector<Call>& log_;
  Action action_;
};

using Bytes = std::vector<std::uint8_t>;

Bytes pe_bytes() {
  Bytes b(0x200, 0);
  b[0] = 'M';
  b[1] = 'Z';
  b[0x3C] = 0x80;
  b[0x80] = 'P';
  b[0x81] = 'E';
  b[0x80 + 22] = 0x02;
  return b;
}

ByteView view(const Bytes& b) { return ByteView(b.data(), b.size()); }

std::vector<const BufferSink::Record*> of_kind(const BufferSink& s, BufferSink::Record::Kind k) {
  std::vector<const BufferSink::Record*> out;
  for (const auto& r : s.records()) {
    if (r.kind == k) out.push_back(&r);
  }
  return out;
}

// ------------------------------------------------------------------ dispatch

TEST(Engine, DispatchByContentType) {
  std::vector<Call> log;
  Registry reg;
  reg.add(std::make_unique<Probe>("pe_only", std::vector<ContentType>{ContentType::pe}, false, log));
  reg.add(std::make_unique<Probe>("names", std::vector<ContentType>{}, true, log));
  const Limits limits;
  const Engine engine(reg, limits);
  BufferSink sink;

  const Bytes pe = pe_bytes();
  const auto r1 = engine.scan(view(pe), "tool.exe", ObjectPath{{"tool.exe"}}, sink);
  EXPECT_EQ(r1.detection.type, ContentType::pe);
  EXPECT_EQ(r1.detection.subtype, "exe");
  EXPECT_TRUE(r1.analysed);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].analyzer, "pe_only");  // registration order
  EXPECT_EQ(log[1].analyzer, "names");
  EXPECT_EQ(log[0].type, ContentType::pe);
  EXPECT_EQ(log[0].name, "tool.exe");
  EXPECT_EQ(log[0].path, "tool.exe");
  EXPECT_EQ(log[0].declared_size, pe.size());

  log.clear();
  const std::string txt = "hello world\n";
  const auto r2 = engine.scan(ByteView(txt), "notes.txt", ObjectPath{{"notes.txt"}}, sink);
  EXPECT_EQ(r2.detection.type, ContentType::text);
  EXPECT_FALSE(r2.analysed);  // only a name check ran
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].analyzer, "names");
  EXPECT_TRUE(sink.records().empty());
}

TEST(Engine, EveryTypeAnalyzerRunsOnAllTypes) {
  std::vector<Call> log;
  Registry reg;
  reg.add(std::make_unique<Probe>("names", std::vector<ContentType>{}, true, log));
  const Limits limits;
  const Engine engine(reg, limits);
  BufferSink sink;
  const std::vector<std::string> samples = {"", "hello\n", "%PDF-1.7\n", "{\\rtf1 x}", "\x1F\x8B\x08\x00"s, "\x00\x01\x02"s,
                                            "<html></html>"};
  for (const auto& s : samples) {
    const auto r = engine.scan(ByteView(s), "x", ObjectPath{{"x"}}, sink);
    EXPECT_FALSE(r.analysed);
  }
  ASSERT_EQ(log.size(), samples.size());
  EXPECT_EQ(log[0].type, ContentType::empty);
  EXPECT_EQ(log[1].type, ContentType::text);
  EXPECT_EQ(log[2].type, ContentType::pdf);
  EXPECT_EQ(log[3].type, ContentType::rtf);
  EXPECT_EQ(log[4].type, ContentType::gzip);
  EXPECT_EQ(log[5].type, ContentType::data);
  EXPECT_EQ(log[6].type, ContentType::html);
}

TEST(Engine, NoAnalyzersStillDetects) {
  const Registry reg;
  const Limits limits;
  const Engine engine(reg, limits);
  BufferSink sink;
  const auto r = engine.scan(ByteView("{\\rtf1}"sv), "a.doc", ObjectPath{{"a.doc"}}, sink);
  EXPECT_EQ(r.detection.type, ContentType::rtf);
  EXPECT_FALSE(r.analysed);
  EXPECT_TRUE(sink.records().empty());
}

TEST(Engine, DetectionMatchesIoDetectAndLimitsAreUsed) {
  std::vector<Call> log;
  Registry reg;
  reg.add(std::make_unique<Probe>("names", std::vector<ContentType>{}, true, log));
  Limits limits;
  limits.detect_head_bytes = 16;
  const Engine engine(reg, limits);
  EXPECT_EQ(&engine.limits(), &limits);
  EXPECT_EQ(&engine.registry(), &reg);
  std::string s(64, 'a');
  s[40] = '\0';  // beyond the head the engine's limits allow
  BufferSink sink;
  const auto r = engine.scan(ByteView(s), "x", ObjectPath{{"x"}}, sink);
  EXPECT_EQ(r.detection.type, ContentType::text);
  EXPECT_EQ(r.detection.type, io::detect(ByteView(s), limits).type);
  EXPECT_EQ(r.detection.reason, io::detect(ByteView(s), limits).reason);
}

TEST(Engine, DeclaredSizeIsKeptWhenGiven) {
  std::vector<Call> log;
  Registry reg;
  reg.add(std::make_unique<Probe>("names", std::vector<ContentType>{}, true, log));
  const Limits limits;
  const Engine engine(reg, limits);
  BufferSink sink;
  (void)engine.scan(ByteView("abc"sv), "big.bin", ObjectPath{{"big.bin"}}, sink, 10'000'000'000ULL);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].declared_size, 10'000'000'000ULL);
}

TEST(Engine, FindingsReachTheSink) {
  std::vector<Call> log;
  Registry reg;
  reg.add(std::make_unique<Probe>("f", std::vector<ContentType>{}, true, log, Probe::Action::finding));
  const Limits limits;
  const Engine engine(reg, limits);
  BufferSink sink;
  (void)engine.scan(ByteView("x"sv), "x", ObjectPath{{"dir/x"}}, sink);
  ASSERT_EQ(sink.records().size(), 1u);
  EXPECT_EQ(sink.records()[0].kind, BufferSink::Record::kFinding);
  EXPECT_EQ(sink.records()[0].finding.rule.id, "f.seen");
  EXPECT_EQ(sink.records()[0].finding.object.str(), "dir/x");
}

// ------------------------------------------------------------------ containment

TEST(Engine, ThrowingAnalyzerBecomesOneInternalErrorAndTheRunGoesOn) {
  std::vector<Call> log;
  Registry reg;
  reg.add(std::make_unique<Probe>("thrower", std::vector<ContentType>{ContentType::text}, false, log, Probe::Action::throw_runtime));
  reg.add(std::make_unique<Probe>("after", std::vector<ContentType>{ContentType::text}, false, log));
  const Limits limits;
  const Engine engine(reg, limits);
  BufferSink sink;
  const auto r = engine.scan(ByteView("plain text\n"sv), "a.txt", ObjectPath{{"mail.eml", "a.txt"}}, sink);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].analyzer, "after");  // the next analyzer still ran
  const auto errors = of_kind(sink, BufferSink::Record::kError);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(sink.records().size(), 1u);
  const auto& e = errors[0]->error;
  EXPECT_EQ(e.code, Errc::internal);
  EXPECT_EQ(e.input, "mail.eml > a.txt");
  EXPECT_NE(e.message.en.find("thrower"), std::string::npos) << e.message.en;
  EXPECT_NE(e.message.en.find("boom in thrower"), std::string::npos) << e.message.en;
  EXPECT_FALSE(e.message.ja.empty());
  EXPECT_TRUE(r.analysed);

  // The engine stays usable for the next object.
  sink.clear();
  log.clear();
  (void)engine.scan(ByteView("more text\n"sv), "b.txt", ObjectPath{{"b.txt"}}, sink);
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(of_kind(sink, BufferSink::Record::kError).size(), 1u);
}

TEST(Engine, BadAllocIsALimitError) {
  std::vector<Call> log;
  Registry reg;
  reg.add(std::make_unique<Probe>("hungry", std::vector<ContentType>{}, true, log, Probe::Action::throw_bad_alloc));
  reg.add(std::make_unique<Probe>("after", std::vector<ContentType>{}, true, log));
  const Limits limits;
  const Engine engine(reg, limits);
  BufferSink sink;
  (void)engine.scan(ByteView("x"sv), "x", ObjectPath{{"x"}}, sink);
  ASSERT_EQ(sink.records().size(), 1u);
  EXPECT_EQ(sink.records()[0].error.code, Errc::limit);
  EXPECT_NE(sink.records()[0].error.message.en.find("hungry"), std::string::npos);
  EXPECT_EQ(log.size(), 2u);
}

TEST(Engine, NonStandardExceptionIsContained) {
  std::vector<Call> log;
  Registry reg;
  reg.add(std::make_unique<Probe>("odd", std::vector<ContentType>{}, true, log, Probe::Action::throw_int));
  reg.add(std::make_unique<Probe>("after", std::vector<ContentType>{}, true, log));
  const Limits limits;
  const Engine engine(reg, limits);
  BufferSink sink;
  (void)engine.scan(ByteView("x"sv), "x", ObjectPath{{"x"}}, sink);
  ASSERT_EQ(sink.records().size(), 1u);
  EXPECT_EQ(sink.records()[0].kind, BufferSink::Record::kError);
  EXPECT_EQ(sink.records()[0].error.code, Errc::internal);
  EXPECT_NE(sink.records()[0].error.message.en.find("odd"), std::string::npos);
  EXPECT_EQ(log.size(), 2u);
}

// ------------------------------------------------------------------ nesting

TEST(Engine, NestingStopsAtTheLimitWithOneAnomaly) {
  std::vector<Call> log;
  Registry reg;
  reg.add(std::make_unique<Probe>("recurser", std::vector<ContentType>{}, true, log, Probe::Action::recurse));
  Limits limits;
  limits.max_nesting = 4;
  const Engine engine(reg, limits);
  BufferSink sink;
  (void)engine.scan(ByteView("payload"sv), "top", ObjectPath{{"top"}}, sink);
  // Objects at depths 1..4 are analysed; the member at depth 5 is refused.
  ASSERT_EQ(log.size(), 4u);
  for (std::size_t i = 0; i < log.size(); ++i) EXPECT_EQ(log[i].depth, i + 1);
  EXPECT_EQ(log[1].name, "child1");
  EXPECT_EQ(log[1].path, "top > child1");
  EXPECT_EQ(log[1].declared_size, 7u);
  const auto anomalies = of_kind(sink, BufferSink::Record::kAnomaly);
  ASSERT_EQ(anomalies.size(), 1u);
  EXPECT_EQ(sink.records().size(), 1u);
  const auto& a = anomalies[0]->anomaly;
  EXPECT_EQ(a.code, "limit.max_nesting");
  EXPECT_EQ(a.component, "engine");
  EXPECT_EQ(a.object.depth(), 5u);
  EXPECT_EQ(a.object.str(), "top > child1 > child2 > child3 > child4");
  EXPECT_NE(a.message.en.find("4"), std::string::npos);
  EXPECT_FALSE(a.message.ja.empty());
}

TEST(Engine, NestingWithDefaultLimit) {
  std::vector<Call> log;
  Registry reg;
  reg.add(std::make_unique<Probe>("recurser", std::vector<ContentType>{}, true, log, Probe::Action::recurse));
  const Limits limits;
  const Engine engine(reg, limits);
  BufferSink sink;
  (void)engine.scan(ByteView("x"sv), "top", ObjectPath{{"top"}}, sink);
  EXPECT_EQ(log.size(), limits.max_nesting);
  ASSERT_EQ(sink.records().size(), 1u);
  EXPECT_EQ(sink.records()[0].anomaly.code, "limit.max_nesting");
}

TEST(Engine, NestedObjectsAreDetectedAndDispatched) {
  // A text analyzer that hands a PE "member" to the engine: the PE analyzer must see it.
  std::vector<Call> log;
  class Unpacker final : public Analyzer {
   public:
    explicit Unpacker(const Bytes& member) : member_(member) {}
    const AnalyzerInfo& info() const override { return info_; }
    void analyze(const ScanObject& obj, Context& ctx) override {
      ctx.scan_nested(ByteView(member_.data(), member_.size()), "inner.exe", obj.path);
    }

   private:
    AnalyzerInfo info_{"unpacker", {ContentType::text}, "", false};
    const Bytes& member_;
  };
  const Bytes pe = pe_bytes();
  Registry reg;
  reg.add(std::make_unique<Unpacker>(pe));
  reg.add(std::make_unique<Probe>("pe", std::vector<ContentType>{ContentType::pe}, false, log));
  const Limits limits;
  const Engine engine(reg, limits);
  BufferSink sink;
  (void)engine.scan(ByteView("outer text\n"sv), "outer.txt", ObjectPath{{"outer.txt"}}, sink);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].path, "outer.txt > inner.exe");
  EXPECT_EQ(log[0].type, ContentType::pe);
  EXPECT_EQ(log[0].subtype, "exe");
}

// ------------------------------------------------------------------ time budget

TEST(Engine, ZeroTimeBudgetReportsOnceAndRunsNothing) {
  std::vector<Call> log;
  Registry reg;
  reg.add(std::make_unique<Probe>("a", std::vector<ContentType>{}, true, log));
  reg.add(std::make_unique<Probe>("b", std::vector<ContentType>{}, true, log));
  Limits limits;
  limits.object_time_budget_s = 0;
  const Engine engine(reg, limits);
  BufferSink sink;
  const auto r = engine.scan(ByteView("text\n"sv), "t.txt", ObjectPath{{"t.txt"}}, sink);
  EXPECT_TRUE(log.empty());
  EXPECT_FALSE(r.analysed);
  ASSERT_EQ(sink.records().size(), 1u);
  const auto& a = sink.records()[0].anomaly;
  EXPECT_EQ(sink.records()[0].kind, BufferSink::Record::kAnomaly);
  EXPECT_EQ(a.code, "limit.time_budget");
  EXPECT_EQ(a.component, "engine");
  EXPECT_EQ(a.object.str(), "t.txt");
  EXPECT_FALSE(a.message.ja.empty());
}

TEST(Engine, TimeBudgetIsPerTopLevelObject) {
  std::vector<Call> log;
  Registry reg;
  reg.add(std::make_unique<Probe>("a", std::vector<ContentType>{}, true, log));
  Limits limits;
  limits.object_time_budget_s = 0;
  const Engine engine(reg, limits);
  BufferSink sink;
  (void)engine.scan(ByteView("x"sv), "one", ObjectPath{{"one"}}, sink);
  (void)engine.scan(ByteView("x"sv), "two", ObjectPath{{"two"}}, sink);
  ASSERT_EQ(sink.records().size(), 2u);  // each top-level object reports its own
  EXPECT_EQ(sink.records()[0].anomaly.object.str(), "one");
  EXPECT_EQ(sink.records()[1].anomaly.object.str(), "two");
}

TEST(Engine, DefaultTimeBudgetLetsAnalyzersRun) {
  std::vector<Call> log;
  Registry reg;
  reg.add(std::make_unique<Probe>("a", std::vector<ContentType>{}, true, log));
  const Limits limits;
  const Engine engine(reg, limits);
  BufferSink sink;
  (void)engine.scan(ByteView("x"sv), "x", ObjectPath{{"x"}}, sink);
  EXPECT_EQ(log.size(), 1u);
  EXPECT_TRUE(sink.records().empty());
}

TEST(Engine, HugeTimeBudgetMeansNoLimit) {
  for (const double budget : {1e10, 1e300, std::numeric_limits<double>::infinity()}) {
    std::vector<Call> log;
    Registry reg;
    reg.add(std::make_unique<Probe>("a", std::vector<ContentType>{}, true, log));
    Limits limits;
    limits.object_time_budget_s = budget;
    const Engine engine(reg, limits);
    BufferSink sink;
    (void)engine.scan(ByteView("x"sv), "x", ObjectPath{{"x"}}, sink);
    EXPECT_EQ(log.size(), 1u) << budget;
    EXPECT_TRUE(sink.records().empty()) << budget;
  }
}

// ------------------------------------------------------------------ base_name

TEST(BaseName, FileNamePart) {
  EXPECT_EQ(base_name("a/b/c.txt"), "c.txt");
  EXPECT_EQ(base_name("/evidence/mail.eml"), "mail.eml");
  EXPECT_EQ(base_name("c.txt"), "c.txt");
  EXPECT_EQ(base_name("dir/"), "dir");
  EXPECT_EQ(base_name("a//b//"), "b");
  EXPECT_EQ(base_name("/"), "/");
  EXPECT_EQ(base_name(""), "");
  EXPECT_EQ(base_name("/x"), "x");
  EXPECT_EQ(base_name("./請求書.pdf.exe"), "請求書.pdf.exe");
}

}  // namespace
}  // namespace emoguard::analyzers
