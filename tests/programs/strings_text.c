/* SPDX-License-Identifier: MIT */
/* strings_text.c - the C library's string and memory calls on shared
 * buffers, shown as text: a string, bytes with a NUL in the middle,
 * numbers (no text),
 * control bytes and UTF-8 (valid and not), memset, a 1 MB memcpy (one
 * step), printf's "%s". T1 and T2 write apart (msg and msg + 32), so
 * there is no race. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG (1 << 20)

static char msg[64];
static char raw[16], ctl[32], fill[16], zero[16];
static int nums[4];
static char *big, *src;

static void *left(void *arg)
{
    (void)arg;
    strcpy(msg, "hello, world");
    memcpy(raw, "key\0value", 10);
    memcpy(nums, (int[]){1, 2, 3, 4}, sizeof nums);
    strcpy(ctl, "tab\there\n\x01" "caf\xc3\xa9 \xe9");
    memset(fill, '=', 10);
    memset(zero, 0, sizeof zero);
    memcpy(big, src, BIG);
    return NULL;
}

static void *right(void *arg)
{
    (void)arg;
    strcpy(msg + 32, "second half");
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    big = malloc(BIG);
    src = malloc(BIG);
    memset(src, 'x', BIG - 1);
    src[BIG - 1] = '\0';
    pthread_create(&a, NULL, left, NULL);
    pthread_create(&b, NULL, right, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%s|%s|%zu\n", msg, msg + 32, strlen(big));
    free(big);
    free(src);
    return 0;
}
