#!/usr/bin/python3
"""Generates the Fortran entry points of the interposer from the call table.

usage: gen_fortran_entries.py MPI_CALLS_DEF OUTPUT_CPP

Open MPI 4.1's Fortran bindings (mpif.h, `use mpi`: libmpi_mpifh; `use
mpi_f08`: libmpi_usempif08, whose mpi_put_f08_ calls libmpi_mpifh's
ompi_put_f) call PMPI_Put themselves, so the C wrappers never see a Fortran
program's calls. For every RMACHECK_WRAP entry of mpi_calls.def whose
parameters have a Fortran form, this writes one C++ function with the
Fortran calling convention (every argument by reference, handles as
MPI_Fint, a trailing ierror) that converts the handles with the MPI_*_f2c
functions and calls the C wrapper MPI_Name, so the call is recorded exactly
like a C call; the wrapper's call site is inside rmacheck, so callsite.cpp
walks on to the Fortran caller (its file:line from gfortran -g). It is
exported under every name a Fortran compiler may use (mpi_put_, mpi_put__,
mpi_put, MPI_PUT) and under Open MPI's ompi_put_f, which the mpi_f08
bindings call.

A call whose parameters have no generated form here (strings, function
pointers, handle arrays without a count) keeps Open MPI's own binding: it
runs, unrecorded. The generated file lists them.
Standard library only.
"""
import re
import sys

# C handle type -> the name in MPI_<Name>_f2c / _c2f.
HANDLES = {"MPI_Datatype": "Type", "MPI_Comm": "Comm", "MPI_Win": "Win", "MPI_Group": "Group",
           "MPI_Info": "Info", "MPI_Op": "Op", "MPI_Request": "Request", "MPI_Message": "Message",
           "MPI_Errhandler": "Errhandler"}
# Integers that Fortran passes as INTEGER(KIND=MPI_ADDRESS_KIND / MPI_COUNT_KIND / MPI_OFFSET_KIND).
WIDE = {"MPI_Aint", "MPI_Count", "MPI_Offset"}
COUNT_NAMES = ("count", "incount", "n")


class Unsupported(Exception):
    pass


def entries(text):
    """Yields (name, [param strings]) of every RMACHECK_WRAP entry."""
    for m in re.finditer(r"^RMACHECK_WRAP\((\w+),\s*\(", text, re.MULTILINE):
        depth, i = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        params = text[m.end():i - 1].strip()
        parts, depth, cur = [], 0, ""
        for ch in params:
            if ch == "," and depth == 0:
                parts.append(cur.strip())
                cur = ""
                continue
            depth += {"(": 1, ")": -1, "[": 1, "]": -1}.get(ch, 0)
            cur += ch
        if cur.strip():
            parts.append(cur.strip())
        yield m.group(1), parts


def split_param(p):
    """'const MPI_Datatype types[]' -> (const?, 'MPI_Datatype', pointer?, array suffix, 'types')."""
    m = re.fullmatch(r"(const\s+)?(\w+)\s*(\*?)\s*(\w+)\s*((?:\[\w*\])*)", p)
    if not m:
        raise Unsupported(p)
    return bool(m.group(1)), m.group(2), m.group(3) == "*", m.group(5), m.group(4)


def lower_entry(name, params):
    """Returns (fortran parameter list, statements before, call arguments, statements after)."""
    fparams, before, args, after = [], [], [], []
    names = [split_param(p)[4] for p in params]
    count = next((n for n in names if n in COUNT_NAMES), None)
    for p in params:
        const, ctype, ptr, array, pname = split_param(p)
        if ctype in ("void",) and ptr:
            fparams.append(f"{'const ' if const else ''}void* {pname}")
            args.append(f"fortran_buffer({pname})")
        elif ctype == "int" and not ptr and not array:
            fparams.append(f"const MPI_Fint* {pname}")
            args.append(f"static_cast<int>(*{pname})")
        elif ctype == "int" and (ptr or array):
            fparams.append(f"MPI_Fint* {pname}")
            if array == "[][3]":
                args.append(f"reinterpret_cast<int(*)[3]>({pname})")
            else:
                args.append(f"reinterpret_cast<int*>({pname})")
            if pname == "index":  # Fortran indices count from 1
                after.append(f"if (*{pname} != MPI_UNDEFINED && *{pname} >= 0) *{pname} += 1;")
            if pname == "array_of_indices":
                after.append(f"for (int i = 0; i < *outcount && *outcount != MPI_UNDEFINED; ++i) {pname}[i] += 1;")
        elif ctype in WIDE and not array:
            fparams.append(f"{ctype}* {pname}")
            args.append(pname if ptr else f"*{pname}")
        elif ctype in WIDE and array:
            fparams.append(f"{'const ' if const else ''}{ctype}* {pname}")
            args.append(pname)
        elif ctype in HANDLES and not ptr and not array:
            fparams.append(f"const MPI_Fint* {pname}")
            args.append(f"PMPI_{HANDLES[ctype]}_f2c(*{pname})")
        elif ctype in HANDLES and ptr:
            # In, out or both (MPI_Start, MPI_Win_create, MPI_Win_free): the C handle lives here.
            fparams.append(f"MPI_Fint* {pname}")
            before.append(f"{ctype} {pname}_c = PMPI_{HANDLES[ctype]}_f2c(*{pname});")
            args.append(f"&{pname}_c")
            after.append(f"*{pname} = PMPI_{HANDLES[ctype]}_c2f({pname}_c);")
        elif ctype in HANDLES and array:
            if count is None:
                raise Unsupported(f"{p} (no count)")
            fparams.append(f"{'const ' if const else ''}MPI_Fint* {pname}")
            before.append(f"std::vector<{ctype}> {pname}_c(static_cast<size_t>(*{count} > 0 ? *{count} : 0));")
            before.append(f"for (size_t i = 0; i < {pname}_c.size(); ++i) {pname}_c[i] = PMPI_{HANDLES[ctype]}_f2c({pname}[i]);")
            args.append(f"{pname}_c.data()")
            if not const:
                after.append(f"for (size_t i = 0; i < {pname}_c.size(); ++i) {pname}[i] = PMPI_{HANDLES[ctype]}_c2f({pname}_c[i]);")
        elif ctype == "MPI_Status" and ptr and not array:
            fparams.append(f"MPI_Fint* {pname}")
            before.append(f"MPI_Status {pname}_c;")
            before.append(f"const bool {pname}_ignored = fortran_status_ignore({pname});")
            args.append(f"{pname}_ignored ? MPI_STATUS_IGNORE : &{pname}_c")
            after.append(f"if (!{pname}_ignored) PMPI_Status_c2f(&{pname}_c, {pname});")
        elif ctype == "MPI_Status" and array:
            if count is None:
                raise Unsupported(f"{p} (no count)")
            fparams.append(f"MPI_Fint* {pname}")
            before.append(f"const bool {pname}_ignored = fortran_statuses_ignore({pname});")
            before.append(f"std::vector<MPI_Status> {pname}_c(static_cast<size_t>(*{count} > 0 ? *{count} : 0));")
            args.append(f"{pname}_ignored ? MPI_STATUSES_IGNORE : {pname}_c.data()")
            after.append(f"if (!{pname}_ignored) for (size_t i = 0; i < {pname}_c.size(); ++i) "
                         f"PMPI_Status_c2f(&{pname}_c[i], {pname} + i * kFortranStatusSize);")
        else:
            raise Unsupported(p)
    return fparams, before, args, after


def generate(def_text):
    out = ["// Generated by interpose/fortran/gen_fortran_entries.py from mpi_calls.def: do not edit.",
           "// The Fortran entry points of the calls of the table (see the script's docstring).",
           "#include <mpi.h>", "", "#include <vector>", "", '#include "fortran_support.h"', "",
           "using namespace rmacheck;", ""]
    skipped = []
    for name, params in entries(def_text):
        try:
            fparams, before, args, after = lower_entry(name, params)
        except Unsupported as e:
            skipped.append(f"{name} ({e})")
            continue
        fparams.append("MPI_Fint* ierror")
        lower = name.lower()
        out.append(f"extern \"C\" void rmacheck_fortran_{lower}({', '.join(fparams)}) {{")
        out += ["  " + s for s in before]
        out.append(f"  const int rc = MPI_{name}({', '.join(args)});")
        out += ["  " + s for s in after]
        out.append("  if (ierror) *ierror = rc;")
        out.append("}")
        out.append(f"RMACHECK_FORTRAN_NAMES(rmacheck_fortran_{lower}, mpi_{lower}, MPI_{name.upper()}, "
                   f"ompi_{lower}_f)")
        out.append("")
    out.append("// Not generated (Open MPI's own binding runs, unrecorded):")
    out += [f"//   {s}" for s in skipped]
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    result = generate(text)
    try:
        with open(sys.argv[2], encoding="utf-8") as f:
            if f.read() == result:
                return  # unchanged: no rebuild
    except OSError:
        pass
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(result)


if __name__ == "__main__":
    main()
