// What the loop plugin (interpose/gcc_plugin) decides for each loop, built
// by `rmacheck mpicc -O2` with -fplugin-arg-rmacheck_loop_ranges-verbose:
// a `// expect:` comment names the notes of the accesses on its line
// (check_decisions.py compares them, missing and extra both fail):
//   R / W      one read / write range for the loop
//   exits      per element: the loop has more than one exit
//   tripcount  per element: the trip count is not known at the loop's entry
//   calls      per element: the loop calls a function, synchronizes or may throw
//   holes      per element: the addresses are not one range
//   every      per element: not run on every iteration
// A line without the comment must get no note; the notes are the same at
// -O2 and -Os (loops not rotated). Only compiled, never run.
#include <math.h>
#include <mpi.h>

extern double opaque(double);

void forward(double *a, int n)
{
    for (int i = 0; i < n; i++)
        a[i] = a[i] * 2 + 1;  // expect: R W
}

void backward(double *a, int n)
{
    for (int i = n - 1; i >= 0; i--)
        a[i] += i;  // expect: R W
}

void copy_shifted(double *restrict b, const double *restrict a, int lo, int hi)
{
    for (int i = lo; i < hi; i++)
        b[i - lo] = a[i] + 1.0;  // expect: R W
}

void ints(int *a, int n)
{
    for (int i = 0; i < n; i++)
        a[i] = a[i] ^ 5;  // expect: R W
}

void math(double *restrict b, const double *restrict a, int n)
{
    for (int i = 0; i < n; i++)
        b[i] = sin(a[i]) + sqrt(fabs(a[i]));  // expect: R W
}

void accumulate(double *s, const double *a, int n)
{
    for (int i = 0; i < n; i++)
        s[0] += a[i];  // expect: R W
}

void rows(double *a, int n, int m)
{
    for (int j = 0; j < m; j++)
        for (int i = 0; i < n; i++)
            a[j * n + i] = i + j;  // expect: W
}

double early_exit(const double *a, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] < 0)  // expect: exits
            break;
        s += a[i];
    }
    return s;
}

void flush_each(double *a, int n, MPI_Win win)
{
    for (int i = 0; i < n; i++) {
        a[i] = 1;  // expect: calls
        MPI_Win_flush(0, win);
    }
}

void unknown_call(double *a, int n)
{
    for (int i = 0; i < n; i++)
        a[i] = opaque(a[i]);  // expect: calls
}

void strided(double *a, int n, int stride)
{
    for (int i = 0; i < n; i++)
        a[i * stride] = 1;  // expect: holes
}

void every_other(double *a, int n)
{
    for (int i = 0; i < n; i++)
        a[2 * i] = 1;  // expect: holes
}

void conditional(const double *restrict a, double *restrict b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] > 0)  // expect: R
            b[i] = 1;  // expect: every
}

struct node {
    struct node *next;
    double v;
};

void list(struct node *p)
{
    for (; p; p = p->next)  // expect: tripcount
        p->v = 1;  // expect: tripcount
}
