/* SPDX-License-Identifier: MIT */
/* access_loop.c - two threads each read a shared global N times (N from
 * argv[1]): the cost of one instrumented shared access (bench_plainc). */
#include <pthread.h>
#include <stdlib.h>

static int shared = 1;
static long n;

static void *reader(void *arg)
{
    long sum = 0, count = n; /* a local copy: n itself is shared */
    for (long i = 0; i < count; i++)
        sum += shared;
    *(long *)arg = sum;
    return NULL;
}

int main(int argc, char **argv)
{
    long s1, s2;
    pthread_t a, b;
    n = argc > 1 ? atol(argv[1]) : 0;
    pthread_create(&a, NULL, reader, &s1);
    pthread_create(&b, NULL, reader, &s2);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return s1 + s2 == 2 * n ? 0 : 1;
}
