/* SPDX-License-Identifier: MIT */
/* spin_atomic.c - a spinlock built from C11 atomics (test-and-set on an
 * atomic_flag) protecting a counter: correct. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static atomic_flag flag = ATOMIC_FLAG_INIT;
static int counter;

static void spin_lock(void)
{
    while (atomic_flag_test_and_set(&flag))
        ;
}

static void spin_unlock(void)
{
    atomic_flag_clear(&flag);
}

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        spin_lock();
        counter++;
        spin_unlock();
    }
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("counter = %d\n", counter);
    return counter == 6 ? 0 : 1;
}
