/*
 * Debug files from debuginfod, checked before libdwfl reads them, and a
 * module's DWARF checked once before its lines are trusted. libdwfl's
 * dwfl_standard_find_debuginfo() would ask debuginfod itself (libdw
 * dlopens libdebuginfod.so.1), but then a server that hangs costs its
 * timeout for every module, a miss is asked again, and the answer is
 * used unchecked: so the symboliser hides DEBUGINFOD_URLS from libdwfl
 * and asks here, through libdebuginfod's own API.
 */

#include "vigil.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_DEBUGINFOD
#include <elfutils/debuginfod.h>
#endif

#include "buf.h"
#include "debuginfo-int.h"
#include "sanitize.h"
#include "xalloc.h"

/* A build-id asked for this run, and what came of it. */
struct prof_dbg_id {
	char		*hex;
	char		*path;		/* the debug file; NULL: none */
};

/* A module whose DWARF was checked. */
struct prof_dbg_mod {
	Dwfl_Module	*mod;
	char		*name;
	int		 ok;
};

struct prof_dbg {
#ifdef HAVE_DEBUGINFOD
	debuginfod_client	*client;
#endif
	int			 off;	/* no server, or it failed: ask no more */
	struct prof_dbg_id	*ids;
	size_t			 nids;
	struct prof_dbg_mod	*mods;
	size_t			 nmods;
};

/* The command the notes name; the servers, taken from the environment. */
static const char	*prof_dbg_cmd = "profile";
static char		*prof_dbg_urls;
static int		 prof_dbg_taken;

static void	prof_dbg_note(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	prof_dbg_check(int, const unsigned char *, int);
static int	prof_dbg_walk(Dwarf *);

/* Notes say "vigil CMD:"; CMD is profile unless told otherwise. */
void
prof_dbg_command(const char *cmd)
{
	prof_dbg_cmd = cmd;
}

/* One line on standard error about a module, its name sanitised. */
static void
prof_dbg_note(const char *module, const char *fmt, ...)
{
	struct buf	b = BUF_INITIALIZER;
	char		msg[512];
	va_list		ap;

	sanitize(&b, module, strlen(module), 0);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "vigil %s: %s: %s\n", prof_dbg_cmd, buf_str(&b), msg);
	buf_free(&b);
}

struct prof_dbg *
prof_dbg_new(void)
{
	const char	*urls;

	/*
	 * Taken once a process: from then on only prof_dbg_find() sets
	 * the variable, around its own question.
	 */
	if (!prof_dbg_taken) {
		prof_dbg_taken = 1;
		urls = getenv("DEBUGINFOD_URLS");
		if (urls != NULL && urls[strspn(urls, " \t")] != '\0')
			prof_dbg_urls = xstrdup(urls);
		unsetenv("DEBUGINFOD_URLS");
		/* libdebuginfod's own default is 90 s: too long to wait. */
		setenv("DEBUGINFOD_TIMEOUT", PROF_DBGD_TIMEOUT, 0);
	}
	return (xcalloc(1, sizeof (struct prof_dbg)));
}

void
prof_dbg_free(struct prof_dbg *d)
{
	size_t	i;

	if (d == NULL)
		return;
#ifdef HAVE_DEBUGINFOD
	if (d->client != NULL)
		debuginfod_end(d->client);
#endif
	for (i = 0; i < d->nids; i++) {
		free(d->ids[i].hex);
		free(d->ids[i].path);
	}
	free(d->ids);
	for (i = 0; i < d->nmods; i++)
		free(d->mods[i].name);
	free(d->mods);
	free(d);
}

/*
 * 0 if fd is an ELF file with the build-id id (a debug file may be
 * anything a server or a damaged cache gives); -1 if not ELF, -2 if
 * another build's.
 */
static int
prof_dbg_check(int fd, const unsigned char *id, int len)
{
	const void	*got;
	Elf		*e;
	ssize_t		 n;
	int		 rc = 0;

	if ((e = elf_begin(fd, ELF_C_READ_MMAP, NULL)) == NULL)
		return (-1);
	if (elf_kind(e) != ELF_K_ELF)
		rc = -1;
	else if ((n = dwelf_elf_gnu_build_id(e, &got)) != len ||
	    memcmp(got, id, len) != 0)
		rc = -2;
	elf_end(e);
	return (rc);
}

/*
 * The debug file of module mod (named name) from debuginfod: its fd, the
 * path in *path (for libdwfl to free); -1 when there is none. Each
 * build-id is asked once a run; a server that fails (not a miss) is not
 * asked again.
 */
int
prof_dbg_find(struct prof_dbg *d, Dwfl_Module *mod, const char *name,
    char **path)
{
#ifdef HAVE_DEBUGINFOD
	struct prof_dbg_id	*di;
	const unsigned char	*id;
	GElf_Addr		 vaddr;
	char			*hex, *got = NULL;
	size_t			 i;
	int			 len, fd, k, rc;

	if (d == NULL || prof_dbg_urls == NULL || d->off)
		return (-1);
	if ((len = dwfl_module_build_id(mod, &id, &vaddr)) <= 0)
		return (-1);
	hex = xmalloc(2 * len + 1);
	for (k = 0; k < len; k++)
		snprintf(hex + 2 * k, 3, "%02x", id[k]);
	for (i = 0; i < d->nids; i++) {
		if (strcmp(d->ids[i].hex, hex) != 0)
			continue;
		free(hex);
		/* Asked already: the file it gave, or nothing. */
		if (d->ids[i].path == NULL ||
		    (fd = open(d->ids[i].path, O_RDONLY | O_CLOEXEC)) == -1)
			return (-1);
		*path = xstrdup(d->ids[i].path);
		return (fd);
	}
	d->ids = xreallocarray(d->ids, d->nids + 1, sizeof *d->ids);
	di = &d->ids[d->nids++];
	di->hex = hex;
	di->path = NULL;

	if (d->client == NULL && (d->client = debuginfod_begin()) == NULL) {
		d->off = 1;
		return (-1);
	}
	setenv("DEBUGINFOD_URLS", prof_dbg_urls, 1);
	fd = debuginfod_find_debuginfo(d->client, id, len, &got);
	unsetenv("DEBUGINFOD_URLS");
	if (fd < 0) {
		free(got);
		if (fd == -ENOENT)
			return (-1);	/* the server has no such build */
		d->off = 1;
		if (fd != -ENOSYS)
			prof_dbg_note(name, _("debuginfod lookup of build-id "
			    "%s failed: %s; no more lookups this run"), hex,
			    strerror(-fd));
		return (-1);
	}
	if ((rc = prof_dbg_check(fd, id, len)) != 0) {
		prof_dbg_note(name, rc == -1 ? _("debuginfod gave a file that "
		    "is not ELF (%s); ignored") : _("debuginfod gave the debug "
		    "file of another build (%s); ignored"),
		    got != NULL ? got : "?");
		close(fd);
		free(got);
		return (-1);
	}
	if (got == NULL) {
		close(fd);
		return (-1);
	}
	di->path = got;
	*path = xstrdup(got);
	return (fd);
#else
	(void)d;
	(void)mod;
	(void)name;
	(void)path;
	return (-1);
#endif
}

/*
 * Every unit header of the DWARF and its first DIE, and every line table
 * a unit names, readable: -1 (libdw's error set) when one is not.
 */
static int
prof_dbg_walk(Dwarf *dw)
{
	Dwarf_Off	 off = 0, next;
	Dwarf_Die	 die;
	Dwarf_Lines	*lines;
	size_t		 hsize, n;
	int		 rc;

	while ((rc = dwarf_next_unit(dw, off, &next, &hsize, NULL, NULL, NULL,
	    NULL, NULL, NULL)) == 0) {
		if (dwarf_offdie(dw, off + hsize, &die) == NULL ||
		    dwarf_tag(&die) < 0)
			return (-1);
		if (dwarf_hasattr(&die, DW_AT_stmt_list) &&
		    dwarf_getsrclines(&die, &lines, &n) != 0)
			return (-1);
		off = next;
	}
	return (rc < 0 ? -1 : 0);
}

/*
 * Whether the lines of module mod (named name) may be read: its DWARF,
 * once found, is walked once; a corrupt one is noted and skipped.
 */
int
prof_dbg_dwarf_ok(struct prof_dbg *d, Dwfl_Module *mod, const char *name)
{
	struct prof_dbg_mod	*m;
	Dwarf_Addr		 bias;
	Dwarf			*dw;
	size_t			 i;

	if (d == NULL)
		return (1);
	for (i = 0; i < d->nmods; i++) {
		if (d->mods[i].mod == mod && strcmp(d->mods[i].name, name) == 0)
			return (d->mods[i].ok);
	}
	d->mods = xreallocarray(d->mods, d->nmods + 1, sizeof *d->mods);
	m = &d->mods[d->nmods++];
	m->mod = mod;
	m->name = xstrdup(name);
	m->ok = 1;
	if ((dw = dwfl_module_getdwarf(mod, &bias)) == NULL)
		return (1);	/* none: no lines, nothing to trust */
	if (prof_dbg_walk(dw) != 0) {
		m->ok = 0;
		prof_dbg_note(name, _("its DWARF debug information is corrupt "
		    "(%s); no file:line from it"), dwarf_errmsg(-1));
	}
	return (m->ok);
}
