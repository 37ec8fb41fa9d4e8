/* SPDX-License-Identifier: MIT */
/* sem_pc_swapped.c - the textbook bounded buffer with three semaphores
 * (empty, full, mutex), but the producer takes mutex before empty: when
 * the buffer is full it sleeps on empty holding mutex, and the consumer,
 * which needs mutex to make room, waits for it: deadlock. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

#define N 2

static int buf[N], in, out; /* guarded by mutex */
static sem_t empty, full, mutex;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 4; i++) {
        sem_wait(&mutex); /* the bug: take empty first */
        sem_wait(&empty);
        buf[in] = i;
        in = (in + 1) % N;
        sem_post(&mutex);
        sem_post(&full);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    int sum = 0;
    for (int i = 0; i < 4; i++) {
        sem_wait(&full);
        sem_wait(&mutex);
        sum += buf[out];
        out = (out + 1) % N;
        sem_post(&mutex);
        sem_post(&empty);
    }
    printf("sum = %d\n", sum);
    return NULL;
}

int main(void)
{
    sem_init(&empty, 0, N);
    sem_init(&full, 0, 0);
    sem_init(&mutex, 0, 1);
    pthread_t p, c;
    pthread_create(&p, NULL, producer, NULL);
    pthread_create(&c, NULL, consumer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    return 0;
}
