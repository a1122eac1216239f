! rmacheck-sample: ranks=4 timeout=60
! rmacheck-expect: request-leak at=send_init ranks=0,1,2,3
! rmacheck-expect: request-leak at=recv_init ranks=0,1,2,3
!
! BUG: a persistent-request ring in Fortran without its MPI_REQUEST_FREE
! calls. Each rank sets up a persistent send to its right neighbour and a
! persistent receive from its left one, restarts both every iteration, and
! never frees them: both requests are still allocated at MPI_FINALIZE on
! every rank. Fixed twin: fortran_persistent_ring.f90.
program persistent_ring_leak
  use mpi
  implicit none
  integer :: rank, nranks, left, right, it, ierr
  integer :: reqs(2)
  double precision :: sendbuf(5), recvbuf(5)

  call MPI_INIT(ierr)
  call MPI_COMM_RANK(MPI_COMM_WORLD, rank, ierr)
  call MPI_COMM_SIZE(MPI_COMM_WORLD, nranks, ierr)
  right = mod(rank + 1, nranks)
  left = mod(rank + nranks - 1, nranks)
  call MPI_SEND_INIT(sendbuf, 5, MPI_DOUBLE_PRECISION, right, 7, MPI_COMM_WORLD, reqs(1), ierr)  ! @send_init
  call MPI_RECV_INIT(recvbuf, 5, MPI_DOUBLE_PRECISION, left, 7, MPI_COMM_WORLD, reqs(2), ierr)  ! @recv_init
  do it = 1, 4
    sendbuf = rank * 100 + it
    call MPI_STARTALL(2, reqs, ierr)
    call MPI_WAITALL(2, reqs, MPI_STATUSES_IGNORE, ierr)
    if (recvbuf(1) /= left * 100 + it) call MPI_ABORT(MPI_COMM_WORLD, 1, ierr)
  end do
  ! BUG: no MPI_REQUEST_FREE(reqs(1), ierr) / MPI_REQUEST_FREE(reqs(2), ierr)
  if (rank == 0) print *, 'fortran_persistent_ring_leak: done'
  call MPI_FINALIZE(ierr)
end program persistent_ring_leak
