// One MPI call as the analyzer sees it: the entry record and, if the call
// returned, its exit record, merged. Fields stay in the rank's field pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "call_ids.h"
#include "log_format.h"

namespace rmacheck {

// One field of an event, 8 bytes. A scalar that fits in 32 bits is stored
// here; a wider scalar, or an array, is in the pool's `values`: at `value`
// (kWide), or as its length at `value` followed by its elements (kArray).
struct Field {
  enum Flags : uint8_t { kWide = 1, kArray = 2 };
  int32_t value;  // the scalar, or an index into FieldPool::values
  uint8_t key;    // FieldId
  uint8_t flags;
  uint16_t unused = 0;
};
static_assert(sizeof(Field) == 8, "a big log holds hundreds of millions of fields");

struct Event;

// A rank's fields. An event's fields are one run of `fields` (which repeated calls share), sorted by key
// with one field per key (of repeats, the first logged stays), so a field
// whose presence bit is exact (keys below 63) is found in O(1): its index in
// the run is the number of lower presence bits set. Keys from 63 on share
// bit 63 and follow, in key order.
struct FieldPool {
  std::vector<Field> fields;
  std::vector<int64_t> values;  // wide scalars, and arrays (length, then elements)

  // Adds a field to event e, whose fields must end the pool (the last event
  // given fields), or be moved there first by reopen(). A key e has already
  // is not added again.
  void add(Event& e, uint8_t key, int64_t value);
  void add_array(Event& e, uint8_t key, const int64_t* data, size_t size);
  // Moves e's fields to the end of the pool, so that fields can be added (a
  // call's outputs, logged after other events). The old run becomes unused.
  void reopen(Event& e);
  // Puts fields [first, end of pool) in order after e's run (ending the
  // pool): sorts its run by key, drops repeated keys, sets e's presence bits.
  void seal(Event& e, uint32_t first);
  // Removes field `key` of e (tests: a log without some field).
  void erase(Event& e, uint8_t key);
  // The new field's storage for scalar v: inline, or wide in `values`.
  Field scalar(uint8_t key, int64_t v) {
    if (v >= INT32_MIN && v <= INT32_MAX) return {static_cast<int32_t>(v), key, 0};
    values.push_back(v);
    return {value_index(values.size() - 1), key, Field::kWide};
  }
  static int32_t value_index(size_t i);  // throws past 2^31 values in one rank's log
};

// A span of int64 values (an array field), valid while its pool lives.
// A scalar field read as an array is one element, held in `one`.
struct Values {
  const int64_t* data = nullptr;  // nullptr: the one element is `one`
  size_t size = 0;
  int64_t one = 0;
  const int64_t* begin() const { return data ? data : &one; }
  const int64_t* end() const { return begin() + size; }
  int64_t operator[](size_t i) const { return begin()[i]; }
  bool empty() const { return size == 0; }
};

// 48 bytes: a big log holds hundreds of millions of events. What is the same for all of a rank's events
// is in its RankLog: the rank, the thread numbers (the event keeps a slot of RankLog::thread_ids), and the
// seq (the rank's call number), kept as the difference from the event's index: RankLog::seq().
struct Event {
  int64_t t_enter = 0, t_exit = 0;
  uint64_t present = 0;       // bit presence_bit(f) set: field f is logged (most lookups are misses)
  uint64_t offset : 48;       // file offset of the entry record
  uint64_t field_count : 16;  // fields from the entry and exit records, from fields_begin in the pool
  int32_t rc = 0;             // the return code (one that does not fit an int is kept as INT32_MIN or INT32_MAX)
  uint32_t fields_begin = 0;
  int32_t seq_delta = 0;     // seq - index, or kFarSeq (RankLog::far_seqs holds it)
  uint16_t thread_slot = 0;  // the thread is RankLog::thread_ids[thread_slot], slots in order of appearance
  CallId call : 14;
  bool returned : 1;  // false: the rank was still inside this call when its log ended
  // The field run may be another event's too (a repeated call's, log_format.h CALL_REPEAT): reopen() copies it.
  bool fields_shared : 1;

  Event() : offset(0), field_count(0), call(kCallCount), returned(false), fields_shared(false) {}
  const char* name() const { return call_name(call); }
};
static_assert(sizeof(Event) == 48, "a big log holds hundreds of millions of events");
static_assert(kCallCount < (1 << 13), "Event::call has 14 bits (of a signed type)");
constexpr int32_t kFarSeq = INT32_MIN;

// Field lookup on an event of a given rank's pool.
class EventView {
 public:
  EventView(const Event& e, const FieldPool& pool) : e_(e), pool_(pool) {}
  const Event& event() const { return e_; }
  inline std::optional<int64_t> get(FieldId f) const;
  int64_t get_or(FieldId f, int64_t def) const { return get(f).value_or(def); }
  inline Values array(FieldId f) const;
  bool has(FieldId f) const { return find(f) != nullptr; }
  // Same value for two calls made at the same place (same return addresses, or
  // same Python file and line): lets a detector merge repeats before symbolizing.
  uint64_t site_key() const;

 private:
  inline const Field* find(FieldId f) const;
  const Event& e_;
  const FieldPool& pool_;
};

// Inline: every detector looks fields up, mostly to find them absent.
const Field* EventView::find(FieldId f) const {
  constexpr uint64_t kSharedBit = uint64_t{1} << 63;  // keys from 63 on (see presence_bit)
  const int bit = presence_bit(f);
  if (!(e_.present & (uint64_t{1} << bit))) return nullptr;
  const Field* run = pool_.fields.data() + e_.fields_begin;
  if (bit < 63) return &run[__builtin_popcountll(e_.present & ((uint64_t{1} << bit) - 1))];
  for (uint32_t i = static_cast<uint32_t>(__builtin_popcountll(e_.present & ~kSharedBit)); i < e_.field_count; ++i)
    if (run[i].key == f) return &run[i];
  return nullptr;
}

std::optional<int64_t> EventView::get(FieldId f) const {
  const Field* x = find(f);
  if (!x) return std::nullopt;
  if (x->flags & Field::kArray)
    return pool_.values[x->value] ? std::optional<int64_t>(pool_.values[x->value + 1]) : std::nullopt;
  if (x->flags & Field::kWide) return pool_.values[x->value];
  return x->value;
}

Values EventView::array(FieldId f) const {
  const Field* x = find(f);
  if (!x) return {};
  if (x->flags & Field::kArray)
    return {pool_.values.data() + x->value + 1, static_cast<size_t>(pool_.values[x->value]), 0};
  if (x->flags & Field::kWide) return {pool_.values.data() + x->value, 1, 0};
  return {nullptr, 1, x->value};
}

}  // namespace rmacheck
