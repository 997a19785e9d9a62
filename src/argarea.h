/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* argarea.h - PID 1 is a clone of the launcher: its argument and
 * environment strings (the launcher's command line, --env values, the
 * caller's whole environment) are what /proc/1/cmdline and
 * /proc/1/environ show. These wipe them once PID 1 no longer needs them.
 * Owns struct argarea. Parsed in the parent, wiped in PID 1. */
#pragma once

#include <stdint.h>

struct argarea {
        uintptr_t arg_start, arg_end, env_start, env_end;
};

/* Parses the text of /proc/self/stat (fields 48-51, proc(5)); 0 or
 * -EINVAL when they are missing, zero or inverted. Pure. */
int argarea_parse(const char *stat, struct argarea *ret);

/* Reads /proc/self/stat of the caller; 0 or -errno. */
int argarea_get(struct argarea *ret);

/* Zeroes both areas and writes name (cut to fit) at the start of the
 * argument area, so /proc/PID/cmdline reads "name". The strings must not
 * be used afterwards: argv, environ and getenv() results all point there. */
void argarea_wipe(const struct argarea *a, const char *name);
