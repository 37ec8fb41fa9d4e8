/* SPDX-License-Identifier: MIT */
/* sem_join.c - the parent waits for its child with a semaphore that
 * starts at 0 (OSTEP's "semaphore as a condition"): correct. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t done;
static int result;

static void *child(void *arg)
{
    (void)arg;
    result = 42;
    printf("child\n");
    sem_post(&done);
    return NULL;
}

int main(void)
{
    pthread_t c;
    sem_init(&done, 0, 0);
    printf("parent: begin\n");
    pthread_create(&c, NULL, child, NULL);
    sem_wait(&done);
    printf("parent: end, result %d\n", result);
    return 0;
}
