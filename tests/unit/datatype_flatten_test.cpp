// Unit tests of the datatype flattener: exact block lists for every type
// constructor, plus a cross-check of SUBARRAY/DARRAY/nested layouts against
// the bytes Open MPI itself packs and unpacks.

#include "datatype_flatten.h"

#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cstring>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace rmacheck {
// For EXPECT_EQ on block lists (found by ADL).
bool operator==(const TypeBlock& a, const TypeBlock& b) {
  return a.offset == b.offset && a.length == b.length && a.basic == b.basic;
}
std::ostream& operator<<(std::ostream& os, const TypeBlock& b) {
  return os << "{" << b.offset << ", " << b.length << ", " << b.basic << "}";
}
}  // namespace rmacheck

namespace {

using rmacheck::basic_type_code;
using rmacheck::flatten_datatype;
using rmacheck::FlatType;
using rmacheck::kBasicMixed;
using rmacheck::kBasicUnknown;
using rmacheck::kMaxBlocks;
using rmacheck::TypeBlock;
using Blocks = std::vector<TypeBlock>;

int32_t code(MPI_Datatype t) { return basic_type_code(t); }

// A derived datatype freed at scope exit.
class OwnedType {
 public:
  OwnedType() = default;
  OwnedType(const OwnedType&) = delete;
  OwnedType& operator=(const OwnedType&) = delete;
  ~OwnedType() {
    if (t_ != MPI_DATATYPE_NULL) MPI_Type_free(&t_);
  }
  MPI_Datatype* out() { return &t_; }
  operator MPI_Datatype() const { return t_; }
  void commit() { MPI_Type_commit(&t_); }

 private:
  MPI_Datatype t_ = MPI_DATATYPE_NULL;
};

void expect_extents(const FlatType& f, int64_t size, int64_t lb, int64_t extent, int64_t true_lb, int64_t true_extent) {
  EXPECT_EQ(f.size, size);
  EXPECT_EQ(f.lb, lb);
  EXPECT_EQ(f.extent, extent);
  EXPECT_EQ(f.true_lb, true_lb);
  EXPECT_EQ(f.true_extent, true_extent);
  EXPECT_FALSE(f.truncated);
}

struct DefEntry {
  MPI_Datatype handle;
  std::string name;
};

const std::vector<DefEntry>& def_entries() {
  static const std::vector<DefEntry> entries = {
#define RMACHECK_BASIC_TYPE(handle, name) {handle, name},
#include "basic_types.def"
  };
  return entries;
}

bool is_pair_type(MPI_Datatype t) {
  for (MPI_Datatype p : {MPI_FLOAT_INT, MPI_DOUBLE_INT, MPI_LONG_INT, MPI_2INT, MPI_SHORT_INT, MPI_LONG_DOUBLE_INT,
                         MPI_2REAL, MPI_2DOUBLE_PRECISION, MPI_2INTEGER, MPI_2COMPLEX, MPI_2DOUBLE_COMPLEX}) {
    if (t == p) return true;
  }
  return false;
}

TEST(BasicTypeCode, EveryEntryMapsToItsFirstPosition) {
  const auto& entries = def_entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    const size_t first =
        std::find_if(entries.begin(), entries.end(), [&](const DefEntry& e) { return e.handle == entries[i].handle; }) -
        entries.begin();
    EXPECT_EQ(code(entries[i].handle), static_cast<int32_t>(first)) << entries[i].name;
  }
}

TEST(BasicTypeCode, Aliases) {
  const auto& entries = def_entries();
  EXPECT_EQ(code(MPI_LONG_LONG), code(MPI_LONG_LONG_INT));
  EXPECT_EQ(entries.at(code(MPI_LONG_LONG)).name, "MPI_LONG_LONG_INT");
  EXPECT_EQ(entries.at(code(MPI_C_COMPLEX)).name, "MPI_C_FLOAT_COMPLEX");
  EXPECT_EQ(entries.at(code(MPI_INT)).name, "MPI_INT");
  EXPECT_EQ(entries.at(code(MPI_2INTEGER)).name, "MPI_2INTEGER");
  EXPECT_NE(code(MPI_INT), code(MPI_INT32_T));
}

TEST(BasicTypeCode, NonPredefinedIsUnknown) {
  OwnedType t;
  MPI_Type_contiguous(2, MPI_INT, t.out());
  EXPECT_EQ(code(t), kBasicUnknown);
  EXPECT_EQ(code(MPI_DATATYPE_NULL), kBasicUnknown);
}

TEST(Flatten, EveryBasicTypeIsOneBlock) {
  const auto& entries = def_entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    const MPI_Datatype t = entries[i].handle;
    if (is_pair_type(t) || code(t) != static_cast<int32_t>(i)) continue;
    int size = 0;
    MPI_Type_size(t, &size);
    ASSERT_GT(size, 0) << entries[i].name;
    const FlatType f = flatten_datatype(t);
    SCOPED_TRACE(entries[i].name);
    expect_extents(f, size, 0, size, 0, size);
    EXPECT_EQ(f.blocks, (Blocks{{0, size, static_cast<int32_t>(i)}}));
  }
}

TEST(Flatten, BasicTypeSizes) {
  EXPECT_EQ(flatten_datatype(MPI_CHAR).blocks, (Blocks{{0, 1, code(MPI_CHAR)}}));
  EXPECT_EQ(flatten_datatype(MPI_INT).blocks, (Blocks{{0, 4, code(MPI_INT)}}));
  EXPECT_EQ(flatten_datatype(MPI_DOUBLE).blocks, (Blocks{{0, 8, code(MPI_DOUBLE)}}));
  EXPECT_EQ(flatten_datatype(MPI_LONG_DOUBLE).blocks, (Blocks{{0, 16, code(MPI_LONG_DOUBLE)}}));
  EXPECT_EQ(flatten_datatype(MPI_C_DOUBLE_COMPLEX).blocks, (Blocks{{0, 16, code(MPI_C_DOUBLE_COMPLEX)}}));
  EXPECT_EQ(flatten_datatype(MPI_INTEGER).blocks, (Blocks{{0, 4, code(MPI_INTEGER)}}));
}

TEST(Flatten, DatatypeNullIsEmpty) {
  const FlatType f = flatten_datatype(MPI_DATATYPE_NULL);
  expect_extents(f, 0, 0, 0, 0, 0);
  EXPECT_TRUE(f.blocks.empty());
}

// A pair type is one block of its own code over its true extent: the whole
// pair is the atomic element of an accumulate (rma-semantics.md section 4).
TEST(Flatten, PairTypesAreOneBlockOfTheirOwnCode) {
  FlatType f = flatten_datatype(MPI_2INT);
  expect_extents(f, 8, 0, 8, 0, 8);
  EXPECT_EQ(f.blocks, (Blocks{{0, 8, code(MPI_2INT)}}));

  f = flatten_datatype(MPI_FLOAT_INT);
  expect_extents(f, 8, 0, 8, 0, 8);
  EXPECT_EQ(f.blocks, (Blocks{{0, 8, code(MPI_FLOAT_INT)}}));

  f = flatten_datatype(MPI_DOUBLE_INT);
  expect_extents(f, 12, 0, 16, 0, 12);
  EXPECT_EQ(f.blocks, (Blocks{{0, 12, code(MPI_DOUBLE_INT)}}));

  f = flatten_datatype(MPI_LONG_INT);
  expect_extents(f, 12, 0, 16, 0, 12);
  EXPECT_EQ(f.blocks, (Blocks{{0, 12, code(MPI_LONG_INT)}}));

  f = flatten_datatype(MPI_SHORT_INT);  // short at 0, int at 4: the block covers the 2 padding bytes between
  expect_extents(f, 6, 0, 8, 0, 8);
  EXPECT_EQ(f.blocks, (Blocks{{0, 8, code(MPI_SHORT_INT)}}));

  f = flatten_datatype(MPI_LONG_DOUBLE_INT);
  expect_extents(f, 20, 0, 32, 0, 20);
  EXPECT_EQ(f.blocks, (Blocks{{0, 20, code(MPI_LONG_DOUBLE_INT)}}));

  EXPECT_EQ(flatten_datatype(MPI_2INTEGER).blocks, (Blocks{{0, 8, code(MPI_2INTEGER)}}));
  EXPECT_EQ(flatten_datatype(MPI_2REAL).blocks, (Blocks{{0, 8, code(MPI_2REAL)}}));
  EXPECT_EQ(flatten_datatype(MPI_2DOUBLE_PRECISION).blocks, (Blocks{{0, 16, code(MPI_2DOUBLE_PRECISION)}}));
  EXPECT_EQ(flatten_datatype(MPI_2COMPLEX).blocks, (Blocks{{0, 16, code(MPI_2COMPLEX)}}));
  EXPECT_EQ(flatten_datatype(MPI_2DOUBLE_COMPLEX).blocks, (Blocks{{0, 32, code(MPI_2DOUBLE_COMPLEX)}}));
  for (MPI_Datatype t : {MPI_2INT, MPI_SHORT_INT, MPI_2DOUBLE_COMPLEX}) EXPECT_TRUE(rmacheck::is_pair_type(t));
  EXPECT_FALSE(rmacheck::is_pair_type(MPI_INT));
}

// Contiguous pairs merge into one block (elements start every extent);
// padded ones stay one block per element.
TEST(Flatten, ArraysOfPairs) {
  OwnedType c, d;
  MPI_Type_contiguous(3, MPI_2INT, c.out());
  EXPECT_EQ(flatten_datatype(c).blocks, (Blocks{{0, 24, code(MPI_2INT)}}));
  MPI_Type_contiguous(2, MPI_DOUBLE_INT, d.out());
  EXPECT_EQ(flatten_datatype(d).blocks, (Blocks{{0, 12, code(MPI_DOUBLE_INT)}, {16, 12, code(MPI_DOUBLE_INT)}}));
}

TEST(BasicTypeHandle, InvertsTheCode) {
  EXPECT_EQ(rmacheck::basic_type_handle(code(MPI_INT)), MPI_INT);
  EXPECT_EQ(rmacheck::basic_type_handle(code(MPI_2INT)), MPI_2INT);
  EXPECT_EQ(rmacheck::basic_type_handle(-1), MPI_DATATYPE_NULL);
  EXPECT_EQ(rmacheck::basic_type_handle(100000), MPI_DATATYPE_NULL);
}

TEST(Flatten, Contiguous) {
  OwnedType t;
  MPI_Type_contiguous(5, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 20, 0, 20, 0, 20);
  EXPECT_EQ(f.blocks, (Blocks{{0, 20, code(MPI_INT)}}));
}

TEST(Flatten, ContiguousOfZeroIsEmpty) {
  OwnedType t;
  MPI_Type_contiguous(0, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  EXPECT_EQ(f.size, 0);
  EXPECT_TRUE(f.blocks.empty());
}

TEST(Flatten, HugeDenseContiguousIsOneBlock) {
  OwnedType t;
  MPI_Type_contiguous(1 << 30, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  EXPECT_FALSE(f.truncated);
  EXPECT_EQ(f.blocks, (Blocks{{0, int64_t{4} << 30, code(MPI_INT)}}));
}

TEST(Flatten, VectorWithStride) {
  OwnedType t;
  MPI_Type_vector(3, 2, 4, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 24, 0, 40, 0, 40);
  const int32_t i = code(MPI_INT);
  EXPECT_EQ(f.blocks, (Blocks{{0, 8, i}, {16, 8, i}, {32, 8, i}}));
}

TEST(Flatten, VectorWithNegativeStride) {
  OwnedType t;
  MPI_Type_vector(3, 1, -2, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 12, -16, 20, -16, 20);
  const int32_t i = code(MPI_INT);
  EXPECT_EQ(f.blocks, (Blocks{{0, 4, i}, {-8, 4, i}, {-16, 4, i}}));
}

TEST(Flatten, Hvector) {
  OwnedType t;
  MPI_Type_create_hvector(3, 1, 10, MPI_DOUBLE, t.out());
  const FlatType f = flatten_datatype(t);
  // The extent is padded to the alignment of double; the true extent is not.
  expect_extents(f, 24, 0, 32, 0, 28);
  const int32_t d = code(MPI_DOUBLE);
  EXPECT_EQ(f.blocks, (Blocks{{0, 8, d}, {10, 8, d}, {20, 8, d}}));
}

TEST(Flatten, Indexed) {
  OwnedType t;
  const int lengths[] = {2, 1, 3};
  const int displs[] = {4, 0, 10};
  MPI_Type_indexed(3, lengths, displs, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 24, 0, 52, 0, 52);
  const int32_t i = code(MPI_INT);
  // Typemap order, not address order.
  EXPECT_EQ(f.blocks, (Blocks{{16, 8, i}, {0, 4, i}, {40, 12, i}}));
}

TEST(Flatten, IndexedMergesTouchingBlocks) {
  OwnedType t;
  const int lengths[] = {1, 2, 1};
  const int displs[] = {0, 1, 5};
  MPI_Type_indexed(3, lengths, displs, MPI_SHORT, t.out());
  const int32_t s = code(MPI_SHORT);
  EXPECT_EQ(flatten_datatype(t).blocks, (Blocks{{0, 6, s}, {10, 2, s}}));
}

TEST(Flatten, Hindexed) {
  OwnedType t;
  const int lengths[] = {1, 2};
  const MPI_Aint displs[] = {0, 12};
  MPI_Type_create_hindexed(2, lengths, displs, MPI_DOUBLE, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 24, 0, 32, 0, 28);  // extent padded to double alignment
  const int32_t d = code(MPI_DOUBLE);
  EXPECT_EQ(f.blocks, (Blocks{{0, 8, d}, {12, 16, d}}));
}

TEST(Flatten, IndexedBlock) {
  OwnedType t;
  const int displs[] = {6, 0, 3};
  MPI_Type_create_indexed_block(3, 2, displs, MPI_FLOAT, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 24, 0, 32, 0, 32);
  const int32_t fl = code(MPI_FLOAT);
  EXPECT_EQ(f.blocks, (Blocks{{24, 8, fl}, {0, 8, fl}, {12, 8, fl}}));
}

TEST(Flatten, HindexedBlock) {
  OwnedType t;
  const MPI_Aint displs[] = {0, 9, 20};
  MPI_Type_create_hindexed_block(3, 2, displs, MPI_CHAR, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 6, 0, 22, 0, 22);
  const int32_t c = code(MPI_CHAR);
  EXPECT_EQ(f.blocks, (Blocks{{0, 2, c}, {9, 2, c}, {20, 2, c}}));
}

TEST(Flatten, StructWithPadding) {
  OwnedType t;
  const int lengths[] = {1, 1};
  const MPI_Aint displs[] = {0, 8};
  const MPI_Datatype types[] = {MPI_CHAR, MPI_DOUBLE};
  MPI_Type_create_struct(2, lengths, displs, types, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 9, 0, 16, 0, 16);
  EXPECT_EQ(f.blocks, (Blocks{{0, 1, code(MPI_CHAR)}, {8, 8, code(MPI_DOUBLE)}}));
}

TEST(Flatten, StructOfIntAndFloatKeepsBothBasics) {
  OwnedType t;
  const int lengths[] = {1, 1};
  const MPI_Aint displs[] = {0, 4};
  const MPI_Datatype types[] = {MPI_INT, MPI_FLOAT};
  MPI_Type_create_struct(2, lengths, displs, types, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 8, 0, 8, 0, 8);
  EXPECT_EQ(f.blocks, (Blocks{{0, 4, code(MPI_INT)}, {4, 4, code(MPI_FLOAT)}}));
}

TEST(Flatten, NestedVectorOfStruct) {
  OwnedType s, v;
  const int lengths[] = {1, 1};
  const MPI_Aint displs[] = {0, 8};
  const MPI_Datatype types[] = {MPI_INT, MPI_DOUBLE};
  MPI_Type_create_struct(2, lengths, displs, types, s.out());  // extent 16
  MPI_Type_vector(2, 2, 3, s, v.out());                        // elements 0,1 and 3,4
  const FlatType f = flatten_datatype(v);
  expect_extents(f, 48, 0, 80, 0, 80);
  const int32_t i = code(MPI_INT), d = code(MPI_DOUBLE);
  EXPECT_EQ(f.blocks,
            (Blocks{{0, 4, i}, {8, 8, d}, {16, 4, i}, {24, 8, d}, {48, 4, i}, {56, 8, d}, {64, 4, i}, {72, 8, d}}));
}

TEST(Flatten, SubarrayCOrder2D) {
  OwnedType t;
  const int sizes[] = {4, 5}, subsizes[] = {2, 3}, starts[] = {1, 2};
  MPI_Type_create_subarray(2, sizes, subsizes, starts, MPI_ORDER_C, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 24, 0, 80, 28, 32);
  const int32_t i = code(MPI_INT);
  // Rows 1..2, columns 2..4: element (r, c) at (5 r + c) * 4.
  EXPECT_EQ(f.blocks, (Blocks{{28, 12, i}, {48, 12, i}}));
}

TEST(Flatten, SubarrayFortranOrder2D) {
  OwnedType t;
  const int sizes[] = {4, 5}, subsizes[] = {2, 3}, starts[] = {1, 2};
  MPI_Type_create_subarray(2, sizes, subsizes, starts, MPI_ORDER_FORTRAN, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 24, 0, 80, 36, 40);
  const int32_t i = code(MPI_INT);
  // Element (a, b) at (a + 4 b) * 4, a in 1..2 contiguous, b in 2..4.
  EXPECT_EQ(f.blocks, (Blocks{{36, 8, i}, {52, 8, i}, {68, 8, i}}));
}

TEST(Flatten, SubarrayCOrder3D) {
  OwnedType t;
  const int sizes[] = {3, 4, 5}, subsizes[] = {2, 2, 2}, starts[] = {1, 1, 3};
  MPI_Type_create_subarray(3, sizes, subsizes, starts, MPI_ORDER_C, MPI_DOUBLE, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 64, 0, 480, 224, 216);
  const int32_t d = code(MPI_DOUBLE);
  // Element (a, b, c) at (20 a + 5 b + c) * 8.
  EXPECT_EQ(f.blocks, (Blocks{{224, 16, d}, {264, 16, d}, {384, 16, d}, {424, 16, d}}));
}

TEST(Flatten, SubarrayFortranOrder3D) {
  OwnedType t;
  const int sizes[] = {3, 4, 5}, subsizes[] = {2, 2, 2}, starts[] = {1, 1, 3};
  MPI_Type_create_subarray(3, sizes, subsizes, starts, MPI_ORDER_FORTRAN, MPI_CHAR, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 8, 0, 60, 40, 17);
  const int32_t c = code(MPI_CHAR);
  // Element (a, b, c) at a + 3 b + 12 c.
  EXPECT_EQ(f.blocks, (Blocks{{40, 2, c}, {43, 2, c}, {52, 2, c}, {55, 2, c}}));
}

TEST(Flatten, FullSubarrayIsOneBlock) {
  OwnedType t;
  const int sizes[] = {3, 4}, starts[] = {0, 0};
  MPI_Type_create_subarray(2, sizes, sizes, starts, MPI_ORDER_C, MPI_INT, t.out());
  EXPECT_EQ(flatten_datatype(t).blocks, (Blocks{{0, 48, code(MPI_INT)}}));
}

TEST(Flatten, DarrayBlockCOrder) {
  OwnedType t;
  const int gsizes[] = {4, 6}, psizes[] = {2, 2};
  const int distribs[] = {MPI_DISTRIBUTE_BLOCK, MPI_DISTRIBUTE_BLOCK};
  const int dargs[] = {MPI_DISTRIBUTE_DFLT_DARG, MPI_DISTRIBUTE_DFLT_DARG};
  MPI_Type_create_darray(4, 1, 2, gsizes, distribs, dargs, psizes, MPI_ORDER_C, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 24, 0, 96, 12, 36);
  const int32_t i = code(MPI_INT);
  // Rank 1 is grid (0, 1): rows 0..1, columns 3..5, element (r, c) at (6 r + c) * 4.
  EXPECT_EQ(f.blocks, (Blocks{{12, 12, i}, {36, 12, i}}));
}

TEST(Flatten, DarrayBlockFortranOrder) {
  OwnedType t;
  const int gsizes[] = {4, 6}, psizes[] = {2, 2};
  const int distribs[] = {MPI_DISTRIBUTE_BLOCK, MPI_DISTRIBUTE_BLOCK};
  const int dargs[] = {MPI_DISTRIBUTE_DFLT_DARG, MPI_DISTRIBUTE_DFLT_DARG};
  MPI_Type_create_darray(4, 1, 2, gsizes, distribs, dargs, psizes, MPI_ORDER_FORTRAN, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 24, 0, 96, 48, 40);
  const int32_t i = code(MPI_INT);
  // Grid (0, 1) again; element (a, b) at (a + 4 b) * 4, a in 0..1, b in 3..5.
  EXPECT_EQ(f.blocks, (Blocks{{48, 8, i}, {64, 8, i}, {80, 8, i}}));
}

TEST(Flatten, DarrayCyclic) {
  const int gsizes[] = {5}, psizes[] = {2};
  const int distribs[] = {MPI_DISTRIBUTE_CYCLIC}, dargs[] = {2};
  const int32_t i = code(MPI_INT);
  OwnedType t0, t1;
  MPI_Type_create_darray(2, 0, 1, gsizes, distribs, dargs, psizes, MPI_ORDER_C, MPI_INT, t0.out());
  MPI_Type_create_darray(2, 1, 1, gsizes, distribs, dargs, psizes, MPI_ORDER_C, MPI_INT, t1.out());
  // Blocks of two: rank 0 owns 0,1 and the partial last block 4; rank 1 owns 2,3.
  const FlatType f0 = flatten_datatype(t0);
  expect_extents(f0, 12, 0, 20, 0, 20);
  EXPECT_EQ(f0.blocks, (Blocks{{0, 8, i}, {16, 4, i}}));
  const FlatType f1 = flatten_datatype(t1);
  expect_extents(f1, 8, 0, 20, 8, 8);
  EXPECT_EQ(f1.blocks, (Blocks{{8, 8, i}}));
}

TEST(Flatten, DarrayOwningNothingIsEmpty) {
  OwnedType t;
  const int gsizes[] = {2}, psizes[] = {3};
  const int distribs[] = {MPI_DISTRIBUTE_BLOCK}, dargs[] = {MPI_DISTRIBUTE_DFLT_DARG};
  MPI_Type_create_darray(3, 2, 1, gsizes, distribs, dargs, psizes, MPI_ORDER_C, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 0, 0, 8, 0, 0);
  EXPECT_TRUE(f.blocks.empty());
}

TEST(Flatten, ResizedThenContiguous) {
  OwnedType r, c;
  MPI_Type_create_resized(MPI_INT, -4, 12, r.out());
  FlatType f = flatten_datatype(r);
  expect_extents(f, 4, -4, 12, 0, 4);
  const int32_t i = code(MPI_INT);
  EXPECT_EQ(f.blocks, (Blocks{{0, 4, i}}));

  MPI_Type_contiguous(3, r, c.out());
  f = flatten_datatype(c);
  expect_extents(f, 12, -4, 36, 0, 28);
  EXPECT_EQ(f.blocks, (Blocks{{0, 4, i}, {12, 4, i}, {24, 4, i}}));
}

TEST(Flatten, Dup) {
  OwnedType v, d, p;
  MPI_Type_vector(2, 1, 3, MPI_DOUBLE, v.out());
  MPI_Type_dup(v, d.out());
  const FlatType f = flatten_datatype(d);
  expect_extents(f, 16, 0, 32, 0, 32);
  const int32_t dbl = code(MPI_DOUBLE);
  EXPECT_EQ(f.blocks, (Blocks{{0, 8, dbl}, {24, 8, dbl}}));

  MPI_Type_dup(MPI_INT, p.out());
  EXPECT_EQ(flatten_datatype(p).blocks, (Blocks{{0, 4, code(MPI_INT)}}));
}

TEST(Flatten, HindexedWithNegativeDisplacement) {
  OwnedType t;
  const int lengths[] = {1, 1};
  const MPI_Aint displs[] = {-8, 4};
  MPI_Type_create_hindexed(2, lengths, displs, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  expect_extents(f, 8, -8, 16, -8, 16);
  const int32_t i = code(MPI_INT);
  EXPECT_EQ(f.blocks, (Blocks{{-8, 4, i}, {4, 4, i}}));
}

TEST(Flatten, F90RealIsItsFortranType) {
  MPI_Datatype real;  // predefined: must not be freed
  MPI_Type_create_f90_real(15, MPI_UNDEFINED, &real);
  EXPECT_EQ(flatten_datatype(real).blocks, (Blocks{{0, 8, code(MPI_REAL8)}}));
  OwnedType c;
  MPI_Type_contiguous(2, real, c.out());
  EXPECT_EQ(flatten_datatype(c).blocks, (Blocks{{0, 16, code(MPI_REAL8)}}));
}

TEST(Flatten, CommittedAndUncommittedAgree) {
  OwnedType t;
  MPI_Type_vector(4, 1, 2, MPI_SHORT, t.out());
  const Blocks before = flatten_datatype(t).blocks;
  t.commit();
  EXPECT_EQ(flatten_datatype(t).blocks, before);
  EXPECT_EQ(before.size(), 4u);
}

// get_contents returns new references to derived types; flattening must
// release exactly those, leaving the user's handles valid.
TEST(Flatten, DoesNotOverFreeInnerTypes) {
  OwnedType inner, outer;
  MPI_Type_vector(2, 1, 2, MPI_INT, inner.out());
  const int lengths[] = {1, 1};
  const MPI_Aint displs[] = {0, 32};
  const MPI_Datatype types[] = {inner, inner};
  MPI_Type_create_struct(2, lengths, displs, types, outer.out());
  for (int k = 0; k < 1000; ++k) flatten_datatype(outer);
  int size = 0;
  MPI_Type_size(inner, &size);
  EXPECT_EQ(size, 8);
  inner.commit();
  EXPECT_EQ(flatten_datatype(inner).blocks.size(), 2u);
}

// Relies on Open MPI's handle table: a datatype object keeps its Fortran
// handle slot until its last reference is gone, and new types take the lowest
// free slots. So if flattening leaked a reference, the slots of the freed
// types would not be handed out again.
TEST(Flatten, ReleasesContentsReferences) {
  MPI_Datatype inner, dup, outer;
  MPI_Type_vector(2, 1, 2, MPI_INT, &inner);
  MPI_Type_dup(inner, &dup);
  const int lengths[] = {1, 1};
  const MPI_Aint displs[] = {0, 32};
  const MPI_Datatype types[] = {dup, MPI_DOUBLE};
  MPI_Type_create_struct(2, lengths, displs, types, &outer);
  std::vector<MPI_Fint> slots = {MPI_Type_c2f(inner), MPI_Type_c2f(dup), MPI_Type_c2f(outer)};
  for (int k = 0; k < 10; ++k) flatten_datatype(outer);
  MPI_Type_free(&outer);
  MPI_Type_free(&dup);
  MPI_Type_free(&inner);

  OwnedType fresh[3];
  std::vector<MPI_Fint> reused;
  for (OwnedType& t : fresh) {
    MPI_Type_contiguous(1, MPI_INT, t.out());
    reused.push_back(MPI_Type_c2f(t));
  }
  std::sort(slots.begin(), slots.end());
  std::sort(reused.begin(), reused.end());
  EXPECT_EQ(reused, slots);
}

TEST(Flatten, TruncatedBeyondMaxBlocks) {
  OwnedType t;
  const int count = 1 << 21;
  MPI_Type_vector(count, 1, 2, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  EXPECT_TRUE(f.truncated);
  EXPECT_EQ(f.size, int64_t{4} * count);
  EXPECT_EQ(f.true_lb, 0);
  EXPECT_EQ(f.true_extent, int64_t{8} * (count - 1) + 4);
  EXPECT_EQ(f.blocks, (Blocks{{0, f.true_extent, kBasicMixed}}));
}

TEST(Flatten, ExactlyMaxBlocksIsNotTruncated) {
  OwnedType t;
  MPI_Type_vector(static_cast<int>(kMaxBlocks), 1, 2, MPI_INT, t.out());
  const FlatType f = flatten_datatype(t);
  EXPECT_FALSE(f.truncated);
  ASSERT_EQ(f.blocks.size(), kMaxBlocks);
  EXPECT_EQ(f.blocks.back(), (TypeBlock{int64_t{8} * (kMaxBlocks - 1), 4, code(MPI_INT)}));
}

// --- Cross-check against Open MPI's own packing -------------------------

// Packing one instance from a buffer of random bytes must yield the bytes of
// the flattened blocks in block order, and unpacking must write exactly the
// bytes the blocks cover.
void expect_matches_mpi_packing(MPI_Datatype type, std::mt19937& rng) {
  OwnedType t;
  MPI_Type_dup(type, t.out());
  t.commit();
  const FlatType f = flatten_datatype(t);
  ASSERT_FALSE(f.truncated);
  const int64_t lo = std::min<int64_t>(f.true_lb, 0);
  const int64_t hi = std::max<int64_t>(f.true_lb + f.true_extent, 0);
  std::vector<unsigned char> buf(hi - lo + 1);
  unsigned char* origin = buf.data() - lo;

  std::uniform_int_distribution<int> byte(0, 255);
  for (auto& b : buf) b = static_cast<unsigned char>(byte(rng));
  // The bytes MPI packs: the blocks, except the padding inside MPI_SHORT_INT
  // blocks (short at 0, int at 4 of every 8 bytes), which the flattener covers.
  std::vector<TypeBlock> parts;
  for (const TypeBlock& b : f.blocks) {
    ASSERT_GE(b.offset, f.true_lb);
    ASSERT_LE(b.offset + b.length, f.true_lb + f.true_extent);
    if (b.basic != code(MPI_SHORT_INT)) {
      parts.push_back(b);
      continue;
    }
    for (int64_t at = b.offset; at < b.offset + b.length; at += 8) {
      parts.push_back({at, 2, b.basic});
      parts.push_back({at + 4, 4, b.basic});
    }
  }
  std::vector<unsigned char> expected;
  for (const TypeBlock& b : parts) expected.insert(expected.end(), origin + b.offset, origin + b.offset + b.length);
  int pack_size = 0;
  MPI_Pack_size(1, t, MPI_COMM_SELF, &pack_size);
  std::vector<unsigned char> packed(pack_size + 1);
  int position = 0;
  MPI_Pack(origin, 1, t, packed.data(), pack_size, &position, MPI_COMM_SELF);
  packed.resize(position);
  EXPECT_EQ(packed, expected);

  std::vector<bool> covered(buf.size(), false);
  for (const TypeBlock& b : parts) {
    for (int64_t k = 0; k < b.length; ++k) covered[b.offset + k - lo] = true;
  }
  std::fill(buf.begin(), buf.end(), 0xff);
  std::fill(packed.begin(), packed.end(), 0x00);
  position = 0;
  MPI_Unpack(packed.data(), static_cast<int>(packed.size()), &position, origin, 1, t, MPI_COMM_SELF);
  for (size_t k = 0; k < buf.size(); ++k) {
    EXPECT_EQ(buf[k] == 0x00, covered[k]) << "byte at offset " << int64_t(k) + lo;
  }
}

TEST(PackingCrossCheck, HandWrittenTypes) {
  std::mt19937 rng(1);
  OwnedType s, v, h, r, c;
  const int lengths[] = {1, 2, 1};
  const MPI_Aint displs[] = {0, 4, 24};
  const MPI_Datatype types[] = {MPI_CHAR, MPI_FLOAT, MPI_DOUBLE};
  MPI_Type_create_struct(3, lengths, displs, types, s.out());
  MPI_Type_vector(3, 2, -5, s, v.out());
  const int hl[] = {2, 1};
  const MPI_Aint hd[] = {100, -300};
  MPI_Type_create_hindexed(2, hl, hd, v, h.out());
  MPI_Type_create_resized(h, -16, 40, r.out());
  MPI_Type_contiguous(3, r, c.out());
  for (MPI_Datatype t :
       {MPI_Datatype(s), MPI_Datatype(v), MPI_Datatype(h), MPI_Datatype(c), MPI_DOUBLE_INT, MPI_SHORT_INT}) {
    expect_matches_mpi_packing(t, rng);
  }
}

TEST(PackingCrossCheck, RandomSubarrays) {
  std::mt19937 rng(2);
  auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  OwnedType elem;
  const int lengths[] = {1, 1};
  const MPI_Aint displs[] = {0, 4};
  const MPI_Datatype types[] = {MPI_SHORT, MPI_INT};
  MPI_Type_create_struct(2, lengths, displs, types, elem.out());
  for (int iter = 0; iter < 200; ++iter) {
    const int ndims = pick(1, 3);
    std::vector<int> sizes(ndims), subsizes(ndims), starts(ndims);
    for (int d = 0; d < ndims; ++d) {
      sizes[d] = pick(1, 6);
      subsizes[d] = pick(1, sizes[d]);
      starts[d] = pick(0, sizes[d] - subsizes[d]);
    }
    const int order = pick(0, 1) ? MPI_ORDER_C : MPI_ORDER_FORTRAN;
    const MPI_Datatype old = pick(0, 1) ? MPI_INT : MPI_Datatype(elem);
    OwnedType t;
    MPI_Type_create_subarray(ndims, sizes.data(), subsizes.data(), starts.data(), order, old, t.out());
    SCOPED_TRACE("subarray iteration " + std::to_string(iter));
    expect_matches_mpi_packing(t, rng);
  }
}

TEST(PackingCrossCheck, RandomDarrays) {
  std::mt19937 rng(3);
  auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int iter = 0; iter < 100; ++iter) {
    const int ndims = pick(1, 3);
    std::vector<int> gsizes(ndims), distribs(ndims), dargs(ndims), psizes(ndims);
    int nprocs = 1;
    for (int d = 0; d < ndims; ++d) {
      gsizes[d] = pick(1, 9);
      distribs[d] = std::vector<int>{MPI_DISTRIBUTE_BLOCK, MPI_DISTRIBUTE_CYCLIC, MPI_DISTRIBUTE_NONE}[pick(0, 2)];
      psizes[d] = distribs[d] == MPI_DISTRIBUTE_NONE ? 1 : pick(1, 3);
      dargs[d] = MPI_DISTRIBUTE_DFLT_DARG;
      if (distribs[d] == MPI_DISTRIBUTE_CYCLIC && pick(0, 1)) dargs[d] = pick(1, 3);
      if (distribs[d] == MPI_DISTRIBUTE_BLOCK && pick(0, 1)) {
        const int min_block = (gsizes[d] + psizes[d] - 1) / psizes[d];
        dargs[d] = pick(min_block, min_block + 2);
      }
      nprocs *= psizes[d];
    }
    const int order = pick(0, 1) ? MPI_ORDER_C : MPI_ORDER_FORTRAN;
    for (int rank = 0; rank < nprocs; ++rank) {
      OwnedType t;
      MPI_Type_create_darray(nprocs, rank, ndims, gsizes.data(), distribs.data(), dargs.data(), psizes.data(), order,
                             MPI_INT, t.out());
      SCOPED_TRACE("darray iteration " + std::to_string(iter) + " rank " + std::to_string(rank));
      expect_matches_mpi_packing(t, rng);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  MPI_Init(&argc, &argv);
  const int result = RUN_ALL_TESTS();
  MPI_Finalize();
  return result;
}
