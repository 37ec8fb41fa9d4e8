/* SPDX-License-Identifier: MIT */
/* recursive_mutex.c - a recursive mutex taken again by the thread that
 * holds it (a function calling a function that locks too): correct. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m;
static int depth_reached, total;

static void add(int n)
{
    pthread_mutex_lock(&m);
    total += n;
    if (n > 0)
        add(n - 1);
    else
        depth_reached++;
    pthread_mutex_unlock(&m);
}

static void *worker(void *arg)
{
    (void)arg;
    add(2);
    return NULL;
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&m, &attr);
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("total = %d, depth reached %d times\n", total, depth_reached);
    return 0;
}
