/* SPDX-License-Identifier: MIT */
/* exit_thread.c - a thread calls exit(3): the whole program ends there,
 * with that status, whatever the other threads were doing. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *quitter(void *arg)
{
    (void)arg;
    fprintf(stderr, "giving up\n");
    exit(3);
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, quitter, NULL);
    sleep(1);
    printf("not reached\n");
    return 0;
}
