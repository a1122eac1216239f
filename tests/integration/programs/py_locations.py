# mpi4py program: every logged call must be located at a line of THIS
# script (not inside mpi4py). Markers (@name) are the lines the test checks.
import numpy as np
from mpi4py import MPI  # @import

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
buf = np.zeros(4, dtype='i')
win = MPI.Win.Create(buf, disp_unit=buf.itemsize, comm=comm)  # @create


def exchange(data):
    win.Fence()  # @fence1
    win.Put(data, (rank + 1) % size)  # @put
    win.Fence()  # @fence2


exchange(np.full(4, rank, dtype='i'))
exchange(np.full(4, rank, dtype='i'))  # again: now every frame and line is known (the cached call sites)
comm.Barrier()  # @barrier
win.Free()  # @free
