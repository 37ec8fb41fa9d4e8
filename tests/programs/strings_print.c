/* SPDX-License-Identifier: MIT */
/* strings_print.c - what puts, fputs and fwrite read of a buffer is an
 * access to it, as printf's "%s" is: T2 prints line while T1 copies into
 * it (a race on the bytes both touch), writes rec's first 8 bytes while
 * T1 stores into rec[4] (a race on rec[4]) and note to a file while T1
 * copies into it (a race). T2 prints the tail of word, which T1 leaves
 * alone, and T1's store to rec[12] is past what fwrite reads: no race. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static char line[32], note[16];
static char word[16] = "head\0\0\0\0tail";
static char rec[16] = "abcdefgh-tail";

static void *writer(void *arg)
{
    (void)arg;
    strcpy(line, "hello, world");
    rec[4] = 'E';
    strcpy(word, "HEAD");
    rec[12] = 'L';
    strcpy(note, "to a file");
    return NULL;
}

static void *printer(void *arg)
{
    FILE *sink = arg;
    puts(line);
    fwrite(rec, 1, 8, stdout);
    fputs(word + 8, stdout);
    fputs(note, sink);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    FILE *sink = fopen("/dev/null", "w");
    if (!sink)
        return 2;
    pthread_create(&a, NULL, writer, NULL);
    pthread_create(&b, NULL, printer, sink);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    putchar('\n');
    fclose(sink);
    return 0;
}
