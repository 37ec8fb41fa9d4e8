/* SPDX-License-Identifier: MIT */
/*
 * grade_child.h - the grader's side of isolating the children that run a
 * student's code (the children themselves are started by core/mirror.c,
 * with the limits grade_check.c puts in a struct rl_spawn).
 *
 * Nothing a child does is a verdict: it may crash, hang, call exit(),
 * print "PASS", or write bytes to its socket; the grader judges mirror
 * runs itself and names every other ending (crash, timeout, exit,
 * corrupt). Each child leads its own session and process group, killed as
 * a whole when its run ends; and the grader is a child subreaper
 * (child_grader_protect), so a process that escapes with setsid() or a
 * double fork is reparented to the grader, which kills every such stray
 * after each child (child_reap_strays). When the grader runs as root,
 * each child runs as an unprivileged user (RACELAB_GRADE_USER, a name or
 * a uid; default "nobody") with no supplementary groups, so RLIMIT_NPROC
 * holds, it cannot signal the grader, and it writes only where that user
 * may. Every child has PR_SET_NO_NEW_PRIVS; the grader is not dumpable, so
 * a child of the same user cannot read its memory (/proc/PID/mem) either.
 * Each child works in a fresh private directory of its own (also its HOME
 * and TMPDIR), removed with whatever it holds when it ends.
 */
#ifndef RL_GRADE_CHILD_H
#define RL_GRADE_CHILD_H

#include <stdbool.h>
#include <stddef.h>

/* Make the calling process (the grader) a child subreaper and not
 * dumpable. Call once before the first child. */
void child_grader_protect(void);

/* Kill and reap every process reparented to the grader, and every child
 * of it still running (what a check left); called after each child,
 * when no other child of the grader must live on. */
void child_reap_strays(void);

/* The processes and threads a check that may start them (the os stress
 * run) may start, and the compiler. */
#define CHILD_PROCESSES 256

/* RLIMIT_NPROC for such a check: CHILD_PROCESSES for the unprivileged
 * user it runs as when the grader is root; else, as the limit counts
 * every task of the grader's user, that many more than the user runs now
 * (without it, a fork bomb in the stress run was not contained). */
long child_process_limit(void);

/* The user children run as: sets *uid, *gid and returns true when the
 * grader is root (RACELAB_GRADE_USER, else nobody); false otherwise. */
bool child_run_as(unsigned *uid, unsigned *gid);

/* Whether the user the children run as can enter dir (true when the
 * grader is not root). */
bool child_can_enter(const char *dir);

/* A fresh private directory for one child ($TMPDIR/racelab-check-XXXXXX,
 * owned by the user it runs as) into buf, or "" when none can be made. */
void child_private_dir(char *buf, size_t len);

/* Remove a private directory and whatever the child left in it. */
void child_private_dir_remove(const char *dir);

/* The grading's temporary folders (its build cache, the private
 * directories of the children running) are tracked from creation to
 * removal, so that a grader that is stopped can remove them from another
 * thread (grade_remove_temporary, grade.h). */
void child_temporary_track(const char *dir);
void child_temporary_forget(const char *dir);
void child_temporary_remove(void);

#endif
