/* SPDX-License-Identifier: MIT */
/* pc_one_cv.c - a one-slot buffer, one producer, two consumers, and ONE
 * condition variable for "not full" and "not empty": a consumer's signal
 * may wake the other consumer instead of the producer, and then everybody
 * waits (OSTEP's producer/consumer, second attempt). */
#include <pthread.h>
#include <stdio.h>

#define LOOPS 2

static int buffer, count;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2 * LOOPS; i++) {
        pthread_mutex_lock(&m);
        while (count == 1)
            pthread_cond_wait(&cv, &m);
        buffer = i;
        count = 1;
        pthread_cond_signal(&cv);
        pthread_mutex_unlock(&m);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    for (int i = 0; i < LOOPS; i++) {
        pthread_mutex_lock(&m);
        while (count == 0)
            pthread_cond_wait(&cv, &m);
        int v = buffer;
        count = 0;
        pthread_cond_signal(&cv);
        pthread_mutex_unlock(&m);
        printf("got %d\n", v);
    }
    return NULL;
}

int main(void)
{
    pthread_t p, c1, c2;
    pthread_create(&c1, NULL, consumer, NULL);
    pthread_create(&c2, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c1, NULL);
    pthread_join(c2, NULL);
    return 0;
}
