/* SPDX-License-Identifier: MIT */
/* thread_local.c - each thread has its own copy of a __thread variable
 * (the runtime swaps them: all threads share one OS thread on sim), and
 * accesses to it are not scheduling points: correct. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

static __thread int mine = 5;
static __thread int count;

static void *worker(void *arg)
{
    long id = (long)arg;
    for (int i = 0; i < 3; i++) {
        mine += (int)id;
        count++;
        sched_yield();
    }
    printf("T%ld: mine %d, count %d\n", id, mine, count);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, (void *)1);
    pthread_create(&b, NULL, worker, (void *)2);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("main: mine %d, count %d\n", mine, count);
    return 0;
}
