// rmacheck's GCC plugin: one range check per loop instead of one call per
// element. Runs right after GCC's ThreadSanitizer pass (which turned every
// load and store into a __tsan_readN/__tsan_writeN call) and, in an
// innermost loop that cannot reach an MPI call, replaces each such call
// whose address walks an array contiguously (or stays put) by one
// __tsan_read_range/__tsan_write_range call over exactly the bytes the loop
// touches, in the loop's preheader.
//
// Why this is exact: the runtime logs, per interval between two MPI calls of
// a thread, which byte ranges were read and written (with a first pc and a
// count); the order of accesses inside an interval is not kept. The hoisted
// call covers the same bytes in the same interval:
//   - the loop is innermost and has one exit, tested in a block that every
//     iteration reaches; the call is in a block that dominates it, so it runs
//     exactly once per iteration, niter + 1 times (GCC's number of latch
//     executions, only when GCC can compute it), or in a block after the
//     test that every path to the latch passes (a loop GCC did not rotate,
//     at -Os and -Og), niter times;
//   - the loop calls nothing but ThreadSanitizer's access entry points and C
//     math functions (no MPI call, no atomic, no unknown function, no asm),
//     and nothing in it can throw: the interval cannot end inside the loop;
//   - the address is an affine function of the iteration with a step of at
//     most the access's size (no holes), or invariant.
// Anything else keeps its per-element call. One difference in timing: the
// range is checked against the watched memory once, before the loop; if
// another thread's MPI call starts watching memory while the loop runs
// (MPI_THREAD_MULTIPLE), the per-element checks would see the change at
// the next element, the range does not (such a race is unordered either
// way, and its detection depends on timing in both). The loop itself then has no
// calls left and is vectorized as in the plain build.
//
// The line of the range call is the access's own line, so the report names
// the same file:line; only the count of the record (informative, not
// reported) changes. One difference: the runtime names bytes by the first
// access of the interval that touched them, and a hoisted range comes
// before the loop's per-element accesses; bytes that both touch are then
// named by the hoisted line (which did touch them) instead of the other.
// GCC's headers need this order (each uses what the ones before it declare): not sorted.
// clang-format off
#include "gcc-plugin.h"  // first: it brings config.h and system.h
#include "plugin-version.h"
#include "tree.h"
#include "tree-pass.h"
#include "context.h"
#include "function.h"
#include "basic-block.h"
#include "cfgloop.h"
#include "dominance.h"
#include "gimple.h"
#include "gimple-iterator.h"
#include "gimple-pretty-print.h"
#include "gimplify-me.h"
#include "ssa.h"
#include "tree-chrec.h"
#include "tree-eh.h"
#include "tree-into-ssa.h"
#include "tree-scalar-evolution.h"
#include "tree-ssa-operands.h"
#include "tree-ssanames.h"
#include "fold-const.h"
#include "stringpool.h"
#include "builtins.h"
#include "diagnostic-core.h"
// clang-format on

int plugin_is_GPL_compatible;

namespace {

// What a call in the loop is, for this pass.
enum class CallKind {
  kOther,     // anything that may reach MPI, synchronize or leave the loop: the loop stays as it is
  kHarmless,  // C math, const internal functions: no memory of the program, no MPI
  kAccess,    // a plain ThreadSanitizer read or write of `size` bytes
};

struct Access {
  CallKind kind;
  bool write;
  int size;
};

Access classify(gimple* stmt) {
  if (gimple_call_internal_p(stmt)) {
    return {(gimple_call_flags(stmt) & ECF_CONST) ? CallKind::kHarmless : CallKind::kOther, false, 0};
  }
  if (!gimple_call_builtin_p(stmt, BUILT_IN_NORMAL)) return {CallKind::kOther, false, 0};
  switch (DECL_FUNCTION_CODE(gimple_call_fndecl(stmt))) {
    // clang-format off
    case BUILT_IN_TSAN_READ1: return {CallKind::kAccess, false, 1};
    case BUILT_IN_TSAN_READ2: return {CallKind::kAccess, false, 2};
    case BUILT_IN_TSAN_READ4: return {CallKind::kAccess, false, 4};
    case BUILT_IN_TSAN_READ8: return {CallKind::kAccess, false, 8};
    case BUILT_IN_TSAN_READ16: return {CallKind::kAccess, false, 16};
    case BUILT_IN_TSAN_WRITE1: return {CallKind::kAccess, true, 1};
    case BUILT_IN_TSAN_WRITE2: return {CallKind::kAccess, true, 2};
    case BUILT_IN_TSAN_WRITE4: return {CallKind::kAccess, true, 4};
    case BUILT_IN_TSAN_WRITE8: return {CallKind::kAccess, true, 8};
    case BUILT_IN_TSAN_WRITE16: return {CallKind::kAccess, true, 16};
#define RMACHECK_MATH(FN) case BUILT_IN_##FN: case BUILT_IN_##FN##F: case BUILT_IN_##FN##L:
    RMACHECK_MATH(SIN) RMACHECK_MATH(COS) RMACHECK_MATH(TAN) RMACHECK_MATH(ASIN) RMACHECK_MATH(ACOS)
    RMACHECK_MATH(ATAN) RMACHECK_MATH(ATAN2) RMACHECK_MATH(SINH) RMACHECK_MATH(COSH) RMACHECK_MATH(TANH)
    RMACHECK_MATH(EXP) RMACHECK_MATH(EXP2) RMACHECK_MATH(EXPM1) RMACHECK_MATH(LOG) RMACHECK_MATH(LOG2)
    RMACHECK_MATH(LOG10) RMACHECK_MATH(LOG1P) RMACHECK_MATH(POW) RMACHECK_MATH(SQRT) RMACHECK_MATH(CBRT)
    RMACHECK_MATH(HYPOT) RMACHECK_MATH(FABS) RMACHECK_MATH(FLOOR) RMACHECK_MATH(CEIL) RMACHECK_MATH(ROUND)
    RMACHECK_MATH(TRUNC) RMACHECK_MATH(FMIN) RMACHECK_MATH(FMAX) RMACHECK_MATH(FMA) RMACHECK_MATH(FMOD)
    RMACHECK_MATH(COPYSIGN) RMACHECK_MATH(ERF) RMACHECK_MATH(ERFC)
#undef RMACHECK_MATH
      return {CallKind::kHarmless, false, 0};
    // clang-format on
    default:
      return {CallKind::kOther, false, 0};
  }
}

// Can the interval end inside the loop, or the loop be left other than by its exit test?
bool loop_is_closed(class loop* loop) {
  basic_block* body = get_loop_body(loop);
  bool closed = true;
  for (unsigned i = 0; closed && i < loop->num_nodes; ++i) {
    for (gimple_stmt_iterator gsi = gsi_start_bb(body[i]); closed && !gsi_end_p(gsi); gsi_next(&gsi)) {
      gimple* stmt = gsi_stmt(gsi);
      if (gimple_code(stmt) == GIMPLE_ASM || stmt_could_throw_p(cfun, stmt)) closed = false;
      if (is_gimple_call(stmt) && classify(stmt).kind == CallKind::kOther) closed = false;
    }
  }
  free(body);
  return closed;
}

// Is every SSA name of `expr` defined before the loop? SCEV leaves a value loaded inside the loop
// (a pointer reloaded after each call) as a symbol; such a base cannot be computed in the preheader.
tree defined_in_loop(tree* t, int* walk_subtrees, void* data) {
  if (TREE_CODE(*t) != SSA_NAME) return NULL_TREE;
  *walk_subtrees = 0;
  const basic_block def = gimple_bb(SSA_NAME_DEF_STMT(*t));
  return def != nullptr && flow_bb_inside_loop_p(static_cast<class loop*>(data), def) ? *t : NULL_TREE;
}

bool computable_before(class loop* loop, tree expr) {
  return walk_tree_without_duplicates(&expr, defined_in_loop, loop) == NULL_TREE;
}

// How often a block of the loop runs: every iteration (it dominates the exit test: niter + 1 times),
// every iteration but the last (after the exit test, on every path to the latch: niter times; the
// shape of a loop GCC did not rotate, at -Os and -Og), or not known.
enum class Runs { kEveryIteration, kAllButLast, kUnknown };

Runs runs_of(class loop* loop, edge exit, basic_block bb) {
  if (dominated_by_p(CDI_DOMINATORS, exit->src, bb)) return Runs::kEveryIteration;
  if (dominated_by_p(CDI_DOMINATORS, bb, exit->src) && dominated_by_p(CDI_DOMINATORS, loop->latch, bb))
    return Runs::kAllButLast;
  return Runs::kUnknown;
}

// The bytes [lo, lo + bytes) that an access of `size` bytes at `addr` touches in iterations
// 0 .. niter (kEveryIteration) or 0 .. niter - 1 (kAllButLast, none when niter is 0), as trees valid
// in the preheader; false when they are not one range.
bool covered_range(class loop* loop, tree addr, int size, tree niter, Runs runs, tree* lo, tree* bytes) {
  if (TREE_CODE(addr) != SSA_NAME && !is_gimple_min_invariant(addr)) return false;
  tree ev = instantiate_parameters(loop, analyze_scalar_evolution(loop, addr));
  if (ev == NULL_TREE || chrec_contains_undetermined(ev)) return false;
  const tree n = fold_convert(sizetype, niter);
  const bool all_but_last = runs == Runs::kAllButLast;
  if (evolution_function_is_invariant_p(ev, loop->num)) {
    *lo = ev;
    // all but the last iteration: nothing when niter is 0, else the one element
    *bytes = all_but_last
                 ? fold_build2(MULT_EXPR, sizetype, fold_build2(MIN_EXPR, sizetype, n, size_one_node), size_int(size))
                 : size_int(size);
    return computable_before(loop, ev) && computable_before(loop, *bytes);
  }
  if (TREE_CODE(ev) != POLYNOMIAL_CHREC || CHREC_VARIABLE(ev) != static_cast<unsigned>(loop->num)) return false;
  const tree base = CHREC_LEFT(ev), step = CHREC_RIGHT(ev);
  if (!evolution_function_is_invariant_p(base, loop->num) || TREE_CODE(step) != INTEGER_CST) return false;
  // The step of a pointer is a sizetype (unsigned) constant: a backward walk's -8 is 2^64 - 8 there.
  const HOST_WIDE_INT s = wi::to_wide(step).to_shwi();
  if (s == 0 || s > size || -s > size) return false;  // holes between elements: not one range
  if (all_but_last) {
    // Elements side by side only (|s| == size): then niter of them are niter * size bytes, 0 for none.
    if (s != size && -s != size) return false;
    *bytes = fold_build2(MULT_EXPR, sizetype, n, size_int(size));
    *lo = s > 0 ? base : fold_build_pointer_plus(base, fold_build2(MINUS_EXPR, sizetype, size_int(size), *bytes));
    return computable_before(loop, *lo) && computable_before(loop, *bytes);
  }
  const tree span = fold_build2(MULT_EXPR, sizetype, n, size_int(s < 0 ? -s : s));
  *lo = s > 0 ? base : fold_build_pointer_plus(base, fold_build1(NEGATE_EXPR, sizetype, span));
  *bytes = fold_build2(PLUS_EXPR, sizetype, span, size_int(size));
  return computable_before(loop, *lo) && computable_before(loop, *bytes);
}

bool g_verbose = false;  // -fplugin-arg-rmacheck_loop_ranges-verbose: a note per access of a loop

// Under -verbose, a note at each access of the loop that stays one call per element, and why.
void note_kept(class loop* loop, const char* why) {
  if (!g_verbose) return;
  basic_block* body = get_loop_body(loop);
  for (unsigned i = 0; i < loop->num_nodes; ++i)
    for (gimple_stmt_iterator gsi = gsi_start_bb(body[i]); !gsi_end_p(gsi); gsi_next(&gsi))
      if (is_gimple_call(gsi_stmt(gsi)) && classify(gsi_stmt(gsi)).kind == CallKind::kAccess)
        inform(gimple_location(gsi_stmt(gsi)), "rmacheck: per element: %s", why);
  free(body);
}

unsigned hoist_in_loop(class loop* loop) {
  edge exit = single_exit(loop);
  if (exit == nullptr || !dominated_by_p(CDI_DOMINATORS, loop->latch, exit->src)) {
    note_kept(loop, "the loop has more than one exit");
    return 0;
  }
  const tree niter = number_of_latch_executions(loop);
  // A COND_EXPR (`may_be_zero ? 0 : n`, GCC's count of a loop that may not iterate) is a value like
  // any other: force_gimple_operand makes it a conditional assignment in the preheader.
  if (niter == NULL_TREE || chrec_contains_undetermined(niter) || !computable_before(loop, niter)) {
    note_kept(loop, "the trip count is not known at the loop's entry");
    return 0;
  }
  if (!loop_is_closed(loop)) {
    note_kept(loop, "the loop calls a function, synchronizes or may throw");
    return 0;
  }

  unsigned hoisted = 0;
  basic_block* body = get_loop_body(loop);
  for (unsigned i = 0; i < loop->num_nodes; ++i) {
    const Runs runs = runs_of(loop, exit, body[i]);
    for (gimple_stmt_iterator gsi = gsi_start_bb(body[i]); !gsi_end_p(gsi);) {
      gimple* stmt = gsi_stmt(gsi);
      const Access a = is_gimple_call(stmt) ? classify(stmt) : Access{CallKind::kOther, false, 0};
      if (a.kind != CallKind::kAccess) {
        gsi_next(&gsi);
        continue;
      }
      tree lo = NULL_TREE, bytes = NULL_TREE;
      if (runs == Runs::kUnknown || !covered_range(loop, gimple_call_arg(stmt, 0), a.size, niter, runs, &lo, &bytes)) {
        if (g_verbose)
          inform(gimple_location(stmt), "rmacheck: per element: %s",
                 runs != Runs::kUnknown ? "the addresses are not one range" : "not run on every iteration");
        gsi_next(&gsi);
        continue;
      }
      const tree range_fn = builtin_decl_explicit(a.write ? BUILT_IN_TSAN_WRITE_RANGE : BUILT_IN_TSAN_READ_RANGE);
      const tree size_type = TREE_VALUE(TREE_CHAIN(TYPE_ARG_TYPES(TREE_TYPE(range_fn))));
      // force_gimple_operand sets its sequence (it does not append): one for each operand.
      gimple_seq seq = nullptr, bytes_seq = nullptr;
      lo = force_gimple_operand(fold_convert(ptr_type_node, lo), &seq, true, NULL_TREE);
      bytes = force_gimple_operand(fold_convert(size_type, bytes), &bytes_seq, true, NULL_TREE);
      gimple_seq_add_seq(&seq, bytes_seq);
      gcall* range = gimple_build_call(range_fn, 2, lo, bytes);
      gimple_set_location(range, gimple_location(stmt));
      gimple_seq_add_stmt(&seq, range);
      gsi_insert_seq_on_edge_immediate(loop_preheader_edge(loop), seq);
      if (g_verbose) inform(gimple_location(stmt), "rmacheck: one %s range for the loop", a.write ? "write" : "read");
      unlink_stmt_vdef(stmt);
      gsi_remove(&gsi, true);
      release_defs(stmt);
      ++hoisted;
    }
  }
  free(body);
  return hoisted;
}

const pass_data kPassData = {
    GIMPLE_PASS, "rmacheck_loop_ranges", OPTGROUP_LOOP, TV_NONE, PROP_ssa | PROP_cfg, 0, 0, 0, 0,
};

class LoopRangesPass : public gimple_opt_pass {
 public:
  explicit LoopRangesPass(gcc::context* ctxt) : gimple_opt_pass(kPassData, ctxt) {}
  bool gate(function*) override { return optimize > 0 && (flag_sanitize & SANITIZE_THREAD); }
  unsigned int execute(function* fun) override {
    if (number_of_loops(fun) <= 1) return 0;
    loop_optimizer_init(LOOPS_NORMAL | LOOPS_HAVE_RECORDED_EXITS);
    scev_initialize();
    unsigned hoisted = 0;
    for (class loop* loop : loops_list(fun, LI_ONLY_INNERMOST)) hoisted += hoist_in_loop(loop);
    scev_finalize();
    loop_optimizer_finalize();
    if (hoisted == 0) return 0;
    mark_virtual_operands_for_renaming(fun);
    return TODO_update_ssa_only_virtuals;
  }
  opt_pass* clone() override { return new LoopRangesPass(m_ctxt); }
};

}  // namespace

int plugin_init(struct plugin_name_args* info, struct plugin_gcc_version* version) {
  for (int i = 0; i < info->argc; ++i) {
    if (strcmp(info->argv[i].key, "verbose") != 0) {
      fprintf(stderr, "rmacheck: %s: unknown argument '%s' (known: verbose)\n", info->full_name, info->argv[i].key);
      return 1;
    }
    g_verbose = true;
  }
  // The same release (basever, devphase): the compiler's internals are the ones the plugin was
  // built against. Not the whole configure line: a distribution's update of the same release (a
  // new package version in it) would otherwise fail every compile. Another release: no pass, a
  // warning, and the compile goes on (each access checked per element, as without the plugin).
  if (strcmp(version->basever, gcc_version.basever) != 0 || strcmp(version->devphase, gcc_version.devphase) != 0) {
    fprintf(stderr,
            "rmacheck: warning: %s was built for gcc %s, this is gcc %s: loops are checked per element "
            "(rebuild rmacheck for this gcc)\n",
            info->full_name, gcc_version.basever, version->basever);
    return 0;
  }
  struct register_pass_info pass;
  pass.pass = new LoopRangesPass(g);
  pass.reference_pass_name = "tsan";
  pass.ref_pass_instance_number = 0;  // after each instance (the -O and the -Og pipeline)
  pass.pos_op = PASS_POS_INSERT_AFTER;
  register_callback(info->base_name, PLUGIN_PASS_MANAGER_SETUP, nullptr, &pass);
  return 0;
}
