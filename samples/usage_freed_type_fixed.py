# rmacheck-sample: ranks=2 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of usage_freed_type_bug.py: the cache is cleared (and its
# datatypes freed) after the last call that uses them.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

row = np.zeros(8, dtype='d')
win = MPI.Win.Create(row, disp_unit=row.itemsize, comm=comm)

cache = {}
def every_other():
    if 'strided' not in cache:
        cache['strided'] = MPI.DOUBLE.Create_vector(4, 1, 2).Commit()
    return MPI.Datatype(cache['strided'])

strided = every_other()
mine = np.arange(8, dtype='d')
win.Fence()
if rank == 0:
    win.Put([mine, 1, strided], 1, target=[0, 1, strided])
win.Fence()
for t in cache.values():
    t.Free()
cache.clear()
if rank == 1:
    assert list(row[0:8:2]) == [0.0, 2.0, 4.0, 6.0], row
win.Free()
