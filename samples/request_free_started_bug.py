# rmacheck-sample: ranks=2 timeout=60
# rmacheck-expect: request-misuse at=free,start
# rmacheck-lint-expect: request-misuse at=start,free
#
# BUG: a persistent request started and freed without ever being completed
# (a missing wait). Each rank sends its step counter to the other with a
# persistent send; after the last step the program "cleans up" by freeing
# the request it has just started again, instead of waiting for it. MPI
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
for step in range(3):
    out[0] = step
    send.Start()  # @start
    comm.Recv(inb, other, tag=1)
    if step < 2:
        send.Wait()
send.Free()  # @free  BUG: the last start is never completed
comm.Barrier()
