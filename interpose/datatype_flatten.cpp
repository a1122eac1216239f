// Datatype flattening by a recursive walk over the type constructors reported
// by PMPI_Type_get_envelope / PMPI_Type_get_contents.
//
// Each constructor is flattened once into the blocks of one instance at
// displacement 0, then replicated by its parent. Repetition of a single dense
// block is collapsed arithmetically, so e.g. MPI_Type_contiguous(1 << 30,
// MPI_INT) costs O(1). Any other repetition adds at least one block per copy,
// which keeps the walk bounded by kMaxBlocks.
//
// SUBARRAY and DARRAY are computed from their definitions in MPI-3.1 4.1.3 and
// 4.1.4 rather than probed through pack/unpack: probing would need a buffer as
// large as the whole global array. The unit test cross-checks both against
// Open MPI's own packing.

#include "datatype_flatten.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <utility>

#include "mpi_compat.h"

namespace rmacheck {
namespace {

using Blocks = std::vector<TypeBlock>;

// Unwinds the walk as soon as a type is known to exceed kMaxBlocks.
struct TooManyBlocks {};

struct Envelope {
  int num_integers = 0, num_addresses = 0, num_datatypes = 0;
  int combiner = MPI_COMBINER_NAMED;
};

Envelope envelope_of(MPI_Datatype t) {
  Envelope e;
  PMPI_Type_get_envelope(t, &e.num_integers, &e.num_addresses, &e.num_datatypes, &e.combiner);
  return e;
}

// Handles created by MPI_Type_create_f90_* are predefined as well: the user
// (and so get_contents' caller) must not free them.
bool is_predefined_combiner(int combiner) {
  return combiner == MPI_COMBINER_NAMED || combiner == MPI_COMBINER_F90_REAL || combiner == MPI_COMBINER_F90_COMPLEX ||
         combiner == MPI_COMBINER_F90_INTEGER;
}

// The arguments of a derived type's constructor. get_contents hands out new
// references to non-predefined datatypes, which the standard requires us to
// free; doing it in the destructor also covers the TooManyBlocks unwind.
class Contents {
 public:
  Contents(MPI_Datatype t, const Envelope& e)
      : ints_(e.num_integers), addrs_(e.num_addresses), types_(e.num_datatypes) {
    PMPI_Type_get_contents(t, e.num_integers, e.num_addresses, e.num_datatypes, ints_.data(), addrs_.data(),
                           types_.data());
  }
  ~Contents() {
    for (MPI_Datatype& d : types_) {
      if (!is_predefined_combiner(envelope_of(d).combiner)) PMPI_Type_free(&d);
    }
  }
  Contents(const Contents&) = delete;
  Contents& operator=(const Contents&) = delete;

  int64_t integer(size_t i) const { return ints_.at(i); }
  int64_t address(size_t i) const { return addrs_.at(i); }
  MPI_Datatype type(size_t i) const { return types_.at(i); }

 private:
  std::vector<int> ints_;
  std::vector<MPI_Aint> addrs_;
  std::vector<MPI_Datatype> types_;
};

int64_t size_of(MPI_Datatype t) {
  MPI_Count size = 0;
  PMPI_Type_size_x(t, &size);
  return size;
}

int64_t extent_of(MPI_Datatype t) {
  MPI_Count lb = 0, extent = 0;
  PMPI_Type_get_extent_x(t, &lb, &extent);
  return extent;
}

// Appends b, merging it into the last block when it continues it.
void append(Blocks& out, const TypeBlock& b) {
  if (b.length == 0) return;
  if (!out.empty()) {
    TypeBlock& last = out.back();
    if (last.basic == b.basic && last.offset + last.length == b.offset) {
      last.length += b.length;
      return;
    }
  }
  if (out.size() == kMaxBlocks) throw TooManyBlocks{};
  out.push_back(b);
}

// Appends `count` copies of `unit`, copy i displaced by base + i * stride.
void append_repeated(Blocks& out, const Blocks& unit, int64_t count, int64_t stride, int64_t base) {
  if (count <= 0 || unit.empty()) return;
  if (unit.size() == 1 && unit[0].length == stride) {
    append(out, {base + unit[0].offset, unit[0].length * count, unit[0].basic});
    return;
  }
  for (int64_t i = 0; i < count; ++i) {
    for (const TypeBlock& b : unit) append(out, {base + i * stride + b.offset, b.length, b.basic});
  }
}

// The MINLOC/MAXLOC pair types are predefined datatypes (MPI-3.1 5.9.4), and
// an accumulate on one is element-wise atomic on the whole pair, not on its
// two halves (rma-semantics.md section 4). So a pair is one block of its own
// code covering the pair's true extent: [first, end of second). Only
// MPI_SHORT_INT has padding inside that range (2 bytes after the short),
// which the block covers too; the analyzer expands a pair into its two
// basic types where it compares type signatures.
const MPI_Datatype kPairTypes[] = {MPI_FLOAT_INT, MPI_DOUBLE_INT,      MPI_LONG_INT,       MPI_2INT,
                                   MPI_SHORT_INT, MPI_LONG_DOUBLE_INT, MPI_2REAL,          MPI_2DOUBLE_PRECISION,
                                   MPI_2INTEGER,  MPI_2COMPLEX,        MPI_2DOUBLE_COMPLEX};

Blocks named_blocks(MPI_Datatype t) {
  Blocks out;
  if (is_pair_type(t)) {
    MPI_Count true_lb = 0, true_extent = 0;
    PMPI_Type_get_true_extent_x(t, &true_lb, &true_extent);
    append(out, {true_lb, true_extent, basic_type_code(t)});
    return out;
  }
  append(out, {0, size_of(t), basic_type_code(t)});
  return out;
}

// An F90 parameterized type has the layout of the predefined Fortran type of
// its class and size, which MPI_Type_match_size names.
Blocks f90_blocks(MPI_Datatype t, int combiner) {
  const int typeclass = combiner == MPI_COMBINER_F90_REAL      ? MPI_TYPECLASS_REAL
                        : combiner == MPI_COMBINER_F90_COMPLEX ? MPI_TYPECLASS_COMPLEX
                                                               : MPI_TYPECLASS_INTEGER;
  const int64_t size = size_of(t);
  MPI_Datatype match = MPI_DATATYPE_NULL;
  PMPI_Type_match_size(typeclass, static_cast<int>(size), &match);
  Blocks out;
  append(out, {0, size, basic_type_code(match)});
  return out;
}

// A set of indices along one array dimension: `count` runs of `length`
// consecutive indices, the first starting at `first` and each following one
// `period` indices after the previous.
struct IndexRuns {
  int64_t first, length, count, period;
};

struct ArrayDim {
  std::vector<IndexRuns> runs;
  int64_t stride;  // bytes between consecutive indices
};

// Elements of a multi-dimensional array selection, dims ordered from slowest
// to fastest varying. Typemap order of SUBARRAY and DARRAY is the memory order
// of the selected elements, i.e. this nesting.
Blocks select_elements(const Blocks& element, const std::vector<ArrayDim>& dims) {
  Blocks unit = element;
  for (auto d = dims.rbegin(); d != dims.rend(); ++d) {
    Blocks next;
    for (const IndexRuns& r : d->runs) {
      Blocks run;
      append_repeated(run, unit, r.length, d->stride, 0);
      append_repeated(next, run, r.count, r.period * d->stride, r.first * d->stride);
    }
    unit = std::move(next);
  }
  return unit;
}

// Byte stride of each dimension of an array of `sizes` elements of `extent`
// bytes, and the dimensions' order from slowest to fastest varying.
void array_strides(const std::vector<int64_t>& sizes, int order, int64_t extent, std::vector<int64_t>& strides,
                   std::vector<size_t>& slowest_first) {
  const size_t n = sizes.size();
  strides.assign(n, 0);
  slowest_first.clear();
  for (size_t k = 0; k < n; ++k) slowest_first.push_back(order == MPI_ORDER_C ? k : n - 1 - k);
  int64_t stride = extent;
  for (auto d = slowest_first.rbegin(); d != slowest_first.rend(); ++d) {
    strides[*d] = stride;
    stride *= sizes[*d];
  }
}

// Indices of a dimension of `gsize` elements that grid coordinate `coord` of
// `procs` owns when they are dealt out round-robin in blocks of `k`
// (MPI-3.1 4.1.4: BLOCK and NONE are the case of a single round).
std::vector<IndexRuns> cyclic_indices(int64_t gsize, int64_t k, int64_t procs, int64_t coord) {
  if (gsize <= 0 || k <= 0) return {};
  const int64_t nblocks = (gsize + k - 1) / k;
  if (coord >= nblocks) return {};
  const int64_t owned = (nblocks - 1 - coord) / procs + 1;
  const int64_t last = coord + (owned - 1) * procs;
  const int64_t last_length = std::min(k, gsize - last * k);
  if (last_length == k) return {{coord * k, k, owned, procs * k}};
  std::vector<IndexRuns> runs;
  if (owned > 1) runs.push_back({coord * k, k, owned - 1, procs * k});
  runs.push_back({last * k, last_length, 1, 0});
  return runs;
}

Blocks flatten_blocks(MPI_Datatype t);

Blocks subarray_blocks(const Contents& c) {
  const size_t n = c.integer(0);
  std::vector<int64_t> sizes(n);
  for (size_t d = 0; d < n; ++d) sizes[d] = c.integer(1 + d);
  const int order = c.integer(1 + 3 * n);
  const MPI_Datatype old = c.type(0);

  std::vector<int64_t> strides;
  std::vector<size_t> slowest_first;
  array_strides(sizes, order, extent_of(old), strides, slowest_first);
  std::vector<ArrayDim> dims;
  for (size_t d : slowest_first) {
    const int64_t subsize = c.integer(1 + n + d), start = c.integer(1 + 2 * n + d);
    if (subsize == 0) return {};
    dims.push_back({{{start, subsize, 1, 0}}, strides[d]});
  }
  return select_elements(flatten_blocks(old), dims);
}

Blocks darray_blocks(const Contents& c) {
  int64_t rank = c.integer(1);
  const size_t n = c.integer(2);
  std::vector<int64_t> gsizes(n), psizes(n), coords(n);
  for (size_t d = 0; d < n; ++d) {
    gsizes[d] = c.integer(3 + d);
    psizes[d] = c.integer(3 + 3 * n + d);
  }
  const int order = c.integer(3 + 4 * n);
  const MPI_Datatype old = c.type(0);

  // The process grid is row-major whatever the array order (MPI-3.1 4.1.4).
  for (size_t d = n; d-- > 0;) {
    coords[d] = rank % psizes[d];
    rank /= psizes[d];
  }

  std::vector<int64_t> strides;
  std::vector<size_t> slowest_first;
  array_strides(gsizes, order, extent_of(old), strides, slowest_first);
  std::vector<ArrayDim> dims;
  for (size_t d : slowest_first) {
    const int distrib = c.integer(3 + n + d);
    const int64_t darg = c.integer(3 + 2 * n + d);
    const bool dflt = darg == MPI_DISTRIBUTE_DFLT_DARG;
    int64_t k = gsizes[d];  // MPI_DISTRIBUTE_NONE: one block of everything
    if (distrib == MPI_DISTRIBUTE_BLOCK) k = dflt ? (gsizes[d] + psizes[d] - 1) / psizes[d] : darg;
    if (distrib == MPI_DISTRIBUTE_CYCLIC) k = dflt ? 1 : darg;
    std::vector<IndexRuns> runs = cyclic_indices(gsizes[d], k, psizes[d], coords[d]);
    if (runs.empty()) return {};
    dims.push_back({std::move(runs), strides[d]});
  }
  return select_elements(flatten_blocks(old), dims);
}

// Blocks of one instance of t at displacement 0.
Blocks flatten_blocks(MPI_Datatype t) {
  const Envelope e = envelope_of(t);
  switch (e.combiner) {
    case MPI_COMBINER_NAMED:
      return named_blocks(t);
    case MPI_COMBINER_F90_REAL:
    case MPI_COMBINER_F90_COMPLEX:
    case MPI_COMBINER_F90_INTEGER:
      return f90_blocks(t, e.combiner);
    default:
      break;
  }

  const Contents c(t, e);
  Blocks out;
  // Blocks `count` elements of type `old` starting at byte `disp`. Each old
  // type is walked once, not once per entry of an indexed or struct type, and
  // only when it contributes, so that a zero-count wrapper around a huge type
  // is not reported as truncated.
  std::map<MPI_Datatype, std::pair<Blocks, int64_t>> walked;  // blocks, extent
  auto elements = [&out, &walked](MPI_Datatype old, int64_t count, int64_t disp) {
    if (count <= 0) return;
    auto it = walked.find(old);
    if (it == walked.end()) {
      it = walked.emplace(old, std::make_pair(flatten_blocks(old), extent_of(old))).first;
    }
    append_repeated(out, it->second.first, count, it->second.second, disp);
  };
  switch (e.combiner) {
    case MPI_COMBINER_DUP:
    case MPI_COMBINER_RESIZED:  // only lb/extent change, which parents query directly
      return flatten_blocks(c.type(0));
    case MPI_COMBINER_CONTIGUOUS:
      elements(c.type(0), c.integer(0), 0);
      return out;
    case MPI_COMBINER_VECTOR:
    case MPI_COMBINER_HVECTOR: {
      const MPI_Datatype old = c.type(0);
      const int64_t count = c.integer(0), blocklength = c.integer(1);
      if (count <= 0 || blocklength <= 0) return out;
      const int64_t stride = e.combiner == MPI_COMBINER_VECTOR ? c.integer(2) * extent_of(old) : c.address(0);
      Blocks block;
      append_repeated(block, flatten_blocks(old), blocklength, extent_of(old), 0);
      append_repeated(out, block, count, stride, 0);
      return out;
    }
    case MPI_COMBINER_INDEXED:
    case MPI_COMBINER_HINDEXED: {
      const MPI_Datatype old = c.type(0);
      const size_t count = c.integer(0);
      for (size_t i = 0; i < count; ++i) {
        const int64_t disp =
            e.combiner == MPI_COMBINER_INDEXED ? c.integer(1 + count + i) * extent_of(old) : c.address(i);
        elements(old, c.integer(1 + i), disp);
      }
      return out;
    }
    case MPI_COMBINER_INDEXED_BLOCK:
    case MPI_COMBINER_HINDEXED_BLOCK: {
      const MPI_Datatype old = c.type(0);
      const size_t count = c.integer(0);
      const int64_t blocklength = c.integer(1);
      for (size_t i = 0; i < count; ++i) {
        const int64_t disp =
            e.combiner == MPI_COMBINER_INDEXED_BLOCK ? c.integer(2 + i) * extent_of(old) : c.address(i);
        elements(old, blocklength, disp);
      }
      return out;
    }
    case MPI_COMBINER_STRUCT: {
      const size_t count = c.integer(0);
      for (size_t i = 0; i < count; ++i) elements(c.type(i), c.integer(1 + i), c.address(i));
      return out;
    }
    case MPI_COMBINER_SUBARRAY:
      return subarray_blocks(c);
    case MPI_COMBINER_DARRAY:
      return darray_blocks(c);
    default: {
      // A constructor this walker does not know: claim the whole true extent
      // rather than miss accesses.
      MPI_Count true_lb = 0, true_extent = 0;
      PMPI_Type_get_true_extent_x(t, &true_lb, &true_extent);
      append(out, {true_lb, true_extent, kBasicMixed});
      return out;
    }
  }
}

}  // namespace

bool is_pair_type(MPI_Datatype t) {
  if (t == MPI_DATATYPE_NULL) return false;  // a pair type this MPI lacks (mpi_compat.h)
  return std::find(std::begin(kPairTypes), std::end(kPairTypes), t) != std::end(kPairTypes);
}

const std::vector<MPI_Datatype>& basic_type_handles() {
  // MPI_INT and friends are addresses of globals, not constant expressions,
  // hence a table built at first use instead of a switch.
  static const std::vector<MPI_Datatype> handles = {
#define RMACHECK_BASIC_TYPE(handle, name) handle,
#include "basic_types.def"
  };
  return handles;
}

MPI_Datatype basic_type_handle(int32_t code) {
  const std::vector<MPI_Datatype>& handles = basic_type_handles();
  return code >= 0 && static_cast<size_t>(code) < handles.size() ? handles[static_cast<size_t>(code)]
                                                                 : MPI_DATATYPE_NULL;
}

int32_t basic_type_code(MPI_Datatype t) {
  if (t == MPI_DATATYPE_NULL) return kBasicUnknown;  // also the stand-in of types this MPI lacks (mpi_compat.h)
  const std::vector<MPI_Datatype>& handles = basic_type_handles();
  const auto it = std::find(handles.begin(), handles.end(), t);
  return it == handles.end() ? kBasicUnknown : static_cast<int32_t>(it - handles.begin());
}

FlatType flatten_datatype(MPI_Datatype t) {
  FlatType f;
  if (t == MPI_DATATYPE_NULL) return f;
  MPI_Count size = 0, lb = 0, extent = 0, true_lb = 0, true_extent = 0;
  PMPI_Type_size_x(t, &size);
  PMPI_Type_get_extent_x(t, &lb, &extent);
  PMPI_Type_get_true_extent_x(t, &true_lb, &true_extent);
  f.size = size;
  f.lb = lb;
  f.extent = extent;
  // A type without data touches no bytes; Open MPI's true bounds for it are
  // sentinels (e.g. an empty darray block reports true_lb = INT64_MAX).
  if (size != 0) {
    f.true_lb = true_lb;
    f.true_extent = true_extent;
  }
  try {
    f.blocks = flatten_blocks(t);
  } catch (const TooManyBlocks&) {
    f.truncated = true;
    f.blocks = {{f.true_lb, f.true_extent, kBasicMixed}};
  }
  return f;
}

}  // namespace rmacheck
