/* SPDX-License-Identifier: MIT */
/* strings_race.c - two threads write one shared message buffer through
 * the C library (strcpy, snprintf) with no lock: a data race on msg,
 * whichever text ends up in it. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static char msg[32]; /* unguarded: that is the bug */

static void *writer_a(void *arg)
{
    (void)arg;
    strcpy(msg, "hello from A");
    return NULL;
}

static void *writer_b(void *arg)
{
    (void)arg;
    snprintf(msg, sizeof(msg), "B says %d", 42);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, writer_a, NULL);
    pthread_create(&b, NULL, writer_b, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("msg = %s\n", msg);
    return 0;
}
