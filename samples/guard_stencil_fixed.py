# rmacheck-sample: ranks=2 timeout=120 guard=true
# rmacheck-expect: none
# rmacheck-lint-expect: target-local-conflict at=put_right
#
# A numpy Jacobi stencil on a 1-D domain split between the ranks: each rank
# exposes its slab (with one ghost cell at each end) as a window, puts its
# edge cells into the neighbours' ghost cells between two fences, and
# computes on the whole slab between epochs. The computation reads and
# writes the window array heavily (many faults per page: the budget opens
# the pages), all of it where no RMA is pending: guarded pages must see no
# conflict. (rmacheck lint, which cannot tell the ranks apart, reports the Put
# into the right neighbour: a static false alarm, kept visible here.)
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
n = 20000                                   # cells per rank: the slab spans many pages
u = np.zeros(n + 2, dtype='d')
u[1:-1] = np.linspace(rank, rank + 1, n)
win = MPI.Win.Create(u, disp_unit=u.itemsize, comm=comm)
left, right = rank - 1, rank + 1

for step in range(20):
    win.Fence()
    if left >= 0:
        win.Put(u[1:2], left, target=n + 1)     # my first cell -> left's right ghost
    if right < size:
        win.Put(u[n:n + 1], right, target=0)    # @put_right my last cell -> right's left ghost
    win.Fence()
    new = 0.5 * (u[:-2] + u[2:])                # reads the whole slab, ghosts included
    u[1:-1] = new                               # writes the interior
    if left < 0:
        u[1] = 0.0
    if right >= size:
        u[n] = float(size)
win.Fence()
total = comm.allreduce(float(u[1:-1].sum()))
if rank == 0:
    print(f"guard_stencil_fixed.py: sum {total:.3f}")
win.Free()
