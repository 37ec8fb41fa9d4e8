/* SPDX-License-Identifier: MIT */
/* double_free.c - two threads both free the same block: the C library
 * aborts (SIGABRT) inside free, reported at the program's call. */
#include <pthread.h>
#include <stdlib.h>

static int *block;

static void *release(void *arg)
{
    (void)arg;
    free(block);
    return NULL;
}

int main(void)
{
    block = malloc(64);
    pthread_t a, b;
    pthread_create(&a, NULL, release, NULL);
    pthread_create(&b, NULL, release, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
