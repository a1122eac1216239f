! rmacheck-sample: ranks=4 timeout=60
! rmacheck-expect: none
!
! Fixed twin of fortran_persistent_ring_leak.f90: the persistent send and
! receive of the ring are restarted every iteration (MPI_STARTALL, then
! MPI_WAITALL with statuses) and freed with MPI_REQUEST_FREE at the end.
program persistent_ring
  use mpi
  implicit none
  integer :: rank, nranks, left, right, it, ierr
  integer :: reqs(2)
  integer :: statuses(MPI_STATUS_SIZE, 2)
  double precision :: sendbuf(5), recvbuf(5)

  call MPI_INIT(ierr)
  call MPI_COMM_RANK(MPI_COMM_WORLD, rank, ierr)
  call MPI_COMM_SIZE(MPI_COMM_WORLD, nranks, ierr)
  right = mod(rank + 1, nranks)
  left = mod(rank + nranks - 1, nranks)
  call MPI_SEND_INIT(sendbuf, 5, MPI_DOUBLE_PRECISION, right, 7, MPI_COMM_WORLD, reqs(1), ierr)
  call MPI_RECV_INIT(recvbuf, 5, MPI_DOUBLE_PRECISION, left, 7, MPI_COMM_WORLD, reqs(2), ierr)
  do it = 1, 4
    sendbuf = rank * 100 + it
    call MPI_STARTALL(2, reqs, ierr)
    call MPI_WAITALL(2, reqs, statuses, ierr)
    if (recvbuf(1) /= left * 100 + it .or. statuses(MPI_SOURCE, 2) /= left) call MPI_ABORT(MPI_COMM_WORLD, 1, ierr)
  end do
  call MPI_REQUEST_FREE(reqs(1), ierr)
  call MPI_REQUEST_FREE(reqs(2), ierr)
  if (rank == 0) print *, 'fortran_persistent_ring: done'
  call MPI_FINALIZE(ierr)
end program persistent_ring
