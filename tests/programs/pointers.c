/* SPDX-License-Identifier: MIT */
/* pointers.c - values that are addresses, shown by the memory they point
 * into: two threads push a node on a shared list without a lock (one push
 * is lost: a lost update of head, an address), keep where they linked it
 * (inside a heap block, at an offset) and a slot of a global array; main
 * keeps a pointer to a block it has freed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct node {
    int v;
    struct node *next;
};

static struct node *head;
static struct node **last_link; /* the link the last push wrote */
static int slots[8];
static int *slot;          /* the slot of the last push */
static int *marker;        /* a local of main's, while the threads run */
static struct node *spare; /* left pointing at a freed block */

static void *push(void *arg)
{
    struct node *n = malloc(sizeof *n);
    n->v = (int)(long)arg;
    /* The other thread may push between this load and the store. */
    n->next = head;
    head = n;
    last_link = &n->next;
    slot = &slots[n->v + 2];
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    int here = 0;
    pthread_create(&a, NULL, push, (void *)1);
    pthread_create(&b, NULL, push, (void *)2);
    marker = &here;
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    marker = NULL;
    int n = 0;
    for (struct node *p = head; p; p = p->next)
        n++;
    printf("%d nodes\n", n);
    struct node *s = malloc(sizeof *s);
    spare = s;
    free(s);
    return n == 2 ? 0 : 1;
}
