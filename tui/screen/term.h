/* SPDX-License-Identifier: MIT */
/*
 * term.h - the life of the terminal: open it, give each colour role a
 * look, notice signals, and always give it back.
 *
 * term_open() sets the locale, starts curses on stdin/stdout with newterm
 * (a clear error instead of curses' exit when TERM is unknown), chooses
 * colours or a monochrome look (NO_COLOR, a terminal without colours, or
 * TERM=dumb), and installs the signal handlers: SIGINT, SIGTERM and SIGHUP
 * only set a flag that the main loop reads (it then quits cleanly and dies
 * of the same signal, so the shell sees 128 + its number); a crash signal
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT - also what RL_ASSERT raises -,
 * SIGQUIT, and every other signal whose default ends the process) restores
 * the terminal and re-raises, so the shell gets its terminal back and the
 * exit status still says what happened. The restore in a handler is
 * async-signal-safe (precomputed reset bytes and tcsetattr, not endwin)
 * and runs on an alternate stack, so a stack overflow restores too; the
 * sim watchdog's last resort uses the same restore.
 * term_close() is registered with atexit and is safe to call twice.
 */
#ifndef RL_TUI_TERM_H
#define RL_TUI_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Whether stdin and stdout are both terminals. */
bool term_is_tty(void);
/* Start curses. Returns 0, or -1 with a one-line message in err. */
int term_open(char *err, size_t errlen);
/* Start curses on other streams with terminal type type (NULL: $TERM), as
 * term_open does after its checks; the benchmark draws into /dev/null
 * with it. Returns 0, or -1 with a message. */
int term_open_stream(FILE *out, FILE *in, const char *type, char *err,
                     size_t errlen);
/* Give the terminal back (endwin) and restore the signal handlers. Safe to
 * call twice and when term_open failed. */
void term_close(void);
/* Whether roles are drawn with colours (false: attributes only). */
bool term_has_colour(void);
/* The curses attributes and colour pair for a role (enum canvas_role). */
void term_role(int role, unsigned long *attr, short *pair);
/* The high-contrast theme for a projector in a bright room (white on
 * black, all bold; monochrome: bold text), on or off. */
void term_set_contrast(bool on);
bool term_contrast_on(void);
/* A signal asked us to quit (SIGINT, SIGTERM, SIGHUP). */
bool term_quit_requested(void);
/* Which one (its number), or 0. */
int term_quit_signal(void);
/* The screen size. */
void term_size(int *w, int *h);

#endif
