# rmacheck-sample: ranks=2 timeout=60 complete=false exit=139
# rmacheck-expect: invalid-arg at=put,free ranks=0
# rmacheck-expect: program-failed at=put
# rmacheck-lint-expect: none
#
# Rank 0 puts every other element of its row into rank 1's window with a
# strided datatype. A helper kept a second Python object for the same MPI
# handle (MPI.Datatype(t)), and the original is freed before the Put:
# mpi4py sets the freed object's handle to MPI_DATATYPE_NULL, but the
# helper's copy still holds the freed handle, which the Put passes to MPI.
# Open MPI dies inside MPI_Put (SIGSEGV). The report names the Put and the
# Free. Fixed twin: usage_freed_type_fixed.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

row = np.zeros(8, dtype='d')
win = MPI.Win.Create(row, disp_unit=row.itemsize, comm=comm)

vector = MPI.DOUBLE.Create_vector(4, 1, 2).Commit()
strided = MPI.Datatype(vector)  # a second object for the same handle
vector.Free()  # @free  BUG: `strided` still names it

mine = np.arange(8, dtype='d')
win.Fence()
if rank == 0:
    win.Put([mine, 1, strided], 1, target=[0, 1, strided])  # @put
win.Fence()
win.Free()
