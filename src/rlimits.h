/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rlimits.h - applies the [limits] rlimits (nofile, nproc, fsize, core).
 * Owns nothing. Runs in the payload process (PID 2) before the drop. */
#pragma once

#include "policy.h"

/* Returns 0 or -errno; *ret_what names the limit that failed. */
int rlimits_apply(const struct policy *p, const char **ret_what);
