# rmacheck-sample: ranks=2 timeout=60
# rmacheck-expect: none
# rmacheck-lint-expect: none
#
# Fixed twin of type_mismatch_truncate_bug.py: both sides use HALO doubles.
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
HALO = 8

if rank == 0:
    halo = np.arange(HALO, dtype='d')
    req = comm.Send_init(halo, 1, tag=4)
else:
    halo = np.zeros(HALO, dtype='d')
    req = comm.Recv_init(halo, 0, tag=4)
for step in range(2):
    req.Start()
    req.Wait()
req.Free()
if rank == 1:
    assert halo[HALO - 1] == HALO - 1, halo
