! rmacheck-sample: ranks=4 timeout=60
! rmacheck-expect: none
!
! Fixed twin of fortran_lock_get_bug.f90: the MPI_WIN_UNLOCK closes the
! passive-target epoch and completes the Get before its result is used.
program lock_get_fixed
  implicit none
  include 'mpif.h'
  integer :: rank, win, ierr
  integer :: counter(4), value(4)
  integer(kind=MPI_ADDRESS_KIND) :: winsize, disp

  call MPI_INIT(ierr)
  call MPI_COMM_RANK(MPI_COMM_WORLD, rank, ierr)
  counter = 42
  value = -1
  winsize = 4 * 4
  call MPI_WIN_CREATE(counter, winsize, 4, MPI_INFO_NULL, MPI_COMM_WORLD, win, ierr)
  call MPI_BARRIER(MPI_COMM_WORLD, ierr)
  call MPI_WIN_LOCK(MPI_LOCK_SHARED, 0, 0, win, ierr)
  disp = 0
  call MPI_GET(value, 4, MPI_INTEGER, 0, disp, 4, MPI_INTEGER, win, ierr)
  call MPI_WIN_UNLOCK(0, win, ierr)
  if (value(1) /= 42) then
    print *, 'fortran_lock_get_fixed: rank', rank, 'read', value(1)
    call MPI_ABORT(MPI_COMM_WORLD, 1, ierr)
  end if
  call MPI_BARRIER(MPI_COMM_WORLD, ierr)
  call MPI_WIN_FREE(win, ierr)
  call MPI_FINALIZE(ierr)
end program lock_get_fixed
