#include "parallel/rank_log_wire.h"

#include <cstring>
#include <type_traits>

namespace rmacheck {

namespace {

// Every member of RankLog is sent; one added there must be added to write() and read() below.
static_assert(sizeof(RankLog) == 568, "RankLog changed: send its new member in rank_log_wire.cpp");
static_assert(std::is_trivially_copyable_v<Event> && std::is_trivially_copyable_v<Field> &&
                  std::is_trivially_copyable_v<TypeBlockRec>,
              "arrays of these go as their bytes");

class Writer {
 public:
  std::vector<uint8_t> bytes;
  void raw(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    bytes.insert(bytes.end(), b, b + n);
  }
  template <typename T>
  void pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    raw(&v, sizeof v);
  }
  void str(const std::string& s) {
    pod(static_cast<uint64_t>(s.size()));
    raw(s.data(), s.size());
  }
  template <typename T>
  void array(const std::vector<T>& v) {
    pod(static_cast<uint64_t>(v.size()));
    raw(v.data(), v.size() * sizeof(T));
  }
  template <typename T>
  void opt(const std::optional<T>& v) {
    pod(static_cast<uint8_t>(v.has_value()));
    if (v) pod(*v);
  }
};

class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  bool ok() const { return ok_; }
  bool done() const { return ok_ && p_ == end_; }
  bool raw(void* out, size_t n) {
    if (!ok_ || static_cast<size_t>(end_ - p_) < n) return ok_ = false;
    if (n) std::memcpy(out, p_, n);
    p_ += n;
    return true;
  }
  template <typename T>
  T pod() {
    T v{};
    raw(&v, sizeof v);
    return v;
  }
  std::string str() {
    const uint64_t n = pod<uint64_t>();
    if (!ok_ || n > static_cast<size_t>(end_ - p_)) return ok_ = false, std::string();
    std::string s(reinterpret_cast<const char*>(p_), static_cast<size_t>(n));
    p_ += n;
    return s;
  }
  template <typename T>
  void array(std::vector<T>& v) {
    const uint64_t n = pod<uint64_t>();
    if (!ok_ || n > static_cast<size_t>(end_ - p_) / sizeof(T)) {
      ok_ = false;
      return;
    }
    v.resize(static_cast<size_t>(n));
    raw(v.data(), v.size() * sizeof(T));
  }
  template <typename T>
  std::optional<T> opt() {
    if (pod<uint8_t>() == 0) return std::nullopt;
    return pod<T>();
  }
  // A count of things each at least `least` bytes long: no more than the bytes left allow.
  uint64_t count(size_t least) {
    const uint64_t n = pod<uint64_t>();
    if (!ok_ || n > static_cast<size_t>(end_ - p_) / least) return ok_ = false, 0;
    return n;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  bool ok_ = true;
};

void write_type(Writer& w, const TypeLayout& t) {
  w.pod(t.id);
  w.pod(t.basic);
  w.pod(t.size);
  w.pod(t.lb);
  w.pod(t.extent);
  w.pod(t.true_lb);
  w.pod(t.true_extent);
  w.pod(static_cast<uint8_t>(t.truncated));
  w.array(t.blocks);
}

TypeLayout read_type(Reader& r) {
  TypeLayout t;
  t.id = r.pod<int64_t>();
  t.basic = r.pod<int32_t>();
  t.size = r.pod<int64_t>();
  t.lb = r.pod<int64_t>();
  t.extent = r.pod<int64_t>();
  t.true_lb = r.pod<int64_t>();
  t.true_extent = r.pod<int64_t>();
  t.truncated = r.pod<uint8_t>() != 0;
  r.array(t.blocks);
  return t;
}

}  // namespace

std::vector<uint8_t> encode_rank_log(bool usable, const RankLog& log) {
  Writer w;
  w.bytes.reserve(64 + log.events.size() * sizeof(Event) + log.pool.fields.size() * sizeof(Field) +
                  log.pool.values.size() * sizeof(int64_t));
  w.pod(static_cast<uint8_t>(usable));
  w.str(log.path);
  w.pod(log.rank);
  w.pod(log.world_size);
  w.pod(static_cast<uint64_t>(log.header.size()));
  for (const auto& [k, v] : log.header) w.str(k), w.str(v);
  w.array(log.events);
  w.array(log.pool.fields);
  w.array(log.pool.values);
  w.pod(static_cast<uint64_t>(log.strings.size()));
  for (const auto& [id, s] : log.strings) w.pod(id), w.str(s);
  w.pod(static_cast<uint64_t>(log.modules.size()));
  for (const ModuleMapping& m : log.modules) w.str(m.path), w.pod(m.load_bias), w.pod(m.start), w.pod(m.end);
  w.pod(static_cast<uint64_t>(log.types.size()));
  for (const auto& [id, t] : log.types) w.pod(id), write_type(w, t);
  w.pod(static_cast<uint8_t>(log.finished));
  w.pod(static_cast<uint64_t>(log.instrumented.size()));
  for (const std::string& m : log.instrumented) w.str(m);
  w.pod(log.fatal_signal);
  w.pod(log.signal_time);
  w.opt(log.exit_status);
  w.pod(log.exit_thread);
  w.pod(static_cast<uint8_t>(log.exit_in_call));
  w.pod(static_cast<uint64_t>(log.error_strings.size()));
  for (const auto& [k, s] : log.error_strings) w.pod(k), w.str(s);
  w.str(log.guard);
  w.pod(static_cast<uint64_t>(log.errors.size()));
  for (const LogError& e : log.errors) w.str(e.file), w.pod(e.offset), w.str(e.message);
  w.opt(log.logging_stopped_at);
  w.pod(static_cast<uint64_t>(log.far_seqs.size()));
  for (const auto& [i, s] : log.far_seqs) w.pod(i), w.pod(s);
  w.array(log.thread_ids);
  return std::move(w.bytes);
}

bool decode_rank_log(const uint8_t* data, size_t size, bool& usable, RankLog& log, std::string& error) {
  Reader r(data, size);
  log = RankLog();
  usable = r.pod<uint8_t>() != 0;
  log.path = r.str();
  log.rank = r.pod<int>();
  log.world_size = r.pod<int>();
  for (uint64_t n = r.count(16); n-- && r.ok();) {
    std::string k = r.str();
    log.header[std::move(k)] = r.str();
  }
  r.array(log.events);
  r.array(log.pool.fields);
  r.array(log.pool.values);
  for (uint64_t n = r.count(16); n-- && r.ok();) {
    const int64_t id = r.pod<int64_t>();
    log.strings[id] = r.str();
  }
  for (uint64_t n = r.count(32); n-- && r.ok();) {
    ModuleMapping m;
    m.path = r.str();
    m.load_bias = r.pod<uint64_t>();
    m.start = r.pod<uint64_t>();
    m.end = r.pod<uint64_t>();
    log.modules.push_back(std::move(m));
  }
  for (uint64_t n = r.count(8); n-- && r.ok();) {
    const int64_t id = r.pod<int64_t>();
    log.types[id] = read_type(r);
  }
  log.finished = r.pod<uint8_t>() != 0;
  for (uint64_t n = r.count(8); n-- && r.ok();) log.instrumented.push_back(r.str());
  log.fatal_signal = r.pod<int>();
  log.signal_time = r.pod<int64_t>();
  log.exit_status = r.opt<int>();
  log.exit_thread = r.pod<int64_t>();
  log.exit_in_call = r.pod<uint8_t>() != 0;
  for (uint64_t n = r.count(12); n-- && r.ok();) {
    const int k = r.pod<int>();
    log.error_strings[k] = r.str();
  }
  log.guard = r.str();
  for (uint64_t n = r.count(24); n-- && r.ok();) {
    LogError e;
    e.file = r.str();
    e.offset = r.pod<uint64_t>();
    e.message = r.str();
    log.errors.push_back(std::move(e));
  }
  log.logging_stopped_at = r.opt<uint64_t>();
  for (uint64_t n = r.count(12); n-- && r.ok();) {
    const uint32_t i = r.pod<uint32_t>();
    log.far_seqs[i] = r.pod<int64_t>();
  }
  r.array(log.thread_ids);
  if (!r.done()) {
    error = "a log read by another process came damaged (" + std::to_string(size) + " bytes)";
    return false;
  }
  return true;
}

}  // namespace rmacheck
