// A parsed rank log as bytes and back, member for member, so that a process
// of a parallel analysis that did not read a log itself gets the RankLog the
// reading process built (parallel/mpi_analyze_main.cpp: each process reads
// only its share of the files). Events, fields and values go as the arrays
// they are (one copy each way), not re-encoded: the bytes are only ever read
// by the same build that wrote them, within one analysis.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "log/log_reader.h"

namespace rmacheck {

// What read_rank_log returned for one file, and what it read.
std::vector<uint8_t> encode_rank_log(bool usable, const RankLog& log);
// False (with `error`) when the bytes are not what encode_rank_log writes.
bool decode_rank_log(const uint8_t* data, size_t size, bool& usable, RankLog& log, std::string& error);

}  // namespace rmacheck
