/* SPDX-License-Identifier: MIT */
/* fields_odd.c - names where a member is not a place of its own: a
 * bit-field (its byte holds its neighbours: the struct is named) and a
 * flexible array member of a block allocated larger than its struct
 * (one struct whose last member goes on, not an array of structs). */
#include <pthread.h>
#include <stdlib.h>

struct flags {
    unsigned ready : 1, done : 3;
    int count;
};

struct msg {
    int n;
    int data[];
};

static struct flags fl;
static struct msg *box;

static void *worker(void *arg)
{
    long i = (long)arg;
    fl.done = 2;
    fl.count = (int)i;
    box->data[i] = (int)i;
    return NULL;
}

int main(void)
{
    box = malloc(sizeof *box + 4 * sizeof(int));
    pthread_t a, b;
    pthread_create(&a, NULL, worker, (void *)1);
    pthread_create(&b, NULL, worker, (void *)2);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    free(box);
    return 0;
}
