/* Not an MPI program at all: prints a line and exits 0. */
#include <stdio.h>

int main(void) {
  printf("no MPI here\n");
  return 0;
}
