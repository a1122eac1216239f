// Happens-before between the threads of one rank, from the program's thread
// synchronization that the interposer logged (kRecThreadSync records,
// interpose/thread_sync.cpp): what orders one thread's MPI calls and loads/
// stores before another thread's (rma-semantics.md section 7).
//
// - release -> acquire on one object: an acquire with count c follows the
//   releases of the same object with counts <= c (mutex unlock -> a later
//   lock, condition signal -> the wait's return, pthread_create -> the
//   child's start, the child's end -> pthread_join, an OpenMP fork -> each
//   member's start, each member's end -> the join);
// - barriers: every arrival of a generation happens before every departure
//   of that generation (pthread_barrier_wait, OpenMP team barriers).
// Nothing else orders two threads: not real time, and not the MPI library's
// own locking.
#pragma once

#include <cstdint>
#include <vector>

#include "log/log_reader.h"
#include "model/happens_before.h"

namespace rmacheck {

// The threads that have events in the log, in order of their first event (the MPI_Init caller first).
std::vector<int64_t> rank_threads(const RankLog& log);
// The log has thread-synchronization records: its threads are program orders of their own.
bool has_thread_sync(const RankLog& log);

struct ThreadEdge {
  std::vector<Node> sources, dests;  // every source happens before every destination
};
std::vector<ThreadEdge> thread_order_edges(const RankLog& log);

}  // namespace rmacheck
