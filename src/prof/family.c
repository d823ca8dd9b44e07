/* The descendants of a process, for vigil profile --subprocesses. */

#include "vigil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "sample.h"
#include "sampler-int.h"
#include "xalloc.h"

struct prof_family_row {
	int			pid;
	int			ppid;
	unsigned long long	start;
};

/*
 * Every process below root now (children, theirs, and so on), with its
 * start time, into *out (the caller frees it). Returns how many.
 */
size_t
prof_family(int root, struct prof_kin **out)
{
	struct prof_family_row	*rows = NULL;
	struct sample_proc	 sp;
	struct prof_kin		*kin = NULL;
	struct dirent		*de;
	DIR			*d;
	char			 path[300], text[1024];
	size_t			 n = 0, cap = 0, nkin = 0, i, j;
	int			*want, nwant = 1, added;

	*out = NULL;
	if ((d = opendir("/proc")) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		if (file_read(path, text, sizeof text) <= 0 ||
		    sample_parse_stat(text, atoi(de->d_name), &sp) != 0)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 256 : cap * 2;
			rows = xreallocarray(rows, cap, sizeof *rows);
		}
		rows[n].pid = sp.pid;
		rows[n].ppid = sp.ppid;
		rows[n].start = sp.start;
		n++;
	}
	closedir(d);

	/* Breadth first from root: a parent is found before its children. */
	want = xreallocarray(NULL, n + 1, sizeof *want);
	want[0] = root;
	do {
		added = 0;
		for (i = 0; i < n; i++) {
			if (rows[i].pid == 0)
				continue;
			for (j = 0; j < (size_t)nwant; j++) {
				if (rows[i].ppid == want[j])
					break;
			}
			if (j == (size_t)nwant)
				continue;
			want[nwant++] = rows[i].pid;
			kin = xreallocarray(kin, nkin + 1, sizeof *kin);
			kin[nkin].pid = rows[i].pid;
			kin[nkin].start = rows[i].start;
			nkin++;
			rows[i].pid = 0;	/* taken */
			added = 1;
		}
	} while (added);
	free(want);
	free(rows);
	*out = kin;
	return (nkin);
}
