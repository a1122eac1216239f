// A growable byte buffer that one record is encoded into before it is
// appended to the log in one piece. It grows by doubling and never
// zero-fills: a varint is written straight into spare capacity. After
// begin_call / begin_call_out, field values are written as deltas from the
// thread's last value of the field (log_format.h, ThreadDeltas).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#include "log_format.h"

namespace rmacheck {

// The fields of one record as written, in order. A call's template (log_format.h CALL_REPEAT) keeps its
// record's; a record that repeats it writes only the fields whose values differ. A scalar is one entry;
// an array is the entry of its first element (key | kArrayBit), then one kElement entry per other element
// (a call site, an array of one, is one entry). An empty array, or more entries than kMax, cannot be
// kept: `usable` is false then.
struct FieldList {
  static constexpr int kMax = 24;
  static constexpr uint8_t kElement = 0x7f;  // no field's key (log_format.h: keys are below kFieldCount)
  int n = 0;
  bool usable = true;
  uint8_t key[kMax];
  int64_t value[kMax];
  void clear() { n = 0, usable = true; }
  // Entries of the field whose first entry is i.
  int entries(int i) const {
    int k = i + 1;
    while (k < n && key[k] == kElement) ++k;
    return k - i;
  }
};
static_assert(kFieldCount <= FieldList::kElement, "an array element's entry has a key of no field");

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
    fields_at_ = size_;
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
  // An array; in a CALL or CALL_OUT record its first element is a delta from the field's last value, each
  // other one a delta from the element before it (format 7).
  template <class T>
  __attribute__((always_inline)) void array(FieldId f, const T* v, size_t n) {
    if (__builtin_expect(noted_ != nullptr, 0) &&
        (n == 1 ? note(static_cast<uint8_t>(f | kArrayBit), static_cast<int64_t>(v[0])) : note_array(f, v, n)))
      return;
    reserve(1 + kMaxVarint * (n + 1));
    data_[size_++] = static_cast<uint8_t>(f | kArrayBit);
    uint8_t* p = put_varint(data_ + size_, static_cast<int64_t>(n));
    for (size_t i = 0; i < n; ++i)
      p = put_varint(p, i ? element(static_cast<int64_t>(v[i]), static_cast<int64_t>(v[i - 1]))
                          : delta(f, static_cast<int64_t>(v[0])));
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
    out->key[0] = tmpl->key[0], out->value[0] = tmpl->value[0];  // a plain call site: one entry
    out->n = tmpl->n ? 1 : 0;
    while (out->n < tmpl->n && tmpl->key[out->n] == FieldList::kElement)  // a stack's other frames
      out->key[out->n] = FieldList::kElement, out->value[out->n] = tmpl->value[out->n], ++out->n;
    tmpl_ = tmpl, noted_ = out, holding_ = true;
    keys_differ_ = false, values_differ_ = 0;
  }
  // After the fields: returns whether the record is a CALL_REPEAT.
  bool end_fields() { return noted_ && end_noted(); }
  // A CALL_REPEAT, complete: if the fields it lists are `last`'s bytes (the listing of the thread's last
  // CALL_REPEAT of its slot; size kNoListing: none known), it becomes a CALL_REPEAT_SAME without them
  // (log_format.h) and this returns true; otherwise `last` becomes its listing (what the reader keeps).
  // No library call (the hot path): compared and kept in fixed-size pieces, which may read past the
  // listing but not past the buffer (kMinCapacity).
  static constexpr uint8_t kNoListing = 0xff;
  bool repeat_same_listing(uint8_t* last, uint8_t& last_size) {
    const size_t n = size_ - fields_at_;
    if (n == 0 || n > kMaxRepeatedListing) {
      last_size = n ? kNoListing : 0;
      return false;
    }
    const uint8_t* listed = data_ + fields_at_;
    if (n == last_size && same_bytes(listed, last, n)) {
      data_[0] = kRecCallRepeatSame;
      size_ = fields_at_;
      return true;
    }
    std::memcpy(last, listed, kMaxRepeatedListing);
    last_size = static_cast<uint8_t>(n);
    return false;
  }

 private:
  __attribute__((noinline)) bool end_noted() {
    const FieldList& got = *noted_;
    noted_ = nullptr;
    if (!holding_) return false;
    if (keys_differ_ || got.n != tmpl_->n) {  // other fields: all of them, in a CALL record
      for (int i = 0; i < got.n;) i = write_noted(got, i);
      return false;
    }
    data_[0] = kRecCallRepeat;
    for (uint32_t m = values_differ_; m;) {
      int i = __builtin_ctz(m);
      while (got.key[i] == FieldList::kElement) --i;  // an element differs: its whole array is listed
      const int next = write_noted(got, i);
      m &= next < 32 ? ~((uint32_t{1} << next) - 1) : 0;
    }
    return true;
  }
  // An array of other than one element is noted entry by entry if they all fit, else (or if it is empty)
  // it is unnote()d; returns whether it is held. Members are read into locals first: the byte stores to
  // the list may alias them.
  template <class T>
  __attribute__((noinline)) bool note_array(FieldId f, const T* v, size_t n) {
    FieldList& l = *noted_;
    const int at = l.n;
    if (n == 0 || static_cast<size_t>(at) + n > static_cast<size_t>(FieldList::kMax)) {
      unnote();
      return false;
    }
    const bool holding = holding_;
    const FieldList* tmpl = tmpl_;
    l.n = at + static_cast<int>(n);
    for (size_t i = 0; i < n; ++i) {
      l.key[at + i] = i ? FieldList::kElement : static_cast<uint8_t>(f | kArrayBit);
      l.value[at + i] = static_cast<int64_t>(v[i]);
    }
    if (!holding) return false;
    bool keys = false;  // compared as note() does, entry by entry
    uint32_t values = 0;
    for (size_t i = 0; i < n; ++i) {
      const size_t k = static_cast<size_t>(at) + i;
      keys |= tmpl->key[k] != l.key[k];
      values |= uint32_t{tmpl->value[k] != l.value[k]} << k;
    }
    keys_differ_ |= keys;
    values_differ_ |= values;
    return true;
  }
  // Notes a field's entry; returns whether it is held back (compare_fields) rather than written now.
  __attribute__((always_inline)) bool note(uint8_t key, int64_t v) {
    FieldList& l = *noted_;
    if (__builtin_expect(l.n < FieldList::kMax, 1)) {
      const int i = l.n++;
      l.key[i] = key;
      l.value[i] = v;
      if (!holding_) return false;
      // Compared as it comes (past the template's last entry its slots hold stale keys: the count
      // differs then, and end_noted() sees it). Same keys at every entry make the same arrays' lengths.
      keys_differ_ |= key != tmpl_->key[i];
      values_differ_ |= uint32_t{v != tmpl_->value[i]} << i;
      return true;
    }
    unnote();  // more fields than a FieldList holds: this one is written after those held
    return false;
  }
  // The fields cannot be a FieldList (too many entries): the record is written in full, and its list is
  // not usable as a template. Held fields (the call site among them) are written now.
  __attribute__((noinline)) void unnote() {
    FieldList* got = noted_;
    noted_ = nullptr;
    got->usable = false;
    if (holding_)
      for (int i = 0; i < got->n;) i = write_noted(*got, i);
  }
  // The first n (1 to kMaxRepeatedListing) bytes of a and b are the same; up to 8 in one masked word.
  static bool same_bytes(const uint8_t* a, const uint8_t* b, size_t n) {
    static_assert(kMaxRepeatedListing <= 24, "three words");
    uint64_t x[3], y[3];
    std::memcpy(x, a, sizeof x);
    std::memcpy(y, b, sizeof y);
    const uint64_t diff[3] = {x[0] ^ y[0], x[1] ^ y[1], x[2] ^ y[2]};
    for (size_t w = 0; w < 3; ++w) {
      const size_t bytes = n > 8 * w ? n - 8 * w : 0;
      if (bytes == 0) return true;
      const uint64_t mask = bytes >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * bytes)) - 1;
      if (diff[w] & mask) return false;
    }
    return true;
  }
  // Writes the field whose first entry is l's i-th; returns the entry after it.
  __attribute__((always_inline)) int write_noted(const FieldList& l, int i) {
    const uint8_t key = l.key[i];
    if (__builtin_expect(key & kArrayBit, 0)) return write_noted_array(l, i);
    reserve(1 + kMaxVarint);
    data_[size_++] = key;
    size_ = static_cast<size_t>(put_varint(data_ + size_, delta(static_cast<FieldId>(key), l.value[i])) - data_);
    return i + 1;
  }
  __attribute__((noinline)) int write_noted_array(const FieldList& l, int i) {
    const uint8_t key = l.key[i];
    const auto f = static_cast<FieldId>(key & ~kArrayBit);
    const int n = l.entries(i);
    reserve(1 + kMaxVarint * static_cast<size_t>(n + 1));
    data_[size_++] = key;
    uint8_t* p = put_varint(data_ + size_, n);
    for (int k = 0; k < n; ++k)
      p = put_varint(p, k ? element(l.value[i + k], l.value[i + k - 1]) : delta(f, l.value[i]));
    size_ = static_cast<size_t>(p - data_);
    return i + n;
  }

  // Wrapping arithmetic: any two int64 values have a delta, and adding it back gives the value.
  int64_t delta(FieldId f, int64_t v) {
    if (!deltas_) return v;
    const uint64_t d = static_cast<uint64_t>(v) - static_cast<uint64_t>(deltas_->last[f]);
    deltas_->last[f] = v;
    return static_cast<int64_t>(d);
  }
  // An array element after the first: in CALL and CALL_OUT records a delta from the one before (format 7).
  int64_t element(int64_t v, int64_t before) const {
    return deltas_ ? static_cast<int64_t>(static_cast<uint64_t>(v) - static_cast<uint64_t>(before)) : v;
  }
  void reserve(size_t extra) {
    if (size_ + extra <= capacity_) return;
    size_t cap = capacity_ ? capacity_ : kMinCapacity;
    while (cap < size_ + extra) cap *= 2;
    auto* grown = static_cast<uint8_t*>(std::realloc(data_, cap));
    if (!grown) throw std::bad_alloc();
    data_ = grown;
    capacity_ = cap;
  }

  static constexpr size_t kCallOutHeadRoom = 1 + 3 * kMaxVarint;  // type, thread, rc, duration
  // Every buffer has room for a CALL head, its three varints and a listing's fixed-size copy beyond them.
  static constexpr size_t kMinCapacity = 256;
  static_assert(kCallHead + 3 * kMaxVarint + kMaxRepeatedListing <= kMinCapacity, "repeat_same_listing's reads");
  uint8_t* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
  size_t fields_at_ = 0;  // where a CALL record's fields start (after its seq and time deltas)
  ThreadDeltas* deltas_ = nullptr;
  // Call templates: the fields being noted, and whether they are held back to be compared with tmpl_.
  FieldList* noted_ = nullptr;
  bool holding_ = false, keys_differ_ = false;
  uint32_t values_differ_ = 0;  // bit i: the i-th field held differs from the template's
  const FieldList* tmpl_ = nullptr;
};

}  // namespace rmacheck
