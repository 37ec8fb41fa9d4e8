/* SPDX-License-Identifier: MIT */
/* helpers.c - heap blocks allocated by helper functions, named and typed
 * by the line that called the helper: xmalloc's `void *p = malloc(n);`
 * hands the block on, so `struct node *n = xmalloc(sizeof *n);` says
 * what it holds; xzalloc calls xmalloc (two calls up); xalloc returns
 * malloc's result itself. Blocks no line types keep their allocation's
 * line and offsets: one kept in a global `void *`, one assigned to a
 * `void *` and then to pointers of two types, one never assigned. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
    int v;
    struct node *next;
};

struct pair {
    long lo, hi;
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        abort();
    return p;
}

static void *xzalloc(size_t n)
{
    void *p = xmalloc(n);
    memset(p, 0, n);
    return p;
}

static void *xalloc(size_t n)
{
    return malloc(n);
}

static struct node *head;
static struct pair *pairs;
static void *raw; /* a block kept untyped */

/* Fill a block nobody typed. */
static void use(void *p)
{
    ((int *)p)[1] = 4;
    free(p);
}

static void *worker(void *arg)
{
    struct node *n = xmalloc(sizeof *n);
    n->v = (int)(long)arg;
    n->next = head;
    head = n;
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pairs = xzalloc(2 * sizeof *pairs);
    pthread_create(&a, NULL, worker, (void *)1);
    pthread_create(&b, NULL, worker, (void *)2);
    pairs[1].hi = 5;
    struct pair *one = xalloc(sizeof *one);
    one->hi = 6;
    raw = xmalloc(16);
    ((long *)raw)[1] = 7;
    void *mixed = xmalloc(sizeof(struct pair));
    struct pair *p1 = mixed;
    struct node *n1 = mixed;
    p1->hi = 8;
    n1->v = 9;
    use(xmalloc(8));
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    int count = 0;
    for (struct node *p = head; p; p = p->next)
        count++;
    printf("%d %ld %ld\n", count, pairs[1].hi, one->hi);
    return 0;
}
