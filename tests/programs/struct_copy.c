/* SPDX-License-Identifier: MIT */
/* struct_copy.c - structs copied by assignment, which the compiler
 * reports as ranges of bytes: T1 copies draft into board[0] while T2
 * changes draft's text (byte 18, past the first 8: a race) and copies
 * board[0] out (a race on all 32 bytes); T2's store to board[1] and its
 * read of draft.from beside T1's read of draft are none. */
#include <pthread.h>
#include <stdio.h>

struct note {
    char from[8];
    char text[24];
};

static struct note board[2];
static struct note draft = {"ann", "meet at noon"};
static struct note seen;
static char first;

static void *poster(void *arg)
{
    (void)arg;
    board[0] = draft;
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    draft.text[10] = 'N';
    seen = board[0];
    board[1].from[0] = 'b';
    first = draft.from[0];
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, poster, NULL);
    pthread_create(&b, NULL, reader, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%s: %s | %s: %s\n", board[0].from, board[0].text, seen.from,
           seen.text);
    return 0;
}
