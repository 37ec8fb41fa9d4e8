/* SPDX-License-Identifier: MIT */
/* counter_assert.c - the counter race with the check a student would
 * write: assert() fails when an update was lost. */
#include <assert.h>
#include <pthread.h>

static int counter;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        counter++;
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    assert(counter == 6);
    return 0;
}
