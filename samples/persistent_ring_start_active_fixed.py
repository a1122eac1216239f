# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of persistent_ring_start_active.py: the ring starts its
# persistent requests only inside the loop, each Startall followed by the
# Waitall that completes it, so no request is started while active.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()
right, left = (rank + 1) % size, (rank - 1) % size

sendbuf = np.zeros(5, dtype='d')
recvbuf = np.empty(5, dtype='d')
send_req = comm.Send_init(sendbuf, dest=right, tag=7)
recv_req = comm.Recv_init(recvbuf, source=left, tag=7)

for it in range(4):
    MPI.Prequest.Startall([recv_req, send_req])
    MPI.Request.Waitall([recv_req, send_req])
    if recvbuf[0] != 0:
        print(f"persistent_ring_start_active_fixed.py: rank {rank} iteration {it} got {recvbuf[0]}", file=sys.stderr)
        comm.Abort(1)

send_req.Free()
recv_req.Free()
comm.Barrier()
if rank == 0:
    print("persistent_ring_start_active_fixed.py: done")
