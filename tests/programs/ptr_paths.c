/* SPDX-License-Identifier: MIT */
/* ptr_paths.c - values that are addresses inside a global or a heap
 * block, written with the path the source would use: a member of a
 * struct, an element of an array of structs, of a two-dimensional array
 * and a row of it, an element of a heap array and the pointer one past
 * its end (legal C), and inside a block no type is known for (by
 * offset). main reads them back after the worker has freed its blocks. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock;
    int balance;
};

static struct account acct;
static struct account accounts[3];
static int grid[3][4];
static int *where;          /* an int somewhere */
static struct account *who; /* an account */
static int (*row)[4];       /* a row of grid */
static int *end;            /* one past the end of an array */
static char *raw_at;        /* inside a block of no known type */

static void *worker(void *arg)
{
    (void)arg;
    where = &acct.balance;
    who = &accounts[1];
    where = &accounts[2].balance;
    where = &grid[1][2];
    row = &grid[2];
    int *v = malloc(4 * sizeof *v);
    where = &v[2];
    end = v + 4;
    void *raw = malloc(32);
    raw_at = (char *)raw + 8;
    free(raw);
    free(v);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    int *e = end;
    printf("%d %d\n", who == &accounts[1], e != NULL);
    return 0;
}
