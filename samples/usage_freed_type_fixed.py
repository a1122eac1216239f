# rmacheck-sample: ranks=2 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of usage_freed_type_bug.py: the datatype is freed after the
# last call that uses it.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

row = np.zeros(8, dtype='d')
win = MPI.Win.Create(row, disp_unit=row.itemsize, comm=comm)

vector = MPI.DOUBLE.Create_vector(4, 1, 2).Commit()
strided = MPI.Datatype(vector)  # a second object for the same handle
mine = np.arange(8, dtype='d')
win.Fence()
if rank == 0:
    win.Put([mine, 1, strided], 1, target=[0, 1, strided])
win.Fence()
vector.Free()
if rank == 1:
    assert list(row[0:8:2]) == [0.0, 2.0, 4.0, 6.0], row
win.Free()
