/* SPDX-License-Identifier: MIT */
/*
 * progress.c - the progress line on stderr (see progress.h).
 */
#include "progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* Show nothing for work shorter than this. */
#define PROGRESS_AFTER_MS 1000
/* Redraw at most this often. */
#define PROGRESS_EVERY_MS 100

/* Monotonic milliseconds. */
static long long progress_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Start timing the work. */
void cli_progress_begin(struct cli_progress *p)
{
    memset(p, 0, sizeof *p);
    p->tty = isatty(STDERR_FILENO) != 0;
    p->t0_ms = progress_now_ms();
}

/* Seconds since cli_progress_begin. */
double cli_progress_seconds(const struct cli_progress *p)
{
    return (double)(progress_now_ms() - p->t0_ms) / 1000.0;
}

/* Say how far the work got, if it is time to. */
void cli_progress_show(struct cli_progress *p, const char *fmt, ...)
{
    long long now = progress_now_ms();
    struct winsize ws;
    char line[512];
    size_t width = 80;
    va_list ap;

    if (!p->tty || now - p->t0_ms < PROGRESS_AFTER_MS ||
        (p->shown && now - p->last_ms < PROGRESS_EVERY_MS))
        return;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
        width = ws.ws_col;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (strlen(line) >= width) /* one line: never wrap */
        line[width - 1] = '\0';
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
    p->shown = true;
    p->last_ms = now;
}

/* Erase the line, if one was shown. */
void cli_progress_end(struct cli_progress *p)
{
    if (p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->shown = false;
}
