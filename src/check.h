/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* check.h - `sandbox --check`: what this system offers the launcher, one
 * line per requirement: "OK|WARN|FAIL  what  (hint)".
 * Owns nothing. Runs in the parent; namespace and mount trials run in
 * throwaway child processes, and nothing is written to the cgroup tree. */
#pragma once

#include <stdio.h>

/* Prints the lines to out. Returns the exit status: 0 when everything the
 * default profile needs is OK (user namespaces unless root, seccomp), 1
 * otherwise; WARN lines never fail. */
int check_run(FILE *out);
