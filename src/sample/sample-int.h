/* Private interface between the files of src/sample/. */
#ifndef VIGIL_SAMPLE_INT_H
#define VIGIL_SAMPLE_INT_H

#include <stddef.h>

struct sysreader;
struct sample_sys;

struct sysreader	*sysreader_new(void);
void			 sysreader_free(struct sysreader *);
int			 sysreader_read(struct sysreader *, struct sample_sys *);

/* Linux's PF_KTHREAD, from the flags field of /proc/PID/stat. */
#define SAMPLE_PF_KTHREAD	0x00200000UL

struct procfd_cache;
struct sample_proc;

#define PROCFD_COMM	64	/* a name as stat has it, with its NUL */

struct procfd_cache	*procfd_new(void);
void			 procfd_free(struct procfd_cache *);
int			 procfd_scan(struct procfd_cache *, int,
			     struct sample_proc **, size_t *, size_t *);
void			 procfd_set_budget(struct procfd_cache *, int);
int			 procfd_open_count(const struct procfd_cache *);
int			 procfd_peek(const struct procfd_cache *, int,
			     unsigned long long *);
void			 procfd_poison(struct procfd_cache *, int, int);
int			 procfd_parse_stat(char *, int, struct sample_proc *,
			     char *);

int			 sample_io_parse(const char *, struct sample_proc *);
int			 sample_io_read(int, int, struct sample_proc *);

#endif
