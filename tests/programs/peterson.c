/* SPDX-License-Identifier: MIT */
/* peterson.c - Peterson's algorithm for two threads with C11 atomics
 * (sequentially consistent): mutual exclusion without a lock, correct.
 * Each thread spins in lock() while the other is inside. */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static atomic_int flag[2], turn;
static int inside, counter; /* guarded by Peterson's lock */

static void lock(int i)
{
    int j = 1 - i;
    atomic_store(&flag[i], 1);
    atomic_store(&turn, j);
    while (atomic_load(&flag[j]) && atomic_load(&turn) == j)
        ; /* spin: the other thread is inside or has priority */
}

static void unlock(int i)
{
    atomic_store(&flag[i], 0);
}

static void *worker(void *arg)
{
    int i = (int)(long)arg;
    for (int k = 0; k < 2; k++) {
        lock(i);
        inside++;
        assert(inside == 1);
        counter++;
        inside--;
        unlock(i);
    }
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, (void *)0L);
    pthread_create(&b, NULL, worker, (void *)1L);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("counter = %d\n", counter);
    return counter == 4 ? 0 : 1;
}
