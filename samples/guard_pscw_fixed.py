# rmacheck-sample: ranks=2 timeout=60 guard=true
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of guard_pscw_bug.py: rank 1 reads its array after Win.Wait,
# when rank 0's Put is complete.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

buf = np.zeros(4, dtype='i')
win = MPI.Win.Create(buf, disp_unit=buf.itemsize, comm=comm)
group = comm.Get_group()
if rank == 0:
    peer = group.Incl([1])
    win.Start(peer)
    win.Put(np.array([7, 7, 7, 7], dtype='i'), 1)
    win.Complete()
else:
    peer = group.Incl([0])
    win.Post(peer)
    win.Wait()
    assert list(buf) == [7, 7, 7, 7], buf
peer.Free()
group.Free()
win.Free()
