// Engine implementation: dispatch, nesting limit, time budget, and containment of analyzer faults.
#include "analyzers/engine/engine.hpp"

#include <exception>
#include <new>

#include "io/detect.hpp"

namespace emoguard::analyzers {

std::string base_name(const std::string& path) {
  auto end = path.find_last_not_of('/');
  if (end == std::string::npos) return path;
  const auto slash = path.rfind('/', end);
  return path.substr(slash == std::string::npos ? 0 : slash + 1, end - (slash == std::string::npos ? 0 : slash + 1) + 1);
}

class EngineContext final : public Context {
 public:
  EngineContext(const Engine& engine, Sink& sink) : engine_(engine), sink_(sink), deadline_(deadline_for(engine.limits().object_time_budget_s)) {}

  // Converting a huge or infinite budget to clock ticks would overflow: treat it as no limit.
  static std::chrono::steady_clock::time_point deadline_for(double seconds) {
    const auto now = std::chrono::steady_clock::now();
    if (!(seconds > 0)) return now;  // zero, negative or NaN: already spent
    if (seconds > 86400.0 * 365) return std::chrono::steady_clock::time_point::max();
    return now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
  }

  Sink& sink() override { return sink_; }
  const Limits& limits() const override { return engine_.limits(); }
  bool out_of_time() const override { return std::chrono::steady_clock::now() > deadline_; }

  void scan_nested(ByteView bytes, std::string name, const ObjectPath& parent) override {
    ObjectPath path = parent.child(name);
    if (parent.depth() >= engine_.limits().max_nesting) {
      Anomaly a;
      a.component = "engine";
      a.code = "limit.max_nesting";
      a.message = {"nesting limit (" + std::to_string(engine_.limits().max_nesting) + ") reached: member not analysed",
                   "入れ子の上限 (" + std::to_string(engine_.limits().max_nesting) + ") に達したため、この要素は解析していません"};
      a.object = std::move(path);
      sink_.anomaly(a);
      return;
    }
    ScanObject obj;
    obj.bytes = bytes;
    obj.name = std::move(name);
    obj.path = std::move(path);
    obj.declared_size = bytes.size();
    (void)engine_.scan_object(std::move(obj), *this);
  }

  void report_time_limit(const ObjectPath& path) {
    if (time_reported_) return;
    time_reported_ = true;
    Anomaly a;
    a.component = "engine";
    a.code = "limit.time_budget";
    a.message = {"time budget for this object spent; analysis incomplete", "この対象の解析時間の上限に達したため、解析は不完全です"};
    a.object = path;
    sink_.anomaly(a);
  }

 private:
  const Engine& engine_;
  Sink& sink_;
  std::chrono::steady_clock::time_point deadline_;
  bool time_reported_ = false;
};

ScanResult Engine::scan_object(ScanObject obj, EngineContext& ctx) const {
  ScanResult result;
  obj.detection = io::detect(obj.bytes, limits_);
  result.detection = obj.detection;
  for (Analyzer* a : registry_.for_type(obj.detection.type)) {
    if (ctx.out_of_time()) {
      ctx.report_time_limit(obj.path);
      break;
    }
    const bool content = !a->info().every_type;
    try {
      a->analyze(obj, ctx);
    } catch (const std::bad_alloc&) {
      ctx.sink().error(ErrorRecord{obj.path.str(), Errc::limit,
                                   {"analyzer " + a->info().name + " ran out of memory on this object",
                                    "解析器 " + a->info().name + " がこの対象でメモリ不足になりました"}});
    } catch (const std::exception& e) {
      ctx.sink().error(ErrorRecord{obj.path.str(), Errc::internal,
                                   {"internal error in analyzer " + a->info().name + ": " + e.what(),
                                    "解析器 " + a->info().name + " の内部エラー: " + e.what()}});
    } catch (...) {
      ctx.sink().error(ErrorRecord{obj.path.str(), Errc::internal,
                                   {"internal error in analyzer " + a->info().name, "解析器 " + a->info().name + " の内部エラー"}});
    }
    result.analysed = result.analysed || content;
  }
  return result;
}

ScanResult Engine::scan(ByteView bytes, std::string name, ObjectPath path, Sink& sink, std::uint64_t declared_size) const {
  EngineContext ctx(*this, sink);
  ScanObject obj;
  obj.bytes = bytes;
  obj.name = std::move(name);
  obj.path = std::move(path);
  obj.declared_size = declared_size ? declared_size : bytes.size();
  return scan_object(std::move(obj), ctx);
}

}  // namespace emoguard::analyzers
