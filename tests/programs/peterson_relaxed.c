/* SPDX-License-Identifier: MIT */
/* peterson_relaxed.c - Peterson's algorithm with memory_order_relaxed
 * atomics: broken. Relaxed atomics order nothing, so the two threads'
 * accesses to the counter inside are a data race (on a real machine the
 * store of flag[i] may be seen after the load of flag[j], and both
 * threads enter). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define RLX memory_order_relaxed

static atomic_int flag[2], turn;
static int counter; /* "guarded" by the broken lock */

static void *worker(void *arg)
{
    int i = (int)(long)arg, j = 1 - i;
    atomic_store_explicit(&flag[i], 1, RLX);
    atomic_store_explicit(&turn, j, RLX);
    while (atomic_load_explicit(&flag[j], RLX) &&
           atomic_load_explicit(&turn, RLX) == j)
        ;
    counter++;
    atomic_store_explicit(&flag[i], 0, RLX);
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
    return 0;
}
