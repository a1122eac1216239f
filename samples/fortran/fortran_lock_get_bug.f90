! rmacheck-sample: ranks=4 timeout=60
! rmacheck-expect: unclosed-epoch at=lock,free
! rmacheck-expect[mpich]: unclosed-epoch at=lock,free
! rmacheck-expect[mpich]: mpi-error at=free
! rmacheck-expect[mpich]: resource-leak at=create
! rmacheck-expect[mpich]: program-failed at=finalize
!
! mpif.h style: every rank reads rank 0's counter with MPI_GET under a shared
! lock, but the MPI_WIN_UNLOCK is missing: the passive-target epoch is still
! open at MPI_WIN_FREE, and the Get is never known to be complete, so the
! value read may be anything. Open MPI lets the Win_free pass; MPICH rejects
! it (MPI_ERR_RMA_SYNC), which the window's MPI_ERRORS_RETURN turns into an
! error code instead of an abort; the window is then never freed, and MPICH's
! MPI_Finalize aborts every rank (SIGABRT). Fixed twin: fortran_lock_get_fixed.f90.
program lock_get_bug
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
  call MPI_WIN_CREATE(counter, winsize, 4, MPI_INFO_NULL, MPI_COMM_WORLD, win, ierr)  ! @create
  call MPI_WIN_SET_ERRHANDLER(win, MPI_ERRORS_RETURN, ierr)
  call MPI_BARRIER(MPI_COMM_WORLD, ierr)
  call MPI_WIN_LOCK(MPI_LOCK_SHARED, 0, 0, win, ierr)  ! @lock
  disp = 0
  call MPI_GET(value, 4, MPI_INTEGER, 0, disp, 4, MPI_INTEGER, win, ierr)
  ! BUG: no MPI_WIN_UNLOCK(0, win, ierr) here
  call MPI_BARRIER(MPI_COMM_WORLD, ierr)
  call MPI_WIN_FREE(win, ierr)  ! @free
  call MPI_FINALIZE(ierr)  ! @finalize
end program lock_get_bug
