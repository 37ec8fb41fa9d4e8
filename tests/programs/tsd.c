/* SPDX-License-Identifier: MIT */
/* tsd.c - thread-specific data: each thread keeps its own buffer under a
 * pthread_key_t, and the key's destructor frees it when the thread ends
 * (returning, or by pthread_exit): correct. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_key_t key;
static int freed; /* guarded by m */
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void release_buffer(void *p)
{
    free(p);
    pthread_mutex_lock(&m);
    freed++;
    pthread_mutex_unlock(&m);
}

static void *worker(void *arg)
{
    long *mine = malloc(sizeof(*mine));
    *mine = (long)arg;
    pthread_setspecific(key, mine);
    sched_yield(); /* the other thread sets its own value meanwhile */
    long *seen = pthread_getspecific(key);
    if (*seen != (long)arg)
        return (void *)1L;
    if ((long)arg == 2)
        pthread_exit(NULL);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    pthread_key_create(&key, release_buffer);
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)(i + 1));
    long bad = 0;
    for (int i = 0; i < 2; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (long)r;
    }
    printf("own values: %s, destructors run: %d\n", bad ? "no" : "yes",
           freed);
    pthread_key_delete(key);
    return bad != 0;
}
