// One MPI call as the analyzer sees it: the entry record and, if the call
// returned, its exit record, merged. Fields stay in the rank's field pool.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "call_ids.h"
#include "log_format.h"

namespace rmacheck {

struct Field {
  int64_t value;    // scalar value, or offset into the pool's array values
  uint32_t length;  // array length
  uint8_t key;      // FieldId
  bool is_array;
};
static_assert(sizeof(Field) == 16, "a big log holds hundreds of millions of fields");

struct FieldPool {
  std::vector<Field> fields;
  std::vector<int64_t> array_values;
};

// A span of int64 values (an array field), valid while its pool lives.
struct Values {
  const int64_t* data = nullptr;
  size_t size = 0;
  const int64_t* begin() const { return data; }
  const int64_t* end() const { return data + size; }
  int64_t operator[](size_t i) const { return data[i]; }
  bool empty() const { return size == 0; }
};

struct Event {
  int rank = -1;
  CallId call = kCallCount;
  int64_t thread = 0;
  int64_t seq = 0;
  int64_t t_enter = 0, t_exit = 0;
  int64_t rc = 0;
  bool returned = false;                      // false: the rank was still inside this call when its log ended
  uint32_t entry_begin = 0, entry_count = 0;  // fields from the entry record
  uint32_t exit_begin = 0, exit_count = 0;    // fields from the exit record
  uint64_t offset = 0;                        // file offset of the entry record
  uint64_t present = 0;  // bit presence_bit(f) set: field f may be logged (most lookups are misses)

  const char* name() const { return call_name(call); }
};

// Field lookup on an event of a given rank's pool.
class EventView {
 public:
  EventView(const Event& e, const FieldPool& pool) : e_(e), pool_(pool) {}
  const Event& event() const { return e_; }
  std::optional<int64_t> get(FieldId f) const;
  int64_t get_or(FieldId f, int64_t def) const { return get(f).value_or(def); }
  Values array(FieldId f) const;
  bool has(FieldId f) const;
  // Same value for two calls made at the same place (same return addresses, or
  // same Python file and line): lets a detector merge repeats before symbolizing.
  uint64_t site_key() const;

 private:
  const Field* find(FieldId f) const;
  const Event& e_;
  const FieldPool& pool_;
};

}  // namespace rmacheck
