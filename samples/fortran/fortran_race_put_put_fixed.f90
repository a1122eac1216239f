! rmacheck-sample: ranks=3 timeout=60
! rmacheck-sample[mpich]: skip=MPICH 4.0's mpi_f08 bindings call PMPI_* directly (mpi_put_f08ts_ and mpi_win_fence_f08_ never reach MPI_Put), so rmacheck sees no call of a `use mpi_f08` program there
! rmacheck-expect: none
!
! Fixed twin of fortran_race_put_put_bug.f90 (`use mpi_f08`): the payload
! goes HDR integers into rank 1's buffer, after the header, so the two Puts
! of the epoch write disjoint bytes.
program race_put_put_fixed
  use mpi_f08
  implicit none
  integer, parameter :: HDR = 2, LEN = 6
  integer :: rank, i
  integer :: msg(HDR + LEN), header(HDR), payload(LEN)
  type(MPI_Win) :: win
  integer(kind=MPI_ADDRESS_KIND) :: winsize, disp

  call MPI_Init()
  call MPI_Comm_rank(MPI_COMM_WORLD, rank)
  msg = 0
  header = [LEN, 1]
  payload = [(10 + i, i = 1, LEN)]
  winsize = (HDR + LEN) * 4
  call MPI_Win_create(msg, winsize, 4, MPI_INFO_NULL, MPI_COMM_WORLD, win)
  call MPI_Win_fence(0, win)
  if (rank == 0) then
    disp = 0
    call MPI_Put(header, HDR, MPI_INTEGER, 1, disp, HDR, MPI_INTEGER, win)
  end if
  if (rank == 2) then
    disp = HDR
    call MPI_Put(payload, LEN, MPI_INTEGER, 1, disp, LEN, MPI_INTEGER, win)
  end if
  call MPI_Win_fence(0, win)
  if (rank == 1 .and. (msg(1) /= LEN .or. msg(HDR + LEN) /= 10 + LEN)) then
    print *, 'fortran_race_put_put_fixed: wrong message', msg
    call MPI_Abort(MPI_COMM_WORLD, 1)
  end if
  call MPI_Win_free(win)
  call MPI_Finalize()
end program race_put_put_fixed
