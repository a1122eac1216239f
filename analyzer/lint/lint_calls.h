// The table of MPI calls rmacheck lint understands (lint_calls.def).
#pragma once

#include <string>

namespace rmacheck::lint {

enum class Effect {
  kPersistentInit,
  kNonblocking,
  kStart,
  kStartAll,
  kComplete,
  kCompleteAll,
  kRequestFree,
  kCreate,
  kFree,
  kFence,
  kLock,
  kUnlock,
  kLockAll,
  kUnlockAll,
  kWinStart,
  kWinComplete,
  kWinPost,
  kWinWait,
  kFlush,
  kFlushLocal,
  kFlushAll,
  kFlushLocalAll,
  kBarrier,
  kFinalize,
  kCommRank,
  kRma,
  kBufferUse,
};

enum ObjectKind { kNoObject, kWindow, kDatatype, kComm, kGroup, kOp };

struct CallInfo {
  const char* name;
  Effect effect;
  ObjectKind object_kind;
  // C argument index of each role, -1 when the call has none.
  int request, window, object, memory, origin, result, target, count, type, comm, assertion;
};

// The entry for an MPI call name ("MPI_Put"), or nullptr.
const CallInfo* find_call(const std::string& name);

// "window", "datatype", ... and the call that frees one.
const char* object_words(ObjectKind k);
const char* object_free_call(ObjectKind k);

}  // namespace rmacheck::lint
