! rmacheck-sample: ranks=4 timeout=8 complete=false
! rmacheck-expect: fence-mismatch at=fence,end
! rmacheck-expect: hang at=fence,end
! rmacheck-expect[mpich]: fence-mismatch at=fence,free
! rmacheck-expect[mpich]: hang at=fence,finalize
!
! The fence-and-put exercise in Fortran (`use mpi`), with the classic
! mistake: only the ranks that move data (0 and 1) call MPI_WIN_FENCE,
! ranks 2 and 3 go straight to freeing the window. MPI_Win_fence is
! collective over the window's group, so ranks 0 and 1 wait in a fence for
! ranks that never call it and the job hangs (stopped by --timeout), while
! ranks 2 and 3 pass MPI_WIN_FREE and wait in MPI_FINALIZE.
! On Open MPI, gfortran 12 -O0 puts the calls of MPI_INIT, MPI_WIN_FREE and
! MPI_FINALIZE through Open MPI's `mpi` module on the `end program` line in
! its line table (addr2line says the same), so the report names that line.
! Fixed twin: fortran_fence_mismatch_fixed.f90.
program fence_mismatch_hang
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
  if (rank < 2) then
    call MPI_WIN_FENCE(0, win, ierr)
    disp = 0
    call MPI_PUT(data, 10, MPI_INTEGER, 1 - rank, disp, 10, MPI_INTEGER, win, ierr)  ! ranks 0 and 1 swap data
    call MPI_WIN_FENCE(0, win, ierr)  ! @fence BUG: ranks 2 and 3 never call MPI_WIN_FENCE
  end if
  call MPI_WIN_FREE(win, ierr)  ! @free
  if (rank == 0) print *, 'fortran_fence_mismatch_hang: done'
  call MPI_FINALIZE(ierr)  ! @finalize
end program fence_mismatch_hang  ! @end
