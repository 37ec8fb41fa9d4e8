/* SPDX-License-Identifier: MIT */
/* cond_if.c - a consumer checks the condition with `if` instead of
 * `while` around pthread_cond_wait: woken, it does not check again, and
 * another consumer may have taken the item first. Build with -DUSE_WHILE
 * for the correct version (cond_while.c). */
#include <assert.h>
#include <pthread.h>

static int items;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t more = PTHREAD_COND_INITIALIZER;

static void *consumer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
#ifdef USE_WHILE
    while (items == 0)
#else
    if (items == 0)
#endif
        pthread_cond_wait(&more, &m);
    items--;
    assert(items >= 0);
    pthread_mutex_unlock(&m);
    return NULL;
}

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2; i++) {
        pthread_mutex_lock(&m);
        items++;
        pthread_cond_signal(&more);
        pthread_mutex_unlock(&m);
    }
    return NULL;
}

int main(void)
{
    pthread_t c1, c2, p;
    pthread_create(&c1, NULL, consumer, NULL);
    pthread_create(&c2, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(c1, NULL);
    pthread_join(c2, NULL);
    pthread_join(p, NULL);
    return 0;
}
