// A growable byte buffer that one record is encoded into before it is
// appended to the log in one piece. It grows by doubling and never
// zero-fills: a varint is written straight into spare capacity. After
// begin_call / begin_call_out, field values are written as deltas from the
// thread's last value of the field (log_format.h, ThreadDeltas).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include "log_format.h"

namespace rmacheck {

// The fields of one record as written, in order: scalars and one-element arrays (a call site). A call's
// template (log_format.h CALL_REPEAT) keeps its record's; a record that repeats it writes only the
// fields whose values differ. A longer array cannot be kept: `usable` is false then.
struct FieldList {
  static constexpr int kMax = 24;
  int n = 0;
  bool usable = true;
  uint8_t key[kMax];  // field key | kArrayBit for a one-element array
  int64_t value[kMax];
  void clear() { n = 0, usable = true; }
  void add(uint8_t k, int64_t v) {
    if (n == kMax) {
      usable = false;
      return;
    }
    key[n] = k, value[n++] = v;
  }
};

class RecordBuffer {
 public:
  RecordBuffer() = default;
  RecordBuffer(const RecordBuffer&) = delete;
  RecordBuffer& operator=(const RecordBuffer&) = delete;
  ~RecordBuffer() { std::free(data_); }

  void reset(RecordType type) {
    size_ = 0;
    deltas_ = nullptr;
    reserve(1);
    data_[size_++] = type;
  }
  // A CALL record's head (exit word zero), then its seq and time deltas; fields follow as deltas in d.
  void begin_call(int call, int64_t thread, int64_t seq, int64_t time, ThreadDeltas& d) {
    size_ = 0;
    noted_ = nullptr;
    reserve(kCallHead + 3 * kMaxVarint);
    const bool small = thread >= 0 && thread < kThreadInVarint;
    const uint8_t head[kCallHead] = {kRecCall, static_cast<uint8_t>(call), static_cast<uint8_t>(call >> 8),
                                     small ? static_cast<uint8_t>(thread) : kThreadInVarint};
    std::memcpy(data_, head, kCallHead);
    uint8_t* p = data_ + kCallHead;
    if (!small) p = put_varint(p, thread);
    p = put_varint(p, seq - d.seq);
    p = put_varint(p, time - d.time);
    size_ = static_cast<size_t>(p - data_);
    d.seq = seq;
    d.time = time;
    deltas_ = &d;
  }
  // Right after begin_call: the record is (if a full one) or repeats (if a CALL_REPEAT) the thread's template
  // in slot (1 to kTemplateSlots - 1, log_format.h).
  void template_slot(unsigned slot) { data_[2] |= static_cast<uint8_t>(slot << (kTemplateSlotShift - 8)); }
  // The record names no slot after all (slot 0): it will be no template.
  void clear_template_slot() { data_[2] &= static_cast<uint8_t>((1u << (kTemplateSlotShift - 8)) - 1); }
  // Right after begin_call: the record is a CALL_REPEAT (log_format.h), which ends here.
  void repeat_call() {
    data_[0] = kRecCallRepeat;
    deltas_ = nullptr;
  }
  // A CALL_OUT record: the thread's last call returned rc after duration ns; output fields follow as deltas in d.
  void begin_call_out(int64_t thread, int64_t rc, int64_t duration, ThreadDeltas& d) {
    reset(kRecCallOut);
    varint(thread);
    varint(rc);
    varint(duration);
    deltas_ = &d;
  }
  // The same record built the other way round, for a writer that usually needs no CALL_OUT at all (the
  // interposer: a call without outputs stores its exit word instead): output fields go after room for
  // the head, which call_out_head() fills in only once the record is wanted.
  void begin_call_out_fields(ThreadDeltas& d) {
    size_ = 0;
    noted_ = nullptr;
    reserve(kCallOutHeadRoom);
    size_ = kCallOutHeadRoom;
    deltas_ = &d;
  }
  size_t call_out_field_bytes() const { return size_ - kCallOutHeadRoom; }
  const uint8_t* call_out_fields() const { return data_ + kCallOutHeadRoom; }
  // Writes the head in front of the fields; the record is [returned pointer, +n).
  const uint8_t* call_out_head(int64_t thread, int64_t rc, int64_t duration, size_t& n) {
    uint8_t head[kCallOutHeadRoom];
    uint8_t* p = head;
    *p++ = kRecCallOut;
    p = put_varint(p, thread);
    p = put_varint(p, rc);
    p = put_varint(p, duration);
    const size_t h = static_cast<size_t>(p - head);
    uint8_t* start = data_ + kCallOutHeadRoom - h;
    std::memcpy(start, head, h);
    n = size_ - (kCallOutHeadRoom - h);
    return start;
  }
  void varint(int64_t v) {
    reserve(kMaxVarint);
    size_ = static_cast<size_t>(put_varint(data_ + size_, v) - data_);
  }
  // Inlined: the hot calls write ten of these (the noting is out of line).
  __attribute__((always_inline)) void field(FieldId f, int64_t v) {
    if (__builtin_expect(noted_ != nullptr, 0) && note(f, v)) return;  // held back
    reserve(1 + kMaxVarint);
    data_[size_++] = f;
    size_ = static_cast<size_t>(put_varint(data_ + size_, delta(f, v)) - data_);
  }
  // An array; in a CALL or CALL_OUT record its first element is a delta, the others are plain.
  template <class T>
  __attribute__((always_inline)) void array(FieldId f, const T* v, size_t n) {
    if (__builtin_expect(noted_ != nullptr, 0) && note_array(f, n, n == 1 ? static_cast<int64_t>(v[0]) : 0)) return;
    reserve(1 + kMaxVarint * (n + 1));
    data_[size_++] = static_cast<uint8_t>(f | kArrayBit);
    uint8_t* p = put_varint(data_ + size_, static_cast<int64_t>(n));
    for (size_t i = 0; i < n; ++i)
      p = put_varint(p, i ? static_cast<int64_t>(v[i]) : delta(f, static_cast<int64_t>(v[0])));
    size_ = static_cast<size_t>(p - data_);
  }
  void raw(const void* p, size_t n) {
    reserve(n);
    std::memcpy(data_ + size_, p, n);
    size_ += n;
  }
  const uint8_t* data() const { return data_; }
  uint8_t* data() { return data_; }
  size_t size() const { return size_; }

  // Call templates. After begin_call: the fields written next are also noted in `out` (the record may
  // become a template).
  void keep_fields(FieldList* out) {
    out->clear();
    noted_ = out, holding_ = false;
  }
  // After begin_call: the fields written next are noted in `out` and held back; end_fields() writes
  // those that differ from `tmpl` (same keys in the same order: the record is a CALL_REPEAT of tmpl's),
  // or all of them (the record stays a CALL, with the fields `out` holds then: a new template). `out`
  // starts with tmpl's first field (the call site, the same: its writer does not write it again).
  void compare_fields(const FieldList* tmpl, FieldList* out) {
    out->clear();
    out->add(tmpl->key[0], tmpl->value[0]);
    tmpl_ = tmpl, noted_ = out, holding_ = true;
    keys_differ_ = false, values_differ_ = 0;
  }
  // After the fields: returns whether the record is a CALL_REPEAT.
  bool end_fields() { return noted_ && end_noted(); }

 private:
  __attribute__((noinline)) bool end_noted() {
    const FieldList& got = *noted_;
    noted_ = nullptr;
    if (!holding_) return false;
    if (keys_differ_ || got.n != tmpl_->n) {  // other fields: all of them, in a CALL record
      for (int i = 0; i < got.n; ++i) write_noted(got.key[i], got.value[i]);
      return false;
    }
    data_[0] = kRecCallRepeat;
    for (uint32_t m = values_differ_; m; m &= m - 1) {
      const int i = __builtin_ctz(m);
      write_noted(got.key[i], got.value[i]);
    }
    return true;
  }
  // An array field: one element is noted like a scalar; a longer one cannot be (unnote()).
  __attribute__((noinline)) bool note_array(FieldId f, size_t n, int64_t first) {
    if (n == 1) return note(static_cast<uint8_t>(f | kArrayBit), first);
    unnote();
    return false;
  }
  // Notes a field; returns whether it is held back (compare_fields) rather than written now.
  __attribute__((always_inline)) bool note(uint8_t key, int64_t v) {
    FieldList& l = *noted_;
    if (__builtin_expect(l.n < FieldList::kMax, 1)) {
      const int i = l.n++;
      l.key[i] = key;
      l.value[i] = v;
      if (!holding_) return false;
      // Compared as it comes (past the template's last field its slots hold stale keys: the count
      // differs then, and end_noted() sees it).
      keys_differ_ |= key != tmpl_->key[i];
      values_differ_ |= uint32_t{v != tmpl_->value[i]} << i;
      return true;
    }
    unnote();  // more fields than a FieldList holds: this one is written after those held
    return false;
  }
  // The fields cannot be a FieldList (too many, or a longer array): the record is written in full, and
  // its list is not usable as a template. Held fields (the call site among them) are written now.
  __attribute__((noinline)) void unnote() {
    FieldList* got = noted_;
    noted_ = nullptr;
    got->usable = false;
    if (holding_)
      for (int i = 0; i < got->n; ++i) write_noted(got->key[i], got->value[i]);
  }
  void write_noted(uint8_t key, int64_t v) {
    const auto f = static_cast<FieldId>(key & ~kArrayBit);
    reserve(2 + kMaxVarint);
    data_[size_++] = key;
    if (key & kArrayBit) size_ = static_cast<size_t>(put_varint(data_ + size_, 1) - data_);  // one element
    size_ = static_cast<size_t>(put_varint(data_ + size_, delta(f, v)) - data_);
  }

  // Wrapping arithmetic: any two int64 values have a delta, and adding it back gives the value.
  int64_t delta(FieldId f, int64_t v) {
    if (!deltas_) return v;
    const uint64_t d = static_cast<uint64_t>(v) - static_cast<uint64_t>(deltas_->last[f]);
    deltas_->last[f] = v;
    return static_cast<int64_t>(d);
  }
  void reserve(size_t extra) {
    if (size_ + extra <= capacity_) return;
    size_t cap = capacity_ ? capacity_ : 256;
    while (cap < size_ + extra) cap *= 2;
    auto* grown = static_cast<uint8_t*>(std::realloc(data_, cap));
    if (!grown) throw std::bad_alloc();
    data_ = grown;
    capacity_ = cap;
  }

  static constexpr size_t kCallOutHeadRoom = 1 + 3 * kMaxVarint;  // type, thread, rc, duration
  uint8_t* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
  ThreadDeltas* deltas_ = nullptr;
  // Call templates: the fields being noted, and whether they are held back to be compared with tmpl_.
  FieldList* noted_ = nullptr;
  bool holding_ = false, keys_differ_ = false;
  uint32_t values_differ_ = 0;  // bit i: the i-th field held differs from the template's
  const FieldList* tmpl_ = nullptr;
};

}  // namespace rmacheck
