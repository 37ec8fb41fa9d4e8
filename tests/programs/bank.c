/* SPDX-License-Identifier: MIT */
/* bank.c - two threads deposit 10 three times each into one account
 * without a lock, as a course hands it out: read the balance, add, write
 * it back. Updates get lost; main prints the balance and returns 1 when it
 * is wrong. */
#include <pthread.h>
#include <stdio.h>

static int balance = 100;

static void *deposit(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        int b = balance;
        b = b + 10;
        balance = b;
    }
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, deposit, NULL);
    pthread_create(&b, NULL, deposit, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("balance = %d (expected 160)\n", balance);
    return balance == 160 ? 0 : 1;
}
