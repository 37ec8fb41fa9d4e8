/* SPDX-License-Identifier: MIT */
/* fields.c - shared memory named as the source names it, from the debug
 * information: struct members, arrays of structs, a two-dimensional
 * array, a union, an anonymous member, a typedef, a function's static, a
 * mutex inside a struct, and a whole struct copied at once. */
#include <pthread.h>

struct account {
    pthread_mutex_t lock;
    long balance;
};

typedef struct {
    int head, tail;
    int slots[4];
} ring_t;

static struct account acct;
static struct account accounts[3];
static int grid[2][3];
static ring_t ring;
static union {
    long whole;
    int half[2];
} u;
static struct {
    int id;
    struct {
        int x, y;
    };
} point;
static struct {
    int a, b;
} pair, copy;

static void *worker(void *arg)
{
    long i = (long)arg;
    static int calls;

    pthread_mutex_lock(&acct.lock);
    acct.balance += i;
    pthread_mutex_unlock(&acct.lock);
    pthread_mutex_lock(&accounts[i].lock);
    accounts[i].balance = i;
    pthread_mutex_unlock(&accounts[i].lock);
    grid[1][i] = (int)i;
    ring.slots[i] = (int)i;
    ring.tail = (int)i;
    u.half[1] = (int)i;
    u.whole = i;
    point.y = (int)i;
    calls++;
    copy = pair;
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, (void *)1);
    pthread_create(&b, NULL, worker, (void *)2);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
