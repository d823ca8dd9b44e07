/*
 * Looking into one process the way lsof and strace do: its open file
 * descriptors (/proc/PID/fd and fdinfo, sockets named by the target's own
 * /proc/PID/net tables), and the command line that starts Debian's strace
 * on it. Names and lines are raw, untrusted bytes: whoever prints them
 * sanitises them. The caller owns what inspect_files() returns and frees
 * it with inspect_files_free().
 */
#ifndef VIGIL_INSPECT_H
#define VIGIL_INSPECT_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* One open file descriptor, as lsof lists it. */
struct inspect_fd {
	int			 fd;
	char			 type[12];	/* REG DIR CHR BLK FIFO IPv4 ... */
	char			 mode[4];	/* r w rw, from fdinfo flags */
	char			 flags[32];	/* lsof's +fg names: AP,NB,CX */
	int			 has_pos;
	unsigned long long	 pos;
	int			 has_size;
	unsigned long long	 size;
	char			*name;		/* raw; socket resolved */
};

int	inspect_files(int, struct inspect_fd **, size_t *, char *, size_t);
void	inspect_files_free(struct inspect_fd *, size_t);
void	inspect_files_header(struct buf *, int);
void	inspect_files_row(struct buf *, const struct inspect_fd *, int);
int	inspect_files_main(int, char **);

/*
 * One socket of /proc/net/{tcp,tcp6,udp,udp6}: addresses as text
 * ("127.0.0.1", "::1"), ports, the state by its name.
 */
struct inspect_inet {
	unsigned long		 inode;
	int			 v6;
	char			 laddr[48];
	unsigned int		 lport;
	char			 raddr[48];
	unsigned int		 rport;
	int			 state;		/* the kernel's TCP_* number */
};

int	inspect_inet_parse(const char *, int, struct inspect_inet *);
const char *inspect_tcp_state(int);
void	inspect_inet_name(struct buf *, const struct inspect_inet *,
	    const char *);
int	inspect_unix_parse(const char *, unsigned long *, struct buf *);

/* strace. */
#define INSPECT_STRACE_STRSIZE	96	/* -s: bytes of each string shown */

const char *inspect_strace_path(char *, size_t);
int	inspect_strace_start(int, int *, int *, char *, size_t);
int	inspect_tracer(int);
int	inspect_exited(int);

#endif
