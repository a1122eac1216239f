# rmacheck-sample: ranks=4 timeout=60 guard=true
# rmacheck-expect: origin-buffer-conflict at=start,refill
# rmacheck-lint-expect: none
#
# The persistent-request ring of the mpi4py course (persistent_ring.py) with
# the send buffer refilled while the Send_init request is active: after
# Startall and before Waitall the buffer belongs to MPI.
# Fixed twin: persistent_ring.py (the buffer is refilled before Startall).
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

for it in range(3):
    MPI.Prequest.Startall([recv_req, send_req])        # @start
    sendbuf[:] = rank * 100 + it + np.arange(5)        # @refill BUG: the send is active
    MPI.Request.Waitall([recv_req, send_req])

send_req.Free()
recv_req.Free()
