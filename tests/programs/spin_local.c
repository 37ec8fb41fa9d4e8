/* SPDX-License-Identifier: MIT */
/* spin_local.c - a thread loops forever on its own local variable: no
 * step ever comes, so only the watchdog can stop the run. */
#include <pthread.h>

static void *spin(void *arg)
{
    (void)arg;
    volatile int x = 0;
    for (;;)
        x++;
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, spin, NULL);
    pthread_join(t, NULL);
    return 0;
}
