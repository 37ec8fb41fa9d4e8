/* SPDX-License-Identifier: MIT */
/* null_deref.c - check-then-act on a shared pointer: one thread checks
 * that `info` is set and then uses it; the other clears it in between
 * (the MySQL bug of Lu et al.'s study). */
#include <pthread.h>
#include <stdio.h>

struct info {
    int len;
};

static struct info the_info = {5};
static struct info *info = &the_info;
static int total;

static void *reader(void *arg)
{
    (void)arg;
    if (info != NULL)
        total += info->len;
    return NULL;
}

static void *closer(void *arg)
{
    (void)arg;
    info = NULL;
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, reader, NULL);
    pthread_create(&b, NULL, closer, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("total = %d\n", total);
    return 0;
}
