/* SPDX-License-Identifier: MIT */
/* lock_order.c - two threads take two mutexes in opposite orders: each
 * can hold one and wait for the other forever. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t second = PTHREAD_MUTEX_INITIALIZER;
static int balance;

static void *transfer_ab(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&first);
    pthread_mutex_lock(&second);
    balance += 10;
    pthread_mutex_unlock(&second);
    pthread_mutex_unlock(&first);
    return NULL;
}

static void *transfer_ba(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&second);
    pthread_mutex_lock(&first);
    balance -= 10;
    pthread_mutex_unlock(&first);
    pthread_mutex_unlock(&second);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, transfer_ab, NULL);
    pthread_create(&b, NULL, transfer_ba, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("balance = %d\n", balance);
    return 0;
}
