/* Private interface between the files of src/ui/. */
#ifndef VIGIL_UI_INT_H
#define VIGIL_UI_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "action.h"
#include "buf.h"
#include "configfile.h"
#include "detail.h"
#include "model.h"

struct logline;
struct alarm_history;
struct loop;
struct options;
struct refresh;
struct rx;
struct tui_restart;
struct tui_heap;
struct tui_files;

/* Colour pairs and their monochrome stand-ins. */
enum tui_color {
	C_DEFAULT, C_HEADER, C_SELECTED, C_LABEL, C_BAR_USER, C_BAR_NICE,
	C_BAR_SYSTEM, C_BAR_IOWAIT, C_BAR_IRQ, C_BAR_STEAL, C_MEM_USED,
	C_MEM_BUFFERS, C_MEM_CACHE, C_SWAP, C_SPARK_CPU, C_SPARK_MEM,
	C_BASENAME, C_TREE, C_TAGGED, C_KTHREAD, C_STATE_R, C_STATE_D,
	C_FKEY, C_FLABEL, C_STATUS, C_ERROR, C_MATCH, C_DIALOG, C_ALARM_INFO,
	C_ALARM_WARN, C_ALARM_CRIT, C_COMM, C__COUNT
};

enum tui_mode {
	MODE_NORMAL, MODE_SEARCH, MODE_FILTER, MODE_SIGNAL, MODE_CONFIRM,
	MODE_HELP, MODE_DETAIL, MODE_SORT, MODE_USER, MODE_SETUP,
	MODE_LOG_SEARCH, MODE_LOG_FILTER, MODE_PROFILE,
	MODE_ALARMS, MODE_DELAY, MODE_RESTART, MODE_HEAP, MODE_FILES,
	MODE_AFFINITY, MODE_IOPRIO, MODE_GOTO
};

/* A process-table column as the screen draws it. */
struct tui_column {
	const char	*name;		/* for the config file */
	const char	*title;
	int		 width;		/* 0: the rest of the line */
	int		 left;		/* left-aligned */
	enum model_col	 sort;		/* COL__COUNT: not sortable */
	int		 id;
};

/*
 * The log pane (logpane.c): every source of refresh_logs() merged by
 * arrival; the files of the selected process come and go with the
 * selection unless pinned. anchor is the sequence number of the bottom
 * line while scrolled back, 0 while following.
 */
struct tui_logpane {
	int			 shown;
	int			 focus;		/* keys go to the pane */
	int			 full;		/* over the whole screen */
	int			 pinned;
	int			 height;	/* rows chosen; 0: a third */
	int			 y;		/* title row */
	int			 h;		/* rows of lines */

	int			 pid;		/* whose files are followed */
	unsigned long long	 start;
	char			 comm[64];
	int			*ids;		/* their sources */
	size_t			 nids;
	char			 why[160];	/* why there are none */

	uint64_t		 anchor;
	uint64_t		 match;		/* the current search match */
	struct rx		*filter;
	struct rx		*search;

	size_t			*pos;		/* merging, per source */
	size_t			 npos;
	const struct logline	**shown_lines;
	int			*shown_ids;
	size_t			 nshown_cap;
};

/*
 * strace in the log pane's place (stracepane.c): the child, its output as
 * a stream source of a set of its own, which the log pane then shows with
 * its scrolling, search and filter. The target is held from the moment
 * the user chose it.
 */
struct logs;

struct tui_strace {
	int			 pid;
	unsigned long long	 start;
	char			 comm[64];
	pid_t			 child;		/* strace, 0 once reaped */
	int			 fd;
	struct logs		*logs;		/* NULL: the pane shows logs */
	int			 id;
	int			 denied;	/* strace said EPERM */
	char			 ended[512];	/* why it stopped, if it did */
	int			 pidfd;		/* the target, start checked */
	int			 attached;	/* and still it once attached */
};

/* The live profile view (profview.c): a sampler child and what it sent. */
#define PROF_LIVE_RATE	99

struct prof_func;
struct prof_live;

struct tui_profview {
	int			 pid;		/* the target */
	unsigned long long	 start;
	char			 comm[64];
	pid_t			 child;		/* vigil profile --stream */
	int			 fd;
	int			 paused;
	int			 measure;	/* enum prof_mode of the sampler */
	int			 saving;	/* the next key picks a format */
	struct prof_live	*live;
	int			 tree;		/* call tree, else top functions */
	struct prof_func	*topf;
	size_t			 ntop;
	size_t			 sel;
	size_t			 top;
	int			 h;
	char			 saved[512];
};

#define TUI_MAX_COLUMNS	24
#define TUI_SPARK_WIDTH	8

/*
 * The screens of the process table, as htop 3's tabs: the main one and
 * the I/O one, each with its own columns and sort. The one shown lives
 * in struct tui (columns, vo->sort); the other waits in struct tui_screen.
 */
enum { SCREEN_MAIN, SCREEN_IO };

struct tui_screen {
	const struct tui_column	*columns[TUI_MAX_COLUMNS];
	size_t			 ncolumns;
	enum model_col		 sort;
	int			 descending;
};

struct tui {
	struct options		*o;
	struct refresh		*r;
	struct model		*m;
	struct view_opts	*vo;
	struct loop		*loop;
	int			 timer;
	int			 utf8;
	int			 color;
	int			 rows;
	int			 cols;
	int			 quit;

	/* The process table. */
	const struct tui_column	*columns[TUI_MAX_COLUMNS];
	size_t			 ncolumns;
	int			 spark_w;	/* history cells; -1: hidden */
	int			 banner_y;	/* alarm banner row, or -1 */
	int			 table_y;	/* first process row */
	int			 table_h;	/* process rows shown */
	size_t			 sel;
	size_t			 top;
	int			 sel_pid;
	unsigned long long	 sel_start;
	char			 sel_comm[32];	/* for "exited" */
	int			 follow;	/* F: on the process, said */
	int			 sel_user;	/* moved to: on the process */
	int			 screen;	/* SCREEN_MAIN or SCREEN_IO */
	struct tui_screen	 other;		/* the screen not shown */

	/* Prompts and their patterns. */
	enum tui_mode		 mode;
	struct buf		 input;
	struct buf		 saved_filter;	/* the filter before editing */
	struct rx		*search;
	struct rx		*filter;
	char			 status[256];
	int			 status_error;
	double			 status_until;

	/* Pickers (signals, sort column, users, setup): one cursor. */
	size_t			 pick;
	size_t			 pick_top;
	char			**users;
	size_t			 nusers;

	/* Kill. */
	struct action_target	*targets;
	size_t			 ntargets;
	int			 signo;
	int			 confirm_stage;

	/* The affinity and I/O priority dialogs (sched.c). */
	int			*sched_cpus;	/* the online CPUs, listed */
	unsigned char		*sched_on;	/* checked, per listed CPU */
	size_t			 sched_ncpus;
	int			 sched_level;	/* I/O level 0-7 */

	/* Detail pane. */
	struct proc_detail	 detail;
	int			 detail_env;
	size_t			 detail_scroll;

	/* Help. */
	size_t			 help_scroll;

	/* Restart (restart.c): the plan shown, the wait, supervisors. */
	struct tui_restart	*restart;
	struct tui_heap		*heap;		/* heapview.c */

	struct tui_logpane	 lp;
	struct tui_strace	 st;
	struct tui_files	*files;		/* filesview.c */
	struct tui_profview	 pv;
	int			 log_timer;	/* redraw for new lines */
	int			 log_pending;

	/* Configuration, as read at start; the settings last saved. */
	struct config		 cfg;
	enum model_col		 saved_sort;
	int			 saved_descending;
	int			 saved_tree;
	long			 saved_delay;

	/* Alarm list (alarms.c) and the history file. */
	struct alarm_history	*history;
	unsigned long		 alarm_sel;	/* the selected alarm's id */
	size_t			 alarm_top;
	int			 silence_open;	/* the duration picker */
	size_t			 silence_pick;

	struct buf		 scratch;
	struct tui_replay	*replay;	/* --replay: the recording */
	struct refresh_stash	*live;		/* replay from live: put aside */
	int			 live_readonly;	/* --readonly, before replay */
};

/* tui.c */
/* Replay (replay.c). */
int	tui_replay_open(struct tui *);
void	tui_replay_free(struct tui *);
int	tui_replaying(const struct tui *);
void	tui_replay_step(struct tui *, int);
void	tui_replay_jump(struct tui *, double);
void	tui_replay_draw(struct tui *);
void	tui_replay_play(struct tui *);
void	tui_replay_speed(struct tui *);
void	tui_replay_tick(struct tui *);
void	tui_replay_goto_start(struct tui *);
void	tui_replay_goto_key(struct tui *, int);
void	tui_replay_live(struct tui *);
double	tui_clock(void);

void	tui_status(struct tui *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	tui_draw(struct tui *);
void	tui_apply_view(struct tui *);
struct proc *tui_selected(struct tui *);
void	tui_select_index(struct tui *, size_t);
void	tui_select_user(struct tui *, size_t);

/* banner (tui.c) */
int	tui_alarm_color(int);

/* text.c */
int	tui_attr(const struct tui *, enum tui_color);
int	tui_text(struct tui *, int, int, int, const char *, size_t, int);
size_t	tui_fit(const char *, size_t, int, int *);
int	tui_textp(struct tui *, int, int, int, const char *, size_t, int,
	    int);
int	tui_cstr(struct tui *, int, int, int, const char *, int);
void	tui_fill(int, int, int, int);
size_t	tui_ring_tail(const struct ring *, int, double *, size_t);
void	tui_sparkline(struct tui *, struct buf *, const double *, size_t, int,
	    double);

/* header.c */
int	tui_header_height(struct tui *);
void	tui_header_draw(struct tui *, int);

/* table.c */
extern const struct tui_column	tui_all_columns[];
extern const size_t		tui_nall_columns;
void	tui_columns_default(struct tui *);
void	tui_screen_switch(struct tui *);
int	tui_io_columns_parse(struct tui *, const char *);
int	tui_wants_io(const struct tui *);
int	tui_column_shown(const struct tui *, enum model_col);
int	tui_columns_parse(struct tui *, const char *);
void	tui_columns_string(struct tui *, struct buf *);
void	tui_table_draw(struct tui *);
int	tui_table_click(struct tui *, int, int);

/* keys.c */
void	tui_key(struct tui *, int);
void	tui_screen_show(struct tui *);
void	tui_help_draw(struct tui *);

/* dialog.c */
void	tui_prompt_key(struct tui *, int);
int	tui_input_edit(struct tui *, int);
void	tui_prompt_draw(struct tui *);
void	tui_kill_start(struct tui *);
void	tui_signal_key(struct tui *, int);
void	tui_signal_draw(struct tui *);
void	tui_confirm_key(struct tui *, int);
void	tui_pick_key(struct tui *, int);
void	tui_pick_draw(struct tui *);
void	tui_sort_start(struct tui *);
void	tui_user_start(struct tui *);
void	tui_users_free(struct tui *);
void	tui_setup_start(struct tui *);
void	tui_targets_gather(struct tui *);

/* sched.c */
void	tui_renice(struct tui *, int);
void	tui_affinity_start(struct tui *);
void	tui_ioprio_start(struct tui *);
void	tui_sched_key(struct tui *, int);
void	tui_sched_draw(struct tui *);
void	tui_sched_free(struct tui *);

/* detail.c */
void	tui_detail_open(struct tui *);
void	tui_detail_close(struct tui *);
void	tui_detail_key(struct tui *, int);
void	tui_detail_draw(struct tui *);

/* heapview.c */
void	tui_heap_open(struct tui *);
void	tui_heap_close(struct tui *);
void	tui_heap_key(struct tui *, int);
void	tui_heap_draw(struct tui *);
void	tui_heap_free(struct tui *);

/* logpane.c */
void	tui_logpane_toggle(struct tui *);
void	tui_logpane_follow(struct tui *, int);
int	tui_logpane_layout(struct tui *, int, int);
void	tui_logpane_draw(struct tui *);
void	tui_logpane_free(struct tui *);
int	tui_logpane_visible(struct tui *, uint64_t);
void	tui_logpane_pattern(struct tui *, int, struct rx *);
void	tui_logpane_up(struct tui *);
void	tui_logpane_down(struct tui *);
void	tui_logpane_pgup(struct tui *);
void	tui_logpane_pgdn(struct tui *);
void	tui_logpane_home(struct tui *);
void	tui_logpane_end(struct tui *);
void	tui_logpane_search(struct tui *);
void	tui_logpane_search_older(struct tui *);
void	tui_logpane_search_newer(struct tui *);
void	tui_logpane_filter(struct tui *);
void	tui_logpane_pin(struct tui *);
void	tui_logpane_zoom(struct tui *);
void	tui_logpane_shrink(struct tui *);
void	tui_logpane_grow(struct tui *);
void	tui_logpane_unfocus(struct tui *);

/* stracepane.c */
void	tui_strace_toggle(struct tui *);
void	tui_strace_close(struct tui *);
int	tui_strace_shown(const struct tui *);
void	tui_strace_title(struct tui *, struct buf *);

/* filesview.c */
void	tui_files_open(struct tui *);
void	tui_files_close(struct tui *);
void	tui_files_key(struct tui *, int);
void	tui_files_draw(struct tui *);
void	tui_files_tick(struct tui *);

/* tui.c: a redraw within a tenth of a second, for lines arriving. */
void	tui_redraw_soon(struct tui *);
/* tui.c: end a child whose output a pane reads. */
void	tui_child_end(struct tui *, int *, pid_t *, double);

/* profview.c */
void	tui_profile_open(struct tui *);
void	tui_profile_close(struct tui *);
void	tui_profile_key(struct tui *, int);
void	tui_profile_draw(struct tui *);
void	tui_profile_bottom(struct tui *);

/* restart.c */
void	tui_restart_start(struct tui *);
void	tui_restart_key(struct tui *, int);
int	tui_restart_pending_key(struct tui *, int);
void	tui_restart_draw(struct tui *);
void	tui_restart_free(struct tui *);
int	tui_sup_mark(struct tui *, const struct proc *, char *, size_t);
const char *tui_sup_log(struct tui *, int);

/* settings.c */
void	tui_config_read(struct tui *);
void	tui_config_load(struct tui *);
int	tui_config_save(struct tui *, char *, size_t);
void	tui_settings_sync(struct tui *);
void	tui_delay_start(struct tui *);
void	tui_delay_key(struct tui *, int);

/* alarms.c */
void	tui_alarm_events(struct tui *);
void	tui_alarms_open(struct tui *);
void	tui_alarms_close(struct tui *);
void	tui_alarms_key(struct tui *, int);
void	tui_alarms_draw(struct tui *);

#endif
