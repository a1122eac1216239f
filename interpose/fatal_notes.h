// Notes how a rank's process ended when it did not finish, in its log,
// before it is gone, so that the report can say it on every route (the
// plain LD_PRELOAD one and remote nodes included), whatever reaches
// mpirun's output:
// - a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT): the handler
//   is installed after MPI_Init, so it runs before the MPI library's own,
//   which it then calls with the same arguments (Open MPI still prints its
//   backtrace and the process still dies by the signal);
// - _exit(status): how Open MPI ends a process whose call failed under
//   MPI_ERRORS_ARE_FATAL (its exit status is the error code); the note
//   says which thread, and whether it was inside an MPI call.
// - SIGTERM (how `rmacheck run --timeout`, a Ctrl-C of it and mpirun stop
//   a job) found a thread outside any MPI call: where it was (the
//   interrupted instruction and its callers, or its Python line when the
//   code was already named at a call site), so a hang report can say where
//   a rank that was not blocked in MPI was computing or spinning. Then the
//   handler before ours, or the default action.
// Each note is one record, written without taking a lock it could wait for
// and without allocating; at most one of each kind per process.
#pragma once

namespace rmacheck {

void install_fatal_notes();  // after the log is open
void remove_fatal_notes();   // at MPI_Finalize: the previous signal handlers again, where ours is still in place

}  // namespace rmacheck
