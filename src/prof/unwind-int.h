/*
 * What both samplers' libunwind code shares (unwind.c): the walk of a
 * copied stack (registers and a copy of the user stack from the stack
 * pointer up) against the target's mapped files, with their
 * .eh_frame_hdr binary-search tables made once from their ELF images.
 * A struct prof_unw belongs to one sampler and is freed by it; the stack
 * copy stays the caller's.
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

/* Registers indexed by libunwind's numbers, UNW_X86_64_RAX to _RIP. */
#define PROF_UREGS	(UNW_X86_64_RIP + 1)

struct prof_ustack {
	uint64_t		 regs[PROF_UREGS];
	const unsigned char	*stack;		/* a copy of [sp, sp + len) */
	uint64_t		 sp;
	uint64_t		 len;
};

struct prof_unw;

/* live_tid(arg): a thread whose /proc entries show the memory map. */
struct prof_unw	*prof_unw_new(int (*)(const void *), const void *);
void		 prof_unw_maps(struct prof_unw *);
size_t		 prof_unw_stack(struct prof_unw *, const struct prof_ustack *,
		     uint64_t *, size_t);
void		 prof_unw_free(struct prof_unw *);

/*
 * Exported by libunwind, not declared by its headers: the search of a
 * binary-search .eh_frame_hdr table that _UPT_find_proc_info() itself
 * ends in.
 */
extern int	_Ux86_64_dwarf_search_unwind_table(unw_addr_space_t,
		    unw_word_t, unw_dyn_info_t *, unw_proc_info_t *, int, void *);

#endif
