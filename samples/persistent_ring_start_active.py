# rmacheck-sample: ranks=4 timeout=60
# rmacheck-expect: request-misuse at=startall,startall2
# rmacheck-expect: mpi-error at=startall2
# rmacheck-lint-expect: request-misuse at=startall,startall2
#
# BUG: Start on active persistent requests. The persistent-request ring of
# persistent_ring.py, where the student "primes" the ring by starting both
# requests once before the loop: the first Startall of the loop restarts
# requests that are still active. That is erroneous; Open MPI rejects it
# (mpi4py raises MPI_ERR_REQUEST), and the script only reports the exception,
# so its first iteration silently waits for the primed exchange instead. The
# fixed twin is persistent_ring_start_active_fixed.py.
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

MPI.Prequest.Startall([recv_req, send_req])  # @startall
for it in range(4):
    try:
        MPI.Prequest.Startall([recv_req, send_req])  # @startall2
    except MPI.Exception as e:
        print(f"persistent_ring_start_active.py: rank {rank} iteration {it}: {e}", file=sys.stderr)
    MPI.Request.Waitall([recv_req, send_req])
    if recvbuf[0] != 0:
        print(f"persistent_ring_start_active.py: rank {rank} iteration {it} got {recvbuf[0]}", file=sys.stderr)

send_req.Free()
recv_req.Free()
comm.Barrier()
if rank == 0:
    print("persistent_ring_start_active.py: done")
