/* SPDX-License-Identifier: MIT */
/* timed.c - timed waits in virtual time: pthread_cond_timedwait and
 * sem_timedwait time out, pthread_mutex_timedlock gets the mutex when its
 * holder lets go in time, and a value comes back through pthread_exit. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static sem_t s;

/* Now plus ms, on the realtime clock. */
static struct timespec in_ms(long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

static void *holder(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    sleep(1);
    pthread_mutex_unlock(&m);
    pthread_exit((void *)(intptr_t)42);
}

int main(void)
{
    sem_init(&s, 0, 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    pthread_mutex_lock(&m);
    struct timespec dl = in_ms(1500);
    int rc = pthread_cond_timedwait(&c, &m, &dl);
    pthread_mutex_unlock(&m);
    printf("cond_timedwait: %s\n", rc == ETIMEDOUT ? "timed out" : "woken");

    dl = in_ms(250);
    rc = sem_timedwait(&s, &dl);
    printf("sem_timedwait: %s\n", rc == -1 && errno == ETIMEDOUT ? "timed out" : "got it");

    pthread_t h;
    pthread_create(&h, NULL, holder, NULL);
    usleep(1000);
    dl = in_ms(5000);
    rc = pthread_mutex_timedlock(&m, &dl);
    printf("mutex_timedlock: %s\n", rc == 0 ? "locked" : "timed out");
    pthread_mutex_unlock(&m);

    void *ret;
    pthread_join(h, &ret);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("holder returned %ld after %ld ms\n", (long)(intptr_t)ret,
           (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
    return 0;
}
