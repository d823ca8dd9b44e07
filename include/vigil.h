/*
 * Definitions every vigil source file needs: the build configuration and the
 * gettext macros around user-visible strings.
 */
#ifndef VIGIL_H
#define VIGIL_H

#include "config.h"

#include <libintl.h>
#include <stddef.h>

#define _(s)	gettext(s)
#define N_(s)	(s)

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

#ifndef __unused
#define __unused	__attribute__((unused))
#endif

#endif
