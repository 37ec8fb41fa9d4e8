/* SPDX-License-Identifier: MIT */
/* philosophers.c - three dining philosophers, each takes the fork on
 * the left, then the one on the right: when each holds the left fork,
 * everyone waits for a neighbour, a deadlock. The forks are an array of
 * mutexes (fork_[0], fork_[1], fork_[2] in the trace). */
#include <pthread.h>
#include <stdio.h>

#define N 3

static pthread_mutex_t fork_[N];

static void *philosopher(void *arg)
{
    long i = (long)arg;

    pthread_mutex_lock(&fork_[i]);
    pthread_mutex_lock(&fork_[(i + 1) % N]);
    printf("philosopher %ld eats\n", i);
    pthread_mutex_unlock(&fork_[(i + 1) % N]);
    pthread_mutex_unlock(&fork_[i]);
    return NULL;
}

int main(void)
{
    pthread_t t[N];

    for (int i = 0; i < N; i++)
        pthread_mutex_init(&fork_[i], NULL);
    for (long i = 0; i < N; i++)
        pthread_create(&t[i], NULL, philosopher, (void *)i);
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    return 0;
}
