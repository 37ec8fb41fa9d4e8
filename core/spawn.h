/* SPDX-License-Identifier: MIT */
/*
 * spawn.h - a caller's sandbox for a child process (struct rl_spawn, in
 * run.h), applied in the child between fork and exec: by the mirror's
 * child (mirror_proc.c) and by the compiler a build runs (program_cc.c).
 */
#ifndef RL_SPAWN_H
#define RL_SPAWN_H

#include "run.h"

/* In a freshly forked child: apply sp (no signal blocked, working
 * directory, limits, the user, no new privileges; not the session, which
 * the caller sets up first). System calls only. Ends the child with status 126 when it
 * cannot enter sp->cwd, 125 when it cannot drop to the user, 124 when
 * die_with_parent finds its parent already gone. */
void rl_spawn_apply(const struct rl_spawn *sp);

#endif
