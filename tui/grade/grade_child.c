/* SPDX-License-Identifier: MIT */
/*
 * grade_child.c - the grader's protection against the children that run
 * a student's code: subreaper, strays, the unprivileged user, private
 * directories (see grade_child.h for the threat model).
 */
#include "grade_child.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The user children run as, when the grader is root. */
bool child_run_as(unsigned *uid, unsigned *gid)
{
    if (geteuid() != 0)
        return false;
    const char *name = getenv("RACELAB_GRADE_USER");
    if (name == NULL || name[0] == '\0')
        name = "nobody";
    struct passwd *pw = getpwnam(name);
    if (pw != NULL) {
        *uid = pw->pw_uid;
        *gid = pw->pw_gid;
        return true;
    }
    char *end;
    unsigned long v = strtoul(name, &end, 10);
    *uid = *gid = end != name && *end == '\0' && v > 0 && v < 4294967295UL
                      ? (unsigned)v
                      : 65534u; /* nobody's customary number */
    return true;
}

/* Make the grader a subreaper, and not dumpable. */
void child_grader_protect(void)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* The parent pid in /proc/PID/stat, or -1. */
static pid_t proc_ppid(const char *pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* "pid (comm) state ppid ...": comm may hold anything, even ") ". */
    char *p = strrchr(buf, ')');
    int ppid;
    char state;
    if (p == NULL || sscanf(p + 1, " %c %d", &state, &ppid) != 2)
        return -1;
    return ppid;
}

/* Whether the user the children run as (child_run_as) can enter dir:
 * every folder above it must be searchable by that user, or each check
 * fails to start (and the compiler to read the headers). True when the
 * grader is not root (the children run as the grader's user). */
bool child_can_enter(const char *dir)
{
    unsigned uid, gid;
    int st;
    if (!child_run_as(&uid, &gid))
        return true;
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        if (setgroups(0, NULL) != 0 || setgid((gid_t)gid) != 0 ||
            setuid((uid_t)uid) != 0)
            _exit(2);
        _exit(access(dir, X_OK) == 0 ? 0 : 1);
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return false;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* The tasks (processes and threads) whose real user is uid, as
 * RLIMIT_NPROC counts them. */
static long user_tasks(uid_t uid)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    long n = 0;
    while (d != NULL && (de = readdir(d)) != NULL) {
        char path[64], line[256];
        unsigned long real = 0;
        bool mine = false;
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%.20s/status", de->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            continue;
        while (fgets(line, sizeof line, f) != NULL)
            if (sscanf(line, "Uid: %lu", &real) == 1) {
                mine = real == (unsigned long)uid;
                break;
            }
        fclose(f);
        if (!mine)
            continue;
        snprintf(path, sizeof path, "/proc/%.20s/task", de->d_name);
        DIR *t = opendir(path);
        struct dirent *te;
        while (t != NULL && (te = readdir(t)) != NULL)
            n += te->d_name[0] != '.';
        if (t != NULL)
            closedir(t);
    }
    if (d != NULL)
        closedir(d);
    return n;
}

/* RLIMIT_NPROC for a check that may start processes and threads. */
long child_process_limit(void)
{
    unsigned uid, gid;
    if (child_run_as(&uid, &gid))
        return CHILD_PROCESSES;
    /* The limit counts every task of the grader's user: leave it the
     * same room above what that user runs now. */
    return user_tasks(getuid()) + CHILD_PROCESSES;
}

/* Kill and reap the grader's strays, until none is left. */
void child_reap_strays(void)
{
    pid_t me = getpid();
    /* No child at all (waitpid says so at once): nothing was left, as a
     * process left running by a child is reparented to us, the
     * subreaper, before that child can be reaped. Only then read /proc. */
    pid_t r;
    while ((r = waitpid(-1, NULL, WNOHANG)) > 0)
        ;
    if (r < 0 && errno == ECHILD)
        return;
    for (int round = 0; round < 64; round++) {
        int found = 0;
        DIR *d = opendir("/proc");
        struct dirent *de;
        while (d != NULL && (de = readdir(d)) != NULL) {
            if (de->d_name[0] < '1' || de->d_name[0] > '9')
                continue;
            if (proc_ppid(de->d_name) == me) {
                pid_t pid = (pid_t)atoi(de->d_name);
                kill(pid, SIGKILL);
                while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                    ;
                found++;
            }
        }
        if (d != NULL)
            closedir(d);
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (found == 0)
            return;
    }
}

/* The temporary folders of the grading under way (the build cache, the
 * private directory of the child running), for child_temporary_remove
 * from another thread. */
#define TRACKED_DIRS 8
static struct {
    pthread_mutex_t lock;
    char dir[TRACKED_DIRS][4096]; /* "" = free; guarded by lock */
} tracked = {PTHREAD_MUTEX_INITIALIZER, {{0}}};

/* Track dir (made by us) until child_temporary_forget. */
void child_temporary_track(const char *dir)
{
    pthread_mutex_lock(&tracked.lock);
    for (int i = 0; i < TRACKED_DIRS; i++)
        if (tracked.dir[i][0] == '\0') {
            snprintf(tracked.dir[i], sizeof tracked.dir[i], "%s", dir);
            break;
        }
    pthread_mutex_unlock(&tracked.lock);
}

/* Stop tracking dir. */
void child_temporary_forget(const char *dir)
{
    pthread_mutex_lock(&tracked.lock);
    for (int i = 0; i < TRACKED_DIRS; i++)
        if (strcmp(tracked.dir[i], dir) == 0)
            tracked.dir[i][0] = '\0';
    pthread_mutex_unlock(&tracked.lock);
}

/* nftw callback: remove one entry, children first. */
static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* Remove every tracked folder and what it holds (a grader that stops). */
void child_temporary_remove(void)
{
    pthread_mutex_lock(&tracked.lock);
    for (int i = 0; i < TRACKED_DIRS; i++)
        if (tracked.dir[i][0] != '\0') {
            nftw(tracked.dir[i], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
            tracked.dir[i][0] = '\0';
        }
    pthread_mutex_unlock(&tracked.lock);
}

/* A fresh private directory for a child, owned by the user it runs as;
 * into buf (len), or "" when it cannot be made. */
void child_private_dir(char *buf, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    unsigned uid, gid;
    snprintf(buf, len, "%s/racelab-check-XXXXXX",
             tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
    if (mkdtemp(buf) == NULL) {
        buf[0] = '\0';
        return;
    }
    if (child_run_as(&uid, &gid) && chown(buf, uid, gid) != 0) {
        rmdir(buf);
        buf[0] = '\0';
        return;
    }
    child_temporary_track(buf);
}

/* Remove a private directory and what is in it. */
void child_private_dir_remove(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    child_temporary_forget(dir);
}
