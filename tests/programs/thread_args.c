/* SPDX-License-Identifier: MIT */
/* thread_args.c - each thread gets its own element of a malloc'd array of
 * argument structs, filled in by main just before that thread's
 * pthread_create (after the first thread already runs): correct, since
 * creating a thread orders what its creator did before it. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct arg {
    int lo, hi;
    long sum; /* written by its thread only, read by main after join */
};

static int data[12];

static void *sum_part(void *p)
{
    struct arg *a = p;
    for (int i = a->lo; i < a->hi; i++)
        a->sum += data[i];
    return NULL;
}

int main(void)
{
    int n = 3;
    for (int i = 0; i < 12; i++)
        data[i] = i + 1;
    pthread_t *t = malloc((size_t)n * sizeof(*t));
    struct arg *args = calloc((size_t)n, sizeof(*args));
    for (int i = 0; i < n; i++) {
        args[i].lo = i * 4;
        args[i].hi = i * 4 + 4;
        pthread_create(&t[i], NULL, sum_part, &args[i]);
    }
    long total = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(t[i], NULL);
        total += args[i].sum;
    }
    printf("total = %ld\n", total);
    free(t);
    free(args);
    return total == 78 ? 0 : 1;
}
