/* SPDX-License-Identifier: MIT */
/* counter_race.c - two threads add 1 to a shared counter 10 times each
 * without a lock: counter++ is a load and a store, and another thread can
 * come in between, so updates get lost. */
#include <pthread.h>
#include <stdio.h>

static int counter;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10; i++)
        counter++;
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("counter = %d\n", counter);
    return 0;
}
