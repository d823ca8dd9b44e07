/*
 * Supervision (vigil run): a small supervisor process that starts a
 * command, captures its stdout and stderr into a rotated log, restarts it
 * by policy with capped exponential backoff, records every start and exit,
 * and answers on a Unix socket (status, restart, stop). The monitor and
 * the shell are clients of that socket; the supervisor also leaves a state
 * file beside its socket so the monitor can tell supervised processes
 * apart without asking every supervisor every tick.
 *
 * The pure parts (options, backoff, policy, rotation names) are here for
 * the tests. struct sup_opts borrows the command's argv from the caller;
 * the strings it allocates are freed by sup_opts_free(). sup_list()
 * returns an array the caller frees with free(3).
 */
#ifndef VIGIL_SUP_H
#define VIGIL_SUP_H

#include <stddef.h>
#include <sys/types.h>

#define SUP_NAME_MAX		64
#define SUP_LOG_SIZE_DEFAULT	(10L * 1024 * 1024)
#define SUP_LOG_KEEP_DEFAULT	5
#define SUP_BACKOFF_MIN		1.0
#define SUP_BACKOFF_MAX		60.0
#define SUP_STOP_TIMEOUT	5.0

enum sup_policy { SUP_RESTART_NO, SUP_RESTART_ON_FAILURE, SUP_RESTART_ALWAYS };

enum sup_cmd {
	SUP_CMD_START, SUP_CMD_LIST, SUP_CMD_STATUS, SUP_CMD_STOP,
	SUP_CMD_RESTART
};

struct sup_opts {
	enum sup_cmd	 cmd;
	char		*name;		/* NULL: the command's base name */
	char		*target;	/* --stop, --status, --restart-now */
	enum sup_policy	 policy;
	long		 max_restarts;	/* -1: no limit */
	double		 backoff_min;	/* seconds */
	double		 backoff_max;
	char		*log;		/* NULL: the default under XDG_STATE_HOME */
	long		 log_size;	/* rotate past this many bytes */
	int		 log_keep;	/* rotated files kept */
	double		 stop_timeout;	/* SIGTERM, then SIGKILL after this */
	int		 foreground;	/* do not detach (for debugging) */
	int		 heap;		/* --heap: libvigil-heap.so preloaded */
	int		 heap_full;	/* --heap-full: every allocation */
	char		*heap_rate;	/* --heap-rate; NULL: the default */
	int		 help;
	char		**argv;		/* the command, borrowed */
	int		 argc;
};

/* A supervisor as its state file describes it. */
struct sup_entry {
	char			 name[SUP_NAME_MAX];
	int			 sup_pid;
	int			 child_pid;	/* 0: none running */
	unsigned long long	 child_start;
	long			 restarts;
	char			 state[16];	/* running, backoff, stopping */
	char			 log[4096];
};

/*
 * A request on a supervisor's socket: its line (up to the first CR, LF or
 * NUL of the len bytes read) is "status", "stop", "restart" or "restart
 * PID" (the restart of that process only; pid 0 when none was given).
 */
enum sup_req_kind {
	SUP_REQ_STATUS, SUP_REQ_STOP, SUP_REQ_RESTART, SUP_REQ_BAD_PID,
	SUP_REQ_UNKNOWN
};

struct sup_req {
	enum sup_req_kind	 kind;
	int			 pid;
};

/* args.c: pure parts. */
void	 sup_parse_request(const char *, size_t, struct sup_req *);
void	 sup_opts_init(struct sup_opts *);
void	 sup_opts_free(struct sup_opts *);
int	 sup_opts_parse(struct sup_opts *, int, char **, char *, size_t);
int	 sup_parse_policy(const char *, enum sup_policy *);
const char *sup_policy_name(enum sup_policy);
int	 sup_parse_backoff(const char *, double *, double *);
int	 sup_parse_size(const char *, long *);
int	 sup_name_valid(const char *);
double	 sup_backoff(double, double, unsigned);
int	 sup_should_restart(enum sup_policy, int, long, long);
void	 sup_rotate_name(char *, size_t, const char *, int);
void	 sup_usage(void);

/* ctl.c: the socket directory, state files, clients. */
int	 sup_dir(char *, size_t, int, char *, size_t);
int	 sup_state_dir(char *, size_t, int, char *, size_t);
void	 sup_path(char *, size_t, const char *, const char *, const char *);
int	 sup_list(struct sup_entry **, size_t *);
int	 sup_read_state(const char *, struct sup_entry *);
const struct sup_entry *sup_find_pid(const struct sup_entry *, size_t, int);
int	 sup_request(const char *, const char *, char *, size_t, double);

/* run.c: vigil run. */
int	 sup_main(int, char **);
int	 sup_find_command(const char *, char *, size_t);

#endif
