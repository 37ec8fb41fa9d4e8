/* SPDX-License-Identifier: MIT */
/* chatty.c - three threads print a long line 40 times each and count
 * their lines in a shared counter without a lock: a program that prints a
 * lot, with a data race on the counter. */
#include <pthread.h>
#include <stdio.h>

static int hits;

static void *worker(void *arg)
{
    long id = (long)arg;

    for (int i = 0; i < 40; i++) {
        printf("thread %ld iteration %d: the quick brown fox jumps over "
               "the lazy dog, hits so far %d\n", id, i, hits);
        hits++;
    }
    return NULL;
}

int main(void)
{
    pthread_t t[3];

    for (long i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("hits = %d\n", hits);
    return 0;
}
