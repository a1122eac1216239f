// Arithmetic on numbers taken from a log: counts, displacements, extents,
// displacement units and addresses, which a damaged or crafted log can set
// to anything (signed overflow is undefined behaviour in C++). Each
// operation says whether the exact result fits in int64_t; an access whose
// bytes cannot be computed is not an access the program could have made.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace rmacheck {

inline std::optional<int64_t> checked_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

inline std::optional<int64_t> checked_sub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return std::nullopt;
  return r;
}

inline std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// a + b * c
inline std::optional<int64_t> checked_mul_add(int64_t a, int64_t b, int64_t c) {
  auto p = checked_mul(b, c);
  return p ? checked_add(a, *p) : std::nullopt;
}

// count * per <= cap, without computing a product that could wrap (count, per >= 0).
inline bool product_at_most(uint64_t count, uint64_t per, uint64_t cap) { return per == 0 || count <= cap / per; }

}  // namespace rmacheck
