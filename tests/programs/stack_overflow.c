/* SPDX-License-Identifier: MIT */
/* stack_overflow.c - unbounded recursion in a thread: the thread's stack
 * overflows (a crash, SIGSEGV). */
#include <pthread.h>
#include <stdio.h>

static int depth(int n)
{
    volatile char pad[256];
    pad[0] = (char)n;
    return n > 1000000000 ? pad[0] : depth(n + 1) + pad[0];
}

static void *dive(void *arg)
{
    (void)arg;
    printf("%d\n", depth(0));
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, dive, NULL);
    pthread_join(t, NULL);
    return 0;
}
