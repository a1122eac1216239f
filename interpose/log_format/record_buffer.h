// A growable byte buffer that one record is encoded into before it is
// appended to the log in one piece. It grows by doubling and never
// zero-fills: a varint is written straight into spare capacity.
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
    reserve(1);
    data_[size_++] = type;
  }
  void varint(int64_t v) {
    reserve(kMaxVarint);
    size_ = static_cast<size_t>(put_varint(data_ + size_, v) - data_);
  }
  void field(FieldId f, int64_t v) {
    reserve(1 + kMaxVarint);
    data_[size_++] = f;
    size_ = static_cast<size_t>(put_varint(data_ + size_, v) - data_);
  }
  template <class T>
  void array(FieldId f, const T* v, size_t n) {
    reserve(1 + kMaxVarint * (n + 1));
    data_[size_++] = static_cast<uint8_t>(f | kArrayBit);
    uint8_t* p = put_varint(data_ + size_, static_cast<int64_t>(n));
    for (size_t i = 0; i < n; ++i) p = put_varint(p, static_cast<int64_t>(v[i]));
    size_ = static_cast<size_t>(p - data_);
  }
  void raw(const void* p, size_t n) {
    reserve(n);
    std::memcpy(data_ + size_, p, n);
    size_ += n;
  }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void reserve(size_t extra) {
    if (size_ + extra <= capacity_) return;
    size_t cap = capacity_ ? capacity_ : 256;
    while (cap < size_ + extra) cap *= 2;
    auto* grown = static_cast<uint8_t*>(std::realloc(data_, cap));
    if (!grown) throw std::bad_alloc();
    data_ = grown;
    capacity_ = cap;
  }

  uint8_t* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
};

}  // namespace rmacheck
