# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: request-leak at=send_init ranks=0,1,2,3
# rmacheck-expect: request-leak at=recv_init ranks=0,1,2,3
# rmacheck-lint-expect: request-leak at=recv_init
# rmacheck-lint-expect: request-leak at=send_init
#
# BUG: the persistent-request ring of persistent_ring.py without its two
# Free calls. Each rank sets up a persistent send to its right neighbour and
# a persistent receive from its left neighbour, restarts both every
# iteration, and never frees them: both requests are still allocated at
# MPI_Finalize on every rank (mpi4py does not free them: they are still
# referenced when it finalizes MPI at exit). The fixed twin is persistent_ring.py.
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size = comm.Get_size()
right, left = (rank + 1) % size, (rank - 1) % size

sendbuf = np.empty(5, dtype='d')
recvbuf = np.empty(5, dtype='d')
send_req = comm.Send_init(sendbuf, dest=right, tag=7)  # @send_init
recv_req = comm.Recv_init(recvbuf, source=left, tag=7)  # @recv_init

for it in range(4):
    sendbuf[:] = rank * 100 + it + np.arange(5)
    MPI.Prequest.Startall([recv_req, send_req])
    MPI.Request.Waitall([recv_req, send_req])
    expected = left * 100 + it + np.arange(5)
    if not np.array_equal(recvbuf, expected):
        print(f"persistent_ring_leak.py: rank {rank} iteration {it} got {recvbuf}", file=sys.stderr)
        comm.Abort(1)

# Missing: send_req.Free() and recv_req.Free()
if rank == 0:
    print("persistent_ring_leak.py: OK")
