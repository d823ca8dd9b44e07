/*
 * Debug information the symboliser cannot find on this machine: asked of
 * the debuginfod servers of DEBUGINFOD_URLS (libdebuginfod, the client of
 * elfutils), once per build-id a run, the answer checked to be an ELF file
 * of that build-id; and a module's DWARF checked once before its lines
 * are read, so a corrupt one is skipped with a note rather than trusted.
 * The struct prof_dbg is owned by the symboliser that made it.
 */
#ifndef VIGIL_DEBUGINFO_INT_H
#define VIGIL_DEBUGINFO_INT_H

#include <elfutils/libdwfl.h>

#define PROF_DBGD_TIMEOUT	"5"	/* seconds, when DEBUGINFOD_TIMEOUT is unset */

struct prof_dbg;

void		 prof_dbg_command(const char *);
struct prof_dbg	*prof_dbg_new(void);
void		 prof_dbg_free(struct prof_dbg *);
int		 prof_dbg_find(struct prof_dbg *, Dwfl_Module *, const char *,
		     char **);
int		 prof_dbg_dwarf_ok(struct prof_dbg *, Dwfl_Module *,
		     const char *);

#endif
