// Sink: where findings, anomalies, errors and the closing summary go; report writers implement it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "emoguard/finding.hpp"

namespace emoguard {

struct RunInfo {
  std::string command;                // "triage"
  std::vector<std::string> inputs;
  std::string started_utc;            // ISO 8601
  std::string fail_on = "medium";
};

struct Summary {
  std::string command;
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::map<std::string, std::uint64_t> files_by_type;         // detection label -> count
  std::map<std::string, std::uint64_t> not_analysed_by_type;  // no analyzer for that type yet
  std::array<std::uint64_t, kSeverityCount> findings_by_severity{};
  std::uint64_t anomalies = 0;
  std::uint64_t errors = 0;
  std::uint64_t skipped = 0;          // entries deliberately not read (links out of tree, FIFOs found in a walk)
  double elapsed_s = 0;
  std::string fail_on = "medium";
  int exit_code = 0;
  std::vector<std::pair<std::string, std::string>> extra;  // command-specific figures
};

class Sink {
 public:
  Sink() = default;
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;
  virtual ~Sink() = default;

  virtual void begin(const RunInfo& info) = 0;
  virtual void finding(const Finding& f) = 0;
  virtual void anomaly(const Anomaly& a) = 0;
  virtual void error(const ErrorRecord& e) = 0;
  virtual void summary(const Summary& s) = 0;
  // False once the output is gone (a closed pipe): callers stop work early, and it is not an error.
  [[nodiscard]] virtual bool open() const { return true; }
};

// Counts what passes through to another sink; the command uses the counts for the summary and
// the exit code.
class CountingSink final : public Sink {
 public:
  explicit CountingSink(Sink& next) : next_(next) {}
  void begin(const RunInfo& info) override { next_.begin(info); }
  void finding(const Finding& f) override {
    ++severity_[static_cast<int>(f.severity)];
    next_.finding(f);
  }
  void anomaly(const Anomaly& a) override {
    ++anomalies_;
    next_.anomaly(a);
  }
  void error(const ErrorRecord& e) override {
    ++errors_;
    next_.error(e);
  }
  void summary(const Summary& s) override { next_.summary(s); }
  [[nodiscard]] bool open() const override { return next_.open(); }

  [[nodiscard]] const std::array<std::uint64_t, kSeverityCount>& by_severity() const { return severity_; }
  [[nodiscard]] std::uint64_t anomalies() const { return anomalies_; }
  [[nodiscard]] std::uint64_t errors() const { return errors_; }
  [[nodiscard]] std::uint64_t at_or_above(Severity s) const {
    std::uint64_t n = 0;
    for (int i = static_cast<int>(s); i < kSeverityCount; ++i) n += severity_[i];
    return n;
  }

 private:
  Sink& next_;
  std::array<std::uint64_t, kSeverityCount> severity_{};
  std::uint64_t anomalies_ = 0;
  std::uint64_t errors_ = 0;
};

// Keeps records in memory, in order: for tests, and for workers whose output is replayed in
// input order.
class BufferSink final : public Sink {
 public:
  struct Record {
    enum Kind : std::uint8_t { kFinding, kAnomaly, kError } kind;
    Finding finding;
    Anomaly anomaly;
    ErrorRecord error;
  };
  void begin(const RunInfo&) override {}
  void finding(const Finding& f) override { records_.push_back({Record::kFinding, f, {}, {}}); }
  void anomaly(const Anomaly& a) override { records_.push_back({Record::kAnomaly, {}, a, {}}); }
  void error(const ErrorRecord& e) override { records_.push_back({Record::kError, {}, {}, e}); }
  void summary(const Summary&) override {}
  void replay(Sink& to) const {
    for (const auto& r : records_) {
      if (r.kind == Record::kFinding) to.finding(r.finding);
      else if (r.kind == Record::kAnomaly) to.anomaly(r.anomaly);
      else to.error(r.error);
    }
  }
  [[nodiscard]] const std::vector<Record>& records() const { return records_; }
  void clear() { records_.clear(); }

 private:
  std::vector<Record> records_;
};

}  // namespace emoguard
