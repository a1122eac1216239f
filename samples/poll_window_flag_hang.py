# rmacheck-sample: ranks=2 timeout=8 complete=false
# rmacheck-expect: hang at=recv,spin
# rmacheck-expect: unclosed-epoch at=lock_all,recv ranks=0
# rmacheck-expect: unclosed-epoch at=lock_all,spin ranks=1
# rmacheck-lint-expect: none
#
# The mpi4py version of poll_window_flag_hang.c: rank 1 spins on its numpy
# window array until rank 0 has put the flag, and only then tells rank 0 it
# is ready; rank 0 waits for that message before it puts. The stop signal
# of --timeout finds rank 1 in its Python loop, and the hang finding shows
# that line beside rank 0's blocked Recv.
# Fixed twin: poll_window_flag_fixed.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()

flag = np.zeros(1, dtype='i')
win = MPI.Win.Create(flag, disp_unit=flag.itemsize, comm=comm)
comm.Barrier()
win.Lock_all()  # @lock_all
if rank == 0:
    comm.recv(source=1, tag=0)  # @recv
    win.Put(np.ones(1, dtype='i'), 1)
    win.Flush(1)
else:
    while flag[0] == 0:  # @spin BUG: waits for the flag before saying it is ready
        pass
    comm.send(True, dest=0, tag=0)
win.Unlock_all()
win.Free()
