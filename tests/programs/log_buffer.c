/* SPDX-License-Identifier: MIT */
/* log_buffer.c - threads format a line in a buffer of their own
 * (snprintf on their stack) and append it to a shared log with memcpy
 * under a mutex: correct. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static char log_text[128]; /* guarded by m */
static size_t log_len;     /* guarded by m */
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    char line[32];
    int n = snprintf(line, sizeof(line), "worker %ld done\n", (long)arg);
    pthread_mutex_lock(&m);
    memcpy(log_text + log_len, line, (size_t)n);
    log_len += (size_t)n;
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)(i + 1));
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("%zu bytes logged\n", strlen(log_text));
    return 0;
}
