/* SPDX-License-Identifier: MIT */
/* fences.c - message passing with relaxed atomics ordered by fences:
 * correct. The producer's release fence and the consumer's acquire
 * fence order the write of data before its read. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static int data; /* published through ready */
static atomic_int ready;

static void *producer(void *arg)
{
    (void)arg;
    data = 42;
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&ready, 1, memory_order_relaxed);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&ready, memory_order_relaxed))
        ;
    atomic_thread_fence(memory_order_acquire);
    printf("data = %d\n", data);
    return NULL;
}

int main(void)
{
    pthread_t p, c;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    return 0;
}
