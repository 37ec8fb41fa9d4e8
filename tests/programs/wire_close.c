/* SPDX-License-Identifier: MIT */
/* wire_close.c - a hostile program: mid-run, one thread closes every
 * descriptor from 3 to 20 (racelab's socket to the program is among
 * them) and goes on. Its counter is right. racelab must end the run as
 * a failed run, with exit status 1: never a pass. */
#include <pthread.h>
#include <unistd.h>

static int counter;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    for (int i = 0; i < 5; i++) {
        pthread_mutex_lock(&m);
        counter++;
        pthread_mutex_unlock(&m);
        if (arg != NULL && i == 2)
            for (int fd = 3; fd <= 20; fd++)
                close(fd);
    }
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    static int hostile;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, &hostile);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return counter == 10 ? 0 : 1;
}
