# rmacheck-sample: ranks=2 timeout=60
# rmacheck-expect: request-misuse at=free,start
# rmacheck-lint-expect: request-misuse at=start,free
#
# BUG: a persistent request started and freed without ever being completed
# (a missing wait). Each rank sends its step counter to the other with a
# persistent send; the last step "cleans up" by freeing the request it has
# just started, instead of waiting for it. MPI
# lets the freed send finish, but the program can never know when its
# buffer is safe again. Fixed twin: request_free_started_fixed.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
other = 1 - rank

out = np.zeros(1)
inb = np.zeros(1)
send = comm.Send_init(out, other, tag=1)
for step in range(2):
    out[0] = step
    send.Start()
    comm.Recv(inb, other, tag=1)
    send.Wait()
out[0] = 2
send.Start()  # @start
comm.Recv(inb, other, tag=1)
send.Free()  # @free  BUG: the last start is never completed
comm.Barrier()
