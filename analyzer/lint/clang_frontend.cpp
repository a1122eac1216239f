// Lowering a libclang AST to lint IR. libclang-14's C API has no operator
// kinds and no CFG, so operators are read from the function's tokens and the
// graph is built here, one node per statement (consecutive simple statements
// share a node). Loops are lowered as "the body runs at least once": the
// checks then never report a path that skips a loop body entirely, which is
// what keeps `for (i...) MPI_Send_init(&r[i]); for (i...) MPI_Request_free(&r[i]);`
// from looking like a leak on a zero-trip path.
#include "lint/clang_frontend.h"

#include <clang-c/Index.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include "lint/clang_string.h"
#include "lint/lint_calls.h"

namespace rmacheck::lint {

namespace {

std::vector<CXCursor> children(CXCursor c) {
  std::vector<CXCursor> out;
  clang_visitChildren(
      c,
      [](CXCursor child, CXCursor, CXClientData data) {
        static_cast<std::vector<CXCursor>*>(data)->push_back(child);
        return CXChildVisit_Continue;
      },
      &out);
  return out;
}

// The file being lowered (set by ClangFrontend::parse). Offsets are taken where a thing is written
// in it: a macro argument (`CHECK(MPI_Send_init(..., &r))`) at its own place, the body of a macro
// defined in this file in the #define; anything from a header (MPI_COMM_WORLD) where it is expanded.
// Lines are always where the code is expanded (line_of).
CXFile g_main_file = nullptr;

unsigned offset_of(CXSourceLocation loc) {
  unsigned off = 0;
  CXFile file = nullptr;
  clang_getFileLocation(loc, &file, nullptr, nullptr, &off);
  if (file && g_main_file && clang_File_isEqual(file, g_main_file)) return off;
  clang_getExpansionLocation(loc, nullptr, nullptr, nullptr, &off);
  return off;
}

int line_of(CXCursor c) {
  unsigned line = 0;
  clang_getExpansionLocation(clang_getCursorLocation(c), nullptr, &line, nullptr, nullptr);
  return static_cast<int>(line);
}

int column_of(CXCursor c) {
  unsigned col = 0;
  clang_getExpansionLocation(clang_getCursorLocation(c), nullptr, nullptr, &col, nullptr);
  return static_cast<int>(col);
}

// Calls after which the program does not go on.
bool is_noreturn(const std::string& name) {
  static const std::set<std::string> names = {"exit",           "_exit",     "_Exit",         "abort",
                                              "quick_exit",     "MPI_Abort", "__assert_fail", "__builtin_unreachable",
                                              "__builtin_trap", "err",       "errx",          "pthread_exit",
                                              "longjmp",        "terminate", "__cxa_throw"};
  return names.count(name) > 0;
}

// libc calls whose pointer arguments are plain loads/stores of the buffers.
struct MemCall {
  int dst, src;
};
const MemCall* mem_call(const std::string& name) {
  static const std::map<std::string, MemCall> calls = {{"memcpy", {0, 1}}, {"memmove", {0, 1}}, {"memset", {0, -1}},
                                                       {"strcpy", {0, 1}}, {"strncpy", {0, 1}}, {"memcmp", {-1, 0}},
                                                       {"bzero", {0, -1}}};
  auto it = calls.find(name);
  return it == calls.end() ? nullptr : &it->second;
}

bool is_mpi_name(const std::string& name) { return name.rfind("MPI_", 0) == 0 || name.rfind("PMPI_", 0) == 0; }

// Calls that return a new value each time (a condition on them is not the same condition twice).
bool fresh_value_call(const std::string& name) {
  static const std::set<std::string> names = {"rand",  "random",  "drand48",       "lrand48",     "rand_r", "time",
                                              "clock", "getchar", "fgetc",         "getc",        "read",   "fread",
                                              "scanf", "fscanf",  "clock_gettime", "gettimeofday"};
  return names.count(name) > 0;
}

bool handle_type(const std::string& type) {
  for (const char* t : {"MPI_Request", "MPI_Win", "MPI_Comm", "MPI_Datatype", "MPI_Group", "MPI_Op"})
    if (type.find(t) != std::string::npos) return true;
  return false;
}

// The function's tokens with their offsets: operators and source text.
class Tokens {
 public:
  Tokens(CXTranslationUnit tu, CXSourceRange range) {
    CXToken* toks = nullptr;
    unsigned n = 0;
    clang_tokenize(tu, range, &toks, &n);
    items_.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
      CXSourceRange r = clang_getTokenExtent(tu, toks[i]);
      items_.push_back({offset_of(clang_getRangeStart(r)), offset_of(clang_getRangeEnd(r)),
                        take(clang_getTokenSpelling(tu, toks[i]))});
    }
    clang_disposeTokens(tu, toks, n);
  }
  // The first token starting in [from, to).
  const std::string* first_in(unsigned from, unsigned to) const {
    auto it =
        std::lower_bound(items_.begin(), items_.end(), from, [](const Item& t, unsigned off) { return t.begin < off; });
    if (it == items_.end() || it->begin >= to) return nullptr;
    return &it->text;
  }
  std::string text(unsigned from, unsigned to) const {
    std::string out;
    auto it =
        std::lower_bound(items_.begin(), items_.end(), from, [](const Item& t, unsigned off) { return t.begin < off; });
    for (; it != items_.end() && it->begin < to; ++it) {
      if (!out.empty() && (isalnum(static_cast<unsigned char>(out.back())) || out.back() == '_') &&
          (isalnum(static_cast<unsigned char>(it->text[0])) || it->text[0] == '_'))
        out += ' ';
      out += it->text;
    }
    return out;
  }
  // Offsets of the two top-level ';' of a for statement's header starting at `from`.
  std::pair<unsigned, unsigned> for_semicolons(unsigned from, unsigned to) const {
    std::vector<unsigned> semis;
    int depth = 0;
    unsigned close = to;
    auto it =
        std::lower_bound(items_.begin(), items_.end(), from, [](const Item& t, unsigned off) { return t.begin < off; });
    for (; it != items_.end() && it->begin < to; ++it) {
      if (it->text == "(") {
        ++depth;
      } else if (it->text == ")") {
        if (--depth == 0) {
          close = it->begin;
          break;
        }
      } else if (it->text == ";" && depth == 1) {
        semis.push_back(it->begin);
      }
    }
    if (semis.size() < 2) return {close, close};
    return {semis[0], semis[1]};
  }

 private:
  struct Item {
    unsigned begin, end;
    std::string text;
  };
  std::vector<Item> items_;
};

unsigned begin_of(CXCursor c) { return offset_of(clang_getRangeStart(clang_getCursorExtent(c))); }
unsigned end_of(CXCursor c) { return offset_of(clang_getRangeEnd(clang_getCursorExtent(c))); }

class Lowering {
 public:
  Lowering(CXTranslationUnit tu, CXCursor fn_cursor, Function& fn, const Tokens& toks)
      : tu_(tu), fn_cursor_(fn_cursor), fn_(fn), toks_(toks) {}

  void run(CXCursor body) {
    fn_.nodes.resize(3);
    appendable_.assign(3, false);
    fn_.nodes[kEntryNode].kind = NodeKind::kEntry;
    fn_.nodes[kExitNode].kind = NodeKind::kExit;
    fn_.nodes[kAbortNode].kind = NodeKind::kAbort;
    fn_.nodes[kEntryNode].line = fn_.line;
    fn_.nodes[kExitNode].line = line_of(body) ? static_cast<int>(end_line(body)) : fn_.line;
    int end = stmt(body, kEntryNode);
    if (end >= 0) edge(end, kExitNode);
    for (const auto& [from, label] : gotos_) {
      auto it = labels_.find(label);
      edge(from, it == labels_.end() ? kExitNode : it->second);
    }
  }

 private:
  unsigned end_line(CXCursor c) {
    unsigned line = 0;
    clang_getExpansionLocation(clang_getRangeEnd(clang_getCursorExtent(c)), nullptr, &line, nullptr, nullptr);
    return line;
  }

  int new_node(NodeKind kind, int line) {
    Node n;
    n.kind = kind;
    n.line = line;
    fn_.nodes.push_back(std::move(n));
    appendable_.resize(fn_.nodes.size(), false);
    return static_cast<int>(fn_.nodes.size() - 1);
  }
  void edge(int from, int to, bool back = false) {
    if (from < 0) return;
    if (preds_.size() < fn_.nodes.size()) preds_.resize(fn_.nodes.size(), 0);
    ++preds_[to];
    fn_.nodes[from].succ.push_back(to);
    fn_.nodes[from].back.push_back(back);
  }
  // The node a simple statement's ops go into: the previous simple statement's, or a new one.
  int block(int cur, int line) {
    if (cur >= 0 && appendable_[cur] && fn_.nodes[cur].succ.empty()) return cur;
    int n = new_node(NodeKind::kStmt, line);
    appendable_[n] = true;
    edge(cur, n);
    return n;
  }
  int fresh(int cur, int line) {  // a node nothing else appends to before it (a join, a label)
    int n = new_node(NodeKind::kStmt, line);
    appendable_[n] = true;
    edge(cur, n);
    return n;
  }

  // ---- statements ----
  int stmt(CXCursor s, int cur) {
    switch (clang_getCursorKind(s)) {
      case CXCursor_CompoundStmt:
        for (CXCursor c : children(s)) cur = stmt(c, cur);
        return cur;
      case CXCursor_IfStmt:
        return if_stmt(s, cur);
      case CXCursor_WhileStmt: {
        auto k = children(s);
        if (k.size() < 2) return cur;
        return loop(s, cur, &k[k.size() - 2], nullptr, k.back());
      }
      case CXCursor_DoStmt: {
        auto k = children(s);
        if (k.size() < 2) return cur;
        return loop(s, cur, &k[1], nullptr, k[0]);
      }
      case CXCursor_ForStmt:
        return for_stmt(s, cur);
      case CXCursor_CXXForRangeStmt: {
        auto k = children(s);
        if (k.empty()) return cur;
        int n = block(cur, line_of(s));
        for (size_t i = 0; i + 1 < k.size(); ++i) expr(k[i], fn_.nodes[n].ops, kRead);
        return loop(s, n, nullptr, nullptr, k.back());
      }
      case CXCursor_SwitchStmt:
        return switch_stmt(s, cur);
      case CXCursor_CaseStmt:
      case CXCursor_DefaultStmt: {
        int n = fresh(cur, line_of(s));
        if (!switches_.empty()) {
          edge(switches_.back().branch, n);
          if (clang_getCursorKind(s) == CXCursor_DefaultStmt) switches_.back().has_default = true;
        }
        auto k = children(s);
        if (k.empty()) return n;
        return stmt(k.back(), n);
      }
      case CXCursor_BreakStmt:
        if (!breaks_.empty()) edge(cur, breaks_.back());
        return -1;
      case CXCursor_ContinueStmt:
        if (!continues_.empty()) edge(cur, continues_.back());
        return -1;
      case CXCursor_ReturnStmt: {
        int n = new_node(NodeKind::kStmt, line_of(s));
        edge(cur, n);
        fn_.nodes[n].returns = true;
        auto k = children(s);
        if (!k.empty()) {
          Op ret;
          ret.kind = OpKind::kAssign;
          ret.line = line_of(s);
          ret.var.key = ret.var.base = "()" + fn_.name;
          reads(k[0], ret.reads);
          std::vector<Op>& ops = fn_.nodes[n].ops;
          expr(k[0], ops, kReadEscape);
          ops.push_back(std::move(ret));
        }
        edge(n, aborts_ ? kAbortNode : kExitNode);
        aborts_ = false;
        return -1;
      }
      case CXCursor_GotoStmt: {
        auto k = children(s);
        if (!k.empty()) gotos_.push_back({cur, take(clang_getCursorSpelling(k[0]))});
        return -1;
      }
      case CXCursor_LabelStmt: {
        int n = fresh(cur, line_of(s));
        labels_[take(clang_getCursorSpelling(s))] = n;
        auto k = children(s);
        return k.empty() ? n : stmt(k.back(), n);
      }
      case CXCursor_NullStmt:
        return cur;
      case CXCursor_CXXTryStmt: {
        auto k = children(s);
        return k.empty() ? cur : stmt(k[0], cur);  // handlers are not followed
      }
      default: {
        int n = block(cur, line_of(s));
        aborts_ = false;
        expr(s, fn_.nodes[n].ops, kRead);
        if (aborts_) {
          aborts_ = false;
          edge(n, kAbortNode);
          return -1;
        }
        return n;
      }
    }
  }

  int branch_node(CXCursor cond, int cur, bool correlate) {
    int b = new_node(NodeKind::kBranch, line_of(cond));
    edge(cur, b);
    Node& n = fn_.nodes[b];
    n.correlate = correlate && !volatile_condition(cond);
    n.cond_text = toks_.text(begin_of(cond), end_of(cond));
    reads(cond, n.cond_vars);
    std::vector<Op> ops;
    expr(cond, ops, kCondition);
    fn_.nodes[b].ops = std::move(ops);
    return b;
  }

  int if_stmt(CXCursor s, int cur) {
    auto k = children(s);
    if (k.size() < 2) return cur;
    // C++17 `if (init; cond)` puts the init first: four children, or three without else.
    size_t c = 0;
    if (k.size() == 4) {
      cur = stmt(k[0], cur);
      c = 1;
    }
    std::optional<int64_t> constant = evaluate(k[c]);
    int b = branch_node(k[c], cur, true);
    std::vector<Op> failed;
    int failed_arm = constant ? -1 : failure_arm(k[c], fn_.nodes[b].ops, failed);
    int join = -1;
    auto arm = [&](size_t i) {
      int start = fresh(-1, line_of(k[i]));
      edge(b, start);
      if (static_cast<int>(i - c - 1) == failed_arm) fn_.nodes[start].ops = failed;
      int end = stmt(k[i], start);
      if (end >= 0) {
        if (join < 0) join = new_node(NodeKind::kStmt, line_of(k[i]));
        edge(end, join);
      }
    };
    if (constant && *constant == 0) {  // if (0): only the else arm
      if (k.size() > c + 2) {
        arm(c + 2);
      } else {
        join = new_node(NodeKind::kStmt, line_of(s));
        edge(b, join);
      }
    } else {
      arm(c + 1);
      if (constant) {
        // if (1): no else path
      } else if (k.size() > c + 2) {
        arm(c + 2);
      } else {
        if (join < 0) join = new_node(NodeKind::kStmt, line_of(s));
        if (failed_arm == 1) {  // `if (MPI_X(...) == MPI_SUCCESS) {...}`: the call failed on the way around
          int around = new_node(NodeKind::kStmt, line_of(s));
          fn_.nodes[around].ops = failed;
          edge(b, around);
          edge(around, join);
        } else {
          edge(b, join);
        }
      }
    }
    if (join >= 0) appendable_[join] = true;
    return join;
  }

  int for_stmt(CXCursor s, int cur) {
    auto k = children(s);
    if (k.empty()) return cur;
    CXCursor body = k.back();
    auto [semi1, semi2] = toks_.for_semicolons(begin_of(s), begin_of(body));
    const CXCursor* init = nullptr;
    const CXCursor* cond = nullptr;
    const CXCursor* inc = nullptr;
    for (size_t i = 0; i + 1 < k.size(); ++i) {
      unsigned b = begin_of(k[i]);
      if (b < semi1)
        init = &k[i];
      else if (b < semi2)
        cond = &k[i];
      else
        inc = &k[i];
    }
    if (init) cur = stmt(*init, cur);
    return loop(s, cur, cond, inc, body);
  }

  // body at least once, then `cond` decides between another round and the exit.
  int loop(CXCursor s, int cur, const CXCursor* cond, const CXCursor* inc, CXCursor body) {
    std::optional<int64_t> constant;
    if (cond) constant = evaluate(*cond);
    if (cond && constant && *constant == 0 && clang_getCursorKind(s) != CXCursor_DoStmt) return cur;  // while (0)
    int head = fresh(cur, line_of(body));
    if (cond && clang_getCursorKind(s) != CXCursor_DoStmt) {
      // The first test: the body runs, but the condition's own calls and reads happen.
      expr(*cond, fn_.nodes[head].ops, kCondition);
    }
    int exit = new_node(NodeKind::kStmt, line_of(s));
    int latch = new_node(NodeKind::kStmt, line_of(s));  // continue goes here
    breaks_.push_back(exit);
    continues_.push_back(latch);
    int head_body = fresh(head, line_of(body));
    appendable_[head_body] = false;
    int end = stmt(body, head_body);
    breaks_.pop_back();
    continues_.pop_back();
    edge(end, latch);
    int tail = latch;
    if (inc) {
      tail = block(latch, line_of(*inc));
      expr(*inc, fn_.nodes[tail].ops, kRead);
    }
    if (cond && constant && *constant == 0) {
      edge(tail, exit);  // do { ... } while (0): once (the CHECK(...) macro idiom)
    } else if (cond && !constant) {
      int b = branch_node(*cond, tail, false);
      edge(b, head_body, true);
      edge(b, exit);
    } else {
      edge(tail, head_body, true);  // for (;;), while (1): only break leaves
    }
    appendable_[exit] = true;
    return fn_.nodes[exit].succ.empty() && !has_pred(exit) ? -1 : exit;
  }

  bool has_pred(int n) const { return n < static_cast<int>(preds_.size()) && preds_[n] > 0; }

  int switch_stmt(CXCursor s, int cur) {
    auto k = children(s);
    if (k.size() < 2) return cur;
    int b = branch_node(k[k.size() - 2], cur, false);
    int exit = new_node(NodeKind::kStmt, line_of(s));
    switches_.push_back({b, false});
    breaks_.push_back(exit);
    int end = stmt(k.back(), -1);
    breaks_.pop_back();
    edge(end, exit);
    if (!switches_.back().has_default) edge(b, exit);
    switches_.pop_back();
    appendable_[exit] = true;
    return exit;
  }

  std::optional<int64_t> evaluate(CXCursor e) {
    CXCursorKind k = clang_getCursorKind(e);
    if (!clang_isExpression(k)) return std::nullopt;
    if (k == CXCursor_DeclRefExpr) return std::nullopt;  // `while (running)`: a variable, not a constant
    CXEvalResult r = clang_Cursor_Evaluate(e);
    if (!r) return std::nullopt;
    std::optional<int64_t> out;
    if (clang_EvalResult_getKind(r) == CXEval_Int) out = clang_EvalResult_getAsLongLong(r);
    clang_EvalResult_dispose(r);
    return out;
  }

  // ---- expressions ----
  enum Ctx { kRead, kWrite, kReadWrite, kReadEscape, kCondition };

  static CXCursor strip(CXCursor c) {
    for (;;) {
      CXCursorKind k = clang_getCursorKind(c);
      if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr && k != CXCursor_CStyleCastExpr &&
          k != CXCursor_CXXStaticCastExpr && k != CXCursor_CXXFunctionalCastExpr &&
          k != CXCursor_CXXReinterpretCastExpr && k != CXCursor_CXXConstCastExpr)
        return c;
      auto k2 = children(c);
      if (k2.empty()) return c;
      c = k2.back();  // casts: the operand is the last child (a type reference may come first)
    }
  }

  std::string op_token(CXCursor e, const std::vector<CXCursor>& k) {
    if (k.size() == 2) {
      const std::string* t = toks_.first_in(end_of(k[0]), begin_of(k[1]));
      return t ? *t : "";
    }
    if (k.size() == 1) {  // unary: prefix when the operator comes before the operand
      unsigned b = begin_of(e), ob = begin_of(k[0]);
      const std::string* t = b < ob ? toks_.first_in(b, ob) : toks_.first_in(end_of(k[0]), end_of(e) + 1);
      return t ? *t : "";
    }
    return "";
  }

  struct VarInfo {
    std::string name;
    bool local = false, handle = false, pointer_like = false, is_param = false;
  };

  std::optional<VarInfo> var_of(CXCursor declref) {
    CXCursor d = clang_getCursorReferenced(declref);
    CXCursorKind k = clang_getCursorKind(d);
    if (k != CXCursor_VarDecl && k != CXCursor_ParmDecl) return std::nullopt;
    unsigned h = clang_hashCursor(d);
    auto it = vars_.find(h);
    if (it != vars_.end()) return it->second;
    VarInfo v;
    v.name = take(clang_getCursorSpelling(d));
    v.is_param = k == CXCursor_ParmDecl;
    v.local = k == CXCursor_VarDecl && !clang_Cursor_hasVarDeclGlobalStorage(d);
    CXType t = clang_getCursorType(d);
    v.handle = handle_type(take(clang_getTypeSpelling(t)));
    CXTypeKind tk = clang_getCanonicalType(t).kind;
    v.pointer_like = tk == CXType_Pointer || tk == CXType_ConstantArray || tk == CXType_IncompleteArray ||
                     tk == CXType_VariableArray || tk == CXType_DependentSizedArray || tk == CXType_LValueReference;
    vars_[h] = v;
    return v;
  }

  // Every variable an expression reads, and "()f" for each user function it calls. An MPI call's
  // arguments are not read into its value (that is its error code): `if (MPI_X(..., right, ...))`
  // does not depend on `right`, and `rc = MPI_X(...)` is not rank-dependent because an argument is.
  void reads(CXCursor e, std::vector<std::string>& out) {
    struct Ctx2 {
      Lowering* self;
      std::vector<std::string>* out;
    } ctx{this, &out};
    auto visit = [](CXCursor c, CXCursor, CXClientData data) {
      auto* x = static_cast<Ctx2*>(data);
      CXCursorKind k = clang_getCursorKind(c);
      if (k == CXCursor_DeclRefExpr) {
        if (auto v = x->self->var_of(c)) x->out->push_back(v->name);
      } else if (k == CXCursor_CallExpr) {
        std::string callee = take(clang_getCursorSpelling(c));
        if (is_mpi_name(callee)) return CXChildVisit_Continue;
        if (!callee.empty()) x->out->push_back("()" + callee);
      }
      return CXChildVisit_Recurse;
    };
    CXCursor s = strip(e);
    if (clang_getCursorKind(s) == CXCursor_DeclRefExpr) {
      if (auto v = var_of(s)) out.push_back(v->name);
      return;
    }
    if (clang_getCursorKind(s) == CXCursor_CallExpr) {
      std::string callee = take(clang_getCursorSpelling(s));
      if (is_mpi_name(callee)) return;
      if (!callee.empty()) out.push_back("()" + callee);
    }
    clang_visitChildren(s, visit, &ctx);
  }

  // A condition whose value may change between two evaluations with the same variables: it calls
  // MPI (MPI_Test, MPI_Iprobe, an error code) or a libc source of fresh values. Such an `if` is
  // not correlated with a later one on the same text.
  bool volatile_condition(CXCursor e) {
    bool found = false;
    auto visit = [](CXCursor c, CXCursor, CXClientData data) {
      if (clang_getCursorKind(c) == CXCursor_CallExpr) {
        std::string callee = take(clang_getCursorSpelling(c));
        if (is_mpi_name(callee) || fresh_value_call(callee)) {
          *static_cast<bool*>(data) = true;
          return CXChildVisit_Break;
        }
      }
      return CXChildVisit_Recurse;
    };
    CXCursor s = strip(e);
    if (clang_getCursorKind(s) == CXCursor_CallExpr) {
      std::string callee = take(clang_getCursorSpelling(s));
      if (is_mpi_name(callee) || fresh_value_call(callee)) return true;
    }
    clang_visitChildren(s, visit, &found);
    return found;
  }

  // `f(&x)`, `f(buf)`, `MPI_Test(&r, &flag, ...)`: the callee may write x (or buf's elements). An
  // assignment with no reads ends the branch facts on x (dataflow.h kill_facts), nothing else.
  void written_through(CXCursor arg, std::vector<Op>& ops) {
    CXCursor s = strip(arg);
    if (clang_getCursorKind(s) == CXCursor_UnaryOperator) {
      auto kk = children(s);
      if (kk.size() != 1 || op_token(s, kk) != "&") return;
      s = strip(kk[0]);
    } else if (clang_getCursorKind(s) == CXCursor_DeclRefExpr) {
      auto v = var_of(s);
      if (!v || !v->pointer_like) return;  // a value argument: the callee gets a copy
    }
    if (clang_getCursorKind(s) != CXCursor_DeclRefExpr) return;
    auto v = var_of(s);
    if (!v || v->handle) return;
    Op a;
    a.kind = OpKind::kAssign;
    a.line = line_of(arg);
    a.column = column_of(arg);
    a.var.key = a.var.base = v->name;
    a.var.local = v->local;
    ops.push_back(std::move(a));
  }

  void push_access(std::vector<Op>& ops, OpKind kind, const VarInfo& v, CXCursor at, std::optional<int64_t> index,
                   bool element) {
    Op op;
    op.kind = kind;
    op.line = line_of(at);
    op.column = column_of(at);
    op.var.key = op.var.base = v.name;
    op.var.local = v.local;
    op.var.index = index;
    op.var.element = element;
    ops.push_back(std::move(op));
  }

  // The access `e` makes in context `ctx`, and the accesses of its parts.
  void expr(CXCursor e, std::vector<Op>& ops, Ctx ctx) {
    CXCursorKind k = clang_getCursorKind(e);
    switch (k) {
      case CXCursor_UnexposedExpr:
      case CXCursor_ParenExpr:
      case CXCursor_CStyleCastExpr:
      case CXCursor_CXXStaticCastExpr:
      case CXCursor_CXXFunctionalCastExpr:
      case CXCursor_CXXReinterpretCastExpr:
      case CXCursor_CXXConstCastExpr: {
        for (CXCursor c : children(e)) expr(c, ops, ctx);
        return;
      }
      case CXCursor_DeclRefExpr: {
        auto v = var_of(e);
        if (!v) return;
        if (v->handle) {
          if (ctx == kReadEscape || ctx == kCondition) push_access(ops, OpKind::kEscape, *v, e, std::nullopt, false);
          return;
        }
        if (v->pointer_like && ctx != kWrite && ctx != kReadWrite) return;  // the pointer, not the memory
        if (ctx == kRead || ctx == kReadEscape || ctx == kCondition || ctx == kReadWrite)
          push_access(ops, OpKind::kLoad, *v, e, std::nullopt, false);
        if ((ctx == kWrite || ctx == kReadWrite) && !v->pointer_like)
          push_access(ops, OpKind::kStore, *v, e, std::nullopt, false);
        return;
      }
      case CXCursor_ArraySubscriptExpr: {
        auto kids = children(e);
        if (kids.size() != 2) return;
        CXCursor base = strip(kids[0]);
        expr(kids[1], ops, kRead);
        if (clang_getCursorKind(base) == CXCursor_DeclRefExpr) {
          if (auto v = var_of(base)) {
            if (v->handle) {
              if (ctx == kReadEscape || ctx == kCondition)
                push_access(ops, OpKind::kEscape, *v, e, std::nullopt, false);
              return;
            }
            auto index = evaluate(kids[1]);
            if (ctx != kWrite) push_access(ops, OpKind::kLoad, *v, e, index, !index);
            if (ctx == kWrite || ctx == kReadWrite) push_access(ops, OpKind::kStore, *v, e, index, !index);
          }
          return;
        }
        expr(kids[0], ops, kRead);
        return;
      }
      case CXCursor_UnaryOperator: {
        auto kids = children(e);
        if (kids.size() != 1) return;
        std::string op = op_token(e, kids);
        if (op == "*") {
          CXCursor p = strip(kids[0]);
          if (clang_getCursorKind(p) == CXCursor_DeclRefExpr) {
            if (auto v = var_of(p)) {
              if (ctx != kWrite) push_access(ops, OpKind::kLoad, *v, e, 0, false);
              if (ctx == kWrite || ctx == kReadWrite) push_access(ops, OpKind::kStore, *v, e, 0, false);
              return;
            }
          }
          expr(kids[0], ops, kRead);
        } else if (op == "++" || op == "--") {
          expr(kids[0], ops, kReadWrite);
        } else if (op == "&") {
          // The address: not an access. A handle whose address goes to a user function escapes.
          if (ctx == kReadEscape) escape_handles(kids[0], ops);
          CXCursor inner = strip(kids[0]);
          if (clang_getCursorKind(inner) == CXCursor_ArraySubscriptExpr) {
            auto kk = children(inner);
            if (kk.size() == 2) expr(kk[1], ops, kRead);
          }
        } else {
          expr(kids[0], ops, ctx == kCondition ? kCondition : kRead);
        }
        return;
      }
      case CXCursor_BinaryOperator: {
        auto kids = children(e);
        if (kids.size() != 2) return;
        std::string op = op_token(e, kids);
        if (op == "=") {
          expr(kids[1], ops, kReadEscape);
          expr(kids[0], ops, kWrite);
          assign(kids[0], kids[1], ops, e);
        } else {
          Ctx sub = ctx == kCondition ? kCondition : kRead;
          expr(kids[0], ops, sub);
          expr(kids[1], ops, sub);
        }
        return;
      }
      case CXCursor_CompoundAssignOperator: {
        auto kids = children(e);
        if (kids.size() != 2) return;
        expr(kids[1], ops, kRead);
        expr(kids[0], ops, kReadWrite);
        assign(kids[0], kids[1], ops, e);
        return;
      }
      case CXCursor_CallExpr:
        call(e, ops);
        return;
      case CXCursor_DeclStmt:
        for (CXCursor d : children(e)) expr(d, ops, kRead);
        return;
      case CXCursor_VarDecl: {
        auto kids = children(e);
        // The initializer is the last child that is an expression (type references come first).
        for (auto it = kids.rbegin(); it != kids.rend(); ++it) {
          if (!clang_isExpression(clang_getCursorKind(*it))) continue;
          expr(*it, ops, kReadEscape);
          Op a;
          a.kind = OpKind::kAssign;
          a.line = line_of(e);
          a.var.key = a.var.base = take(clang_getCursorSpelling(e));
          reads(*it, a.reads);
          note_status(a.var.base, *it, ops);
          ops.push_back(std::move(a));
          break;
        }
        return;
      }
      case CXCursor_LambdaExpr:
      case CXCursor_StmtExpr:
        return;
      default:
        for (CXCursor c : children(e)) expr(c, ops, ctx == kCondition ? kCondition : kRead);
        return;
    }
  }

  void escape_handles(CXCursor e, std::vector<Op>& ops) {
    CXCursor s = strip(e);
    if (clang_getCursorKind(s) == CXCursor_ArraySubscriptExpr) {
      auto kk = children(s);
      if (!kk.empty()) s = strip(kk[0]);
    }
    if (clang_getCursorKind(s) == CXCursor_DeclRefExpr)
      if (auto v = var_of(s); v && v->handle) push_access(ops, OpKind::kEscape, *v, s, std::nullopt, false);
  }

  void assign(CXCursor lhs, CXCursor rhs, std::vector<Op>& ops, CXCursor at) {
    CXCursor l = strip(lhs);
    if (clang_getCursorKind(l) != CXCursor_DeclRefExpr) return;
    auto v = var_of(l);
    if (!v) return;
    Op a;
    a.kind = OpKind::kAssign;
    a.line = line_of(at);
    a.var.key = a.var.base = v->name;
    reads(rhs, a.reads);
    note_status(v->name, rhs, ops);
    ops.push_back(std::move(a));
  }

  // `rc = MPI_X(...)`: rc holds that call's error code until it is assigned again (textual order,
  // which is the order of `rc = MPI_X(...); if (rc != MPI_SUCCESS) ...`).
  void note_status(const std::string& var, CXCursor rhs, const std::vector<Op>& ops) {
    status_of_.erase(var);
    CXCursor r = strip(rhs);
    if (clang_getCursorKind(r) != CXCursor_CallExpr) return;
    if (const Op* call = mpi_op_of(r, ops)) status_of_[var] = *call;
  }

  // The kMpi op lowered from the call expression `call` (already in ops), or nullptr.
  const Op* mpi_op_of(CXCursor call, const std::vector<Op>& ops) {
    std::string name = take(clang_getCursorSpelling(call));
    if (!find_call(name)) return nullptr;
    int line = line_of(call), column = column_of(call);
    for (auto it = ops.rbegin(); it != ops.rend(); ++it)
      if (it->kind == OpKind::kMpi && it->name == name && it->line == line && it->column == column) return &*it;
    return nullptr;
  }

  // Which successor of `if (cond)` is taken when an MPI call in it failed: `MPI_X(...) != MPI_SUCCESS`,
  // `MPI_X(...)` (nonzero: an error), `rc != MPI_SUCCESS` after `rc = MPI_X(...)`, and their
  // negations. Returns 0 (the then-arm) or 1 (the else-arm) with the kFailed ops, or -1.
  int failure_arm(CXCursor cond, const std::vector<Op>& cond_ops, std::vector<Op>& failed) {
    CXCursor c = strip(cond);
    int arm = 0;  // the value of the tested expression is nonzero on failure
    if (clang_getCursorKind(c) == CXCursor_UnaryOperator) {
      auto kk = children(c);
      if (kk.size() != 1 || op_token(c, kk) != "!") return -1;
      arm = 1;
      c = strip(kk[0]);
    }
    if (clang_getCursorKind(c) == CXCursor_BinaryOperator) {
      auto kk = children(c);
      if (kk.size() != 2) return -1;
      std::string op = op_token(c, kk);
      if (op != "==" && op != "!=") return -1;
      auto zero = [&](CXCursor x) {
        auto v = evaluate(strip(x));
        return v && *v == 0;
      };
      if (zero(kk[1]))
        c = strip(kk[0]);
      else if (zero(kk[0]))
        c = strip(kk[1]);
      else
        return -1;
      if (op == "==") arm = 1 - arm;
    }
    Op call;
    if (clang_getCursorKind(c) == CXCursor_CallExpr) {
      const Op* op = mpi_op_of(c, cond_ops);
      if (!op) return -1;
      call = *op;
    } else if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
      auto v = var_of(c);
      if (!v) return -1;
      auto it = status_of_.find(v->name);
      if (it == status_of_.end()) return -1;
      call = it->second;
    } else {
      return -1;
    }
    call.kind = OpKind::kFailed;
    failed.push_back(std::move(call));
    return arm;
  }

  // ---- calls ----
  void call(CXCursor e, std::vector<Op>& ops) {
    std::string name = take(clang_getCursorSpelling(e));
    int nargs = clang_Cursor_getNumArguments(e);
    if (is_noreturn(name)) aborts_ = true;
    if (const CallInfo* info = find_call(name)) {
      mpi_call(e, *info, nargs, ops);
      return;
    }
    if (is_mpi_name(name)) {  // other MPI calls: not followed, but what they write through pointers changes
      for (int i = 0; i < nargs; ++i) written_through(clang_Cursor_getArgument(e, i), ops);
      return;
    }
    if (const MemCall* m = mem_call(name)) {
      for (int i = 0; i < nargs; ++i) {
        CXCursor a = clang_Cursor_getArgument(e, i);
        if (i == m->dst || i == m->src) {
          Ref r = buffer_ref(a);
          if (r.empty()) continue;
          Op op;
          op.kind = i == m->dst ? OpKind::kStore : OpKind::kLoad;
          op.line = line_of(a);
          op.column = column_of(a);
          op.var = r;
          ops.push_back(std::move(op));
        } else {
          expr(a, ops, kRead);
        }
      }
      return;
    }
    Op c;
    c.kind = OpKind::kCall;
    c.name = name;
    c.line = line_of(e);
    c.column = column_of(e);
    for (int i = 0; i < nargs; ++i) {
      CXCursor a = clang_Cursor_getArgument(e, i);
      expr(a, ops, kReadEscape);
      written_through(a, ops);
      std::vector<std::string> r;
      reads(a, r);
      c.args.push_back(std::move(r));
    }
    if (nargs < 0) {  // calls through pointers, macros libclang cannot split: read what is under them
      for (CXCursor k : children(e)) expr(k, ops, kReadEscape);
    }
    ops.push_back(std::move(c));
  }

  // A handle operand: `&req`, `&reqs[2]`, `&reqs[i]`, `reqs` (array), `win`, `*pwin`.
  // `&reqs[k]` or `reqs.data()` where an array of requests is expected (Waitall, Startall): the array.
  // `reqs[2]` of a std::vector or std::array: an element, as for a C array.
  Ref handle_ref(CXCursor a, bool array) {
    Ref r;
    CXCursor s = strip(a);
    bool addr = false;
    if (clang_getCursorKind(s) == CXCursor_UnaryOperator) {
      auto kk = children(s);
      if (kk.size() == 1 && op_token(s, kk) == "&") {
        s = strip(kk[0]);
        addr = true;
      }
    }
    CXCursorKind k = clang_getCursorKind(s);
    if (k == CXCursor_CallExpr) {
      std::string callee = take(clang_getCursorSpelling(s));
      auto kk = children(s);
      std::optional<VarInfo> v = kk.empty() ? std::nullopt : first_var(kk[0]);
      if (callee == "data" && array && v) {
        r.key = r.base = v->name;
        r.local = v->local;
        r.whole = true;
        return r;
      }
      if (callee == "operator[]" && kk.size() >= 2 && v) {
        r.base = v->name;
        r.local = v->local;
        r.index = evaluate(strip(kk.back()));
        r.element = !r.index;
        r.key = v->name + "[" + (r.index ? std::to_string(*r.index) : std::string("*")) + "]";
        if (array && addr) r = whole_array(r);
        return r;
      }
    }
    if (k == CXCursor_DeclRefExpr) {
      auto v = var_of(s);
      if (!v) return r;
      r.key = r.base = v->name;
      r.local = v->local;
      r.whole = array && v->pointer_like;
      return r;
    }
    if (k == CXCursor_ArraySubscriptExpr) {
      auto kk = children(s);
      if (kk.size() != 2) return r;
      CXCursor b = strip(kk[0]);
      if (clang_getCursorKind(b) != CXCursor_DeclRefExpr) return r;
      auto v = var_of(b);
      if (!v) return r;
      r.base = v->name;
      r.local = v->local;
      r.index = evaluate(kk[1]);
      r.element = !r.index;
      r.key = v->name + "[" + (r.index ? std::to_string(*r.index) : std::string("*")) + "]";
      if (array && addr) r = whole_array(r);
      return r;
    }
    // s.req, p->win, *pwin: named by their text, never local (they live in memory the checker does not follow).
    r.key = toks_.text(begin_of(s), end_of(s));
    r.base = r.key;
    return r;
  }

  static Ref whole_array(Ref r) {
    r.key = r.base;
    r.index.reset();
    r.element = false;
    r.whole = true;
    return r;
  }

  // The variable an expression names, looking through member calls and operators (`v.data()`, `v[i]`).
  std::optional<VarInfo> first_var(CXCursor e) {
    CXCursor s = strip(e);
    if (clang_getCursorKind(s) == CXCursor_DeclRefExpr) return var_of(s);
    for (CXCursor c : children(s))
      if (auto v = first_var(c)) return v;
    return std::nullopt;
  }

  // A buffer operand: `&x` (x), `buf` (buf from element 0), `&buf[3]`, `buf + 3`.
  Ref buffer_ref(CXCursor a) {
    Ref r;
    CXCursor s = strip(a);
    CXCursorKind k = clang_getCursorKind(s);
    if (k == CXCursor_UnaryOperator) {
      auto kk = children(s);
      if (kk.size() == 1 && op_token(s, kk) == "&") {
        CXCursor in = strip(kk[0]);
        if (clang_getCursorKind(in) == CXCursor_DeclRefExpr) {
          auto v = var_of(in);
          if (!v) return r;
          r.key = r.base = v->name;
          r.local = v->local;
          if (v->pointer_like) r.index = 0;
          return r;
        }
        if (clang_getCursorKind(in) == CXCursor_ArraySubscriptExpr) return handle_ref(in, false);
      }
      return r;
    }
    if (k == CXCursor_DeclRefExpr) {
      auto v = var_of(s);
      if (!v || !v->pointer_like) return r;
      r.key = r.base = v->name;
      r.local = v->local;
      r.index = 0;
      return r;
    }
    if (k == CXCursor_BinaryOperator) {
      auto kk = children(s);
      if (kk.size() == 2 && op_token(s, kk) == "+") {
        CXCursor b = strip(kk[0]);
        if (clang_getCursorKind(b) == CXCursor_DeclRefExpr) {
          auto v = var_of(b);
          if (!v || !v->pointer_like) return r;
          r.key = r.base = v->name;
          r.local = v->local;
          r.index = evaluate(kk[1]);
          r.element = !r.index;
          return r;
        }
      }
    }
    return r;
  }

  Value value_of(CXCursor a) {
    Value v;
    v.text = toks_.text(begin_of(a), end_of(a));
    v.constant = evaluate(strip(a));
    return v;
  }

  void mpi_call(CXCursor e, const CallInfo& info, int nargs, std::vector<Op>& ops) {
    Op op;
    op.kind = OpKind::kMpi;
    op.name = info.name;
    op.line = line_of(e);
    op.column = column_of(e);
    auto arg = [&](int i) -> std::optional<CXCursor> {
      if (i < 0 || i >= nargs) return std::nullopt;
      return clang_Cursor_getArgument(e, i);
    };
    bool array_request = info.effect == Effect::kStartAll || info.effect == Effect::kCompleteAll;
    if (auto a = arg(info.request)) op.request = handle_ref(*a, array_request);
    if (auto a = arg(info.window)) op.window = handle_ref(*a, false);
    if (auto a = arg(info.object)) op.object = handle_ref(*a, false);
    if (auto a = arg(info.comm)) op.comm = handle_ref(*a, false);
    if (auto a = arg(info.memory)) {
      op.memory = info.effect == Effect::kCreate && info.memory == 0 ? buffer_ref(*a) : handle_ref(*a, false);
    }
    if (auto a = arg(info.origin)) op.origin = buffer_ref(*a);
    if (info.effect == Effect::kCommRank) {
      if (auto a = arg(info.result)) op.result = handle_ref(*a, false);
    } else if (auto a = arg(info.result)) {
      op.result = buffer_ref(*a);
    }
    if (auto a = arg(info.target)) op.target = value_of(*a);
    if (auto a = arg(info.count)) op.count = value_of(*a);
    if (info.effect == Effect::kRma && info.target >= 0)
      if (auto a = arg(info.target + 1)) op.disp = value_of(*a);  // the displacement follows the target rank
    auto basic = [&](CXCursor a) {  // MPI_INT, not a datatype variable nor a call that makes one
      CXCursor t = strip(a);
      std::string text = toks_.text(begin_of(a), end_of(a));
      bool variable = clang_getCursorKind(t) == CXCursor_DeclRefExpr && var_of(t).has_value();
      return !variable && text.rfind("MPI_", 0) == 0;
    };
    if (auto a = arg(info.type)) op.basic_type = basic(*a);
    if (info.effect == Effect::kRma && info.count < 0) op.count.constant = 1;  // Fetch_and_op, CAS: one element
    if (info.effect == Effect::kRma && info.target >= 0) {
      if (info.count < 0) {  // one element of the one datatype
        op.target_count = op.count;
        op.target_count.text = "1";
        op.target_basic_type = op.basic_type;
      } else {  // target rank, displacement, count, datatype
        if (auto a = arg(info.target + 2)) op.target_count = value_of(*a);
        if (auto a = arg(info.target + 3)) op.target_basic_type = basic(*a);
      }
    }
    if (auto a = arg(info.assertion)) {  // only a certain NOSUCCEED, not `last ? MPI_MODE_NOSUCCEED : 0`
      std::string text = toks_.text(begin_of(*a), end_of(*a));
      op.nosucceed = text.find("NOSUCCEED") != std::string::npos && text.find('?') == std::string::npos;
    }
    // Reads inside the arguments (indices, counts) are ordinary loads; `&flag`, `&base` are written.
    for (int i = 0; i < nargs; ++i) {
      CXCursor a = strip(clang_Cursor_getArgument(e, i));
      if (clang_getCursorKind(a) == CXCursor_ArraySubscriptExpr) {
        auto kk = children(a);
        if (kk.size() == 2) expr(kk[1], ops, kRead);
      }
      if (i != info.origin && i != info.result) written_through(a, ops);
    }
    ops.push_back(std::move(op));
  }

  CXTranslationUnit tu_;
  CXCursor fn_cursor_;
  Function& fn_;
  const Tokens& toks_;
  std::vector<bool> appendable_;
  std::vector<int> preds_;
  std::vector<int> breaks_, continues_;
  struct SwitchCtx {
    int branch;
    bool has_default;
  };
  std::vector<SwitchCtx> switches_;
  std::map<std::string, int> labels_;
  std::vector<std::pair<int, std::string>> gotos_;
  std::unordered_map<unsigned, VarInfo> vars_;
  std::map<std::string, Op> status_of_;  // variable -> the MPI call whose error code it holds
  bool aborts_ = false;
};

struct Collector {
  CXTranslationUnit tu;
  Unit* unit;
  const Tokens* toks;  // the whole file's
};

CXChildVisitResult collect(CXCursor c, CXCursor, CXClientData data) {
  auto* col = static_cast<Collector*>(data);
  if (!clang_Location_isFromMainFile(clang_getCursorLocation(c))) return CXChildVisit_Continue;
  CXCursorKind k = clang_getCursorKind(c);
  switch (k) {
    case CXCursor_Namespace:
    case CXCursor_ClassDecl:
    case CXCursor_StructDecl:
    case CXCursor_LinkageSpec:
    case CXCursor_ClassTemplate:
      return CXChildVisit_Recurse;
    case CXCursor_VarDecl:
      col->unit->globals.push_back(take(clang_getCursorSpelling(c)));
      return CXChildVisit_Continue;
    case CXCursor_FunctionDecl:
    case CXCursor_CXXMethod:
    case CXCursor_Constructor:
    case CXCursor_Destructor:
    case CXCursor_FunctionTemplate: {
      if (!clang_isCursorDefinition(c)) return CXChildVisit_Continue;
      CXCursor body = clang_getNullCursor();
      for (CXCursor ch : children(c))
        if (clang_getCursorKind(ch) == CXCursor_CompoundStmt) body = ch;
      if (clang_Cursor_isNull(body)) return CXChildVisit_Continue;
      Function fn;
      fn.name = take(clang_getCursorSpelling(c));
      fn.line = line_of(c);
      fn.is_main = fn.name == "main" && k == CXCursor_FunctionDecl;
      for (int i = 0, n = clang_Cursor_getNumArguments(c); i < n; ++i)
        fn.params.push_back(take(clang_getCursorSpelling(clang_Cursor_getArgument(c, i))));
      Lowering(col->tu, c, fn, *col->toks).run(body);
      col->unit->functions.push_back(std::move(fn));
      return CXChildVisit_Continue;
    }
    default:
      return CXChildVisit_Continue;
  }
}

}  // namespace

ClangFrontend::ClangFrontend() : index_(clang_createIndex(0, 0)) {}
ClangFrontend::~ClangFrontend() { clang_disposeIndex(static_cast<CXIndex>(index_)); }

bool ClangFrontend::parse(const std::string& file, const std::vector<std::string>& args, Unit& out, std::string& error,
                          std::vector<std::string>& diagnostics, const std::string* contents) {
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  CXUnsavedFile unsaved{file.c_str(), contents ? contents->data() : nullptr,
                        contents ? static_cast<unsigned long>(contents->size()) : 0};
  CXTranslationUnit tu = nullptr;
  CXErrorCode rc = clang_parseTranslationUnit2(static_cast<CXIndex>(index_), file.c_str(), argv.data(),
                                               static_cast<int>(argv.size()), contents ? &unsaved : nullptr,
                                               contents ? 1 : 0, CXTranslationUnit_KeepGoing, &tu);
  if (rc != CXError_Success || !tu) {
    error = "libclang could not parse " + file + " (error " + std::to_string(static_cast<int>(rc)) + ")";
    return false;
  }
  for (unsigned i = 0, n = clang_getNumDiagnostics(tu); i < n; ++i) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error)
      diagnostics.push_back(take(clang_formatDiagnostic(d, CXDiagnostic_DisplaySourceLocation)));
    clang_disposeDiagnostic(d);
  }
  out.file = file;
  // The whole file's tokens: macro definitions above a function are read for the operators of
  // their bodies (CHECK's `if (rc != MPI_SUCCESS)`).
  g_main_file = clang_getFile(tu, file.c_str());
  size_t size = 0;
  if (g_main_file) clang_getFileContents(tu, g_main_file, &size);
  CXSourceRange whole = g_main_file
                            ? clang_getRange(clang_getLocationForOffset(tu, g_main_file, 0),
                                             clang_getLocationForOffset(tu, g_main_file, static_cast<unsigned>(size)))
                            : clang_getCursorExtent(clang_getTranslationUnitCursor(tu));
  Tokens toks(tu, whole);
  Collector col{tu, &out, &toks};
  clang_visitChildren(clang_getTranslationUnitCursor(tu), collect, &col);
  g_main_file = nullptr;
  clang_disposeTranslationUnit(tu);
  return true;
}

}  // namespace rmacheck::lint
