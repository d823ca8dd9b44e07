/*
 * Unit tests of inspect/: the /proc/net/{tcp,tcp6,udp,unix} line parsers
 * and the names made of them, the open files of this very process (a
 * listening socket, a connection, a pipe, a file), TracerPid, and the
 * stream source of logs/ that the strace pane shows.
 */

#include "vigil.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "inspect.h"
#include "logs.h"

/* What the kernel prints is each 32-bit word as the host holds it. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define V4_LOOPBACK	"0100007F"
#define V6_LOOPBACK	"00000000000000000000000001000000"
#define V6_DOC		"B80D0120000000000000000001000000"	/* 2001:db8::1 */
#define V6_MAPPED	"0000000000000000FFFF00000100007F"
#else
#define V4_LOOPBACK	"7F000001"
#define V6_LOOPBACK	"00000000000000000000000000000001"
#define V6_DOC		"20010DB8000000000000000000000001"
#define V6_MAPPED	"00000000000000000000FFFF7F000001"
#endif

/* The name inspect_inet_name() makes of one line. */
static char *
inet_name(const char *line, int v6, const char *proto)
{
	struct inspect_inet	 in;
	struct buf		 b = BUF_INITIALIZER;
	char			*s;

	if (inspect_inet_parse(line, v6, &in) != 0)
		return (NULL);
	inspect_inet_name(&b, &in, proto);
	s = strdup(buf_str(&b));
	buf_free(&b);
	return (s);
}

static void
test_tcp4(void **state)
{
	struct inspect_inet	 in;
	char			*s;
	const char		*listen = "   0: " V4_LOOPBACK ":1F90 00000000:0000 "
	    "0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 "
	    "0000000000000000 100 0 0 10 0";
	const char		*est = "   1: " V4_LOOPBACK ":1F90 " V4_LOOPBACK
	    ":C89E 01 00000000:00000000 00:00000000 00000000  1000        0 "
	    "4343 1 0000000000000000 20 4 30 10 -1";
	const char		*any = "   2: 00000000:0016 00000000:0000 0A "
	    "00000000:00000000 00:00000000 00000000     0        0 17 1 0";

	assert_int_equal(inspect_inet_parse(listen, 0, &in), 0);
	assert_string_equal(in.laddr, "127.0.0.1");
	assert_int_equal(in.lport, 8080);
	assert_string_equal(in.raddr, "0.0.0.0");
	assert_int_equal(in.rport, 0);
	assert_int_equal(in.state, 10);
	assert_int_equal(in.inode, 4242);
	assert_string_equal(inspect_tcp_state(in.state), "LISTEN");

	s = inet_name(listen, 0, "TCP");
	assert_string_equal(s, "TCP 127.0.0.1:8080 (LISTEN)");
	free(s);
	s = inet_name(est, 0, "TCP");
	assert_string_equal(s,
	    "TCP 127.0.0.1:8080->127.0.0.1:51358 (ESTABLISHED)");
	free(s);
	s = inet_name(any, 0, "TCP");
	assert_string_equal(s, "TCP *:22 (LISTEN)");
	free(s);
}

static void
test_tcp6(void **state)
{
	struct inspect_inet	 in;
	char			*s;
	const char		*listen = "   0: " V6_LOOPBACK ":1F90 "
	    "00000000000000000000000000000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000     0        0 23456 1 0000000000000000 100 "
	    "0 0 10 0";
	const char		*est = "   1: " V6_DOC ":01BB " V6_MAPPED
	    ":D431 01 00000000:00000000 00:00000000 00000000  1000        0 "
	    "99 1 0";
	const char		*any = "   2: 00000000000000000000000000000000:0050"
	    " 00000000000000000000000000000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000     0        0 100 1 0";

	assert_int_equal(inspect_inet_parse(listen, 1, &in), 0);
	assert_string_equal(in.laddr, "::1");
	assert_int_equal(in.lport, 8080);
	assert_int_equal(in.inode, 23456);
	s = inet_name(listen, 1, "TCP");
	assert_string_equal(s, "TCP [::1]:8080 (LISTEN)");
	free(s);
	s = inet_name(est, 1, "TCP");
	assert_string_equal(s,
	    "TCP [2001:db8::1]:443->[::ffff:127.0.0.1]:54321 (ESTABLISHED)");
	free(s);
	s = inet_name(any, 1, "TCP");
	assert_string_equal(s, "TCP *:80 (LISTEN)");
	free(s);
	/* An IPv4 line is not an IPv6 one, nor the other way. */
	assert_int_equal(inspect_inet_parse(listen, 0, &in), -1);
	assert_int_equal(inspect_inet_parse("   0: " V4_LOOPBACK ":1F90 "
	    "00000000:0000 0A 0:0 0:0 0 0 0 1 1 0", 1, &in), -1);
}

static void
test_udp(void **state)
{
	char		*s;
	const char	*bound = "  123: " V4_LOOPBACK ":0035 00000000:0000 07 "
	    "00000000:00000000 00:00000000 00000000   101        0 777 2 "
	    "0000000000000000 0";
	const char	*conn = "  124: " V4_LOOPBACK ":A001 " V4_LOOPBACK
	    ":0035 01 00000000:00000000 00:00000000 00000000  1000 0 778 2 0 0";

	s = inet_name(bound, 0, "UDP");
	assert_string_equal(s, "UDP 127.0.0.1:53");
	free(s);
	s = inet_name(conn, 0, "UDP");
	assert_string_equal(s, "UDP 127.0.0.1:40961->127.0.0.1:53");
	free(s);
}

/* Headers, truncated and garbled lines are not sockets. */
static void
test_inet_malformed(void **state)
{
	struct inspect_inet	in;

	assert_int_equal(inspect_inet_parse("  sl  local_address rem_address "
	    "  st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
	    0, &in), -1);
	assert_int_equal(inspect_inet_parse("", 0, &in), -1);
	assert_int_equal(inspect_inet_parse("   0: " V4_LOOPBACK ":1F90", 0,
	    &in), -1);
	assert_int_equal(inspect_inet_parse("   0: 0100007G:1F90 00000000:0000"
	    " 0A 0:0 0:0 0 0 0 1", 0, &in), -1);
	assert_int_equal(inspect_inet_parse("   0: 0100007F1F90 00000000:0000"
	    " 0A 0:0 0:0 0 0 0 1", 0, &in), -1);
	assert_string_equal(inspect_tcp_state(0), "UNKNOWN");
	assert_string_equal(inspect_tcp_state(99), "UNKNOWN");
	assert_string_equal(inspect_tcp_state(1), "ESTABLISHED");
}

static void
test_unix(void **state)
{
	struct buf	 b = BUF_INITIALIZER;
	unsigned long	 inode = 0;

	assert_int_equal(inspect_unix_parse("Num       RefCount Protocol Flags"
	    "    Type St Inode Path", &inode, &b), -1);
	buf_reset(&b);
	assert_int_equal(inspect_unix_parse("0000000000000000: 00000002 "
	    "00000000 00010000 0001 01 31337 /run/foo.sock", &inode, &b), 0);
	assert_int_equal(inode, 31337);
	assert_string_equal(buf_str(&b), "UNIX /run/foo.sock type=STREAM");
	buf_reset(&b);
	assert_int_equal(inspect_unix_parse("0000000000000000: 00000003 "
	    "00000000 00000000 0002 01 555", &inode, &b), 0);
	assert_int_equal(inode, 555);
	assert_string_equal(buf_str(&b), "UNIX (unnamed) type=DGRAM");
	buf_reset(&b);
	assert_int_equal(inspect_unix_parse("0000000000000000: 00000002 "
	    "00000000 00010000 0005 01 556 @abstract name", &inode, &b), 0);
	assert_string_equal(buf_str(&b),
	    "UNIX @abstract name type=SEQPACKET");
	buf_free(&b);
}

/* This process's own files: a listening socket, a connection, a pipe. */
static void
test_files_self(void **state)
{
	struct inspect_fd	*v;
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;
	char			 err[256], want[128], path[] = "/tmp/vigil-test-inspect.XXXXXX";
	size_t			 n, i;
	int			 lfd, cfd, p[2], ffd, seen = 0;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((lfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
	assert_true((cfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) >=
	    0);
	(void)connect(cfd, (struct sockaddr *)&sin, sizeof sin);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_true((ffd = mkstemp(path)) >= 0);
	assert_int_equal(write(ffd, "abc", 3), 3);

	assert_int_equal(inspect_files(getpid(), &v, &n, err, sizeof err), 0);
	snprintf(want, sizeof want, "TCP 127.0.0.1:%u (LISTEN)",
	    ntohs(sin.sin_port));
	for (i = 0; i < n; i++) {
		if (v[i].fd == lfd) {
			assert_string_equal(v[i].type, "IPv4");
			assert_string_equal(v[i].name, want);
			assert_string_equal(v[i].mode, "rw");
			seen++;
		} else if (v[i].fd == p[0]) {
			assert_string_equal(v[i].type, "FIFO");
			assert_string_equal(v[i].mode, "r");
			assert_string_equal(v[i].flags, "CX");
			assert_true(strncmp(v[i].name, "pipe:[", 6) == 0);
			seen++;
		} else if (v[i].fd == p[1]) {
			assert_string_equal(v[i].mode, "w");
			seen++;
		} else if (v[i].fd == ffd) {
			assert_string_equal(v[i].type, "REG");
			assert_string_equal(v[i].name, path);
			assert_true(v[i].has_pos && v[i].pos == 3);
			assert_true(v[i].has_size && v[i].size == 3);
			seen++;
		} else if (v[i].fd == cfd) {
			assert_true(strstr(v[i].name, "TCP 127.0.0.1:") ==
			    v[i].name);
			assert_non_null(strstr(v[i].flags, "NB"));
			seen++;
		}
		if (i > 0)
			assert_true(v[i - 1].fd < v[i].fd);
	}
	assert_int_equal(seen, 5);
	inspect_files_free(v, n);
	assert_int_equal(inspect_tracer(getpid()), 0);
	unlink(path);
	close(ffd);
	close(p[0]);
	close(p[1]);
	close(cfd);
	close(lfd);
}

/* A process that is not there. */
static void
test_files_gone(void **state)
{
	struct inspect_fd	*v;
	char			 err[256];
	size_t			 n;

	assert_int_equal(inspect_files(0x7ffffff0, &v, &n, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "exited"));
	assert_int_equal(inspect_tracer(0x7ffffff0), -1);
}

/* strace's output as a stream source: lines split, cut, ended. */
static void
test_logs_stream(void **state)
{
	struct logs	*set;
	char		*big;
	int		 id;

	assert_non_null(set = logs_new_streams(3));
	assert_int_equal(logs_fd(set), -1);
	id = logs_add_stream(set, "strace");
	assert_string_equal(logs_label(set, id), "strace");
	assert_null(logs_status(set, id));
	assert_int_equal(logs_stream_feed(set, id, "one\ntw", 6), 1);
	assert_int_equal(logs_stream_feed(set, id, "o\nthree\nfour", 12), 2);
	assert_int_equal(logs_count(set, id), 3);
	assert_string_equal(logs_line(set, id, 0)->text, "one");
	assert_string_equal(logs_line(set, id, 2)->text, "three");
	assert_int_equal(logs_poll(set), 0);	/* not a file: nothing to read */
	/* The unended line ends with the stream; the ring keeps three. */
	assert_int_equal(logs_stream_end(set, id, "ended"), 1);
	assert_int_equal(logs_count(set, id), 3);
	assert_string_equal(logs_line(set, id, 0)->text, "two");
	assert_string_equal(logs_line(set, id, 2)->text, "four");
	assert_string_equal(logs_status(set, id), "ended");
	/* A line longer than the bound is kept cut. */
	big = malloc(LOGS_LINE_MAX * 2 + 1);
	memset(big, 'x', LOGS_LINE_MAX * 2);
	big[LOGS_LINE_MAX * 2] = '\n';
	assert_int_equal(logs_stream_feed(set, id, big, LOGS_LINE_MAX * 2 + 1),
	    1);
	assert_int_equal(logs_line(set, id, 2)->len, LOGS_LINE_MAX);
	assert_true(logs_line(set, id, 2)->cut);
	free(big);
	assert_int_equal(logs_find(set, "strace"), -1);
	logs_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp4),
		cmocka_unit_test(test_tcp6),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_inet_malformed),
		cmocka_unit_test(test_unix),
		cmocka_unit_test(test_files_self),
		cmocka_unit_test(test_files_gone),
		cmocka_unit_test(test_logs_stream),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
