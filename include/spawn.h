/*
 * Running vigil's own commands in a child process, the one way vigil
 * spawns one (`vigil profile --stream`, `vigil heap --json`): the same
 * executable through /proc/self/exe, standard output and error into a
 * pipe the caller reads without blocking, standard input from /dev/null,
 * signals as a new program expects them, and the child told to end
 * (SIGTERM) if vigil dies first. spawn_end() stops and reaps it.
 * spawn_prog() runs another program (Debian's strace) the same way.
 */
#ifndef VIGIL_SPAWN_H
#define VIGIL_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

pid_t	spawn_self(char *const [], int *, char *, size_t);
pid_t	spawn_prog(const char *, char *const [], int *, char *, size_t);
int	spawn_end(pid_t, double);

#endif
