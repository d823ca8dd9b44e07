/*
 * What both samplers' libunwind code shares: the binary-search table of an
 * executable mapping's .eh_frame_hdr, made from its ELF image, for the
 * mappings libunwind's own _UPT_find_proc_info() cannot open by name (a
 * deleted file, the [vdso]) and, in the perf sampler, for every mapping.
 * The table points into the target's addresses; the caller owns it.
 */
#ifndef VIGIL_UNWIND_INT_H
#define VIGIL_UNWIND_INT_H

#include <gelf.h>
#include <libunwind.h>
#include <stdint.h>

struct prof_map;

struct prof_ehtab {
	uint64_t	 start, end;
	unw_dyn_info_t	 di;
};

int	prof_ehtab_elf(Elf *, const struct prof_map *, struct prof_ehtab *);

/*
 * Exported by libunwind, not declared by its headers: the search of a
 * binary-search .eh_frame_hdr table that _UPT_find_proc_info() itself
 * ends in.
 */
extern int	_Ux86_64_dwarf_search_unwind_table(unw_addr_space_t,
		    unw_word_t, unw_dyn_info_t *, unw_proc_info_t *, int, void *);

#endif
