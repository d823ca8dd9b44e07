/*
 * The profiler's commands: `vigil profile` (sample a process's stacks for a
 * while and export them, or stream them to the monitor, or diff two folded
 * files) and `vigil dump` (every thread's stack once). Each takes argv from
 * the command's name on and returns the exit status: 0, 1 when the work
 * failed, 2 for a bad command line.
 *
 * The stream (`vigil profile --stream PID`) is for the monitor's live view.
 * Once a second it writes one snapshot of everything sampled so far:
 *
 *	S ELAPSED SAMPLES RATE THREADS MODE METHOD
 *					seconds (decimal), samples taken
 *					(thread-samples), rate in Hz, threads
 *					being sampled, what a sample counts:
 *					on-cpu, wall or off-cpu (--on-cpu,
 *					--wall, --off-cpu), and how samples
 *					are taken: perf (perf_event_open, no
 *					thread stopped) or ptrace (a reader
 *					takes a line without either)
 *	F COUNT STACK			one per distinct stack: COUNT samples,
 *					STACK folded root;...;leaf as in
 *					--format folded
 *	E				end of the snapshot
 *
 * Lines are ASCII-safe text ending in \n; fields are separated by one
 * space (STACK runs to the end of the line). When the session ends a last
 * line `X REASON` says why (exit, exec, signal). The sampler stops, and
 * releases the target, when its standard output is closed or on SIGTERM.
 * SIGUSR1 pauses sampling (no thread is stopped while paused; the counts
 * stand still) and resumes it.
 */
#ifndef VIGIL_PROFCMD_H
#define VIGIL_PROFCMD_H

int	prof_cmd_profile(int, char **);
int	prof_cmd_dump(int, char **);

#endif
