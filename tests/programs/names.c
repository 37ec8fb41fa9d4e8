/* SPDX-License-Identifier: MIT */
/* names.c - how shared memory is named: array elements of a global by
 * index, heap blocks by allocation site, a struct member by its name. */
#include <pthread.h>
#include <stdlib.h>

static int buffer[4];
static struct {
    int a, b;
} pair;
static int *heap;

static void *writer(void *arg)
{
    long i = (long)arg;
    buffer[i] = (int)i + 10;
    heap[i] = (int)i + 20;
    pair.b = (int)i;
    return NULL;
}

int main(void)
{
    heap = malloc(4 * sizeof(int));
    pthread_t a, b;
    pthread_create(&a, NULL, writer, (void *)1);
    pthread_create(&b, NULL, writer, (void *)2);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    free(heap);
    return 0;
}
