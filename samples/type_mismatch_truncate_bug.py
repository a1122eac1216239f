# rmacheck-sample: ranks=2 timeout=60 complete=false exit=1
# rmacheck-expect: type-mismatch at=send,recv ranks=0,1
# rmacheck-expect: mpi-error at=wait ranks=1
# rmacheck-expect: program-failed at=wait
# rmacheck-lint-expect: none
#
# A persistent halo exchange whose halo grew: rank 0 now sends 8 doubles,
# but rank 1's persistent receive was set up for the old halo of 4. The
# message is longer than the receive buffer (truncation): Open MPI reports
# MPI_ERR_TRUNCATE at the Wait, mpi4py raises, and the job aborts. The
# report names the Send_init and the Recv_init that do not fit.
# Fixed twin: type_mismatch_truncate_fixed.py.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
HALO = 8

if rank == 0:
    halo = np.arange(HALO, dtype='d')
    req = comm.Send_init(halo, 1, tag=4)  # @send
else:
    halo = np.zeros(4, dtype='d')  # BUG: the halo is HALO doubles now
    req = comm.Recv_init(halo, 0, tag=4)  # @recv
for step in range(2):
    req.Start()
    req.Wait()  # @wait
req.Free()
