/* SPDX-License-Identifier: MIT */
/* stdin_sum.c - reads numbers from stdin, and how many threads to sum
 * them with from argv (correct: the total under a mutex). Run as
 * `stdin_sum THREADS < numbers.txt`; a bad argument gets the usage line
 * with argv[0] and exit status 2. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static int nums[16], count, nthreads;
static long total; /* guarded by m */
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *adder(void *arg)
{
    long k = (long)arg, part = 0;
    for (int i = (int)k; i < count; i += nthreads)
        part += nums[i];
    pthread_mutex_lock(&m);
    total += part;
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(int argc, char **argv)
{
    nthreads = argc > 1 ? atoi(argv[1]) : 0;
    if (nthreads < 1 || nthreads > 4) {
        fprintf(stderr, "usage: %s THREADS < NUMBERS\n", argv[0]);
        return 2;
    }
    while (count < 16 && scanf("%d", &nums[count]) == 1)
        count++;
    pthread_t t[4];
    for (long i = 0; i < nthreads; i++)
        pthread_create(&t[i], NULL, adder, (void *)i);
    for (int i = 0; i < nthreads; i++)
        pthread_join(t[i], NULL);
    printf("%d numbers, total %ld\n", count, total);
    return 0;
}
