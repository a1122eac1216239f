// Flattening of MPI datatypes into the byte ranges they touch, so that RMA
// accesses can be checked at byte granularity by basic type.
#pragma once

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rmacheck {

// One contiguous run of bytes of a single predefined basic type, relative to
// the buffer address (can be negative). A pair type is its own basic type here.
struct TypeBlock {
  int64_t offset;
  int64_t length;
  int32_t basic;
};

struct FlatType {
  int64_t size = 0;            // MPI_Type_size
  int64_t lb = 0, extent = 0;  // MPI_Type_get_extent_x
  // MPI_Type_get_true_extent_x, except 0 and 0 for a type of size 0 (for
  // which Open MPI may report a true_lb sentinel of INT64_MAX).
  int64_t true_lb = 0, true_extent = 0;
  // ONE instance of the type (count==1), in typemap order, adjacent blocks of
  // the same basic type merged when contiguous.
  std::vector<TypeBlock> blocks;
  // True if the type has more than kMaxBlocks blocks: then blocks holds one
  // block [true_lb, true_lb+true_extent) with basic = kBasicMixed.
  bool truncated = false;
};

constexpr size_t kMaxBlocks = 1 << 20;
constexpr int32_t kBasicMixed = -2, kBasicUnknown = -1;

// Code of a predefined type: index into the table in basic_types.def, or
// kBasicUnknown if t is not predefined. Aliases map to their first position.
int32_t basic_type_code(MPI_Datatype t);
// The handle of a code (MPI_DATATYPE_NULL for an unknown code).
MPI_Datatype basic_type_handle(int32_t code);
// The MINLOC/MAXLOC pair types (MPI_2INT, MPI_DOUBLE_INT, ...): predefined,
// flattened as ONE block of their own code (the atomic element of an accumulate).
bool is_pair_type(MPI_Datatype t);

// Flatten any datatype (predefined or derived, committed or not). Uses only
// PMPI_ calls, since the interposition library intercepts MPI_*.
// MPI_DATATYPE_NULL yields an empty FlatType.
FlatType flatten_datatype(MPI_Datatype t);

}  // namespace rmacheck
