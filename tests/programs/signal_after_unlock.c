/* SPDX-License-Identifier: MIT */
/* signal_after_unlock.c - the waker sets the flag under the mutex and
 * signals after unlocking it: legal and correct in POSIX, because the
 * waiter re-checks the flag in a loop under the mutex. */
#include <pthread.h>
#include <stdio.h>

static int ready;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;

static void *waker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    ready = 1;
    pthread_mutex_unlock(&m);
    pthread_cond_signal(&c);
    return NULL;
}

int main(void)
{
    pthread_t w;
    pthread_create(&w, NULL, waker, NULL);
    pthread_mutex_lock(&m);
    while (!ready)
        pthread_cond_wait(&c, &m);
    pthread_mutex_unlock(&m);
    pthread_join(w, NULL);
    printf("ready\n");
    return 0;
}
