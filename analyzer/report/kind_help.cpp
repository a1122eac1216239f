#include "report/kind_help.h"

#include <cstring>

namespace rmacheck {

namespace {

struct Help {
  const char* kind;
  const char* text;
};

// Keyed by name, so kinds another part of the tree adds only need a line here.
const Help kHelp[] = {
    {"rma-conflict",
     "Two RMA operations touch the same bytes of a target's window, at least one writes, and no synchronization "
     "orders them, so the result is undefined. Separate them: close the epoch (MPI_Win_fence, MPI_Win_unlock, "
     "MPI_Win_complete/MPI_Win_wait) or MPI_Win_flush the first before the second is issued, and order the two "
     "ranks (a barrier or message after the flush). Operations from one origin are not ordered by program order, "
     "except accumulates of the same basic type."},
    {"target-local-conflict",
     "An RMA operation and the target process's own access (a local load/store or another MPI call on that "
     "memory) touch the same window bytes without synchronization. Complete the RMA operation at the target "
     "(the fence, MPI_Win_wait, or the origin's unlock followed by a message) before the target touches the memory, "
     "or use an exclusive lock on its own window around the local access."},
    {"origin-buffer-conflict",
     "A buffer that a pending operation still uses (the origin buffer of a Put/Accumulate, the destination of a "
     "Get, the buffer of an Isend/Irecv or of a started persistent request) is read or written before the operation "
     "completed. Complete the operation first (MPI_Win_fence, MPI_Win_unlock, MPI_Win_flush_local, MPI_Wait/MPI_Test "
     "of its request), or give each pending operation its own buffer."},
    {"missing-epoch",
     "An RMA call was made while no access epoch covers its target: call MPI_Win_fence before it, or put it "
     "between MPI_Win_lock/MPI_Win_unlock, MPI_Win_lock_all/MPI_Win_unlock_all, or MPI_Win_start/MPI_Win_complete."},
    {"unclosed-epoch",
     "An epoch was opened and never closed before MPI_Win_free, MPI_Finalize or the end of the run: close every "
     "lock with MPI_Win_unlock, lock_all with MPI_Win_unlock_all, start with MPI_Win_complete, post with "
     "MPI_Win_wait, and end fence epochs with a closing MPI_Win_fence."},
    {"fence-mismatch",
     "MPI_Win_fence is collective over the window's group: every member must call it the same number of times. A "
     "rank that skips a fence (e.g. inside an if on the rank) makes the others wait forever or pair the wrong "
     "fences. Call the fences on every rank of the window."},
    {"epoch-mismatch",
     "Epochs on one window do not nest or mix, and every closing call needs its opener: no lock inside a fence or "
     "start epoch, no second lock on a locked target, unlock only what was locked, complete only after start, "
     "flush only inside a passive-target epoch, and start/post groups that name each other."},
    {"assert-violation",
     "An assertion given to a synchronization call (MPI_MODE_NOPRECEDE, NOSUCCEED, NOSTORE, NOPUT, NOCHECK) is a "
     "promise the program broke; MPI may optimize on it and lose data. Remove the assertion or make the program "
     "keep it."},
    {"invalid-rma-arg",
     "An RMA call's arguments are invalid: the target bytes lie outside the target's window (disp x disp_unit + "
     "extent past its size, or an address not attached to a dynamic window), the target rank is not in the "
     "window's group, or the origin and target type signatures differ. Fix the displacement, count, datatype or "
     "rank."},
    {"request-leak",
     "A request was never freed (persistent) or never completed (nonblocking) before MPI_Finalize: free persistent "
     "requests with MPI_Request_free after their last completion, and complete every nonblocking request with "
     "MPI_Wait/MPI_Test."},
    {"request-misuse",
     "A request was used against its life cycle: started while still active, waited on without being started, "
     "used after MPI_Request_free, or left active at MPI_Finalize. Complete a persistent request with "
     "MPI_Wait/MPI_Test before starting it again, and start it before waiting on it."},
    {"request-free-active",
     "MPI_Request_free on an active request is legal, but its completion can then never be known, so its buffer "
     "can never safely be reused. Complete the request with MPI_Wait/MPI_Test before freeing it."},
    {"resource-leak",
     "An MPI object (window, datatype, communicator, group, op) was not freed before MPI_Finalize: free it with "
     "its MPI_*_free call when it is no longer needed."},
    {"hang",
     "The run was stopped by --timeout while ranks were blocked in MPI calls. The finding names each blocked rank's "
     "call: look for the rank that never makes the matching call (a skipped fence, a missing send, an unlock never "
     "reached)."},
    {"invalid-arg",
     "An MPI call received an argument no call may take: a null, freed or uncommitted handle, or an invalid rank, "
     "tag, count or buffer. Pass a valid, committed handle and arguments in range."},
    {"type-mismatch",
     "Matched send/receive or collective members use different type signatures, or a message is longer than its "
     "receive buffer (truncation). Use matching datatypes and counts on both sides."},
    {"mpi-error",
     "An MPI call returned an error class, or the MPI library aborted inside it. The finding names the call, its "
     "line and the error; fix the arguments the error points at."},
    {"program-failed",
     "A rank exited with a non-zero status, died by a signal, or never reached MPI_Finalize, so the program's run "
     "is not clean whatever else was found. The finding names the failed ranks and the last MPI call of each."},
    {"rma-portability",
     "An RMA access whose meaning the MPI standard leaves open, so MPI libraries differ on it: one access that "
     "spans two adjacent regions attached to a dynamic window (one library accepts it, another rejects the "
     "call). Split the access at the region boundary, or attach the memory as one region."},
};

}  // namespace

const char* kind_help(const std::string& kind) {
  for (const Help& h : kHelp)
    if (kind == h.kind) return h.text;
  return "";
}

}  // namespace rmacheck
