/* SPDX-License-Identifier: MIT */
/* big_stack.c - threads with large arrays on their stacks (2 MB each),
 * as programs written for Linux's 8 MB thread stacks have: correct. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define N (512 * 1024)

static long sums[2];

static void *fill(void *arg)
{
    long id = (long)arg;
    int data[N];
    for (int i = 0; i < N; i++)
        data[i] = i % 7;
    long sum = 0;
    for (int i = 0; i < N; i++)
        sum += data[i];
    sums[id] = sum;
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, fill, (void *)0);
    pthread_create(&b, NULL, fill, (void *)1);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%ld %ld\n", sums[0], sums[1]);
    return 0;
}
