/* SPDX-License-Identifier: MIT */
/* stack_names.c - a thread's stack shared, named by its variables: the
 * classic `&i` given to every thread (a race on main's loop counter), an
 * element of main's array, and a struct local of a function main calls,
 * each as `function:variable` with its path. */
#include <pthread.h>

struct pair {
    int a, b;
};

static void *peek(void *arg)
{
    int id = *(int *)arg;
    return (void *)(long)id;
}

static void *poke(void *arg)
{
    struct pair *p = arg;
    p->b = 7;
    return NULL;
}

static void helper(void)
{
    struct pair local = {1, 2};
    pthread_t t;
    pthread_create(&t, NULL, poke, &local);
    local.a = 3;
    pthread_join(t, NULL);
}

int main(void)
{
    pthread_t t[2];
    int ids[2] = {10, 20};
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, peek, &i);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_create(&t[0], NULL, peek, &ids[1]);
    pthread_join(t[0], NULL);
    helper();
    return 0;
}
