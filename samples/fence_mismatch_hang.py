# rmacheck-sample: ranks=4 timeout=8 complete=false
# rmacheck-expect: fence-mismatch at=fence,free
# rmacheck-expect: hang at=fence
# rmacheck-lint-expect: fence-mismatch at=fence_open,fence
#
# The fence-and-put example of an introductory mpi4py course, with the
# classic mistake: only the ranks that move data (0 and 1) call win.Fence(),
# ranks 2 and 3 go straight to freeing the window. Win_fence is collective
# over the window's group, so ranks 0 and 1 wait in a fence for ranks that
# never call it, and the job hangs (stopped by --timeout). rmacheck reports
# which ranks called Win_fence how often, and where every rank is blocked.
# Fixed twin: fence_mismatch_fixed.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

buf = np.zeros(10, dtype='i')
win = MPI.Win.Create(buf, disp_unit=buf.itemsize, comm=comm)

data = np.arange(10, dtype='i') * 3
if rank < 2:
    win.Fence()  # @fence_open
    win.Put(data, 1 - rank)  # ranks 0 and 1 swap their data
    win.Fence()                 # @fence BUG: ranks 2 and 3 never call Win_fence

win.Free()  # @free
if rank == 0:
    print("fence_mismatch_hang.py: done")
