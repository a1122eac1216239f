// A growable byte buffer that one record is encoded into before it is
// appended to the log in one piece.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "log_format.h"

namespace rmacheck {

class RecordBuffer {
 public:
  void reset(RecordType type) { bytes_.clear(); bytes_.push_back(type); }
  void varint(int64_t v) {
    size_t n = bytes_.size();
    bytes_.resize(n + kMaxVarint);
    uint8_t* end = put_varint(bytes_.data() + n, v);
    bytes_.resize(static_cast<size_t>(end - bytes_.data()));
  }
  void field(FieldId f, int64_t v) { bytes_.push_back(f); varint(v); }
  template <class T>
  void array(FieldId f, const T* v, size_t n) {
    bytes_.push_back(static_cast<uint8_t>(f | kArrayBit));
    varint(static_cast<int64_t>(n));
    for (size_t i = 0; i < n; ++i) varint(static_cast<int64_t>(v[i]));
  }
  void raw(const void* p, size_t n) {
    size_t at = bytes_.size();
    bytes_.resize(at + n);
    std::memcpy(bytes_.data() + at, p, n);
  }
  const uint8_t* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace rmacheck
