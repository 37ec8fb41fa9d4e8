/* SPDX-License-Identifier: MIT */
/* widths.c - accesses of different widths to the same bytes, with no
 * lock: T1 stores the int x while T2 loads its second byte (a race on
 * x[1]); T1 stores the short half u.h[1] while T2 loads the whole int
 * u.w (a race on the bytes both touch); T1 and T2 store two different
 * bytes of the int pair, and T2 loads the short at w + 2 while T1
 * stores the short at w: no race (the bytes are apart). Nor between
 * T1's int block, freed, and T2's block of chars (the same memory
 * handed out again, or not): they are two blocks. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static int x;
static union {
    int w;
    short h[2];
} u;
static int pair;
static int w;
static int seen[3];

static void *left(void *arg)
{
    (void)arg;
    x = 0x1234;
    u.h[1] = 7;
    ((char *)&pair)[0] = 'a';
    ((short *)&w)[0] = 5;
    int *n = malloc(sizeof *n);
    *n = 1;
    free(n);
    return NULL;
}

static void *right(void *arg)
{
    (void)arg;
    seen[0] = ((char *)&x)[1];
    seen[1] = u.w;
    ((char *)&pair)[1] = 'b';
    seen[2] = ((short *)&w)[1];
    char *c = malloc(4);
    c[1] = 2;
    free(c);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, left, NULL);
    pthread_create(&b, NULL, right, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%d %d %d %d\n", seen[0], seen[1], seen[2], pair);
    return 0;
}
