/* SPDX-License-Identifier: MIT */
/* thread_tree.c - threads that start threads: a binary tree of depth 2
 * (7 threads below main), each adding its number to a total under a
 * mutex and joining its children: correct. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long total;

static void *node(void *arg)
{
    intptr_t id = (intptr_t)arg;
    pthread_t kids[2];
    int n = 0;
    if (id < 4) {
        for (int k = 0; k < 2; k++)
            pthread_create(&kids[n++], NULL, node, (void *)(2 * id + k));
    }
    pthread_mutex_lock(&m);
    total += id;
    pthread_mutex_unlock(&m);
    for (int k = 0; k < n; k++)
        pthread_join(kids[k], NULL);
    return NULL;
}

int main(void)
{
    pthread_t root;
    pthread_create(&root, NULL, node, (void *)1);
    pthread_join(root, NULL);
    printf("total = %ld\n", total);
    return 0;
}
