/* SPDX-License-Identifier: MIT */
/* sleepy.c - sleep()-ordered output: virtual time makes the order and
 * the elapsed time exact under every schedule. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static void *slow(void *arg)
{
    (void)arg;
    sleep(2);
    printf("slow\n");
    return NULL;
}

static void *fast(void *arg)
{
    (void)arg;
    usleep(500000);
    printf("fast\n");
    return NULL;
}

int main(void)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t a, b;
    pthread_create(&a, NULL, slow, NULL);
    pthread_create(&b, NULL, fast, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    printf("elapsed %ld ms\n", ms);
    return 0;
}
