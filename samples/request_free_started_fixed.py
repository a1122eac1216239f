# rmacheck-sample: ranks=2 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of request_free_started_bug.py: every start of the persistent
# send is completed by a Wait before the request is freed.
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
    send.Start()
    comm.Recv(inb, other, tag=1)
    send.Wait()
send.Free()
assert inb[0] == 2, inb
comm.Barrier()
