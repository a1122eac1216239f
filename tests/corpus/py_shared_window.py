# rmacheck-sample: ranks=4 timeout=90
# rmacheck-expect: none
#
# Corpus (mpi4py): a node-local shared window. Rank 0 of the node allocates
# the whole array (the others allocate 0 bytes), every rank maps it with
# Shared_query(0) and fills its own slice with numpy; Win.Sync + Barrier +
# Win.Sync inside Lock_all orders the stores before the reads of the other
# slices. Then each rank Puts into the next rank's slice through the window.
import sys

import numpy as np
from mpi4py import MPI

node = MPI.COMM_WORLD.Split_type(MPI.COMM_TYPE_SHARED)
rank, size = node.Get_rank(), node.Get_size()
K = 4

win = MPI.Win.Allocate_shared(size * K * 8 if rank == 0 else 0, 8, comm=node)
buf, itemsize = win.Shared_query(0)
arr = np.ndarray(buffer=buf, dtype='d', shape=(size, K))

win.Lock_all(MPI.MODE_NOCHECK)
arr[rank, :] = rank
win.Sync()
node.Barrier()
win.Sync()
total = float(arr.sum())
node.Barrier()   # everyone has read before anyone writes again
out = np.full(K, 100.0 + rank)
nxt = (rank + 1) % size
win.Put(out, 0, target=(nxt * K, K, MPI.DOUBLE))
win.Flush(0)
node.Barrier()
win.Sync()
win.Unlock_all()

if total != K * size * (size - 1) / 2 or arr[nxt, 0] != 100.0 + rank:
    print(f"py_shared_window.py: rank {rank} total {total} arr {arr}", file=sys.stderr)
    node.Abort(1)
if rank == 0:
    print(f"py_shared_window.py: {size} ranks share {size * K} doubles")
win.Free()
node.Free()
