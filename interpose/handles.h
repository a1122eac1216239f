// Maps the MPI library's handles to the ids the log uses.
//
// Communicator and window ids must be the same on every member, so that the
// analyzer can line up the ranks' logs; they are derived without extra
// communication for communicators (hash of the member list plus how many
// communicators with that member list this process made before: MPI orders
// collective creation calls, so every member counts the same) and agreed on
// during the Allgather that records window geometry for windows. Requests,
// datatypes, groups and ops are local objects and get per-rank ids.
#pragma once

#include <mpi.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace rmacheck {

// enable_shared_from_this: the Recorder holds a call's communicator by plain pointer (no reference count
// taken on the hot path) and makes a CommRef of it only when a request or message keeps it.
struct CommInfo : std::enable_shared_from_this<CommInfo> {
  int64_t id = 0;
  std::vector<int> members;  // world rank of each comm rank (local group)
  std::vector<int> remote;   // world rank of each rank peers are named in (remote group of an intercomm)
  bool intercomm = false;
  // World rank of a rank argument; MPI_ANY_SOURCE / MPI_PROC_NULL as kRankAny / kRankProcNull,
  // a rank that names no member by encode_invalid_rank (log_format.h).
  int64_t world_rank_of(int rank) const;
};
using CommRef = std::shared_ptr<const CommInfo>;

struct WinInfo {
  int64_t id = 0;
  std::vector<int> members;
};
using WinRef = std::shared_ptr<const WinInfo>;

struct RequestInfo {
  int64_t id = 0;
  bool persistent = false;
  CommRef comm;  // to translate the status source at completion (may be null for RMA requests)
};

// A datatype, communicator, window, op or group handle the program freed (and MPI has not
// returned again) keeps its old id in the log, so that the analyzer can say where it was freed, and is
// never passed to a PMPI call of ours: the program's call must be in the log
// before the MPI library rejects the handle.

// Changes whenever a handle argument could be logged differently than before: a window, communicator,
// datatype, op or group made, freed or first seen (every registry here but requests and messages), or
// the module map rescanned. A call whose logged fields are a function of its argument values may reuse
// the fields of an earlier call with the same values while this stays the same (recorder.h).
extern std::atomic<uint64_t> g_arguments_epoch;
inline uint64_t arguments_epoch() { return g_arguments_epoch.load(std::memory_order_acquire); }
inline void arguments_changed() { g_arguments_epoch.fetch_add(1, std::memory_order_release); }

// Communicators. Unknown handles (made by calls rmacheck does not wrap) are registered on first sight;
// a freed one gives its old info.
CommRef comm_info(MPI_Comm c);
// The same for the Recorder's one lookup per call, without a reference count: the hot calls name the
// same communicator and window again and again, and a shared_ptr copy and release are two atomic
// read-modify-writes per call. The info is held by this thread's cache of the function, so the pointer
// is valid until this thread's next call of the same function.
const CommInfo* comm_info_for_call(MPI_Comm c);
CommRef register_comm(MPI_Comm c, bool created = true);
void forget_comm(MPI_Comm c);

WinRef win_info(MPI_Win w);                   // a freed window: its old info
const WinInfo* win_info_for_call(MPI_Win w);  // as comm_info_for_call
// Records a new window: collective over comm, gathers every member's geometry.
struct WinGeometry {
  std::vector<int64_t> bases, sizes, units;
};
WinRef register_window(MPI_Win w, MPI_Comm comm, const void* base, MPI_Aint size, int disp_unit, WinGeometry& out);
void forget_window(MPI_Win w);

// A handle may stand for several live requests (Open MPI's shared request of
// MPI_PROC_NULL operations): request_view gives the nth oldest (the last one
// if there are fewer) and returns how many share the handle (0: unknown
// handle); forget_request drops the one with that id.
int64_t register_request(MPI_Request r, bool persistent, CommRef comm);
// What a wrapped call needs of a request it names, without a reference count taken: the communicator
// is the registry entry's. Valid for the calling thread's call (until it forgets the request): MPI lets
// one thread at a time use a request (waiting on or freeing one from two threads at once is erroneous).
// A per-thread cache answers the hot loops (the same persistent requests again and again) without the
// registry's lock while no request was made or forgotten since.
struct RequestView {
  int64_t id = 0;
  bool persistent = false;
  const CommInfo* comm = nullptr;
};
size_t request_view(MPI_Request r, RequestView& out, size_t nth = 0);
void forget_request(MPI_Request r, int64_t id);

// Datatype id; the first time a type is seen (or when it is committed) its flattened layout is logged.
// A freed type gives its old id; *usable says whether PMPI calls may be made on the handle.
int64_t datatype_id(MPI_Datatype t, bool* usable = nullptr);
int64_t register_datatype(MPI_Datatype t);  // a new derived type (id only; layout at commit or first use)
void log_datatype_layout(MPI_Datatype t);   // at commit
void forget_datatype(MPI_Datatype t);

int64_t op_id(MPI_Op op);
int64_t register_op(MPI_Op op);
void forget_op(MPI_Op op);

// A group handle may be returned again while the program holds it (a new
// reference): each reference has its own id; group_id names the newest,
// forget_group drops it.
int64_t register_group(MPI_Group g, std::vector<int>& world_members);
int64_t group_id(MPI_Group g);
int64_t freed_group_id(MPI_Group g);  // the id a freed group had, 0 if g is live or unknown
void forget_group(MPI_Group g);
std::vector<int> group_world_ranks(MPI_Group g);

void register_message(MPI_Message m, CommRef comm);
CommRef take_message(MPI_Message m);

}  // namespace rmacheck
