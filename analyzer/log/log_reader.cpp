#include "log/log_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace rmacheck {

int32_t FieldPool::value_index(size_t i) {
  if (i > static_cast<size_t>(INT32_MAX)) throw std::length_error("more than 2^31 wide field values in one rank's log");
  return static_cast<int32_t>(i);
}

void FieldPool::reopen(Event& e) {
  if (!e.fields_shared && e.fields_begin + e.field_count == fields.size()) return;
  e.fields_shared = false;
  const uint32_t begin = static_cast<uint32_t>(fields.size());
  for (uint32_t i = 0; i < e.field_count; ++i) fields.push_back(fields[e.fields_begin + i]);
  e.fields_begin = begin;
}

void FieldPool::seal(Event& e, uint32_t first) {
  if (e.field_count == 0) e.fields_begin = first;
  Field* run = fields.data() + e.fields_begin;
  const size_t n = fields.size() - e.fields_begin;
  // Insertion sort, stable: the run is short, and its old part is in order already.
  for (size_t i = first - e.fields_begin; i < n; ++i) {
    const Field f = run[i];
    size_t j = i;
    for (; j > 0 && run[j - 1].key > f.key; --j) run[j] = run[j - 1];
    run[j] = f;
  }
  size_t kept = 0;
  uint64_t present = 0;
  for (size_t i = 0; i < n; ++i) {
    if (kept && run[kept - 1].key == run[i].key) continue;  // a repeat: the first logged stays
    present |= uint64_t{1} << presence_bit(run[i].key);
    run[kept++] = run[i];
  }
  fields.resize(e.fields_begin + kept);
  e.field_count = kept;
  e.present = present;
}

void FieldPool::add(Event& e, uint8_t key, int64_t value) {
  reopen(e);
  const uint32_t first = static_cast<uint32_t>(fields.size());
  fields.push_back(scalar(key, value));
  seal(e, first);
}

void FieldPool::add_array(Event& e, uint8_t key, const int64_t* data, size_t size) {
  reopen(e);
  const uint32_t first = static_cast<uint32_t>(fields.size());
  fields.push_back({value_index(values.size()), key, Field::kArray});
  values.push_back(static_cast<int64_t>(size));
  values.insert(values.end(), data, data + size);
  seal(e, first);
}

void FieldPool::erase(Event& e, uint8_t key) {
  reopen(e);
  Field* run = fields.data() + e.fields_begin;
  size_t kept = 0;
  for (size_t i = 0; i < e.field_count; ++i)
    if (run[i].key != key) run[kept++] = run[i];
  fields.resize(e.fields_begin + kept);
  e.field_count = 0;
  seal(e, e.fields_begin);  // the kept fields, in order already
}

uint64_t EventView::site_key() const {
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](int64_t v) { h = (h ^ static_cast<uint64_t>(v)) * 0x100000001b3ull; };
  for (int64_t pc : array(kF_pcs)) mix(pc);
  mix(get_or(kF_py_file, 0));
  mix(get_or(kF_py_line, 0));
  return h;
}

std::string LogError::str() const {
  std::ostringstream s;
  s << file << ": offset " << offset << ": " << message;
  return s.str();
}

std::optional<uint32_t> RankLog::stop_note() const {
  for (uint32_t i = static_cast<uint32_t>(events.size()); i-- > 0;)
    if (events[i].call == kCall_Stopped) return i;
  return std::nullopt;
}

std::string RankLog::string(int64_t id) const {
  auto it = strings.find(id);
  return it == strings.end() ? std::string("?") : it->second;
}

namespace {

// Memory-maps a file read-only for the duration of the parse.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    // O_NONBLOCK: a FIFO or device planted as a log must not block the open.
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      error_ = std::strerror(errno);
      return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
      error_ = std::strerror(errno);
      ::close(fd);
      return;
    }
    if (!S_ISREG(st.st_mode)) {
      error_ = "not a regular file";
      ::close(fd);
      return;
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m == MAP_FAILED)
        error_ = std::strerror(errno);
      else
        data_ = static_cast<const uint8_t*>(m);
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
  }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& error() const { return error_; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::string error_;
};

class Parser {
 public:
  Parser(RankLog& log) : log_(log) {}

  bool parse_header(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), std::min(size, kHeaderSize));
    std::istringstream in(text);
    std::string magic;
    int version = -1;
    in >> magic >> version;
    if (magic != kLogMagic) return fail(0, "not an rmacheck log (bad magic)");
    if (version < kOldestReadableLogFormat || version > kLogFormatVersion)
      return fail(0, "log format version " + std::to_string(version) +
                         " is not supported (this rmacheck reads versions " + std::to_string(kOldestReadableLogFormat) +
                         " to " + std::to_string(kLogFormatVersion) + ")");
    if (size < kHeaderSize) return fail(size, "truncated header");
    slotted_templates_ = version >= 5;
    same_outputs_ = version >= 6;
    element_deltas_ = repeat_same_ = version >= 7;
    exit_duration_mask_ = version >= 6 ? kExitDurationMask : kExitDurationMaskBefore6;
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line) && !line.empty()) {
      auto eq = line.find('=');
      if (eq != std::string::npos) log_.header[line.substr(0, eq)] = line.substr(eq + 1);
    }
    // Whole decimal numbers only: "rank=3x" or a size past any real run is a damaged header.
    auto whole = [](const std::string& text, long max, int& out) {
      if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return false;
      const long v = std::strtol(text.c_str(), nullptr, 10);
      if (v > max) return false;
      out = static_cast<int>(v);
      return true;
    };
    if (!whole(log_.header["size"], kMaxWorldSize, log_.world_size) || log_.world_size < 1)
      return fail(0, "bad header: size=" + log_.header["size"] + " is not a number of ranks from 1 to " +
                         std::to_string(kMaxWorldSize));
    if (!whole(log_.header["rank"], log_.world_size - 1, log_.rank))
      return fail(0, "bad header: rank=" + log_.header["rank"] + " is not a rank from 0 to " +
                         std::to_string(log_.world_size - 1) + " (size=" + log_.header["size"] + ")");
    if (auto it = log_.header.find(kLoggingStoppedKey); it != log_.header.end()) {
      const uint64_t at = std::strtoull(it->second.c_str(), nullptr, 10);
      const size_t space = it->second.find(' ');
      const std::string why = space == std::string::npos ? "" : " (" + it->second.substr(space + 1) + ")";
      log_.logging_stopped_at = at;
      fail(at, "logging stopped here" + why + ": the rank's later events are not in the log");
    }
    return true;
  }

  // How many records the file holds, at most (up to its first damage): each record is at most one event.
  // One pass over the size words (~10 ms for 2.4 M records) saves the copy of a growing event vector,
  // whose old and new buffers were both resident at its peak (~40 bytes/event more).
  static size_t count_records(const uint8_t* data, size_t size) {
    size_t n = 0;
    for (size_t pos = kHeaderSize; pos + 4 <= size; ++n) {
      uint32_t word;
      std::memcpy(&word, data + pos, 4);
      const size_t rec_size = record_size_of(word);
      if (word == 0 || rec_size < record_prefix_of(word) + 1) break;
      pos += record_stride(rec_size);
    }
    return n;
  }

  void parse_records(const uint8_t* data, size_t size) {
    size_t pos = kHeaderSize;
    // Room for about what the file holds (a call is ~30-60 bytes with ~8 fields), so the pools do not
    // grow by copying; pages of the reserve that stay unused are never touched, so never resident.
    const size_t body = size > kHeaderSize ? size - kHeaderSize : 0;
    log_.events.reserve(log_.events.size() + count_records(data, size));
    log_.pool.fields.reserve(body / 2);  // a logged field takes 2 bytes or more (a repeat's copied ones none)
    log_.pool.values.reserve(body / 16);
    while (pos + 4 <= size) {
      uint32_t word;
      std::memcpy(&word, data + pos, 4);
      if (word == 0) {
        // End of what was written. Zeros after it are the unwritten tail of a
        // rank that died; anything else means the file was damaged.
        for (size_t i = pos; i < size; ++i)
          if (data[i]) {
            fail(i, "data after the end of the records (corrupt log)");
            break;
          }
        return;
      }
      // Short records (format 5) and long ones (all records before): log_format.h.
      const size_t rec_size = record_size_of(word), prefix = record_prefix_of(word);
      if (rec_size < prefix + 1) {
        fail(pos, "corrupt record (size " + std::to_string(rec_size) + ")");
        return;
      }
      if (word & kRecordPending) {
        // A writer died while copying this record: it is lost. Other threads' records may follow it.
        pos += record_stride(rec_size);
        continue;
      }
      if (pos + rec_size > size) {
        fail(pos, "truncated record (log cut short)");
        return;
      }
      const uint8_t* payload = data + pos + prefix;
      const size_t n = rec_size - prefix;
      uint32_t computed = record_checksum(payload, n), sum;
      if (prefix == kShortPrefix)
        sum = word & 0xffff, computed = short_checksum(computed);
      else
        std::memcpy(&sum, data + pos + 4, 4);
      if (computed != sum) {
        fail(pos, "corrupt record (checksum mismatch)");
        return;
      }
      if (!parse_record(payload, payload + n, pos)) {
        fail(pos, "corrupt record (bad encoding)");
        return;
      }
      pos += record_stride(rec_size);
    }
    if (pos < size) fail(pos, "truncated record (log cut short)");
  }

  bool fail(uint64_t offset, const std::string& msg) {
    log_.errors.push_back({log_.path, offset, msg});
    return false;
  }

 private:
  // Fields up to end, added to e; with deltas (CALL / CALL_OUT records) each value (an array's first) is a delta.
  // The fields decoded before bad encoding stay e's.
  bool parse_fields(const uint8_t*& p, const uint8_t* end, Event& e, ThreadDeltas* deltas = nullptr) {
    FieldPool& pool = log_.pool;
    pool.reopen(e);
    const uint32_t first = static_cast<uint32_t>(pool.fields.size());
    const bool ok = decode_fields(p, end, deltas);
    pool.seal(e, first);
    return ok;
  }
  // A field takes at least one byte: room for all of them is made first, and what was not used is
  // given back, so that a field is a store rather than a push_back call (the pool is reserved ahead).
  bool decode_fields(const uint8_t*& p, const uint8_t* end, ThreadDeltas* deltas) {
    FieldPool& pool = log_.pool;
    const size_t base = pool.fields.size();
    pool.fields.resize(base + static_cast<size_t>(end - p));
    Field* out = pool.fields.data() + base;
    size_t n = 0;
    bool ok = true;
    while (p < end) {
      const uint8_t byte = *p++;
      const auto key = static_cast<uint8_t>(byte & ~kArrayBit);
      if (key >= kFieldCount) {
        ok = false;
        break;
      }
      if (byte & kArrayBit) {
        int64_t len;
        if (!get_varint(p, end, len) || len < 0 || len > end - p) {
          ok = false;
          break;
        }
        const size_t start = pool.values.size();
        Field f{FieldPool::value_index(start), key, Field::kArray};
        pool.values.push_back(len);
        int64_t before = 0;
        for (int64_t i = 0; i < len; ++i) {
          int64_t v;
          if (!get_varint(p, end, v)) {
            ok = false;  // the array is not the event's
            break;
          }
          // The first element is a delta from the field's last value; since format 7 the others are deltas
          // from the element before.
          if (i == 0 && deltas)
            v = deltas->last[key] = undelta(deltas->last[key], v);
          else if (deltas && element_deltas_)
            v = undelta(before, v);
          pool.values.push_back(before = v);
        }
        if (!ok) break;
        f.value = FieldPool::value_index(share_seen_array(key, start));
        out[n++] = f;
      } else {
        int64_t v;
        if (!get_varint(p, end, v)) {
          ok = false;
          break;
        }
        if (deltas) v = deltas->last[key] = undelta(deltas->last[key], v);
        out[n++] = pool.scalar(key, v);
      }
    }
    pool.fields.resize(base + n);
    return ok;
  }

  bool parse_record(const uint8_t* p, const uint8_t* end, size_t offset) {
    const uint8_t type = *p++;
    switch (type) {
      case kRecCallRepeatSame:
        if (!repeat_same_) return false;
        [[fallthrough]];
      case kRecCall:
      case kRecCallRepeat:
        return parse_call(p - 1, end, offset);
      case kRecCallOut:
        return parse_call_out(p, end);
      case kRecString:
        return parse_string(p, end);
      case kRecModules:
        return parse_modules(p, end);
      case kRecTypedef:
        return parse_typedef(p, end);
      case kRecEnd:
        log_.finished = true;
        return true;
      case kRecLocal:
        return parse_local(p, end, offset);
      case kRecInstrumented:
        return parse_instrumented(p, end);
      case kRecSignal:
        return parse_signal(p, end);
      case kRecExitCall:
        return parse_exit_call(p, end);
      case kRecErrorClasses:
        return parse_error_classes(p, end);
      case kRecGuard:
        return parse_guard(p, end);
      case kRecClock:
        return parse_clock(p, end);
      case kRecThreadSync:
        return parse_thread_sync(p, end, offset);
      case kRecStopped:
        return parse_instant(p, end, offset, [](int64_t sig) -> std::optional<CallId> {
          if (sig <= 0 || sig > 128) return std::nullopt;
          return kCall_Stopped;  // where a stop signal found the thread outside MPI
        });
      default:
        return false;
    }
  }

  static int64_t undelta(int64_t last, int64_t delta) {
    return static_cast<int64_t>(static_cast<uint64_t>(last) + static_cast<uint64_t>(delta));
  }

  // A template (log_format.h CALL_REPEAT): the fields its CALL record gave, without those of its CALL_OUT,
  // which may follow and are not the template's. Its event owned that run then (it may own a copy since).
  struct Template {
    uint64_t present = 0;
    uint32_t begin = 0, event = UINT32_MAX;  // UINT32_MAX: none
    uint16_t count = 0;
    CallId call = kCallCount;
  };
  struct ThreadState {
    ThreadDeltas deltas;
    size_t last_call = SIZE_MAX;  // index of the thread's last event from a CALL record
    // By template slot (format 5; by call id before): the thread's last event from a CALL record (not a
    // CALL_REPEAT) that named it, whose fields a CALL_REPEAT of that slot has. Empty until the thread's first CALL.
    std::vector<Template> templates;
    // Since format 6, by template slot: the encoded fields of the last CALL_OUT of a call that named it,
    // which an exit word with kExitSameOutputs repeats. Empty until the thread's first CALL_OUT.
    struct FieldBytes {  // encoded fields, repeated by a later record
      static constexpr uint8_t kNone = 0xff;
      uint8_t size = kNone;
      uint8_t bytes[kMaxRepeatedOutputs];
      bool known() const { return size != kNone; }
      // The fields [p, end) as written, or none if they are more than `max` bytes (a later record cannot
      // repeat them then).
      void keep(const uint8_t* p, const uint8_t* end, size_t max) {
        const size_t n = static_cast<size_t>(end - p);
        size = n <= max ? static_cast<uint8_t>(n) : kNone;
        if (n <= max) std::memcpy(bytes, p, n);
      }
    };
    static_assert(kMaxRepeatedListing <= kMaxRepeatedOutputs && kMaxRepeatedOutputs < FieldBytes::kNone,
                  "outputs and listings fit in FieldBytes");
    std::vector<FieldBytes> outputs;
    // Since format 7, by template slot: the fields the last CALL_REPEAT that named it listed, as encoded,
    // which a CALL_REPEAT_SAME lists again (none: longer than kMaxRepeatedListing). Empty until the
    // thread's first CALL_REPEAT.
    std::vector<FieldBytes> listings;
    unsigned last_slot = 0;    // the template slot the thread's last call named
    int32_t thread_slot = -1;  // in log_.thread_ids, given at the thread's first event
  };
  // Gives e the thread's slot (a new one at its first event); false past 2^16 threads in one log.
  bool set_thread(Event& e, ThreadState& ts, int64_t thread) {
    if (ts.thread_slot < 0) {
      if (log_.thread_ids.size() > UINT16_MAX) return false;
      ts.thread_slot = static_cast<int32_t>(log_.thread_ids.size());
      log_.thread_ids.push_back(static_cast<int32_t>(thread));
    }
    e.thread_slot = static_cast<uint16_t>(ts.thread_slot);
    return true;
  }
  ThreadState& thread_state(int64_t thread) {
    if (thread >= 0 && thread < 4096) {
      if (static_cast<size_t>(thread) >= threads_.size()) threads_.resize(static_cast<size_t>(thread) + 1);
      return threads_[static_cast<size_t>(thread)];
    }
    return far_threads_[thread];
  }

  // One call: head (type, call id, thread, exit word), [thread], seq and time deltas, then fields (deltas),
  // or for a CALL_REPEAT no fields: its template's.
  bool parse_call(const uint8_t* p, const uint8_t* end, size_t offset) {
    if (end - p < static_cast<ptrdiff_t>(kCallHead)) return false;
    const bool repeat_same = p[0] == kRecCallRepeatSame;
    const bool repeat = p[0] == kRecCallRepeat || repeat_same;
    Event e;
    const unsigned word = p[1] | (p[2] << 8);
    // Format 5: the call id and the template slot (0: none) share the word; before, a call id's template
    // was its last CALL.
    const int64_t call = slotted_templates_ ? word & kCallIdMask : word;
    const unsigned slot = slotted_templates_ ? word >> kTemplateSlotShift : static_cast<unsigned>(call);
    int64_t thread = p[3];
    uint32_t exit_word;
    std::memcpy(&exit_word, p + kExitWordOffset, 4);
    p += kCallHead;
    if (thread == kThreadInVarint && (!get_varint(p, end, thread) || thread < 0)) return false;
    if (thread > INT32_MAX) return false;
    if (call >= kCallCount) return false;
    if (exit_word && !(exit_word & kExitReturned)) return false;
    ThreadState& ts = thread_state(thread);
    if (!set_thread(e, ts, thread)) return false;
    int64_t dseq, dt;
    if (!get_varint(p, end, dseq) || !get_varint(p, end, dt)) return false;
    const int64_t seq = ts.deltas.seq = undelta(ts.deltas.seq, dseq);
    e.t_enter = ts.deltas.time = undelta(ts.deltas.time, dt);
    e.call = static_cast<CallId>(call);
    e.offset = offset;
    // Returned MPI_SUCCESS after this many ns, without outputs, or with the slot's last outputs again.
    const bool same_outputs = same_outputs_ && (exit_word & kExitSameOutputs);
    const uint32_t plain_exit = same_outputs ? 0 : exit_word;  // no outputs: its fields are final now
    if (exit_word) {
      e.returned = true;
      e.t_exit = e.t_enter + (exit_word & exit_duration_mask_);
    }
    ts.last_slot = slot;
    if (same_outputs && (!slotted_templates_ || slot == 0 || slot >= ts.outputs.size() || !ts.outputs[slot].known()))
      return false;  // no outputs to repeat
    const size_t index = log_.events.size();
    if (ts.templates.empty())
      ts.templates.assign(slotted_templates_ ? size_t{kTemplateSlots} : size_t{kCallCount}, Template{});
    if (repeat) {
      const Template& t = ts.templates[slot];
      if (t.event == UINT32_MAX) return false;  // no template to repeat (or slot 0)
      if (t.call != e.call) return false;       // a repeat of another call's record
      if (repeat_same_) {
        if (ts.listings.empty()) ts.listings.resize(kTemplateSlots);
        ThreadState::FieldBytes& l = ts.listings[slot];
        if (repeat_same) {  // the slot's last listing again, as if this record had written it
          if (p != end || !l.known()) return false;
          p = l.bytes, end = l.bytes + l.size;
        } else {
          l.keep(p, end, kMaxRepeatedListing);
        }
      }
      std::vector<Field>& fields = log_.pool.fields;
      if (p != end) {
        // The fields that differ, then the template's: sealing keeps the first field of each key.
        const uint32_t first = static_cast<uint32_t>(fields.size());
        if (!decode_fields(p, end, &ts.deltas)) return false;
        const size_t at = fields.size();
        fields.resize(at + t.count);
        std::copy_n(fields.data() + t.begin, t.count, fields.data() + at);
        log_.pool.seal(e, first);
        if (plain_exit) share_seen_run(e, index);
      } else if (plain_exit) {
        // Returned: no CALL_OUT can add fields to it, so it shares its template's (8 bytes a field less).
        e.fields_begin = t.begin, e.field_count = t.count, e.present = t.present;
        e.fields_shared = log_.events[t.event].fields_shared = true;
      } else {
        // Still inside the call, or a CALL_OUT follows: fields of its own, at the end of the pool.
        e.fields_begin = static_cast<uint32_t>(fields.size());
        e.field_count = t.count, e.present = t.present;
        fields.resize(fields.size() + t.count);
        std::copy_n(fields.data() + t.begin, t.count, fields.data() + e.fields_begin);
      }
    } else {
      if (!parse_fields(p, end, e, &ts.deltas)) return false;
      if (plain_exit) share_seen_run(e, index);
      if ((slot || !slotted_templates_) && index < UINT32_MAX) {
        ts.templates[slot] = {e.present, e.fields_begin, static_cast<uint32_t>(index),
                              static_cast<uint16_t>(e.field_count), e.call};
        // A CALL_OUT that adds outputs must not add them to this run, the template's: it copies it first.
        if (!plain_exit) e.fields_shared = true;
      } else if (slot || !slotted_templates_) {
        ts.templates[slot] = Template{};
      }
    }
    ts.last_call = exit_word ? SIZE_MAX : index;
    log_.events.push_back(e);
    log_.set_seq(static_cast<uint32_t>(index), seq);
    if (same_outputs) {  // decoded again from the slot's last CALL_OUT, as if this call had written it
      const ThreadState::FieldBytes& o = ts.outputs[slot];
      const uint8_t* q = o.bytes;
      Event& done = log_.events.back();
      if (!parse_fields(q, o.bytes + o.size, done, &ts.deltas)) return false;
      share_seen_run(done, index);
    }
    return true;
  }

  // The thread's last call returned: thread, return code, duration, then output fields (deltas).
  bool parse_call_out(const uint8_t* p, const uint8_t* end) {
    int64_t thread, rc, duration;
    if (!get_varint(p, end, thread) || !get_varint(p, end, rc) || !get_varint(p, end, duration) || duration < 0)
      return false;
    ThreadState& ts = thread_state(thread);
    if (ts.last_call == SIZE_MAX) return false;  // an exit without its call (or a second one)
    if (same_outputs_ && ts.last_slot != 0) {    // the slot's outputs, for a later call's kExitSameOutputs
      if (ts.outputs.empty()) ts.outputs.resize(kTemplateSlots);
      ts.outputs[ts.last_slot].keep(p, end, kMaxRepeatedOutputs);
    }
    Event& e = log_.events[ts.last_call];
    ts.last_call = SIZE_MAX;
    e.t_exit = e.t_enter + duration;
    e.rc = static_cast<int32_t>(std::min<int64_t>(std::max<int64_t>(rc, INT32_MIN), INT32_MAX));
    e.returned = true;
    if (!parse_fields(p, end, e, &ts.deltas)) return false;
    share_seen_run(e, static_cast<size_t>(&e - log_.events.data()));
    return true;
  }

  // A returned call's fields are final. If they equal a run seen recently (a loop that cycles through a few
  // displacements, or a Wait that returns the same request again), the event shares that run and its own,
  // which ends the pool, is given back: 8 bytes a field. Runs are remembered in a small direct-mapped
  // table by content hash; a miss costs the hash. Both events are marked shared, so that adding a field
  // to either (FieldPool::reopen) copies the run first.
  void share_seen_run(Event& e, size_t index) {
    std::vector<Field>& fields = log_.pool.fields;
    if (e.field_count == 0 || e.fields_shared || e.fields_begin + e.field_count != fields.size()) return;
    const Field* run = fields.data() + e.fields_begin;
    uint64_t h = 0x9E3779B97F4A7C15ull * (e.field_count + 1);
    for (uint32_t i = 0; i < e.field_count; ++i) {
      uint64_t w;
      std::memcpy(&w, &run[i], sizeof w);
      h = (h ^ w) * 0x100000001b3ull;
      h ^= h >> 29;
    }
    SeenRun& seen = seen_runs_[h & (kSeenRuns - 1)];
    if (seen.hash == h && seen.count == e.field_count && seen.event < log_.events.size()) {
      Event& owner = log_.events[seen.event];
      if (owner.fields_begin == seen.begin && owner.field_count == seen.count &&
          std::memcmp(fields.data() + seen.begin, run, e.field_count * sizeof(Field)) == 0) {
        fields.resize(e.fields_begin);
        e.fields_begin = seen.begin;
        e.fields_shared = owner.fields_shared = true;
        return;
      }
    }
    seen = {h, e.fields_begin, static_cast<uint32_t>(e.field_count), index};
  }

  // An array just decoded into the values from `start` on (length, then elements). If it equals an array
  // of the same key seen recently (a Wait's done request and status, a call site), that one's values
  // serve both and its own are given back: 8 bytes an element and the length, and the fields of the two
  // events become equal, so share_seen_run() can share their runs. Values are never changed once
  // decoded. Returns where the array's values are.
  size_t share_seen_array(uint8_t key, size_t start) {
    std::vector<int64_t>& values = log_.pool.values;
    const size_t n = values.size() - start;
    uint64_t h = 0x9E3779B97F4A7C15ull * (key + 1);
    for (size_t i = start; i < values.size(); ++i) {
      h = (h ^ static_cast<uint64_t>(values[i])) * 0x100000001b3ull;
      h ^= h >> 29;
    }
    SeenArray& seen = seen_arrays_[h & (kSeenArrays - 1)];
    if (seen.hash == h && seen.key == key && seen.size == n && seen.start + n <= start &&
        std::memcmp(values.data() + seen.start, values.data() + start, n * sizeof(int64_t)) == 0) {
      values.resize(start);
      return seen.start;
    }
    seen = {h, start, n, key};
    return start;
  }

  // A cycle counter reading and the monotonic time (ns) at the same instant.
  bool parse_clock(const uint8_t* p, const uint8_t* end) {
    int64_t tsc, ns;
    if (!get_varint(p, end, tsc) || !get_varint(p, end, ns)) return false;
    clock_pairs_.push_back({tsc, ns});
    return true;
  }

 public:
  // call_clock=tsc: CALL times are counter ticks; converts them to monotonic ns, piecewise linearly between
  // the CLOCK pairs (beyond the first or last pair, with the rate of the nearest two). The program's own
  // accesses (LOCAL records) and thread synchronizations (THREAD_SYNC records) are in ns already.
  void convert_call_times() {
    const auto it = log_.header.find("call_clock");
    if (it == log_.header.end() || it->second != "tsc") return;
    std::sort(clock_pairs_.begin(), clock_pairs_.end());
    clock_pairs_.erase(std::unique(clock_pairs_.begin(), clock_pairs_.end(),
                                   [](const auto& a, const auto& b) { return a.first == b.first; }),
                       clock_pairs_.end());
    if (clock_pairs_.size() < 2) {  // died before the second pair: offset only, 1 tick = 1 ns
      if (clock_pairs_.empty()) return;
      clock_pairs_.push_back({clock_pairs_[0].first + 1000000000, clock_pairs_[0].second + 1000000000});
    }
    const auto& cp = clock_pairs_;
    auto to_ns = [&cp](int64_t tsc) {
      size_t i =
          static_cast<size_t>(std::upper_bound(cp.begin(), cp.end(), std::make_pair(tsc, INT64_MAX)) - cp.begin());
      i = std::min(std::max(i, size_t{1}), cp.size() - 1);  // the segment [i-1, i]
      const double rate =
          static_cast<double>(cp[i].second - cp[i - 1].second) / static_cast<double>(cp[i].first - cp[i - 1].first);
      return cp[i - 1].second + static_cast<int64_t>(static_cast<double>(tsc - cp[i - 1].first) * rate);
    };
    for (Event& e : log_.events) {
      if (!is_mpi_call(e.call)) continue;
      const int64_t enter = to_ns(e.t_enter);
      if (e.returned) e.t_exit = std::max(enter, to_ns(e.t_exit));
      e.t_enter = enter;
    }
  }

 private:
  // LOCAL and THREAD_SYNC records: kind, thread, seq, time (ns), then fields; an event of its own in its
  // thread's program order, complete at once (no exit record). `call_of` maps the kind to the event's call
  // (nullopt: not a kind of this record).
  template <class CallOf>
  bool parse_instant(const uint8_t* p, const uint8_t* end, size_t offset, CallOf call_of) {
    Event e;
    int64_t kind, thread, seq;
    if (!get_varint(p, end, kind) || !get_varint(p, end, thread) || !get_varint(p, end, seq) ||
        !get_varint(p, end, e.t_enter) || thread < INT32_MIN || thread > INT32_MAX ||
        !set_thread(e, thread_state(thread), thread))
      return false;
    const std::optional<CallId> call = call_of(kind);
    if (!call) return false;
    e.call = *call;
    e.offset = offset;
    e.t_exit = e.t_enter;
    e.returned = true;
    if (!parse_fields(p, end, e)) return false;
    log_.events.push_back(e);
    log_.set_seq(static_cast<uint32_t>(log_.events.size() - 1), seq);
    return true;
  }

  // The program's own loads and stores (rmacheck mpicc, guarded pages).
  bool parse_local(const uint8_t* p, const uint8_t* end, size_t offset) {
    return parse_instant(p, end, offset, [](int64_t access) -> std::optional<CallId> {
      if (access != kLocalRead && access != kLocalWrite) return std::nullopt;
      return access == kLocalWrite ? kCall_Local_store : kCall_Local_load;
    });
  }

  // The program's thread synchronization (interpose/thread_sync.cpp).
  bool parse_thread_sync(const uint8_t* p, const uint8_t* end, size_t offset) {
    return parse_instant(p, end, offset, [](int64_t kind) -> std::optional<CallId> {
      if (kind < kSyncRelease || kind > kSyncDepart) return std::nullopt;
      return static_cast<CallId>(kCall_Thread_release + kind);
    });
  }

  // The modules built with load/store instrumentation.
  bool parse_instrumented(const uint8_t* p, const uint8_t* end) {
    int64_t count, length;
    if (!get_varint(p, end, count) || count < 0) return false;
    for (int64_t i = 0; i < count; ++i) {
      if (!get_varint(p, end, length) || length < 0 || length > end - p) return false;
      log_.instrumented.emplace_back(reinterpret_cast<const char*>(p), static_cast<size_t>(length));
      p += length;
    }
    return true;
  }

  // A fatal signal arrived: signal number, si_code, time.
  bool parse_signal(const uint8_t* p, const uint8_t* end) {
    int64_t sig, code, time;
    if (!get_varint(p, end, sig) || !get_varint(p, end, code) || !get_varint(p, end, time) || sig <= 0 || sig > 128)
      return false;
    log_.fatal_signal = static_cast<int>(sig);
    log_.signal_time = time;
    return true;
  }

  // _exit was called (the MPI library aborting): status, thread, inside a call, time.
  bool parse_exit_call(const uint8_t* p, const uint8_t* end) {
    int64_t status, thread, in_call, time;
    if (!get_varint(p, end, status) || !get_varint(p, end, thread) || !get_varint(p, end, in_call) ||
        !get_varint(p, end, time) || status < -256 || status > 256)
      return false;
    log_.exit_status = static_cast<int>(status);
    log_.exit_thread = thread;
    log_.exit_in_call = in_call != 0;
    return true;
  }

  // The MPI library's error strings (MPI_Error_string at MPI_Init): count, then (class, length, bytes)*.
  // The guarded-pages record: the settings, then the summary, as text.
  bool parse_guard(const uint8_t* p, const uint8_t* end) {
    int64_t n;
    if (!get_varint(p, end, n) || n < 0 || n > end - p) return false;
    log_.guard.append(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    return true;
  }

  bool parse_error_classes(const uint8_t* p, const uint8_t* end) {
    int64_t count, cls, length;
    if (!get_varint(p, end, count) || count < 0 || count > end - p) return false;
    for (int64_t i = 0; i < count; ++i) {
      if (!get_varint(p, end, cls) || !get_varint(p, end, length) || length < 0 || length > end - p) return false;
      log_.error_strings[static_cast<int>(cls)] =
          std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(length));
      p += length;
    }
    return true;
  }

  bool parse_string(const uint8_t* p, const uint8_t* end) {
    int64_t id, length;
    if (!get_varint(p, end, id) || !get_varint(p, end, length) || length < 0 || length > end - p) return false;
    log_.strings[id] = std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(length));
    return true;
  }

  bool parse_modules(const uint8_t* p, const uint8_t* end) {
    int64_t count;
    if (!get_varint(p, end, count)) return false;
    std::vector<ModuleMapping> mods;
    for (int64_t i = 0; i < count; ++i) {
      int64_t start, stop, bias, len;
      ModuleMapping m;
      if (!get_varint(p, end, start) || !get_varint(p, end, stop) || !get_varint(p, end, bias) ||
          !get_varint(p, end, len) || len < 0 || len > end - p)
        return false;
      m.start = static_cast<uint64_t>(start);
      m.end = static_cast<uint64_t>(stop);
      m.load_bias = static_cast<uint64_t>(bias);
      m.path.assign(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
      p += len;
      mods.push_back(std::move(m));
    }
    log_.modules = std::move(mods);  // a later map (after dlopen) is a superset
    return true;
  }

  bool parse_typedef(const uint8_t* p, const uint8_t* end) {
    TypeLayout t;
    int64_t basic, trunc, nblocks;
    if (!get_varint(p, end, t.id) || !get_varint(p, end, basic) || !get_varint(p, end, t.size) ||
        !get_varint(p, end, t.lb) || !get_varint(p, end, t.extent) || !get_varint(p, end, t.true_lb) ||
        !get_varint(p, end, t.true_extent) || !get_varint(p, end, trunc) || !get_varint(p, end, nblocks) ||
        nblocks < 0 || nblocks > end - p)
      return false;
    t.basic = static_cast<int32_t>(basic);
    t.truncated = trunc != 0;
    t.blocks.reserve(static_cast<size_t>(nblocks));
    for (int64_t i = 0; i < nblocks; ++i) {
      TypeBlockRec blk;
      if (!get_varint(p, end, blk.offset) || !get_varint(p, end, blk.length) || !get_varint(p, end, basic))
        return false;
      blk.basic = static_cast<int32_t>(basic);
      t.blocks.push_back(blk);
    }
    log_.types[t.id] = std::move(t);
    return true;
  }

  RankLog& log_;
  bool slotted_templates_ = true;  // format 5: CALL heads name template slots
  bool same_outputs_ = true;       // format 6: exit words may say kExitSameOutputs
  bool element_deltas_ = true;     // format 7: array elements after the first are deltas from the one before
  bool repeat_same_ = true;        // format 7: CALL_REPEAT_SAME records
  uint32_t exit_duration_mask_ = kExitDurationMask;
  struct SeenRun {
    uint64_t hash = 0;
    uint32_t begin = 0, count = 0;
    size_t event = SIZE_MAX;  // whose run it is
  };
  static constexpr size_t kSeenRuns = 4096;
  struct SeenArray {
    uint64_t hash = 0;
    size_t start = 0, size = 0;
    uint8_t key = 0;
  };
  static constexpr size_t kSeenArrays = 1024;
  std::vector<SeenArray> seen_arrays_ = std::vector<SeenArray>(kSeenArrays);
  std::vector<SeenRun> seen_runs_ = std::vector<SeenRun>(kSeenRuns);
  std::vector<ThreadState> threads_;                      // by thread id
  std::vector<std::pair<int64_t, int64_t>> clock_pairs_;  // (counter, ns) from CLOCK records
  std::unordered_map<int64_t, ThreadState> far_threads_;  // thread ids from 4096 on
};

}  // namespace

bool read_rank_log(const std::string& path, RankLog& out) {
  out.path = path;
  MappedFile file(path);
  Parser parser(out);
  if (!file.error().empty()) return parser.fail(0, "cannot read: " + file.error());
  if (file.size() == 0) return parser.fail(0, "empty log (the rank never reached MPI_Init's logging)");
  if (!parser.parse_header(file.data(), file.size())) return false;
  parser.parse_records(file.data(), file.size());
  parser.convert_call_times();
  return true;
}

}  // namespace rmacheck
