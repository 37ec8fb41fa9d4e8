/* SPDX-License-Identifier: MIT */
/* loop_index.c - the classic: each thread is given &i, the loop's own
 * variable on main's stack, which main goes on incrementing: a data race
 * (threads may print the same number twice). The fix passes each thread
 * its own value (an array element, or the value cast to a pointer). */
#include <pthread.h>
#include <stdio.h>

static void *worker(void *arg)
{
    int id = *(int *)arg;
    printf("thread %d\n", id);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, &i);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return 0;
}
