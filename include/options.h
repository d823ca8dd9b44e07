/*
 * The command line. options_parse() fills a struct options without side
 * effects beyond it (no printing, no exit), so tests can call it with bad
 * input; the caller owns the struct and frees it with options_free().
 */
#ifndef VIGIL_OPTIONS_H
#define VIGIL_OPTIONS_H

#include <stddef.h>

#include "model.h"

enum options_format { FORMAT_TEXT, FORMAT_JSON };

/* vigil serve: what makes the groups no "group" line names. */
#define SERVE_BY_NONE	0
#define SERVE_BY_UNIT	1	/* the systemd unit */
#define SERVE_BY_CGROUP	2	/* the cgroup v2 path */
#define SERVE_MAX_GROUPS_DEFAULT	64

struct options {
	int			 batch;
	int			 help;
	int			 version;
	int			 keys;
	long			 count;		/* snapshots; 0 = until stopped */
	long			 delay;		/* tenths of a second */
	enum options_format	 format;
	char			*filter;	/* PCRE2 over the command line */
	char			*user;
	int			 uid;		/* -1 = any */
	int			*pids;
	size_t			 npids;
	enum model_col		 sort;
	int			 descending;
	int			 tree;
	int			 history;	/* histories in JSON */
	long			 history_size;	/* samples per ring */
	int			 threads;
	int			 kthreads;
	int			 io;
	int			 readonly;
	long			 restart_timeout;	/* seconds */
	int			 no_color;
	int			 no_mouse;
	char			**alarms;	/* --alarm RULE */
	size_t			 nalarms;
	char			**logs;		/* --log FILE */
	size_t			 nlogs;
	long			 log_lines;	/* ring size per log source */

	/* Replay of a recording (vigil record): its store, and when. */
	int			 replay;
	char			*replay_dir;	/* NULL: the default store */
	double			 from;		/* epoch seconds; 0: not given */
	double			 to;
	double			 at;
	/* The live monitor's first history: NULL the default store. */
	char			*history_from;	/* "none": none */

	/* Set on the command line: the configuration file does not override. */
	int			 sort_given;
	int			 tree_given;
	int			 delay_given;

	/* vigil serve: the file's "group NAME: MATCHER" and Alertmanager. */
	char			**groups;
	size_t			 ngroups;
	char			*alertmanager;	/* URL, or NULL */
	char			*serve_user;	/* basic auth, or NULL */
	char			*serve_pwhash;	/* crypt(3) hash */
	char			*serve_tls_cert;	/* PEM files, or NULL */
	char			*serve_tls_key;
	int			 serve_group_by;	/* SERVE_BY_ */
	long			 serve_max_groups;
	char			**serve_per_pid;	/* group names */
	size_t			 nserve_per_pid;
};

#define OPTIONS_DELAY_DEFAULT	15	/* tenths, as htop */
#define OPTIONS_DELAY_MAX	36000
#define OPTIONS_LOG_LINES_DEFAULT 5000
#define OPTIONS_LOG_LINES_MAX	1000000
#define OPTIONS_RESTART_TIMEOUT_DEFAULT	5

void	options_init(struct options *);
void	options_free(struct options *);
int	options_parse(struct options *, int, char **, char *, size_t);
void	options_usage(void);
int	options_sort_parse(const char *, enum model_col *, int *);
int	options_number(const char *, long, long, long *);
void	options_push(char ***, size_t *, const char *);
int	options_delay(const char *, const char *, long *, char *, size_t);

#endif
