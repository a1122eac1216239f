# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# The persistent-request ring of an introductory mpi4py course: each rank sets
# up a persistent send to its right neighbour and a persistent receive from its
# left neighbour once, then restarts both every iteration. The send buffer is
# refilled only after Waitall (it belongs to MPI while the send is active), and
# both requests are freed at the end, when inactive.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()
right, left = (rank + 1) % size, (rank - 1) % size

sendbuf = np.empty(5, dtype='d')
recvbuf = np.empty(5, dtype='d')
send_req = comm.Send_init(sendbuf, dest=right, tag=7)
recv_req = comm.Recv_init(recvbuf, source=left, tag=7)

for it in range(4):
    sendbuf[:] = rank * 100 + it + np.arange(5)
    MPI.Prequest.Startall([recv_req, send_req])
    MPI.Request.Waitall([recv_req, send_req])
    expected = left * 100 + it + np.arange(5)
    if not np.array_equal(recvbuf, expected):
        print(f"persistent_ring.py: rank {rank} iteration {it} got {recvbuf}", file=sys.stderr)
        comm.Abort(1)

send_req.Free()
recv_req.Free()
if rank == 0:
    print("persistent_ring.py: OK")
