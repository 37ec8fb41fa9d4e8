/* SPDX-License-Identifier: MIT */
/*
 * spawn.c - apply a struct rl_spawn in a forked child (see spawn.h). The
 * order matters: the user is dropped before RLIMIT_NPROC is lowered, as a
 * user already at its process limit when setuid() put it there could not
 * exec; and no new privileges last.
 */
#include "spawn.h"

#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

/* setrlimit with soft = hard = v. */
static void limit(int resource, rlim_t v)
{
    struct rlimit r = {v, v};
    setrlimit(resource, &r);
}

/* Apply sp in the child (see spawn.h). */
void rl_spawn_apply(const struct rl_spawn *sp)
{
    pid_t parent = getppid();
    sigset_t none;
    /* The caller may block signals for a thread of its own to take them
     * (the grader's SIGINT / SIGTERM / SIGHUP): the child starts with
     * none blocked. */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (sp->cwd && chdir(sp->cwd) != 0)
        _exit(126);
#if !defined(__SANITIZE_ADDRESS__)
    if (sp->address_space)
        limit(RLIMIT_AS, (rlim_t)sp->address_space);
#endif
    if (sp->file_size)
        limit(RLIMIT_FSIZE, (rlim_t)sp->file_size);
    /* Failing to drop is no reason to run as root. */
    if (sp->drop_user &&
        (setgroups(0, NULL) != 0 || setgid((gid_t)sp->gid) != 0 ||
         setuid((uid_t)sp->uid) != 0))
        _exit(125);
    if (sp->no_processes)
        limit(RLIMIT_NPROC, 0);
    else if (sp->max_processes > 0)
        limit(RLIMIT_NPROC, (rlim_t)sp->max_processes);
    if (sp->no_new_privs)
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    /* After setuid(), which clears it; a parent already gone shows as
     * another parent. */
    if (sp->die_with_parent &&
        (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != parent))
        _exit(124);
}
