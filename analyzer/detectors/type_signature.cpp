#include "detectors/type_signature.h"

#include <algorithm>
#include <map>

#include "model/checked_math.h"

namespace rmacheck {

const char* basic_name(int64_t code) {
  static const char* const names[] = {
#define RMACHECK_BASIC_TYPE(handle, name) name,
#include "basic_types.def"
  };
  if (code >= 0 && code < static_cast<int64_t>(sizeof names / sizeof names[0])) return names[code];
  return nullptr;
}

namespace {

int64_t basic_code(const char* want) {
  static const char* const names[] = {
#define RMACHECK_BASIC_TYPE(handle, name) name,
#include "basic_types.def"
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
    if (std::string(names[i]) == want) return static_cast<int64_t>(i);
  return -100;
}

// Equivalence classes of predefined basic types (LP64 Linux): types in one
// class have the same representation. kByteClass matches anything by size.
constexpr int kByteClass = -10;
int type_class(int32_t basic) {
  static const std::map<int64_t, int> classes = [] {
    std::map<int64_t, int> m;
    auto put = [&](int cls, std::initializer_list<const char*> names) {
      for (const char* n : names) m[basic_code(n)] = cls;
    };
    put(-11, {"MPI_SIGNED_CHAR", "MPI_INT8_T", "MPI_INTEGER1"});
    put(-12, {"MPI_SHORT", "MPI_INT16_T", "MPI_INTEGER2"});
    put(-13, {"MPI_INT", "MPI_INT32_T", "MPI_INTEGER", "MPI_INTEGER4"});
    put(-14, {"MPI_LONG", "MPI_LONG_LONG_INT", "MPI_LONG_LONG", "MPI_INT64_T", "MPI_INTEGER8", "MPI_AINT", "MPI_OFFSET",
              "MPI_COUNT"});
    put(-15, {"MPI_UNSIGNED_CHAR", "MPI_UINT8_T"});
    put(-16, {"MPI_UNSIGNED_SHORT", "MPI_UINT16_T"});
    put(-17, {"MPI_UNSIGNED", "MPI_UINT32_T"});
    put(-18, {"MPI_UNSIGNED_LONG", "MPI_UNSIGNED_LONG_LONG", "MPI_UINT64_T"});
    put(-19, {"MPI_FLOAT", "MPI_REAL", "MPI_REAL4"});
    put(-20, {"MPI_DOUBLE", "MPI_DOUBLE_PRECISION", "MPI_REAL8"});
    put(-21, {"MPI_C_FLOAT_COMPLEX", "MPI_C_COMPLEX", "MPI_COMPLEX", "MPI_COMPLEX8", "MPI_CXX_FLOAT_COMPLEX"});
    put(-22, {"MPI_C_DOUBLE_COMPLEX", "MPI_DOUBLE_COMPLEX", "MPI_COMPLEX16", "MPI_CXX_DOUBLE_COMPLEX"});
    put(kByteClass, {"MPI_BYTE", "MPI_PACKED"});
    m.erase(-100);
    return m;
  }();
  auto it = classes.find(basic);
  return it == classes.end() ? basic : it->second;
}

using Run = SignatureRun;

// The MINLOC/MAXLOC pair types, which the log keeps as one block per pair
// element (or per run of adjacent elements): their type signature is that of
// their two halves (LP64 Linux layouts, as the interposer's offsetof gives).
struct PairLayout {
  const char *pair, *first;
  int64_t first_size;
  const char* second;
  int64_t second_offset, second_size, extent;
};
const PairLayout* pair_layout(int32_t code) {
  static const std::map<int64_t, PairLayout> pairs = [] {
    const PairLayout all[] = {
        {"MPI_FLOAT_INT", "MPI_FLOAT", 4, "MPI_INT", 4, 4, 8},
        {"MPI_DOUBLE_INT", "MPI_DOUBLE", 8, "MPI_INT", 8, 4, 16},
        {"MPI_LONG_INT", "MPI_LONG", 8, "MPI_INT", 8, 4, 16},
        {"MPI_2INT", "MPI_INT", 4, "MPI_INT", 4, 4, 8},
        {"MPI_SHORT_INT", "MPI_SHORT", 2, "MPI_INT", 4, 4, 8},
        {"MPI_LONG_DOUBLE_INT", "MPI_LONG_DOUBLE", 16, "MPI_INT", 16, 4, 32},
        {"MPI_2REAL", "MPI_REAL", 4, "MPI_REAL", 4, 4, 8},
        {"MPI_2DOUBLE_PRECISION", "MPI_DOUBLE_PRECISION", 8, "MPI_DOUBLE_PRECISION", 8, 8, 16},
        {"MPI_2INTEGER", "MPI_INTEGER", 4, "MPI_INTEGER", 4, 4, 8},
        {"MPI_2COMPLEX", "MPI_COMPLEX", 8, "MPI_COMPLEX", 8, 8, 16},
        {"MPI_2DOUBLE_COMPLEX", "MPI_DOUBLE_COMPLEX", 16, "MPI_DOUBLE_COMPLEX", 16, 16, 32},
    };
    std::map<int64_t, PairLayout> m;
    for (const PairLayout& p : all) m[basic_code(p.pair)] = p;
    return m;
  }();
  auto it = pairs.find(code);
  return it == pairs.end() ? nullptr : &it->second;
}

}  // namespace

Signature signature(const RankLog& log, int64_t type, int64_t count, bool expand_pairs) {
  Signature s;
  auto it = log.types.find(type);
  if (it == log.types.end() || it->second.truncated || count < 0) return s;
  const TypeLayout& t = it->second;
  std::vector<Run> one;  // one element
  int64_t one_total = 0;
  constexpr int64_t kMaxRuns = 1 << 16;
  bool overflow = false;  // lengths no type has (a damaged log): the signature is unknown
  auto add = [&](int cls, int64_t bytes) {
    if (cls == kByteClass) s.has_byte = true;
    const auto sum = checked_add(one_total, bytes);
    overflow = overflow || !sum;
    one_total = sum.value_or(0);
    if (!one.empty() && one.back().cls == cls)
      one.back().bytes += bytes;
    else
      one.push_back({cls, bytes});
  };
  for (const TypeBlockRec& b : t.blocks) {
    if (b.basic < 0) return s;
    if (b.length <= 0) continue;
    const PairLayout* pair = expand_pairs ? pair_layout(b.basic) : nullptr;
    if (!pair) {
      add(type_class(b.basic), b.length);
      continue;
    }
    const int64_t true_extent = pair->second_offset + pair->second_size;
    if (b.length / pair->extent > kMaxRuns) return Signature{};
    for (int64_t at = 0; at + true_extent <= b.length; at += pair->extent) {
      add(type_class(static_cast<int32_t>(basic_code(pair->first))), pair->first_size);
      add(type_class(static_cast<int32_t>(basic_code(pair->second))), pair->second_size);
    }
  }
  const auto total = checked_mul(one_total, count);
  if (overflow || !total) return Signature{};
  s.total = *total;
  if (one.size() <= 1) {  // a single basic type: no need to repeat
    if (!one.empty() && count > 0) s.runs.push_back({one[0].cls, *checked_mul(one[0].bytes, count)});
    s.known = true;
    return s;
  }
  if (!product_at_most(static_cast<uint64_t>(count), one.size(), kMaxRuns)) return Signature{};
  for (int64_t i = 0; i < count; ++i) {
    for (const Run& r : one) {
      if (!s.runs.empty() && s.runs.back().cls == r.cls)
        s.runs.back().bytes += r.bytes;
      else
        s.runs.push_back(r);
    }
  }
  s.known = true;
  return s;
}

bool same_signature(const Signature& a, const Signature& b) {
  if (!a.known || !b.known) return true;
  if (a.has_byte || b.has_byte) return a.total == b.total;
  return a.runs == b.runs;
}

std::string describe_type(const RankLog& log, int64_t count, int64_t type) {
  std::string s = std::to_string(count) + " x ";
  if (type < kDerivedTypeBase) {
    const char* n = basic_name(type);
    return s + (n ? n : "datatype#" + std::to_string(type));
  }
  s += "derived datatype";
  auto it = log.types.find(type);
  if (it != log.types.end()) {
    std::vector<std::string> basics;
    for (const TypeBlockRec& b : it->second.blocks) {
      const char* n = basic_name(b.basic);
      std::string bn = n ? n : "?";
      if (std::find(basics.begin(), basics.end(), bn) == basics.end()) basics.push_back(bn);
      if (basics.size() > 3) break;
    }
    std::string list;
    for (size_t i = 0; i < basics.size() && i < 3; ++i) list += (i ? "," : "") + basics[i];
    if (basics.size() > 3) list += ",...";
    s += " (" + std::to_string(it->second.size) + " bytes of " + list + ")";
  }
  return s;
}

bool receivable(const Signature& sent, const Signature& posted, bool& truncated) {
  truncated = false;
  if (!sent.known || !posted.known) return true;
  if (sent.total > posted.total) {
    truncated = true;
    return false;
  }
  if (sent.has_byte || posted.has_byte) return true;
  // sent.runs must be a prefix of posted.runs (its last run may end inside one of posted's).
  for (size_t i = 0; i < sent.runs.size(); ++i) {
    if (i >= posted.runs.size() || sent.runs[i].cls != posted.runs[i].cls) return false;
    if (sent.runs[i].bytes != posted.runs[i].bytes &&
        (i + 1 != sent.runs.size() || sent.runs[i].bytes > posted.runs[i].bytes))
      return false;
  }
  return true;
}

}  // namespace rmacheck
