! rmacheck-sample: ranks=4 timeout=60
! rmacheck-expect: none
!
! Fixed twin of fortran_fence_mismatch_hang.f90: every rank calls both
! fences (MPI_Win_fence is collective over the window's group); only ranks
! 0 and 1 put data in the epoch between them.
program fence_mismatch_fixed
  use mpi
  implicit none
  integer :: rank, win, ierr, i
  integer :: buf(10), data(10)
  integer(kind=MPI_ADDRESS_KIND) :: winsize, disp

  call MPI_INIT(ierr)
  call MPI_COMM_RANK(MPI_COMM_WORLD, rank, ierr)
  buf = 0
  data = [(3 * i, i = 0, 9)]
  winsize = 10 * 4
  call MPI_WIN_CREATE(buf, winsize, 4, MPI_INFO_NULL, MPI_COMM_WORLD, win, ierr)
  call MPI_WIN_FENCE(0, win, ierr)
  if (rank < 2) then
    disp = 0
    call MPI_PUT(data, 10, MPI_INTEGER, 1 - rank, disp, 10, MPI_INTEGER, win, ierr)
  end if
  call MPI_WIN_FENCE(0, win, ierr)
  if (rank < 2 .and. buf(10) /= 27) then
    print *, 'fortran_fence_mismatch_fixed: rank', rank, 'got', buf(10)
    call MPI_ABORT(MPI_COMM_WORLD, 1, ierr)
  end if
  call MPI_WIN_FREE(win, ierr)
  if (rank == 0) print *, 'fortran_fence_mismatch_fixed: done'
  call MPI_FINALIZE(ierr)
end program fence_mismatch_fixed
