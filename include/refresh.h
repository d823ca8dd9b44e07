/*
 * One refresh: read the kernel (sample/), update the model, read the
 * command lines of new processes, rebuild the view. Shared by batch mode
 * and the screen. The refresh owns its sampler, model and compiled filter.
 */
#ifndef VIGIL_REFRESH_H
#define VIGIL_REFRESH_H

struct alarm_set;
struct logs;
struct model;
struct options;
struct refresh;
struct refresh_stash;
struct sample_proc;
struct sample_sys;

#include <stddef.h>

struct refresh	*refresh_new(const struct options *);
void		 refresh_free(struct refresh *);
void		 refresh_tick(struct refresh *);
void		 refresh_view(struct refresh *);
struct model	*refresh_model(struct refresh *);
struct view_opts *refresh_view_opts(struct refresh *);
void		 refresh_set_threads(struct refresh *, int);
void		 refresh_shr(struct refresh *, size_t, size_t);
void		 refresh_set_statm(struct refresh *, int);
void		 refresh_set_io(struct refresh *, int);
int		 refresh_io(struct refresh *);
struct alarm_set *refresh_alarms(struct refresh *);
struct logs	*refresh_logs(struct refresh *);
int		 refresh_logs_fd(struct refresh *);
void		 refresh_logs_read(struct refresh *);
void		 refresh_logs_poll(struct refresh *);
const char	*refresh_warning(const struct refresh *, size_t);
void		 refresh_reset(struct refresh *);
struct refresh_stash *refresh_stash(struct refresh *);
void		 refresh_unstash(struct refresh *, struct refresh_stash *);
void		 refresh_feed(struct refresh *, const struct sample_sys *,
		     const struct sample_proc *, size_t, const char **,
		     const char **);
void		 refresh_feed_history(struct refresh *,
		     const struct sample_sys *, const struct sample_proc *,
		     size_t, const char **, const char **);

#endif
