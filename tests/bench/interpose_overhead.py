# Cost of rmacheck's interposition on MPI calls made from Python (mpi4py):
# a tight loop of win.Put + win.Flush inside one Lock_all epoch, on 2 ranks.
#
#   mpirun -n 2 /usr/bin/python3 interpose_overhead.py ITERS REPS PAD
#
# The loop runs as module-level code preceded by PAD filler lines, the way
# a long script with its main loop at top level looks: the interposer reads
# the Python line of every call, and the cost of that may grow with the size
# of the code object. Prints "calls_per_iter 2" and "rep R ns_per_iter X"
# (the slowest rank). Not a test: nothing is asserted.
import sys
import time

import numpy as np
from mpi4py import MPI

iters, reps, pad = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
comm = MPI.COMM_WORLD
rank = comm.Get_rank()
buf = np.zeros(64, dtype='i')
win = MPI.Win.Create(buf, disp_unit=4, comm=comm)
data = np.ones(1, dtype='i')
other = 1 - rank

loop = """
win.Lock_all()
for rep in range(-1, reps):
    n = iters // 10 if rep < 0 else iters
    comm.Barrier()
    t0, c0 = time.perf_counter_ns(), time.thread_time_ns()
    for i in range(n):
        win.Put(data, other)
        win.Flush(other)
    dt = comm.reduce((time.perf_counter_ns() - t0) / n, op=MPI.MAX, root=0)
    dc = comm.reduce((time.thread_time_ns() - c0) / n, op=MPI.MAX, root=0)  # CPU time: stable on a shared machine
    if rank == 0 and rep >= 0:
        print("rep", rep, "ns_per_iter", round(dt, 1), "cpu_ns_per_iter", round(dc, 1))
win.Unlock_all()
"""
filler = "".join(f"pad_{k} = {k}\n" for k in range(pad))
if rank == 0:
    print("calls_per_iter 2")
exec(compile(filler + loop, f"bench_module_{pad}.py", "exec"), globals())
win.Free()
