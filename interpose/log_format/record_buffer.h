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
    reserve(kCallOutHeadRoom);
    size_ = kCallOutHeadRoom;
    deltas_ = &d;
  }
  size_t call_out_field_bytes() const { return size_ - kCallOutHeadRoom; }
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
  void field(FieldId f, int64_t v) {
    reserve(1 + kMaxVarint);
    data_[size_++] = f;
    size_ = static_cast<size_t>(put_varint(data_ + size_, delta(f, v)) - data_);
  }
  // An array; in a CALL or CALL_OUT record its first element is a delta, the others are plain.
  template <class T>
  void array(FieldId f, const T* v, size_t n) {
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

 private:
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
};

}  // namespace rmacheck
