! rmacheck-sample: ranks=3 timeout=60
! rmacheck-sample[mpich]: skip=MPICH 4.0's mpi_f08 bindings call PMPI_* directly (mpi_put_f08ts_ and mpi_win_fence_f08_ never reach MPI_Put), so rmacheck sees no call of a `use mpi_f08` program there
! rmacheck-expect: rma-conflict at=put,put2 ranks=0,2
!
! `use mpi_f08`: in one fence epoch rank 0 puts a 2-integer header and rank
! 2 a 6-integer payload into rank 1's message buffer, but the payload's
! displacement forgets to skip the header, so both Puts write the first 8
! bytes of rank 1's window: a race. Fixed twin: fortran_race_put_put_fixed.f90.
program race_put_put_bug
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
  disp = 0
  if (rank == 0) call MPI_Put(header, HDR, MPI_INTEGER, 1, disp, HDR, MPI_INTEGER, win)  ! @put
  if (rank == 2) call MPI_Put(payload, LEN, MPI_INTEGER, 1, disp, LEN, MPI_INTEGER, win)  ! @put2 BUG: disp should be HDR
  call MPI_Win_fence(0, win)
  call MPI_Win_free(win)
  call MPI_Finalize()
end program race_put_put_bug
