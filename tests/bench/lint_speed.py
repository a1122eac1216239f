#!/usr/bin/python3
"""How rmacheck lint's time grows with file size: generates C files of N lines
(functions of ~25 lines each with windows, fences, locks, persistent requests,
rank branches and loops, like the samples) and prints wall time per size.
Not a test: it asserts nothing.

usage: lint_speed.py BUILD_DIR [LINES...]     (default 1000 5000 10000 20000 40000)
"""
import os
import subprocess
import sys
import tempfile
import time

FUNC = """
static void step_{i}(MPI_Comm comm, int rank, int size)
{{
    int *mem, value = rank + {i}, back = 0;
    MPI_Win win;
    MPI_Request reqs[2];
    int sendbuf[4] = {{0}}, recvbuf[4];
    MPI_Win_allocate(4 * sizeof(int), sizeof(int), MPI_INFO_NULL, comm, &mem, &win);
    MPI_Send_init(sendbuf, 4, MPI_INT, (rank + 1) % size, {i}, comm, &reqs[0]);
    MPI_Recv_init(recvbuf, 4, MPI_INT, (rank + size - 1) % size, {i}, comm, &reqs[1]);
    for (int it = 0; it < 3; it++) {{
        MPI_Startall(2, reqs);
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
    }}
    MPI_Win_fence(0, win);
    if (rank == 0)
        MPI_Put(&value, 1, MPI_INT, 1 % size, 0, 1, MPI_INT, win);
    else
        MPI_Get(&back, 1, MPI_INT, 0, 1, 1, MPI_INT, win);
    MPI_Win_fence(0, win);
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win);
    MPI_Accumulate(&value, 1, MPI_INT, 0, 2, 1, MPI_INT, MPI_SUM, win);
    MPI_Win_unlock(0, win);
    MPI_Request_free(&reqs[0]);
    MPI_Request_free(&reqs[1]);
    MPI_Win_free(&win);
}}
"""


def make(path, lines):
    parts = ["#include <mpi.h>\n"]
    n, i = 1, 0
    while n < lines - 12:
        parts.append(FUNC.format(i=i))
        n += FUNC.count("\n")
        i += 1
    calls = "".join(f"    step_{k}(MPI_COMM_WORLD, rank, size);\n" for k in range(i))
    parts.append("int main(int argc, char **argv)\n{\n    MPI_Init(&argc, &argv);\n    int rank, size;\n"
                 "    MPI_Comm_rank(MPI_COMM_WORLD, &rank);\n    MPI_Comm_size(MPI_COMM_WORLD, &size);\n"
                 + calls + "    MPI_Finalize();\n    return 0;\n}\n")
    with open(path, "w") as f:
        f.write("".join(parts))
    with open(path) as f:
        return sum(1 for _ in f), i


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    sizes = [int(a) for a in sys.argv[2:]] or [1000, 5000, 10000, 20000, 40000]
    rmacheck = os.path.join(build, "bin", "rmacheck")
    with tempfile.TemporaryDirectory() as d:
        print(f"{'lines':>8} {'functions':>9} {'seconds':>8} {'us/line':>8} {'findings':>8}")
        for size in sizes:
            path = os.path.join(d, f"gen_{size}.c")
            lines, funcs = make(path, size)
            best = None
            for _ in range(3):
                t = time.perf_counter()
                p = subprocess.run([rmacheck, "lint", "--format", "json", path], capture_output=True, text=True)
                dt = time.perf_counter() - t
                best = dt if best is None else min(best, dt)
            findings = p.stdout.count('"kind"')
            print(f"{lines:>8} {funcs:>9} {best:>8.3f} {1e6 * best / lines:>8.1f} {findings:>8}")


if __name__ == "__main__":
    main()
