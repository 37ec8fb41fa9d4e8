/* SPDX-License-Identifier: MIT */
/* detached.c - a detached thread reports through a semaphore and main
 * returns without joining it: as on Linux, the program ends when main
 * returns, whether or not the detached thread has finished (and printed
 * its last line). */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t done;
static int work;

static void *helper(void *arg)
{
    (void)arg;
    work = 7;
    sem_post(&done);
    printf("helper: done\n");
    return NULL;
}

int main(void)
{
    pthread_t h;
    pthread_attr_t attr;
    sem_init(&done, 0, 0);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&h, &attr, helper, NULL);
    sem_wait(&done);
    printf("work = %d\n", work);
    return 0;
}
