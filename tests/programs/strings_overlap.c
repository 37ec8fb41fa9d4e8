/* SPDX-License-Identifier: MIT */
/* strings_overlap.c - two threads and the bytes their C library calls
 * touch, with no lock: strcpy into the two halves of msg is no race,
 * strcpy into two and two + 4 is (bytes 4 to 6), and so is a plain store
 * to line[20] against a strcpy of 30 characters over it, and what
 * snprintf's "%s" reads of tag against a strcpy into it; reading one
 * string in both threads (strlen) is none, nor a store past its NUL. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static char msg[64], two[16], line[64];
static const char *name = "racelab";
static char who[16] = "students";
static char tag[8] = "v1", note[32];
static size_t lens[2];

static void *left(void *arg)
{
    (void)arg;
    strcpy(msg, "first half");
    strcpy(two, "abcdef");
    line[20] = 'x';
    lens[0] = strlen(who) + strlen(name);
    snprintf(note, sizeof note, "tag %s", tag);
    return NULL;
}

static void *right(void *arg)
{
    (void)arg;
    strcpy(msg + 32, "second half");
    strcpy(two + 4, "xyz");
    strcpy(line, "thirty characters, over line20");
    lens[1] = strlen(who);
    who[9] = '!';
    strcpy(tag, "v2");
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, left, NULL);
    pthread_create(&b, NULL, right, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%s|%s|%s\n", msg, msg + 32, two);
    return 0;
}
