/* SPDX-License-Identifier: MIT */
/* lost_wakeup.c - the waiter calls pthread_cond_wait without checking
 * whether what it waits for has happened: when the signaller runs first,
 * its pthread_cond_signal finds no thread waiting, nothing remembers it,
 * and the waiter waits for ever. Build with -DUSE_WHILE for the correct
 * version (wakeup_while.c): the same signal with no waiter, but the waiter
 * sees ready and never waits. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int ready;

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
#ifdef USE_WHILE
    while (!ready)
#endif
        pthread_cond_wait(&c, &m);
    pthread_mutex_unlock(&m);
    return NULL;
}

static void *signaller(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    ready = 1;
    pthread_cond_signal(&c);
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&b, NULL, signaller, NULL);
    pthread_create(&a, NULL, waiter, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("ready=%d\n", ready);
    return 0;
}
