// What the static checker (rmacheck lint) analyzes: each function of a
// source file as a small control-flow graph whose nodes carry the MPI calls,
// the loads and stores of variables that the checks care about, and the
// assignments that carry a rank. Both frontends produce it: libclang for C
// and C++ (clang_frontend.cpp), Python's ast module for mpi4py scripts
// (mpi4py_frontend.py, read by python_frontend.cpp). The checks see only
// this, so each check is written once for both languages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rmacheck::lint {

// A handle or buffer as the code names it: `req`, `reqs[2]`, `reqs[*]`
// (an element with a non-constant index), `s.win`.
struct Ref {
  std::string key;               // what the checks compare
  std::string base;              // the variable behind it ("reqs")
  bool whole = false;            // the whole array (MPI_Startall(n, reqs))
  bool local = false;            // a local variable of the function (not a parameter or global)
  std::optional<int64_t> index;  // constant element index (buffers: &buf[3], buf + 3)
  bool element = false;          // names one element with an unknown index
  bool empty() const { return key.empty(); }
};

// An integer argument: a target rank, a count.
struct Value {
  std::string text;
  std::optional<int64_t> constant;
};

enum class OpKind {
  kMpi,     // an MPI call (name, operands by role)
  kLoad,    // the program reads var
  kStore,   // the program writes var
  kAssign,  // var = expression over vars (rank taint); a plain rebinding in Python
  kCall,    // a call of a user function: name, args (variables each argument reads)
  kEscape,  // a handle leaves the checker's sight (passed to a user function, copied, returned)
  kFailed,  // on this path the MPI call `name` at line/column returned an error: what it would have made
            // (request, object) was not made. Put on the error arm of `if (MPI_X(...) != MPI_SUCCESS)`.
};

struct Op {
  OpKind kind = OpKind::kMpi;
  int line = 0, column = 0;
  std::string name;  // kMpi: the C name ("MPI_Put", also for mpi4py's win.Put); kCall: the callee
  // kMpi operands by role (lint_calls.def says which roles a call has).
  Ref request, window, object, origin, result, comm;
  Ref memory;  // a window's own memory (MPI_Win_create's base, MPI_Win_allocate's baseptr)
  Value target, count;
  Value disp;                      // RMA: the target displacement (in the window's displacement units)
  bool basic_type = false;         // the buffer's datatype is a predefined basic one (element = one count)
  Value target_count;              // RMA: the count at the target (empty: as at the origin)
  bool target_basic_type = false;  // RMA: the target datatype is a predefined basic one
  bool nosucceed = false;          // fence assertion contains MPI_MODE_NOSUCCEED
  // kLoad, kStore, kEscape, kAssign (left side; an assignment with no reads is a write the checker
  // cannot follow, such as `f(&x)`: it only ends what the checker knew about x)
  Ref var;
  std::vector<std::string> reads;              // kAssign: variables of the right side ("()f" for f's result)
  std::vector<std::vector<std::string>> args;  // kCall: variables read by each argument
};

enum class NodeKind { kEntry, kExit, kAbort, kStmt, kBranch };

struct Node {
  NodeKind kind = NodeKind::kStmt;
  int line = 0;
  std::vector<Op> ops;
  std::vector<int> succ;               // kBranch: the true successor first for an `if`
  std::vector<bool> back;              // per successor: a loop's back edge
  std::vector<std::string> cond_vars;  // kBranch: variables the condition reads
  std::string cond_text;               // kBranch: the condition as written
  bool correlate = false;              // an `if`: later `if`s on the same unchanged condition go the same way
  bool returns = false;                // a return statement (its successor is the exit)
};

// Node 0 is the entry, 1 the normal exit, 2 the sink of paths that end the
// program (exit, abort, MPI_Abort, raise): no leak is reported on those.
struct Function {
  std::string name;
  int line = 0;
  bool is_main = false;        // main(), or a Python module's top level
  bool end_finalizes = false;  // Python: mpi4py finalizes MPI when the module ends
  std::vector<std::string> params;
  std::vector<Node> nodes;
};

struct Unit {
  std::string file;      // absolute path
  std::string language;  // "c", "c++", "python"
  std::vector<Function> functions;
  std::vector<std::string> globals;  // file-scope variables (their rank taint crosses functions)
};

constexpr int kEntryNode = 0, kExitNode = 1, kAbortNode = 2;

}  // namespace rmacheck::lint
