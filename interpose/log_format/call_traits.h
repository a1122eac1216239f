// The traits of every wrapped call (call_traits.def): what kind of call it
// is, its part in epochs, requests and messages, whether and how it is
// collective, and which log fields hold its buffers, handles, ranks and
// tags. Analyses ask call_traits(call) instead of listing calls by hand, so
// a new call is described once, next to its wrapper in mpi_calls.def.
//
// The argument rows describe the log, not the C prototype: a row names the
// field the wrapper records an argument in (a datatype argument logged in
// several fields, like Fetch_and_op's, has one handle row). An argument the
// wrapper does not record has no row. A generic check of arguments loops
// over buffers(), handles(), ranks() and tags() of the call.
#pragma once

#include <cstddef>
#include <cstdint>

#include "call_ids.h"
#include "log_format.h"

namespace rmacheck {

enum class CallFamily : uint8_t {
  kRma,          // RMA communication: Put, Get, Accumulate, ..., R* variants
  kSync,         // RMA synchronization: fence, lock/unlock, flush, PSCW, Win_sync
  kRequest,      // Start, Wait/Test, Request_free, Cancel
  kP2p,          // sends, receives, probes (blocking, nonblocking, persistent)
  kCollective,   // collective communication (blocking, nonblocking, persistent)
  kObject,       // windows, communicators, groups, datatypes, ops: create, query, free
  kLifecycle,    // Init, Finalize, Abort
  kLocalAccess,  // not an MPI call: the program's own load or store (instrumented builds)
  kThreadSync,   // not an MPI call: the program's thread synchronization (pthreads, OpenMP)
  kStopNote,     // not an MPI call: where a stop signal found a thread outside MPI
};

// What a call does for the analyses; kNone for most object and collective calls.
enum class CallRole : uint8_t {
  kNone,
  // RMA communication: what it does to target memory.
  kPut,
  kGet,
  kAccumulate,     // Accumulate, Raccumulate (MPI_NO_OP not allowed)
  kGetAccumulate,  // Get_accumulate, Rget_accumulate, Fetch_and_op (fetching; MPI_NO_OP reads)
  kCompareAndSwap,
  // RMA synchronization: the call's part in epochs (rma-semantics.md section 5).
  kFence,
  kLock,
  kUnlock,
  kLockAll,
  kUnlockAll,
  kFlush,
  kFlushAll,
  kFlushLocal,
  kFlushLocalAll,
  kWinSync,
  kPost,
  kStart,
  kComplete,
  kWait,
  kTest,  // Win_test: a Win_wait when it returns flag = true
  // Requests.
  kStartRequests,     // Start, Startall
  kCompleteRequests,  // Wait*, Test*: the ids they completed are in kF_done
  kFreeRequest,
  kCancelRequest,
  kPready,    // Pready, Pready_range, Pready_list: partitions of an active partitioned send are ready
  kParrived,  // Parrived: asks whether a partition of an active partitioned receive arrived
  // Point-to-point: the message the call sends or consumes.
  kSend,
  kRecv,
  kSendRecv,
  kProbe,         // Probe, Iprobe: look at a message, consume none
  kMatchedProbe,  // Mprobe, Improbe (flag = true): take the message out of matching
  kMatchedRecv,   // Mrecv, Imrecv: receive a message a matched probe took
  // Windows.
  kWinCreate,
  kWinAttach,
  kWinDetach,
  kWinFree,
  // Lifecycle.
  kInit,
  kFinalize,
  kAbort,
};

// Over whom a call is collective (every member must make it, in the same order).
enum class Collective : uint8_t {
  kLocal,
  kComm,    // the communicator's members (kF_comm)
  kGroup,   // the members of the group argument (Comm_create_group)
  kWindow,  // the window's group (Win_fence, Win_free)
  kWorld,   // every process (Init, Finalize)
};

// The happens-before order a collective gives (rma-semantics.md section 3).
enum class CollectiveShape : uint8_t {
  kNoOrder,    // none MPI guarantees (communicator and window creation, ...)
  kAllToAll,   // every member's call before every member's completion
  kRootToAll,  // the root's call before the others' completion (Bcast, Scatter)
  kAllToRoot,  // the others' calls before the root's completion (Reduce, Gather)
  kPrefix,     // lower ranks' calls before a rank's completion (Scan, Exscan)
};

// When the operation a call starts is complete.
enum class Completion : uint8_t {
  kBlocking,    // when the call returns
  kRequest,     // nonblocking: when the request it makes (kF_new_req) completes
  kPersistent,  // makes an inactive persistent request: each start completes at its Wait/Test
  kEpoch,       // RMA communication: at the synchronization that ends its epoch (or a flush)
};

enum class BufferUse : uint8_t {
  kRead,
  kWrite,
  kBroadcast,     // read at the root, written by the others
  kTargetRead,    // RMA, window memory of the target: addr is the displacement (dynamic windows: the address)
  kTargetWrite,   //   a plain write
  kTargetUpdate,  //   an atomic update (an atomic read under MPI_NO_OP)
  kWindowMemory,  // memory a window exposes (Win_create, Win_attach); count in bytes, no type
};

enum class HandleKind : uint8_t { kDatatype, kComm, kGroup, kWin, kRequest, kOp, kInfo };

enum class HandleUse : uint8_t {
  kUse,        // must be a live handle; a datatype must also be committed
  kUseOrNull,  // live, or the null handle (MPI_REQUEST_NULL in Wait/Test)
  kBuildFrom,  // a datatype a constructor derives from: live, committed or not
  kCommit,     // the datatype Type_commit commits
  kCreate,     // made by the call (an output)
  kFree,       // released by the call
};

// Whose ranks a rank argument names (the log holds it as a world rank, or
// encoded by log_format.h when it names no process).
enum class RankGroup : uint8_t { kCommGroup, kWindowGroup };

// Special values a rank or tag argument may take (flags).
enum SpecialArgs : uint8_t {
  kNoSpecial = 0,
  kProcNullOk = 1,       // MPI_PROC_NULL (logged as kRankProcNull)
  kAnySourceOk = 2,      // MPI_ANY_SOURCE (kRankAny)
  kIntercommRootOk = 4,  // a root on an intercommunicator: MPI_ROOT or MPI_PROC_NULL
  kAnyTagOk = 8,         // MPI_ANY_TAG (kTagAny)
};

// "Not logged": the type of a kWindowMemory buffer.
constexpr FieldId kF_none = kFieldCount;

struct BufferArg {
  CallId call;
  FieldId addr, count, type;
  BufferUse use;
};
struct HandleArg {
  CallId call;
  FieldId field;
  HandleKind kind;
  HandleUse use;
};
struct RankArg {
  CallId call;
  FieldId field;
  RankGroup group;
  uint8_t allowed;  // SpecialArgs
};
struct TagArg {
  CallId call;
  FieldId field;
  uint8_t allowed;  // SpecialArgs
};

// The rows of one call in one of the argument tables.
template <class T>
struct Rows {
  const T* first = nullptr;
  const T* last = nullptr;
  constexpr const T* begin() const { return first; }
  constexpr const T* end() const { return last; }
  constexpr size_t size() const { return static_cast<size_t>(last - first); }
  constexpr bool empty() const { return first == last; }
};

struct CallTraits {
  CallId id;
  CallFamily family;
  CallRole role;
  Collective collective;
  CollectiveShape shape;
  Completion completion;
  Rows<BufferArg> buffers;
  Rows<HandleArg> handles;
  Rows<RankArg> ranks;
  Rows<TagArg> tags;

  constexpr bool is_rma() const { return family == CallFamily::kRma; }
  // Accumulate-family RMA: element-wise atomic, predefined ops only.
  constexpr bool is_accumulate() const {
    return role == CallRole::kAccumulate || role == CallRole::kGetAccumulate || role == CallRole::kCompareAndSwap;
  }
  constexpr bool makes_persistent_request() const { return completion == Completion::kPersistent; }
  // A call MPI lets return at once, whatever other processes do (RMA communication, starting requests,
  // nonblocking point-to-point). No analysis uses how long it took, so the interposer reads the clock
  // once for it and logs a duration of 0 (t_exit = t_enter; a hang inside it still shows: no exit).
  constexpr bool returns_at_once() const {
    return is_rma() || role == CallRole::kStartRequests ||
           (family == CallFamily::kP2p && completion == Completion::kRequest);
  }
  constexpr bool is_collective() const { return collective != Collective::kLocal; }
  // A collective that does not return before its partners have called it, as far as
  // the program can tell: blocking collectives, object creation and freeing, fences,
  // persistent collective initialization (MPI-4: non-local), Finalize.
  constexpr bool waits_for_partners() const { return is_collective() && completion != Completion::kRequest; }
  // Sends a message (point-to-point).
  constexpr bool sends() const { return role == CallRole::kSend || role == CallRole::kSendRecv; }
  // Receives a message that it matches itself (not a probed one).
  constexpr bool receives() const { return role == CallRole::kRecv || role == CallRole::kSendRecv; }
  // RMA: does the call change target memory, given its op (an accumulate with MPI_NO_OP only reads)?
  constexpr bool updates_target(int64_t op) const {
    switch (role) {
      case CallRole::kPut:
      case CallRole::kCompareAndSwap:
        return true;
      case CallRole::kAccumulate:
      case CallRole::kGetAccumulate:
        return op != kOp_MPI_NO_OP;
      default:
        return false;
    }
  }
  constexpr const RankArg* rank(FieldId f) const {
    for (const RankArg& r : ranks)
      if (r.field == f) return &r;
    return nullptr;
  }
};

namespace call_traits_detail {

// clang-format off
#define RMACHECK_CALL(name, ...)
#define RMACHECK_HANDLE(name, ...)
#define RMACHECK_RANK(name, ...)
#define RMACHECK_TAG(name, ...)
#undef RMACHECK_BUFFER
#define RMACHECK_BUFFER(name, addr, count, type, use) \
  {kCall_##name, kF_##addr, kF_##count, kF_##type, BufferUse::use},
inline constexpr BufferArg kBuffers[] = {
#include "call_traits.def"
};
#undef RMACHECK_BUFFER
#define RMACHECK_BUFFER(name, ...)
#undef RMACHECK_HANDLE
#define RMACHECK_HANDLE(name, field, kind, use) {kCall_##name, kF_##field, HandleKind::kind, HandleUse::use},
inline constexpr HandleArg kHandles[] = {
#include "call_traits.def"
};
#undef RMACHECK_HANDLE
#define RMACHECK_HANDLE(name, ...)
#undef RMACHECK_RANK
#define RMACHECK_RANK(name, field, group, allowed) \
  {kCall_##name, kF_##field, RankGroup::group, static_cast<uint8_t>(allowed)},
inline constexpr RankArg kRanks[] = {
#include "call_traits.def"
};
#undef RMACHECK_RANK
#define RMACHECK_RANK(name, ...)
#undef RMACHECK_TAG
#define RMACHECK_TAG(name, field, allowed) {kCall_##name, kF_##field, static_cast<uint8_t>(allowed)},
inline constexpr TagArg kTags[] = {
#include "call_traits.def"
};
#undef RMACHECK_TAG
#define RMACHECK_TAG(name, ...)
// clang-format on

// Rows of `call` in a table grouped by call (checked below).
template <class T, size_t N>
constexpr Rows<T> rows_of(const T (&table)[N], CallId call) {
  size_t i = 0;
  while (i < N && table[i].call < call) ++i;
  size_t j = i;
  while (j < N && table[j].call == call) ++j;
  return {table + i, table + j};
}

#undef RMACHECK_CALL
#define RMACHECK_CALL(name, family, role, collective, shape, completion) \
  {kCall_##name,                                                         \
   CallFamily::family,                                                   \
   CallRole::role,                                                       \
   Collective::collective,                                               \
   CollectiveShape::shape,                                               \
   Completion::completion,                                               \
   rows_of(kBuffers, kCall_##name),                                      \
   rows_of(kHandles, kCall_##name),                                      \
   rows_of(kRanks, kCall_##name),                                        \
   rows_of(kTags, kCall_##name)},
inline constexpr CallTraits kCalls[] = {
#include "call_traits.def"
};
#undef RMACHECK_CALL
#undef RMACHECK_BUFFER
#undef RMACHECK_HANDLE
#undef RMACHECK_RANK
#undef RMACHECK_TAG

constexpr bool one_row_per_call_in_order() {
  if (sizeof kCalls / sizeof kCalls[0] != kCallCount) return false;
  for (int i = 0; i < kCallCount; ++i)
    if (kCalls[i].id != i) return false;
  return true;
}
template <class T, size_t N>
constexpr bool grouped_by_call(const T (&table)[N]) {
  for (size_t i = 1; i < N; ++i)
    if (table[i].call < table[i - 1].call) return false;
  return true;
}
static_assert(one_row_per_call_in_order(),
              "call_traits.def needs one RMACHECK_CALL row per call id of call_ids.h, in the same order");
static_assert(grouped_by_call(kBuffers) && grouped_by_call(kHandles) && grouped_by_call(kRanks) &&
                  grouped_by_call(kTags),
              "call_traits.def: argument rows must follow the RMACHECK_CALL row of their call");

inline constexpr CallTraits kUnknownCall{kCallCount,
                                         CallFamily::kObject,
                                         CallRole::kNone,
                                         Collective::kLocal,
                                         CollectiveShape::kNoOrder,
                                         Completion::kBlocking,
                                         {},
                                         {},
                                         {},
                                         {}};

}  // namespace call_traits_detail

// The traits of `call`; an id outside the table (never read from a valid log) gets a local call without arguments.
constexpr const CallTraits& call_traits(CallId call) {
  return call >= 0 && call < kCallCount ? call_traits_detail::kCalls[call] : call_traits_detail::kUnknownCall;
}

}  // namespace rmacheck
