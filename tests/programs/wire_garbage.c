/* SPDX-License-Identifier: MIT */
/* wire_garbage.c - a hostile program: mid-run, one thread writes bytes
 * that are not racelab's protocol, then a header that is (racelab's mark,
 * a frame) with a length that lies, into every descriptor from 3 to 20
 * (racelab's socket to the program is among them), and goes on. Its
 * counter is right. racelab must end the run as a broken protocol, with
 * exit status 1: never a pass. */
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

static int counter;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

/* Garbage, then a lying header, on descriptors 3..20. */
static void scribble(void)
{
    unsigned char junk[64];
    uint32_t header[3] = {0x48434c52u, 33, 0x7fffffffu};
    for (unsigned i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 37 + 11);
    for (int fd = 3; fd <= 20; fd++) {
        (void)!write(fd, junk, sizeof junk);
        (void)!write(fd, header, sizeof header);
    }
}

static void *worker(void *arg)
{
    for (int i = 0; i < 5; i++) {
        pthread_mutex_lock(&m);
        counter++;
        pthread_mutex_unlock(&m);
        if (arg != NULL && i == 2)
            scribble();
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
