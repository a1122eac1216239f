#!/usr/bin/python3
"""rmacheck lint's frontend for mpi4py scripts.

usage: mpi4py_lint.py SCRIPT.py...

Lowers each script with Python's own ast module into the lint IR that the C
and C++ frontend produces too (analyzer/lint/lint_ir.h): per function (the
module's top level is "main", ending in mpi4py's implicit MPI finalize) a
control-flow graph of statements carrying MPI calls under their C names
(win.Put -> MPI_Put, comm.Send_init -> MPI_Send_init, ...), loads and stores
of buffers, and assignments (for the rank taint of conditions). The checks
themselves run in C++ on that IR. Prints {"units": [...], "errors": [...]}
as JSON. Like the C frontend, loops are lowered as "the body runs at least
once".

Which object a method is called on is known from what the name was assigned
(win = MPI.Win.Create(...), req = comm.Send_init(...)); a method on a name of
unknown kind is not taken for an MPI call unless the method name is unique to
one MPI class. Standard library only.
"""
import ast
import json
import os
import sys

ENTRY, EXIT, ABORT = 0, 1, 2

# Creating calls: the kind of what they return, and the C name.
#   method name -> (kind, C name, roles by positional index / keyword)
CREATE = {
    "Create": ("win", "MPI_Win_create", {"memory": (0, "memory"), "comm": (3, "comm")}),
    "Allocate": ("win", "MPI_Win_allocate", {"comm": (3, "comm")}),
    "Allocate_shared": ("win", "MPI_Win_allocate_shared", {"comm": (3, "comm")}),
    "Create_dynamic": ("win", "MPI_Win_create_dynamic", {"comm": (1, "comm")}),
    "Send_init": ("preq", "MPI_Send_init", {"origin": (0, "buf")}),
    "Ssend_init": ("preq", "MPI_Ssend_init", {"origin": (0, "buf")}),
    "Bsend_init": ("preq", "MPI_Bsend_init", {"origin": (0, "buf")}),
    "Rsend_init": ("preq", "MPI_Rsend_init", {"origin": (0, "buf")}),
    "Recv_init": ("preq", "MPI_Recv_init", {"result": (0, "buf")}),
    "Isend": ("req", "MPI_Isend", {"origin": (0, "buf")}),
    "Issend": ("req", "MPI_Issend", {"origin": (0, "buf")}),
    "Irecv": ("req", "MPI_Irecv", {"result": (0, "buf")}),
    "Ibarrier": ("req", "MPI_Ibarrier", {}),
    "Rput": ("req", "MPI_Rput", {"origin": (0, "origin"), "target": (1, "target_rank")}),
    "Rget": ("req", "MPI_Rget", {"result": (0, "origin"), "target": (1, "target_rank")}),
    "Raccumulate": ("req", "MPI_Raccumulate", {"origin": (0, "origin"), "target": (1, "target_rank")}),
    "Split": ("comm", "MPI_Comm_split", {}),
    "Dup": ("comm", "MPI_Comm_dup", {}),
    "Get_group": ("group", "MPI_Comm_group", {}),
    "Incl": ("group", "MPI_Group_incl", {}),
    "Excl": ("group", "MPI_Group_excl", {}),
    "Create_contiguous": ("type", "MPI_Type_contiguous", {}),
    "Create_vector": ("type", "MPI_Type_vector", {}),
    "Create_indexed": ("type", "MPI_Type_indexed", {}),
    "Create_subarray": ("type", "MPI_Type_create_subarray", {}),
    "Create_struct": ("type", "MPI_Type_create_struct", {}),
}
# Methods on a window.
WIN = {
    "Put": ("MPI_Put", {"origin": (0, "origin"), "target": (1, "target_rank"), "disp": (2, "target")}),
    "Get": ("MPI_Get", {"result": (0, "origin"), "target": (1, "target_rank"), "disp": (2, "target")}),
    "Accumulate": ("MPI_Accumulate", {"origin": (0, "origin"), "target": (1, "target_rank"), "disp": (2, "target")}),
    "Get_accumulate": ("MPI_Get_accumulate",
                       {"origin": (0, "origin"), "result": (1, "result"), "target": (2, "target_rank")}),
    "Fetch_and_op": ("MPI_Fetch_and_op", {"origin": (0, "origin"), "result": (1, "result"), "target": (2, "target_rank")}),
    "Compare_and_swap": ("MPI_Compare_and_swap",
                         {"origin": (0, "origin"), "result": (2, "result"), "target": (3, "target_rank")}),
    "Fence": ("MPI_Win_fence", {"assert": (0, "assertion")}),
    "Lock": ("MPI_Win_lock", {"target": (0, "rank")}),
    "Unlock": ("MPI_Win_unlock", {"target": (0, "rank")}),
    "Lock_all": ("MPI_Win_lock_all", {}),
    "Unlock_all": ("MPI_Win_unlock_all", {}),
    "Flush": ("MPI_Win_flush", {"target": (0, "rank")}),
    "Flush_local": ("MPI_Win_flush_local", {"target": (0, "rank")}),
    "Flush_all": ("MPI_Win_flush_all", {}),
    "Flush_local_all": ("MPI_Win_flush_local_all", {}),
    "Start": ("MPI_Win_start", {}),
    "Complete": ("MPI_Win_complete", {}),
    "Post": ("MPI_Win_post", {}),
    "Wait": ("MPI_Win_wait", {}),
    "Test": ("MPI_Win_test", {}),
    "Free": ("MPI_Win_free", {}),
}
# Methods only an MPI.Win has: on a name of unknown kind (a function's parameter) they make it a window.
# (Win.Get too when it has the origin and the target rank: Info.Get takes a key.)
WIN_ONLY = {"Fence", "Put", "Accumulate", "Get_accumulate", "Fetch_and_op", "Compare_and_swap", "Lock", "Unlock",
            "Lock_all", "Unlock_all", "Flush", "Flush_local", "Flush_all", "Flush_local_all", "Post", "Rput", "Rget",
            "Raccumulate"}
COMM_ONLY = {"Barrier"}
REQ = {"Start": "MPI_Start", "Wait": "MPI_Wait", "Test": "MPI_Test", "Free": "MPI_Request_free"}
REQ_ALL = {"Startall": "MPI_Startall", "Waitall": "MPI_Waitall", "Testall": "MPI_Testall", "Waitany": "MPI_Waitany",
           "Testany": "MPI_Testany", "Waitsome": "MPI_Waitsome", "Testsome": "MPI_Testsome"}
COMM = {"Send": ("MPI_Send", "origin"), "Ssend": ("MPI_Ssend", "origin"), "Recv": ("MPI_Recv", "result"),
        "Bcast": ("MPI_Bcast", "result"), "Barrier": ("MPI_Barrier", None), "barrier": ("MPI_Barrier", None)}
FREE = {"comm": "MPI_Comm_free", "group": "MPI_Group_free", "type": "MPI_Type_free", "win": "MPI_Win_free",
        "preq": "MPI_Request_free", "req": "MPI_Request_free"}
ABORTS = {"exit", "_exit", "abort", "Abort"}


def dotted(node):
    """'MPI.Win.Create' for an attribute chain, or None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def names_in(node):
    return sorted({n.id for n in ast.walk(node) if isinstance(n, ast.Name)}) if node is not None else []


# Calls whose value may differ between two evaluations: an `if` on them is not the same `if` twice.
VOLATILE_METHODS = set(REQ) | set(REQ_ALL) | {"Test", "Iprobe", "Improbe", "Testany", "Testsome", "Testall"}
VOLATILE_PREFIXES = ("MPI.", "random.", "time.", "np.random.", "numpy.random.", "os.")


def volatile(test):
    for n in ast.walk(test):
        if not isinstance(n, ast.Call):
            continue
        d = dotted(n.func) or ""
        if isinstance(n.func, ast.Attribute) and n.func.attr in VOLATILE_METHODS:
            return True
        if d.startswith(VOLATILE_PREFIXES) or d in ("random", "time", "input"):
            return True
    return False


def constant(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        c = constant(node.operand)
        return -c if c is not None else None
    return None


def value(node):
    v = {"text": ast.unparse(node)}
    c = constant(node)
    if c is not None:
        v["constant"] = c
    return v


def arg(call, index, keyword):
    for k in call.keywords:
        if k.arg == keyword:
            return k.value
    if index is not None and index < len(call.args) and not isinstance(call.args[index], ast.Starred):
        return call.args[index]
    return None


class Kinds(ast.NodeVisitor):
    """What each name holds, from the assignments of the whole script (flow-insensitive)."""

    def __init__(self):
        self.kind = {}

    def visit_Assign(self, node):
        k = self.kind_of(node.value)
        for t in node.targets:
            if isinstance(t, ast.Name) and k:
                self.kind[t.id] = k
            if isinstance(t, (ast.Tuple, ast.List)) and isinstance(node.value, (ast.Tuple, ast.List)):
                for tt, vv in zip(t.elts, node.value.elts):
                    kk = self.kind_of(vv)
                    if isinstance(tt, ast.Name) and kk:
                        self.kind[tt.id] = kk
            if isinstance(t, ast.Name) and isinstance(node.value, (ast.List, ast.Tuple)):
                kinds = {self.kind_of(e) for e in node.value.elts}
                if kinds and kinds <= {"req", "preq"}:  # requests of both kinds: the request methods apply to all
                    kinds = {"preq"} if kinds == {"preq"} else {"req"}
                if len(kinds) == 1 and None not in kinds:
                    self.kind[t.id] = "list:" + kinds.pop()
        self.generic_visit(node)

    def visit_Expr(self, node):
        # reqs.append(comm.Isend(...)): a list of requests built in a loop
        v = node.value
        if isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute) and v.func.attr == "append" and \
                isinstance(v.func.value, ast.Name) and len(v.args) == 1:
            k = self.kind_of(v.args[0])
            if k in ("req", "preq") and self.kind.get(v.func.value.id, "list:" + k).startswith("list:"):
                self.kind[v.func.value.id] = "list:" + k
        self.generic_visit(node)

    def visit_For(self, node):
        # for r in reqs: the loop variable is each element
        if isinstance(node.iter, ast.Name) and isinstance(node.target, ast.Name):
            k = self.kind.get(node.iter.id, "")
            if k.startswith("list:"):
                self.kind[node.target.id] = k[len("list:"):]
        self.generic_visit(node)

    def kind_of(self, v):
        if isinstance(v, ast.Call) and isinstance(v.func, ast.Attribute):
            m = v.func.attr
            if m == "Commit" and isinstance(v.func.value, ast.Call):
                return self.kind_of(v.func.value)
            if m in CREATE:
                if m == "Create" and dotted(v.func) not in ("MPI.Win.Create", "Win.Create"):
                    return "comm" if dotted(v.func.value) and self.kind.get(dotted(v.func.value)) in ("comm", "world") else None
                return CREATE[m][0]
            if m == "Get_rank":
                return "rank"
        if isinstance(v, ast.Attribute) and v.attr == "rank":
            return "rank"
        d = dotted(v)
        if d and d.startswith("MPI.COMM_"):
            return "world"
        return None


class Lowering:
    def __init__(self, name, line, kinds, is_main, params=()):
        self.kinds = kinds
        self.fn = {"name": name, "line": line, "main": is_main, "end_finalizes": is_main, "params": list(params),
                   "nodes": []}
        self.nodes = self.fn["nodes"]
        for kind in ("entry", "exit", "abort"):
            self.nodes.append({"kind": kind, "line": line, "succ": []})
        self.appendable = [False, False, False]
        self.breaks, self.continues = [], []
        self.aborts = False
        self.alias = {}  # `for r in reqs`: r stands for reqs[*] in the loop body

    # ---- graph ----
    def new(self, kind, line):
        self.nodes.append({"kind": kind, "line": line, "succ": [], "ops": []})
        self.appendable.append(False)
        return len(self.nodes) - 1

    def edge(self, a, b, back=False):
        if a is None:
            return
        n = self.nodes[a]
        n["succ"].append(b)
        n.setdefault("back", [False] * (len(n["succ"]) - 1)).append(back)

    def block(self, cur, line):
        if cur is not None and self.appendable[cur] and not self.nodes[cur]["succ"]:
            return cur
        n = self.fresh(cur, line)
        return n

    def fresh(self, cur, line):
        n = self.new("stmt", line)
        self.appendable[n] = True
        self.edge(cur, n)
        return n

    def finish(self, end):
        if end is not None:
            self.edge(end, EXIT)
        for n in self.nodes:
            n.setdefault("back", [False] * len(n["succ"]))
        return self.fn

    # ---- statements ----
    def body(self, stmts, cur):
        for s in stmts:
            cur = self.stmt(s, cur)
        return cur

    def stmt(self, s, cur):
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom, ast.Pass,
                          ast.Global, ast.Nonlocal)):
            return cur
        if isinstance(s, ast.If):
            return self.if_stmt(s, cur)
        if isinstance(s, (ast.For, ast.While)):
            return self.loop(s, cur)
        if isinstance(s, ast.Break):
            if self.breaks:
                self.edge(cur, self.breaks[-1])
            return None
        if isinstance(s, ast.Continue):
            if self.continues:
                self.edge(cur, self.continues[-1])
            return None
        if isinstance(s, ast.Return):
            n = self.new("stmt", s.lineno)
            self.edge(cur, n)
            self.nodes[n]["returns"] = True
            if s.value is not None:
                self.expr(s.value, self.nodes[n]["ops"], escape=True)
                self.nodes[n]["ops"].append({"op": "assign", "line": s.lineno, "var": "()" + self.fn["name"],
                                             "reads": names_in(s.value)})
            self.edge(n, EXIT)
            return None
        if isinstance(s, ast.Raise):
            n = self.block(cur, s.lineno)
            self.edge(n, ABORT)
            return None
        if isinstance(s, ast.Try):
            cur = self.body(s.body, cur)
            cur = self.body(s.orelse, cur)
            return self.body(s.finalbody, cur)
        if isinstance(s, (ast.With, ast.AsyncWith)):
            n = self.block(cur, s.lineno)
            for item in s.items:
                self.expr(item.context_expr, self.nodes[n]["ops"])
            return self.body(s.body, n)
        n = self.block(cur, s.lineno)
        self.aborts = False
        self.simple(s, self.nodes[n]["ops"])
        if self.aborts:
            self.aborts = False
            self.edge(n, ABORT)
            return None
        return n

    def branch(self, test, cur, correlate):
        b = self.new("branch", test.lineno)
        self.edge(cur, b)
        n = self.nodes[b]
        n["cond"] = ast.unparse(test)
        n["cond_vars"] = names_in(test)
        n["correlate"] = correlate and not volatile(test)
        self.expr(test, n["ops"], condition=True)
        return b

    def if_stmt(self, s, cur):
        c = constant(s.test) if isinstance(s.test, ast.Constant) else None
        b = self.branch(s.test, cur, True)
        join = None

        def arm(stmts):
            nonlocal join
            start = self.fresh(None, stmts[0].lineno if stmts else s.lineno)
            self.edge(b, start)
            end = self.body(stmts, start)
            if end is not None:
                if join is None:
                    join = self.new("stmt", s.lineno)
                self.edge(end, join)

        if c == 0 or (isinstance(s.test, ast.Constant) and not s.test.value):
            arm(s.orelse)
        else:
            arm(s.body)
            if not (isinstance(s.test, ast.Constant) and s.test.value):
                arm(s.orelse)
        if join is not None:
            self.appendable[join] = True
        return join

    def loop(self, s, cur):
        forever = isinstance(s, ast.While) and isinstance(s.test, ast.Constant) and bool(s.test.value)
        head = self.fresh(cur, s.lineno)
        alias = None
        if isinstance(s, ast.For):
            self.expr(s.iter, self.nodes[head]["ops"])
            self.targets(s.target, s.iter, self.nodes[head]["ops"], s.lineno)
            if isinstance(s.iter, ast.Name) and isinstance(s.target, ast.Name) and \
                    (self.kinds.get(s.iter.id) or "").startswith("list:"):
                alias = s.target.id
                self.alias[alias] = s.iter.id
        elif not forever:
            self.expr(s.test, self.nodes[head]["ops"], condition=True)
        exit_ = self.new("stmt", s.lineno)
        latch = self.new("stmt", s.lineno)
        self.breaks.append(exit_)
        self.continues.append(latch)
        body = self.fresh(head, s.body[0].lineno)
        self.appendable[body] = False
        end = self.body(s.body, body)
        if alias:
            del self.alias[alias]
        self.breaks.pop()
        self.continues.pop()
        self.edge(end, latch)
        if forever:
            self.edge(latch, body, True)
        else:
            test = s.test if isinstance(s, ast.While) else s.iter
            b = self.branch(test, latch, False)
            self.edge(b, body, True)
            after = self.body(s.orelse, self.fresh(b, s.lineno)) if s.orelse else b
            self.edge(after, exit_)
        self.appendable[exit_] = True
        return exit_

    # ---- expressions ----
    def simple(self, s, ops):
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) and \
                isinstance(s.value, (ast.List, ast.Tuple)) and \
                (self.kinds.get(s.targets[0].id) or "").startswith("list:"):
            # reqs = [comm.Send_init(...), comm.Recv_init(...)]: each element made as reqs[i]
            name = s.targets[0].id
            for i, e in enumerate(s.value.elts):
                if isinstance(e, ast.Call):
                    self.call(e, ops, [ast.Subscript(value=ast.Name(id=name), slice=ast.Constant(value=i))])
                else:
                    self.expr(e, ops, escape=True)
            self.targets(s.targets[0], s.value, ops, s.lineno)
            return
        if isinstance(s, ast.Assign):
            self.expr(s.value, ops, escape=True, assigned=s.targets)
            for t in s.targets:
                self.targets(t, s.value, ops, s.lineno)
        elif isinstance(s, ast.AugAssign):
            self.expr(s.value, ops)
            self.expr(s.target, ops)
            self.store(s.target, ops)
            if isinstance(s.target, ast.Name):
                ops.append({"op": "assign", "line": s.lineno, "var": s.target.id,
                            "reads": names_in(s.value) + [s.target.id]})
        elif isinstance(s, ast.AnnAssign) and s.value is not None:
            self.expr(s.value, ops, escape=True)
            self.targets(s.target, s.value, ops, s.lineno)
        elif isinstance(s, ast.Expr):
            self.expr(s.value, ops)
        elif isinstance(s, ast.Delete):
            pass
        else:
            for child in ast.iter_child_nodes(s):
                if isinstance(child, ast.expr):
                    self.expr(child, ops)

    def targets(self, t, value_node, ops, line):
        if isinstance(t, ast.Name):
            ops.append({"op": "assign", "line": line, "var": t.id, "reads": names_in(value_node)})
        elif isinstance(t, (ast.Tuple, ast.List)):
            vals = value_node.elts if isinstance(value_node, (ast.Tuple, ast.List)) and \
                len(value_node.elts) == len(t.elts) else [value_node] * len(t.elts)
            for tt, vv in zip(t.elts, vals):
                self.targets(tt, vv, ops, line)
        else:
            self.store(t, ops)

    def store(self, t, ops):
        if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
            self.expr(t.slice, ops)
            ops.append(self.access("store", t.value.id, t.slice, t.lineno))
        elif isinstance(t, ast.Attribute):
            self.expr(t.value, ops)

    def access(self, kind, name, index, line):
        var = {"key": name, "base": name, "local": True}
        if index is not None:
            c = constant(index)
            if c is not None:
                var["index"] = c
            elif not isinstance(index, ast.Slice):
                var["element"] = True
        return {"op": kind, "line": line, "var": var}

    def ref(self, node):
        if isinstance(node, ast.Name) and node.id in self.alias:
            base = self.alias[node.id]
            return {"key": base + "[*]", "base": base, "local": True, "element": True}
        if isinstance(node, ast.Name):
            return {"key": node.id, "base": node.id, "local": True}
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            c = constant(node.slice)
            key = f"{node.value.id}[{c if c is not None else '*'}]"
            r = {"key": key, "base": node.value.id, "local": True}
            if c is not None:
                r["index"] = c
            else:
                r["element"] = True
            return r
        return None

    def buffer(self, node):
        """A buffer operand: `buf`, `[buf, MPI.INT]`, `buf[2:]`."""
        if isinstance(node, (ast.List, ast.Tuple)) and node.elts:
            node = node.elts[0]
        if isinstance(node, ast.Name):
            return {"key": node.id, "base": node.id, "local": True, "index": 0}
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            return {"key": node.value.id, "base": node.value.id, "local": True, "element": True}
        return None

    def mpi(self, name, call, roles, ops, receiver=None, receiver_role=None, result_ref=None):
        op = {"op": "mpi", "name": name, "line": call.lineno, "column": call.col_offset + 1}
        # mpi4py infers a basic datatype from the buffer unless [buf, datatype] names another one
        for role in ("origin", "result"):
            if role in roles:
                a = arg(call, *roles[role])
                if a is not None:
                    dt = a.elts[-1] if isinstance(a, (ast.List, ast.Tuple)) and len(a.elts) >= 2 else None
                    op["basic_type"] = dt is None or (dotted(dt) or "").startswith("MPI.")
                break
        if receiver is not None and receiver_role:
            op[receiver_role] = receiver
        for role, (index, keyword) in roles.items():
            a = arg(call, index, keyword)
            if a is None:
                continue
            if role in ("origin", "result", "memory"):
                b = self.buffer(a)
                if b:
                    op[role] = b
            elif role in ("target", "disp"):
                op[role] = value(a)
            elif role == "comm":
                d = dotted(a)
                if d:
                    op["comm"] = {"key": d, "base": d}
            elif role == "assert":
                text = ast.unparse(a)
                op["nosucceed"] = "NOSUCCEED" in text and " if " not in text
        if "comm" not in op and (name.startswith("MPI_Win_create") or name.startswith("MPI_Win_allocate")):
            op["comm"] = {"key": "MPI.COMM_SELF", "base": "MPI.COMM_SELF"}  # mpi4py's default comm
        if "disp" not in op and name in ("MPI_Put", "MPI_Get", "MPI_Accumulate"):
            op["disp"] = {"text": "0", "constant": 0}
        if result_ref is not None:
            key = "object" if name not in ("MPI_Send_init", "MPI_Ssend_init", "MPI_Bsend_init", "MPI_Rsend_init",
                                           "MPI_Recv_init", "MPI_Isend", "MPI_Issend", "MPI_Irecv", "MPI_Ibarrier",
                                           "MPI_Rput", "MPI_Rget", "MPI_Raccumulate") else "request"
            op[key] = result_ref
        ops.append(op)

    def call(self, c, ops, assigned):
        f = c.func
        d = dotted(f)
        # arguments first (evaluation order)
        if isinstance(f, ast.Name) and f.id in ABORTS or (d in ("sys.exit", "os._exit", "os.abort")):
            self.aborts = True
        if isinstance(f, ast.Attribute) and f.attr in ABORTS and isinstance(f.value, (ast.Name, ast.Attribute)):
            if self.kinds.get(dotted(f.value)) in ("comm", "world") or (dotted(f.value) or "").startswith("MPI."):
                self.aborts = True
        if not isinstance(f, ast.Attribute):
            self.user_call(c, ops)
            return
        m = f.attr
        recv = f.value
        rname = dotted(recv)
        rkind = self.kinds.get(rname) if rname else None
        nargs = len(c.args) + len(c.keywords)
        if rkind is None and rname and rname.split(".")[0] not in ("threading", "multiprocessing", "asyncio") and \
                ((m in WIN_ONLY and (nargs >= 1 or m not in ("Lock", "Unlock"))) or (m == "Get" and len(c.args) >= 2)):
            rkind = "win"
        if rkind is None and rname and m in COMM_ONLY:
            rkind = "comm"
        target_ref = None
        if assigned and len(assigned) == 1:
            target_ref = self.ref(assigned[0])
        # Creation (the result is assigned)
        if m == "Commit" and isinstance(recv, ast.Call) and isinstance(recv.func, ast.Attribute) and \
                recv.func.attr in CREATE:
            self.call(recv, ops, assigned)
            return
        if m in CREATE and (m != "Create" or d in ("MPI.Win.Create", "Win.Create")):
            kind, name, roles = CREATE[m]
            if m in ("Rput", "Rget", "Raccumulate"):
                self.mpi(name, c, roles, ops, {"key": rname, "base": rname, "local": True}, "window", target_ref)
            elif kind in ("comm", "group") and rname:  # comm.Split(...), comm.Dup(), comm.Get_group()
                self.mpi(name, c, roles, ops, {"key": rname, "base": rname}, "comm", target_ref)
            else:
                self.mpi(name, c, roles, ops, result_ref=target_ref)
            self.args_loads(c, ops, skip_buffers=True)
            return
        if m in ("Get_rank",) or (m == "Get_size"):
            if m == "Get_rank" and target_ref:
                ops.append({"op": "mpi", "name": "MPI_Comm_rank", "line": c.lineno, "result": target_ref})
            return
        if m in REQ_ALL and rname in ("MPI.Prequest", "MPI.Request", "Prequest", "Request"):
            lst = c.args[0] if c.args else None
            elems = lst.elts if isinstance(lst, (ast.List, ast.Tuple)) else [lst] if lst is not None else []
            for e in elems:
                r = self.ref(e)
                if r is None:
                    continue
                if isinstance(e, ast.Name) and (self.kinds.get(e.id) or "").startswith("list:"):
                    r["whole"] = True
                self.mpi(REQ_ALL[m], c, {}, ops, r, "request")
            return
        if rkind == "win" and m in WIN:
            name, roles = WIN[m]
            if m == "Free":
                w = {"key": rname, "base": rname, "local": True}
                self.mpi(name, c, roles, ops, w, "window")
                ops[-1]["object"] = w
            else:
                self.mpi(name, c, roles, ops, {"key": rname, "base": rname, "local": True}, "window")
            self.args_loads(c, ops, skip_buffers=True)
            return
        if rkind in ("preq", "req") and m in REQ:
            self.mpi(REQ[m], c, {}, ops, self.ref(recv), "request")
            return
        if rkind in ("comm", "world") and m in COMM:
            name, role = COMM[m]
            roles = {role: (0, "buf")} if role else {}
            self.mpi(name, c, roles, ops, {"key": rname, "base": rname}, "comm")
            self.args_loads(c, ops, skip_buffers=True)
            return
        if m == "Free" and rkind in FREE and rname:
            r = self.ref(recv) or {"key": rname, "base": rname}
            self.mpi(FREE[rkind], c, {}, ops, r, "request" if rkind in ("preq", "req") else "object")
            if rkind == "win":
                ops[-1]["window"] = r
            return
        if m == "append" and isinstance(recv, ast.Name) and (rkind or "").startswith("list:") and \
                len(c.args) == 1 and isinstance(c.args[0], ast.Call):
            # reqs.append(comm.Isend(...)): an element of unknown index
            self.call(c.args[0], ops, [ast.Subscript(value=recv, slice=ast.Name(id="_"))])
            return
        # Any other method: a read of the receiver if it is a buffer (buf.sum(), buf.copy()).
        if isinstance(recv, ast.Name):
            ops.append(self.access("load", recv.id, None, c.lineno))
        else:
            self.expr(recv, ops)
        self.user_call(c, ops, method=True)

    def args_loads(self, c, ops, skip_buffers):
        for a in list(c.args) + [k.value for k in c.keywords]:
            if skip_buffers and isinstance(a, (ast.Name, ast.List, ast.Tuple)):
                continue
            self.expr(a, ops)

    def user_call(self, c, ops, method=False):
        args = []
        for a in list(c.args) + [k.value for k in c.keywords]:
            self.expr(a, ops, escape=True)
            args.append(names_in(a))
        name = c.func.id if isinstance(c.func, ast.Name) else (c.func.attr if isinstance(c.func, ast.Attribute) else "")
        ops.append({"op": "call", "name": name, "line": c.lineno, "args": args})

    def expr(self, e, ops, escape=False, condition=False, assigned=None):
        if e is None:
            return
        if isinstance(e, ast.Call):
            self.call(e, ops, assigned)
            return
        if isinstance(e, ast.Name):
            k = self.kinds.get(e.id)
            if k in ("win", "preq", "req", "comm", "group", "type") or (k or "").startswith("list:"):
                if escape or condition:
                    ops.append({"op": "escape", "line": e.lineno, "var": {"key": e.id, "base": e.id, "local": True}})
                return
            if not (escape and assigned):  # `y = buf` rebinds, it does not read the memory
                ops.append(self.access("load", e.id, None, e.lineno))
            return
        if isinstance(e, ast.Subscript) and isinstance(e.value, ast.Name):
            self.expr(e.slice, ops)
            ops.append(self.access("load", e.value.id, e.slice, e.lineno))
            return
        if isinstance(e, ast.Attribute):
            if isinstance(e.value, ast.Name) and e.attr in ("rank",) and assigned and len(assigned) == 1:
                r = self.ref(assigned[0])
                if r:
                    ops.append({"op": "mpi", "name": "MPI_Comm_rank", "line": e.lineno, "result": r})
                return
            if isinstance(e.value, ast.Name) and self.kinds.get(e.value.id) is None and e.attr not in ("shape",
                                                                                                     "dtype", "size",
                                                                                                     "itemsize"):
                ops.append(self.access("load", e.value.id, None, e.lineno))
                return
            return
        if isinstance(e, (ast.Lambda, ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)):
            for n in ast.walk(e):
                if isinstance(n, ast.Call):
                    pass
            return
        for child in ast.iter_child_nodes(e):
            if isinstance(child, ast.expr):
                self.expr(child, ops, escape=escape and not isinstance(e, ast.Compare), condition=condition)


def lower_module(path):
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    kinds = Kinds()
    kinds.visit(tree)
    functions = []
    top = Lowering("<module>", 1, kinds.kind, True)
    functions.append(top.finish(top.body(tree.body, ENTRY)))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            low = Lowering(node.name, node.lineno, kinds.kind, False, [a.arg for a in node.args.args])
            functions.append(low.finish(low.body(node.body, ENTRY)))
    globals_ = sorted({t.id for s in tree.body if isinstance(s, ast.Assign) for t in s.targets
                       if isinstance(t, ast.Name)})
    return {"file": os.path.abspath(path), "language": "python", "globals": globals_, "functions": functions}


def main():
    units, errors = [], []
    for path in sys.argv[1:]:
        try:
            units.append(lower_module(path))
        except SyntaxError as e:
            errors.append(f"{path}:{e.lineno}: syntax error: {e.msg}")
        except (OSError, UnicodeDecodeError) as e:
            errors.append(f"{path}: {e}")
    json.dump({"units": units, "errors": errors}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
