/* SPDX-License-Identifier: MIT */
/*
 * srcloc.c - code addresses to source locations through an addr2line
 * coprocess (see srcloc.h).
 *
 * The protocol: write "0x<pc>\n0\n" and read name / file:line pairs until
 * the pair for address 0 ("??" and "??:0"): with -i an address inside
 * inlined code prints one pair per inlining level, so the sentinel is how
 * we know the answer is complete. The first pair is the innermost level,
 * the line that was executing.
 *
 * Answers are cached in a small open-addressing table by pc; source files
 * are read once, split into lines, and kept.
 */
#include "srcloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mem.h"

struct loc_entry {
    uintptr_t pc; /* 0: empty slot */
    int ok;
    struct rl_loc loc;
};

struct src_file {
    char *name;
    char *text;   /* the whole file, lines cut at '\n' */
    char **lines; /* lines[i] = line i + 1 */
    int nlines;
};

struct rl_srcloc {
    pid_t pid;
    FILE *to, *from;
    struct loc_entry *tab;
    size_t cap, used;
    struct src_file *files;
    int nfiles;
};

/* Start addr2line with its stdin and stdout on pipes. */
struct rl_srcloc *rl_srcloc_open(const char *exe)
{
    /* /proc/self/exe would name addr2line itself: resolve it here. */
    char self[4096];
    if (strcmp(exe, "/proc/self/exe") == 0) {
        ssize_t n = readlink(exe, self, sizeof(self) - 1);
        if (n <= 0)
            return NULL;
        self[n] = '\0';
        exe = self;
    }
    int in[2], out[2];
    if (pipe(in) != 0)
        return NULL;
    if (pipe(out) != 0) {
        close(in[0]);
        close(in[1]);
        return NULL;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        return NULL;
    }
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, 2);
        for (int fd = 3; fd < 256; fd++)
            close(fd);
        execlp("addr2line", "addr2line", "-e", exe, "-f", "-i", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    fcntl(in[1], F_SETFD, FD_CLOEXEC);
    fcntl(out[0], F_SETFD, FD_CLOEXEC);
    struct rl_srcloc *s = rl_xcalloc(1, sizeof(*s));
    s->pid = pid;
    s->to = fdopen(in[1], "w");
    s->from = fdopen(out[0], "r");
    s->cap = 256;
    s->tab = rl_xcalloc(s->cap, sizeof(*s->tab));
    return s;
}

/* Stop the coprocess and free everything. */
void rl_srcloc_close(struct rl_srcloc *s)
{
    if (!s)
        return;
    if (s->to)
        fclose(s->to);
    if (s->from)
        fclose(s->from);
    if (s->pid > 0) {
        int st;
        while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
            ;
    }
    for (size_t i = 0; i < s->cap; i++)
        if (s->tab[i].pc) {
            free((char *)s->tab[i].loc.file);
            free((char *)s->tab[i].loc.func);
        }
    for (int i = 0; i < s->nfiles; i++) {
        free(s->files[i].name);
        free(s->files[i].text);
        free(s->files[i].lines);
    }
    free(s->files);
    free(s->tab);
    free(s);
}

/* The cache slot for pc (empty or holding pc). */
static struct loc_entry *slot(struct rl_srcloc *s, uintptr_t pc)
{
    size_t i = (pc * 0x9E3779B97F4A7C15u >> 7) & (s->cap - 1);
    while (s->tab[i].pc && s->tab[i].pc != pc)
        i = (i + 1) & (s->cap - 1);
    return &s->tab[i];
}

/* Double the cache. */
static void grow(struct rl_srcloc *s)
{
    struct loc_entry *old = s->tab;
    size_t n = s->cap;
    s->cap *= 2;
    s->tab = rl_xcalloc(s->cap, sizeof(*s->tab));
    for (size_t i = 0; i < n; i++)
        if (old[i].pc)
            *slot(s, old[i].pc) = old[i];
    free(old);
}

/* Read one line from the coprocess without its newline; -1 at EOF. */
static int read_line(struct rl_srcloc *s, char *buf, size_t len)
{
    if (!fgets(buf, (int)len, s->from))
        return -1;
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

/* Ask addr2line about pc; fill e. */
static void ask(struct rl_srcloc *s, uintptr_t pc, struct loc_entry *e)
{
    char func[512], where[1024];
    e->ok = 0;
    if (fprintf(s->to, "0x%lx\n0\n", (unsigned long)pc) < 0 ||
        fflush(s->to) != 0)
        return;
    bool first = true;
    for (;;) {
        if (read_line(s, func, sizeof(func)) ||
            read_line(s, where, sizeof(where)))
            return;
        if (strcmp(func, "??") == 0 && strcmp(where, "??:0") == 0 && !first)
            return; /* the sentinel */
        if (!first)
            continue;
        first = false;
        char *colon = strrchr(where, ':');
        if (!colon || strncmp(where, "??", 2) == 0)
            continue;
        *colon = '\0';
        int line = atoi(colon + 1);
        if (line <= 0)
            continue;
        e->ok = 1;
        e->loc.file = rl_xstrdup(where);
        e->loc.line = line;
        e->loc.func = rl_xstrdup(func);
    }
}

/* Resolve pc, from the cache when asked before. */
int rl_srcloc_lookup(struct rl_srcloc *s, uintptr_t pc, struct rl_loc *out)
{
    memset(out, 0, sizeof(*out));
    if (!s || !pc)
        return -1;
    struct loc_entry *e = slot(s, pc);
    if (!e->pc) {
        if (2 * (s->used + 1) > s->cap) {
            grow(s);
            e = slot(s, pc);
        }
        e->pc = pc;
        s->used++;
        ask(s, pc, e);
    }
    if (!e->ok)
        return -1;
    *out = e->loc;
    return 0;
}

/* The cached file name, read on first use; NULL if unreadable. */
static struct src_file *load(struct rl_srcloc *s, const char *name)
{
    for (int i = 0; i < s->nfiles; i++)
        if (strcmp(s->files[i].name, name) == 0)
            return s->files[i].text ? &s->files[i] : NULL;
    s->files =
        rl_xrealloc(s->files, (size_t)(s->nfiles + 1) * sizeof(*s->files));
    struct src_file *f = &s->files[s->nfiles++];
    memset(f, 0, sizeof(*f));
    f->name = rl_xstrdup(name);
    FILE *fp = fopen(name, "r");
    if (!fp)
        return NULL;
    size_t cap = 4096, n = 0, got;
    f->text = rl_xmalloc(cap);
    while ((got = fread(f->text + n, 1, cap - n - 1, fp)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            f->text = rl_xrealloc(f->text, cap);
        }
    }
    fclose(fp);
    f->text[n] = '\0';
    int lcap = 64;
    f->lines = rl_xmalloc((size_t)lcap * sizeof(*f->lines));
    char *p = f->text;
    while (*p) {
        if (f->nlines == lcap) {
            lcap *= 2;
            f->lines = rl_xrealloc(f->lines, (size_t)lcap * sizeof(*f->lines));
        }
        f->lines[f->nlines++] = p;
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    return f;
}

/* Line `line` of file, blanks skipped (see srcloc.h). */
const char *rl_srcloc_line(struct rl_srcloc *s, const char *file, int line)
{
    if (!s || !file)
        return NULL;
    struct src_file *f = load(s, file);
    if (!f || line < 1 || line > f->nlines)
        return NULL;
    const char *p = f->lines[line - 1];
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* "prog.c:12" or "0x401234" (see srcloc.h). */
const char *rl_srcloc_format(struct rl_srcloc *s, uintptr_t pc, char *buf,
                             size_t len)
{
    struct rl_loc l;
    if (rl_srcloc_lookup(s, pc, &l) == 0) {
        const char *base = strrchr(l.file, '/');
        snprintf(buf, len, "%s:%d", base ? base + 1 : l.file, l.line);
    } else {
        snprintf(buf, len, "0x%lx", (unsigned long)pc);
    }
    return buf;
}
