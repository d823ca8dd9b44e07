/*
 * The event loop: one thread, one poll(2) over file descriptors, timers
 * (timerfd) and signals (signalfd). Callbacks run in the loop's thread and
 * must not block. The loop owns the timer and signal descriptors it makes.
 */
#ifndef VIGIL_LOOP_H
#define VIGIL_LOOP_H

struct loop;

typedef void (*loop_fd_cb)(int, short, void *);
typedef void (*loop_timer_cb)(void *);
typedef void (*loop_signal_cb)(int, void *);

struct loop	*loop_new(void);
void		 loop_free(struct loop *);
int		 loop_add_fd(struct loop *, int, short, loop_fd_cb, void *);
void		 loop_del_fd(struct loop *, int);
int		 loop_add_timer(struct loop *, double, double, loop_timer_cb,
		     void *);
int		 loop_rearm_timer(struct loop *, int, double);
void		 loop_del_timer(struct loop *, int);
int		 loop_add_signal(struct loop *, int, loop_signal_cb, void *);
int		 loop_run(struct loop *);
void		 loop_exit(struct loop *, int);

#endif
