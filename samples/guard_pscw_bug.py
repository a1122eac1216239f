# rmacheck-sample: ranks=2 timeout=60 guard=true
# rmacheck-expect: target-local-conflict at=put,read ranks=0,1
# rmacheck-lint-expect: none
#
# Post/start/complete/wait: rank 1 exposes its array to rank 0, which puts
# into it; rank 1 reads the array before Win.Wait, while the Put may still
# land. Fixed twin: guard_pscw_fixed.py.
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
    win.Put(np.array([7, 7, 7, 7], dtype='i'), 1)   # @put
    win.Complete()
else:
    peer = group.Incl([0])
    win.Post(peer)
    early = buf.copy()                             # @read BUG: before Win.Wait
    win.Wait()
peer.Free()
group.Free()
win.Free()
