/* SPDX-License-Identifier: MIT */
/* named_sem.c - a named semaphore (sem_open with O_CREAT and the value
 * 1, as macOS-friendly courses write it) used as a lock around a
 * counter: correct. O_EXCL on a name in use fails with EEXIST. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t *lock;
static int counter; /* guarded by lock */

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2; i++) {
        sem_wait(lock);
        counter++;
        sem_post(lock);
    }
    return NULL;
}

int main(void)
{
    lock = sem_open("/named_sem_lock", O_CREAT | O_EXCL, 0600, 1);
    if (lock == SEM_FAILED) {
        perror("sem_open");
        return 1;
    }
    sem_t *again = sem_open("/named_sem_lock", O_CREAT | O_EXCL, 0600, 1);
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("counter = %d, O_EXCL again: %s\n", counter,
           again == SEM_FAILED && errno == EEXIST ? "EEXIST" : "?");
    sem_close(lock);
    sem_unlink("/named_sem_lock");
    return 0;
}
