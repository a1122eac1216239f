# rmacheck-sample: ranks=2 timeout=60 guard=true
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of guard_lockall_bug.py: after its Flush rank 0 sends rank 1 a
# message; rank 1 reads its array only once the message arrived, so the Put
# is complete in rank 1's memory before the read.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

buf = np.zeros(16, dtype='i')
win = MPI.Win.Create(buf, disp_unit=buf.itemsize, comm=comm)
comm.Barrier()
win.Lock_all()
if rank == 0:
    win.Put(np.arange(16, dtype='i'), 1)
    win.Flush(1)
    comm.send("done", dest=1, tag=3)
else:
    comm.recv(source=0, tag=3)
    total = int(buf.sum())
    assert total == 120, total
win.Unlock_all()
comm.Barrier()
win.Free()
