/* SPDX-License-Identifier: MIT */
/* phases.c - a barrier between two phases, pthread_once for a shared
 * initialisation, a rwlock for readers of the result, and output through
 * write(2), puts and putchar: correct. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define N 3

static pthread_barrier_t bar;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int table, serial, inits;

static void init(void)
{
    inits++;
    table = 100;
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_once(&once, init);
    if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD) {
        pthread_rwlock_wrlock(&rw);
        serial++;
        table++;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[N];
    pthread_barrier_init(&bar, NULL, N);
    for (int i = 0; i < N; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    pthread_rwlock_rdlock(&rw);
    const char *msg = "phases done\n";
    write(1, msg, strlen(msg));
    printf("table %d, serial %d, inits %d", table, serial, inits);
    putchar('\n');
    puts("bye");
    pthread_rwlock_unlock(&rw);
    return 0;
}
