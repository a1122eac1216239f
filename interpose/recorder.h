// Builds the CALL record of one intercepted MPI call (and its CALL_OUT record
// when it has outputs or failed).
//
// A wrapper (generated from mpi_calls.def) makes a Recorder, adds the
// call's input fields, calls enter() (the CALL record is in the log before
// MPI runs, so a call that never returns - a hang, an abort inside MPI - is
// still seen: its exit word stays zero), calls PMPI, then exit(rc), adds
// outputs and finish()es (stores the exit word, or appends the CALL_OUT).
// The helpers below are the vocabulary of the call table: they translate
// handles to ids and ranks to world ranks, and nothing more.
#pragma once

#include <mpi.h>

#include <vector>

#include "call_ids.h"
#include "handles.h"
#include "record_buffer.h"

namespace rmacheck {

struct Scratch;

class Recorder {
 public:
  Recorder(CallId call, void* return_address);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void i(FieldId f, int64_t v) {
    if (f == kF_size) note_region(f, v);
    rec_.field(f, v);
  }
  void addr(FieldId f, const void* p) {
    const auto v = static_cast<int64_t>(reinterpret_cast<uintptr_t>(p));
    if (f == kF_addr) note_region(f, v);
    rec_.field(f, v);
  }
  void ranks(FieldId f, const std::vector<int>& r) { rec_.array(f, r.data(), r.size()); }
  // An int array argument as given (Pready_list's partitions); a negative length logs none.
  void ints(FieldId f, const int* v, int n) { rec_.array(f, v, n > 0 && v ? static_cast<size_t>(n) : 0); }
  void comm(MPI_Comm c);
  void tag(FieldId f, int t) { rec_.field(f, t == MPI_ANY_TAG ? kTagAny : t); }
  // Returns whether the type may be passed to PMPI calls of ours (not null, not freed).
  bool dtype(FieldId f, MPI_Datatype t) {
    bool usable = false;
    rec_.field(f, datatype_id(t, &usable));
    return usable;
  }
  void op(MPI_Op o) { rec_.field(kF_op, op_id(o)); }
  void assertion(int a);
  void lock_type(int t) { rec_.field(kF_lock_type, t == MPI_LOCK_EXCLUSIVE ? kLockExclusive : kLockShared); }
  void group(MPI_Group g);

  // RMA: window, target (world rank), and target side.
  void win(MPI_Win w);
  void target(int rank);  // after win(): translated through the window's group
  void rma(MPI_Win w, int rank, MPI_Aint disp, int count, MPI_Datatype type);
  void origin(const void* a, int count, MPI_Datatype type);
  void result(const void* a, int count, MPI_Datatype type);

  // Point-to-point and collectives.
  void send(const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm c);
  void recv(void* buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm c);
  void root(int r) { rec_.field(kF_root, comm_ ? comm_->world_rank_of(r) : r); }
  // Collectives (after comm()): the type signatures all members must agree on
  // (rma-semantics.md section 8). Only on intracommunicators: on an
  // intercommunicator the arguments of MPI_ROOT / MPI_PROC_NULL sides are not
  // significant and may be garbage no PMPI call of ours may touch.
  void coll_data(int count, MPI_Datatype t);                       // reductions: count x type on every member
  void coll_send(const void* sendbuf, int count, MPI_Datatype t);  // one member's block; MPI_IN_PLACE: kF_in_place
  void coll_recv(const void* recvbuf, int count, MPI_Datatype t);
  bool at_root(int r) const;                              // this process is the root r of the call's intracommunicator
  void status(MPI_Status* s);                             // after the call: source (world) and tag
  MPI_Status* status_out(MPI_Status* user);               // substitutes ours for MPI_STATUS_IGNORE
  MPI_Status* statuses_out(MPI_Status* user, int count);  // and for MPI_STATUSES_IGNORE

  // Requests.
  void new_request(MPI_Request* r, bool persistent);    // after a call that makes *r
  void watch(int count, MPI_Request* reqs);             // before a Start/Wait/Test/Free: logs their ids (kF_req)
  void watch_array(int count, MPI_Request* reqs);       // the same for an array argument (kF_reqs, even of one)
  void completed_all(MPI_Status* statuses);             // after Wait/Waitall/Testall(flag)
  void completed_index(int index, MPI_Status* status);  // after Waitany/Testany
  void completed_some(int outcount, const int* indices, MPI_Status* statuses);
  void freed_watched();              // after Request_free
  void new_message(MPI_Message* m);  // after Mprobe/Improbe
  void message(MPI_Message* m);      // before Mrecv/Imrecv: the probe's communicator

  // Objects.
  void new_comm(MPI_Comm c);
  void new_window(MPI_Win w, MPI_Comm comm, const void* base, MPI_Aint size, int disp_unit, int flavor);
  void new_type(MPI_Datatype t) { rec_.field(kF_new_type, register_datatype(t)); }
  void new_group(MPI_Group g);
  void new_op(MPI_Op o) { rec_.field(kF_new_op, register_op(o)); }

  void enter();
  void exit(int rc);
  void finish();

 private:
  void complete_slot(size_t slot, MPI_Status* s);
  void watch_into(FieldId f, int count, MPI_Request* reqs);
  void note_region(FieldId f, int64_t v);  // Win_attach/detach regions, for the local-access watch

  struct Scratch& s_;  // this thread's reusable buffers
  RecordBuffer& rec_;  // s_.rec, the record being built
  int64_t seq_ = 0, thread_ = 0;
  int64_t t_enter_ = 0, duration_ = 0;
  bool untimed_ = false;  // the call returns at once (call_traits.h): one clock read, duration 0
  int rc_ = MPI_SUCCESS;
  // Communicator of the call, for translating peers and status sources, and its window: held by the
  // thread's caches for the call (comm_info_for_call), or by held_comm_ (a probed message's).
  const CommInfo* comm_ = nullptr;
  const WinInfo* win_ = nullptr;
  CommRef held_comm_;
  MPI_Status one_status_;
};

}  // namespace rmacheck
