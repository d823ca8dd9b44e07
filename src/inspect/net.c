/* Lines of /proc/net/{tcp,tcp6,udp,udp6,unix}: sockets by their inode. */

#include "vigil.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "inspect.h"

static int	net_addr(const char *, size_t, int, char *, size_t);
static void	net_endpoint(struct buf *, const char *, unsigned int, int);

/* include/net/tcp_states.h, from 1. */
static const char *net_tcp_states[] = {
	NULL, "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
	"NEW_SYN_RECV",
};

const char *
inspect_tcp_state(int st)
{
	if (st <= 0 || (size_t)st >= nitems(net_tcp_states))
		return ("UNKNOWN");
	return (net_tcp_states[st]);
}

/*
 * An address as the kernel prints it (net/ipv4/tcp_ipv4.c, %08X of each
 * 32-bit word as it lies in memory, so the host's byte order) into text.
 * Returns 0, or -1 if hex is not an address of that family.
 */
static int
net_addr(const char *hex, size_t len, int v6, char *out, size_t outlen)
{
	unsigned char	 a[16];
	uint32_t	 w;
	char		 word[9], *end;
	size_t		 i, words = v6 ? 4 : 1;

	if (len != words * 8)
		return (-1);
	for (i = 0; i < words; i++) {
		memcpy(word, hex + i * 8, 8);
		word[8] = '\0';
		w = strtoul(word, &end, 16);
		if (*end != '\0')
			return (-1);
		memcpy(a + i * 4, &w, 4);
	}
	if (inet_ntop(v6 ? AF_INET6 : AF_INET, a, out, outlen) == NULL)
		return (-1);
	return (0);
}

/*
 * One line of /proc/net/tcp (v6 0) or tcp6 (v6 1), udp and udp6 alike:
 * "  0: 0100007F:1F90 00000000:0000 0A ... uid timeout inode ...". The
 * header line and anything malformed return -1.
 */
int
inspect_inet_parse(const char *line, int v6, struct inspect_inet *in)
{
	char		 local[64], remote[64], *colon;
	unsigned int	 st;
	unsigned long	 inode;
	int		 n;

	memset(in, 0, sizeof *in);
	n = sscanf(line, " %*u: %63s %63s %x %*s %*s %*s %*u %*u %lu",
	    local, remote, &st, &inode);
	if (n != 4)
		return (-1);
	if ((colon = strchr(local, ':')) == NULL ||
	    net_addr(local, colon - local, v6, in->laddr,
	    sizeof in->laddr) != 0 ||
	    sscanf(colon + 1, "%x", &in->lport) != 1)
		return (-1);
	if ((colon = strchr(remote, ':')) == NULL ||
	    net_addr(remote, colon - remote, v6, in->raddr,
	    sizeof in->raddr) != 0 ||
	    sscanf(colon + 1, "%x", &in->rport) != 1)
		return (-1);
	in->v6 = v6;
	in->state = st;
	in->inode = inode;
	return (0);
}

/* "127.0.0.1:8080", "[::1]:8080", "*:8080" for the wildcard address. */
static void
net_endpoint(struct buf *b, const char *addr, unsigned int port, int v6)
{
	if (strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0)
		buf_adds(b, "*");
	else if (v6)
		buf_printf(b, "[%s]", addr);
	else
		buf_adds(b, addr);
	if (port == 0)
		buf_adds(b, ":*");
	else
		buf_printf(b, ":%u", port);
}

/*
 * As lsof names it: "TCP 127.0.0.1:8080->127.0.0.1:51234 (ESTABLISHED)",
 * "TCP *:8080 (LISTEN)", "UDP 127.0.0.1:53". proto is "TCP" or "UDP".
 */
void
inspect_inet_name(struct buf *b, const struct inspect_inet *in,
    const char *proto)
{
	int	tcp = strcmp(proto, "TCP") == 0;

	buf_printf(b, "%s ", proto);
	net_endpoint(b, in->laddr, in->lport, in->v6);
	if (in->rport != 0) {
		buf_adds(b, "->");
		net_endpoint(b, in->raddr, in->rport, in->v6);
	}
	if (tcp)
		buf_printf(b, " (%s)", inspect_tcp_state(in->state));
}

/*
 * One line of /proc/net/unix: "Num RefCount Protocol Flags Type St Inode
 * Path"; the inode into *inode, "UNIX /run/foo.sock type=STREAM" into b
 * (the path raw: it is whatever the socket's owner named it). Returns 0,
 * or -1 for the header and malformed lines.
 */
int
inspect_unix_parse(const char *line, unsigned long *inode, struct buf *b)
{
	unsigned int	 type;
	int		 off = 0;
	const char	*path, *t;

	if (sscanf(line, "%*x: %*x %*x %*x %x %*x %lu%n", &type, inode,
	    &off) != 2 || off == 0)
		return (-1);
	path = line + off;
	path += strspn(path, " ");
	buf_adds(b, "UNIX ");
	if (*path != '\0' && *path != '\n')
		buf_add(b, path, strcspn(path, "\n"));
	else
		buf_adds(b, _("(unnamed)"));
	/* include/linux/net.h: SOCK_STREAM 1, SOCK_DGRAM 2, SEQPACKET 5. */
	t = type == 1 ? "STREAM" : type == 2 ? "DGRAM" : type == 5 ?
	    "SEQPACKET" : NULL;
	if (t != NULL)
		buf_printf(b, " type=%s", t);
	return (0);
}
