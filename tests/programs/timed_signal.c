/* SPDX-License-Identifier: MIT */
/* timed_signal.c - a timeout taken for a signal: main waits up to 1 s for
 * the writer's data and reads it whether or not it came. Virtual time
 * passes only when nothing can run, so round robin and random runs always
 * see the signal; a schedule that fires main's timeout while the writer
 * can still run shows the bug ("got 0", exit status 1). */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int ready, data;

static void *writer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    data = 42;
    ready = 1;
    pthread_cond_signal(&c);
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void)
{
    pthread_t w;
    struct timespec ts;

    pthread_create(&w, NULL, writer, NULL);
    pthread_mutex_lock(&m);
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 1;
    if (!ready)
        pthread_cond_timedwait(&c, &m, &ts); /* bug: ETIMEDOUT ignored */
    int got = data;
    pthread_mutex_unlock(&m);
    pthread_join(w, NULL);
    printf("got %d\n", got);
    return got != 42;
}
