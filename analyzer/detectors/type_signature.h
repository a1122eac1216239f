// Type signatures (the sequence of basic types a count x datatype
// describes), as RMA calls and matched messages must agree on them: built
// from a rank's logged datatype layouts (TYPEDEF records), compared with the
// leniencies of rma_argument_detector.cpp's header (types of one C
// representation on LP64 compare equal; MPI_BYTE/MPI_PACKED sides compare by
// size only).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "log/log_reader.h"

namespace rmacheck {

struct SignatureRun {
  int cls;  // equivalence class of the basic type
  int64_t bytes;
  bool operator==(const SignatureRun& o) const { return cls == o.cls && bytes == o.bytes; }
};

struct Signature {
  bool known = false;  // false: layout missing, truncated or too long to compare
  bool has_byte = false;
  int64_t total = 0;
  std::vector<SignatureRun> runs;
};

// The name of a predefined type's basic code ("MPI_INT"), null if none.
const char* basic_name(int64_t code);
// With expand_pairs, a pair type counts as its two halves (MPI_2INT matches
// 2 x MPI_INT); without, as one predefined type of its own (the accumulate
// rule "built from one predefined type": pair types are predefined).
Signature signature(const RankLog& log, int64_t type, int64_t count, bool expand_pairs = true);
// Equal signatures (true when either is unknown).
bool same_signature(const Signature& a, const Signature& b);
// A message of signature `sent` may be received into `posted` (MPI: the
// sent signature is a prefix of the receive's); `truncated` when it is
// longer than the receive buffer. True when either is unknown.
bool receivable(const Signature& sent, const Signature& posted, bool& truncated);
// "4 x MPI_DOUBLE", "1 x derived datatype (32 bytes of MPI_DOUBLE)".
std::string describe_type(const RankLog& log, int64_t count, int64_t type);

}  // namespace rmacheck
