/* bank100.c - a 100-line pthreads program for the benchmark of building
 * and loading a program (bench_plainc): accounts with a mutex each, tellers
 * that transfer between them in lock order, an auditor that sums them. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define ACCOUNTS 4
#define TELLERS 3
#define ROUNDS 2

struct account {
    pthread_mutex_t lock;
    long balance;
    int id;
};

static struct account accounts[ACCOUNTS];
static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;
static long audits;

static void account_init(struct account *a, int id, long balance)
{
    pthread_mutex_init(&a->lock, NULL);
    a->balance = balance;
    a->id = id;
}

static void lock_two(struct account *a, struct account *b)
{
    if (a->id < b->id) {
        pthread_mutex_lock(&a->lock);
        pthread_mutex_lock(&b->lock);
    } else {
        pthread_mutex_lock(&b->lock);
        pthread_mutex_lock(&a->lock);
    }
}

static void unlock_two(struct account *a, struct account *b)
{
    pthread_mutex_unlock(&a->lock);
    pthread_mutex_unlock(&b->lock);
}

static void transfer(struct account *from, struct account *to, long amount)
{
    if (from == to)
        return;
    lock_two(from, to);
    if (from->balance >= amount) {
        from->balance -= amount;
        to->balance += amount;
    }
    unlock_two(from, to);
}

static void *teller(void *arg)
{
    long me = (long)arg;
    for (int r = 0; r < ROUNDS; r++) {
        int from = (int)((me + r) % ACCOUNTS);
        int to = (int)((me + 2 * r + 1) % ACCOUNTS);
        transfer(&accounts[from], &accounts[to], 10 + me);
    }
    return NULL;
}

static long total(void)
{
    long sum = 0;
    for (int i = 0; i < ACCOUNTS; i++) {
        pthread_mutex_lock(&accounts[i].lock);
        sum += accounts[i].balance;
        pthread_mutex_unlock(&accounts[i].lock);
    }
    pthread_mutex_lock(&audit_lock);
    audits++;
    pthread_mutex_unlock(&audit_lock);
    return sum;
}

int main(void)
{
    pthread_t t[TELLERS];
    for (int i = 0; i < ACCOUNTS; i++)
        account_init(&accounts[i], i, 100);
    for (long i = 0; i < TELLERS; i++)
        if (pthread_create(&t[i], NULL, teller, (void *)i) != 0)
            return 1;
    for (int i = 0; i < TELLERS; i++)
        pthread_join(t[i], NULL);
    long sum = total();
    printf("total %ld after %ld audit%s\n", sum, audits,
           audits == 1 ? "" : "s");
    if (sum != 100 * ACCOUNTS) {
        fprintf(stderr, "money was lost\n");
        return EXIT_FAILURE;
    }
    return 0;
}
