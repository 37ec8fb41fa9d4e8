/* SPDX-License-Identifier: MIT */
/*
 * term.c - terminal life (see term.h): locale, newterm, colour roles with a
 * monochrome column, signals, and an end function that is always safe.
 *
 * Roles, not colours: each role has a colour look and a monochrome look,
 * and the monochrome look alone must tell the roles apart (bold, reverse,
 * underline), because a projector washes colours out and some students do
 * not see red and green apart. The colour look is high contrast on the
 * terminal's own background.
 */
#include "term.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "../../core/watchdog.h"
#include "canvas.h"

/* The state below is private to the UI thread, except what the signal
 * handlers touch: the sig_atomic_t flags, and the reset bytes and terminal
 * modes that term_open fills before it installs the handlers and that stay
 * unchanged until term_close has removed them. */
static SCREEN *term_screen;
static bool term_colour;
static bool term_atexit_done;
static volatile sig_atomic_t term_is_open;
static volatile sig_atomic_t term_quit; /* the quit signal's number, or 0 */

/* What an async-signal-safe restore needs: the escape sequences that leave
 * curses' modes (attributes off, cursor shown, keypad off, the alternate
 * screen left), the descriptors, and the terminal's modes from before
 * curses (tcsetattr is async-signal-safe, endwin is not). */
static char term_reset[256];
static size_t term_reset_len;
static int term_out_fd = -1, term_in_fd = -1;
static struct termios term_saved_modes;
static bool term_have_modes;

/* Crash signals (and every other one whose default ends the process):
 * restore, then die of the same signal. SIGQUIT is one: its default dumps
 * core, and it must not leave the terminal in curses' modes either. */
static const int term_crash_signals[] = {
    SIGSEGV, SIGBUS,  SIGFPE,  SIGILL,  SIGABRT, SIGQUIT, SIGTRAP,
    SIGSYS,  SIGXCPU, SIGXFSZ, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM};
static const int term_quit_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define NCRASH (sizeof term_crash_signals / sizeof term_crash_signals[0])
#define NQUIT (sizeof term_quit_signals / sizeof term_quit_signals[0])
static struct sigaction term_old_crash[NCRASH];
static struct sigaction term_old_quit[NQUIT];
/* The crash handler's own stack, so that a stack overflow (a guard page
 * hit) can still restore the terminal. */
static char term_alt_stack[64 * 1024];
static stack_t term_old_alt;
static bool term_alt_installed;

/* A look per role: colours (fg, bg; -1 = the terminal's default) and
 * attributes, and the monochrome attributes. */
struct role_look {
    short fg, bg;
    unsigned long attr;
    unsigned long mono;
};

static struct role_look term_looks[ROLE__COUNT];
static bool term_contrast; /* the high-contrast theme is on */

/* The high-contrast theme (a projector in a bright room): white on black,
 * everything bold, no dim or pale colour; monochrome gets bold text. */
static void term_contrast_looks(void)
{
    for (int r = 0; r < ROLE__COUNT; r++) {
        struct role_look *l = &term_looks[r];

        if (l->bg == -1)
            l->bg = COLOR_BLACK;
        if (l->fg == -1 || l->fg == COLOR_BLUE)
            l->fg = COLOR_WHITE;
        l->attr |= A_BOLD;
        if (l->mono == A_NORMAL)
            l->mono = A_BOLD;
    }
}

/* Fill term_looks (needs curses started, for the A_ constants). */
static void term_init_looks(void)
{
    const struct role_look looks[ROLE__COUNT] = {
        [ROLE_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
        [ROLE_DIM] = {-1, -1, A_NORMAL, A_NORMAL},
        [ROLE_TITLE] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD},
        [ROLE_HEADER] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE},
        [ROLE_SELECT] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE},
        [ROLE_CURRENT] = {COLOR_BLACK, COLOR_WHITE, A_BOLD, A_REVERSE | A_BOLD},
        [ROLE_OK] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
        [ROLE_FAIL] = {COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE},
        [ROLE_ERROR] = {COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD},
        [ROLE_BLOCKED] = {COLOR_YELLOW, -1, A_BOLD, A_UNDERLINE},
        [ROLE_ACQUIRE] = {COLOR_GREEN, -1, A_NORMAL, A_BOLD},
        [ROLE_RELEASE] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
        [ROLE_SIGNAL] = {COLOR_MAGENTA, -1, A_BOLD, A_BOLD},
        [ROLE_VALUE] = {-1, -1, A_NORMAL, A_NORMAL},
        [ROLE_KEY] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
        [ROLE_STATUS] = {COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE},
        [ROLE_BORDER] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
        [ROLE_BAR] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
        /* threads: distinct hues, none the red of a failure; monochrome
         * tells threads apart by their columns and names */
        [ROLE_THREAD0] = {COLOR_CYAN, -1, A_BOLD, A_NORMAL},
        [ROLE_THREAD1] = {COLOR_MAGENTA, -1, A_BOLD, A_NORMAL},
        [ROLE_THREAD2] = {COLOR_YELLOW, -1, A_NORMAL, A_NORMAL},
        [ROLE_THREAD3] = {COLOR_GREEN, -1, A_BOLD, A_NORMAL},
        [ROLE_THREAD4] = {COLOR_BLUE, -1, A_BOLD, A_NORMAL},
        [ROLE_THREAD5] = {COLOR_WHITE, -1, A_BOLD, A_NORMAL},
    };

    memcpy(term_looks, looks, sizeof looks);
    if (term_contrast)
        term_contrast_looks();
}

/* Whether stdin and stdout are both terminals. */
bool term_is_tty(void)
{
    return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

/* Give the terminal back with async-signal-safe calls only: write the
 * reset bytes, put the old modes back. For a signal handler and for the
 * watchdog's last resort (rl_watchdog_set_exit_hook); does nothing when
 * the terminal is not open, or already given back. */
static void term_restore_async(void)
{
    if (!term_is_open)
        return;
    term_is_open = 0;
    for (size_t off = 0; term_out_fd >= 0 && off < term_reset_len;) {
        ssize_t n = write(term_out_fd, term_reset + off, term_reset_len - off);

        if (n <= 0 && errno != EINTR)
            break;
        if (n > 0)
            off += (size_t)n;
    }
    if (term_have_modes)
        tcsetattr(term_in_fd, TCSANOW, &term_saved_modes);
}


/* The watchdog's last resort: give the terminal back (it says why). */
static void term_restore_why(const char *why)
{
    (void)why;
    term_restore_async();
}

/* Crash signal: give the terminal back, then die of the same signal (the
 * disposition is already the default: SA_RESETHAND). */
static void term_on_crash(int sig)
{
    term_restore_async();
    raise(sig);
}

/* SIGINT / SIGTERM / SIGHUP: ask the main loop to quit; it then exits by
 * the same signal (term_quit_signal). */
static void term_on_quit(int sig)
{
    term_quit = sig;
}

/* Install the handlers, keeping the old ones for term_close. */
static void term_install_signals(void)
{
    struct sigaction sa;
    stack_t alt;

    alt.ss_sp = term_alt_stack;
    alt.ss_size = sizeof term_alt_stack;
    alt.ss_flags = 0;
    term_alt_installed = sigaltstack(&alt, &term_old_alt) == 0;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = term_on_crash;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER | SA_ONSTACK;
    for (size_t i = 0; i < NCRASH; i++)
        sigaction(term_crash_signals[i], &sa, &term_old_crash[i]);
    sa.sa_handler = term_on_quit;
    sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns at once */
    for (size_t i = 0; i < NQUIT; i++)
        sigaction(term_quit_signals[i], &sa, &term_old_quit[i]);
    rl_watchdog_set_exit_hook(term_restore_why);
}

/* Put the old handlers back. */
static void term_restore_signals(void)
{
    rl_watchdog_set_exit_hook(NULL);
    for (size_t i = 0; i < NCRASH; i++)
        sigaction(term_crash_signals[i], &term_old_crash[i], NULL);
    for (size_t i = 0; i < NQUIT; i++)
        sigaction(term_quit_signals[i], &term_old_quit[i], NULL);
    if (term_alt_installed)
        sigaltstack(&term_old_alt, NULL);
    term_alt_installed = false;
}

/* Append terminfo capability cap (if the terminal has it) to the reset
 * bytes. */
static void term_reset_add(const char *cap)
{
    const char *v = tigetstr(cap);
    size_t n;

    if (v == NULL || v == (const char *)-1)
        return;
    n = strlen(v);
    if (term_reset_len + n >= sizeof term_reset)
        return;
    memcpy(term_reset + term_reset_len, v, n);
    term_reset_len += n;
}

/* Prepare term_restore_async: the reset bytes of the open terminal, and
 * the modes of in_fd before curses changed them (saved). */
static void term_prepare_restore(FILE *out, const struct termios *saved,
                                 bool have, int in_fd)
{
    term_reset_len = 0;
    term_reset_add("sgr0");
    term_reset_add("cnorm");
    term_reset_add("rmkx");
    term_reset_add("rmcup");
    term_out_fd = fileno(out);
    term_in_fd = in_fd;
    term_have_modes = have;
    if (have)
        term_saved_modes = *saved;
}

/* Decide between colour and monochrome, and set the pairs up. */
static void term_init_colour(void)
{
    const char *nc = getenv("NO_COLOR");
    const char *t = getenv("TERM");
    bool want = !(nc && nc[0]) && !(t && strcmp(t, "dumb") == 0);

    term_init_looks();
    term_colour = false;
    if (!want || !has_colors() || start_color() == ERR || COLORS < 8 ||
        COLOR_PAIRS < ROLE__COUNT + 1)
        return;
    use_default_colors();
    for (int r = 0; r < ROLE__COUNT; r++)
        init_pair((short)(r + 1), term_looks[r].fg, term_looks[r].bg);
    term_colour = true;
}

/* Switch the high-contrast theme on or off; see term.h. */
void term_set_contrast(bool on)
{
    term_contrast = on;
    term_init_looks();
    if (term_colour)
        for (int r = 0; r < ROLE__COUNT; r++)
            init_pair((short)(r + 1), term_looks[r].fg, term_looks[r].bg);
}

/* Whether the high-contrast theme is on. */
bool term_contrast_on(void)
{
    return term_contrast;
}

/* The terminal type to open. A terminal that cannot move its cursor
 * (TERM=dumb) cannot show a screen; we then speak plain vt100, which every
 * terminal emulator (and tmux, and a projector's console) understands, in
 * monochrome (term_init_colour sees TERM=dumb). */
static const char *term_type(const char *t)
{
    int e = 0;
    bool cup = false;

    if (setupterm(t, STDOUT_FILENO, &e) != OK)
        return NULL; /* newterm reports the error */
    {
        const char *s = tigetstr("cup");

        cup = s && s != (const char *)-1;
    }
    del_curterm(cur_term);
    return cup ? NULL : "vt100";
}

/* Start curses; see term.h. */
int term_open(char *err, size_t errlen)
{
    const char *t = getenv("TERM");

    setlocale(LC_ALL, "");
    if (!term_is_tty()) {
        snprintf(err, errlen, "the TUI needs a terminal");
        return -1;
    }
    if (!t || !t[0]) {
        snprintf(err, errlen,
                 "TERM is not set; set it (e.g. TERM=xterm-256color)");
        return -1;
    }
    return term_open_stream(stdout, stdin, term_type(t), err, errlen);
}

/* Start curses on other streams; see term.h. */
int term_open_stream(FILE *out, FILE *in, const char *type, char *err,
                     size_t errlen)
{
    struct termios modes;
    int in_fd = fileno(in);
    bool have = in_fd >= 0 && isatty(in_fd) && tcgetattr(in_fd, &modes) == 0;

    term_screen = newterm(type, out, in);
    if (!term_screen) {
        const char *t = type ? type : getenv("TERM");

        snprintf(err, errlen,
                 "cannot use the terminal type '%s' (no terminfo entry); "
                 "try TERM=xterm-256color",
                 t ? t : "");
        return -1;
    }
    set_term(term_screen);
    term_prepare_restore(out, &modes, have, in_fd);
    term_quit = 0;
    term_is_open = 1;
    if (!term_atexit_done) {
        atexit(term_close);
        term_atexit_done = true;
    }
    term_install_signals();
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    intrflush(stdscr, FALSE);
    set_escdelay(25);
    curs_set(0);
    leaveok(stdscr, TRUE);
    term_init_colour();
    return 0;
}

/* Give the terminal back; see term.h. */
void term_close(void)
{
    if (!term_is_open)
        return;
    term_is_open = 0;
    curs_set(1);
    endwin();
    fflush(stdout);
    term_restore_signals();
    delscreen(term_screen);
    term_screen = NULL;
}

/* Whether roles are drawn with colours. */
bool term_has_colour(void)
{
    return term_colour;
}

/* The curses attributes and colour pair for a role. */
void term_role(int role, unsigned long *attr, short *pair)
{
    if (role < 0 || role >= ROLE__COUNT)
        role = ROLE_NORMAL;
    if (term_colour) {
        *attr = term_looks[role].attr;
        *pair = (short)(role + 1);
    } else {
        *attr = term_looks[role].mono;
        *pair = 0;
    }
}

/* A signal asked us to quit. */
bool term_quit_requested(void)
{
    return term_quit != 0;
}

/* The signal that asked us to quit, or 0. */
int term_quit_signal(void)
{
    return term_quit;
}

/* The screen size. */
void term_size(int *w, int *h)
{
    getmaxyx(stdscr, *h, *w);
}
