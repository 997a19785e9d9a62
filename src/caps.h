/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* caps.h - the libcap adapter: capability names, dropping every
 * capability set (bounding, inheritable, ambient, permitted, effective)
 * except the profile's keep list, locking the securebits, and PID 1's drop.
 * Owns nothing persistent. Runs in the payload process (PID 2), in the
 * PID-1 reaper, and, for name checks, in the parent. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

/* true if name is a capability libcap and this kernel know
 * ("CAP_NET_RAW", any case). */
bool caps_name_valid(const char *name);
/* The closest capability name to an unknown one ("CAP_NET_ADMIN") into
 * the caller's buf (len bytes), "" when none is close. */
void caps_suggest(const char *name, char *buf, size_t len);
/* Number of the highest capability this kernel knows. */
int caps_last_cap(void);

/* Checks what only root may ask for: `keep` and `no-new-privs = no`.
 * as_root: the launcher runs as root in the initial user namespace.
 * Returns 0, or -EPERM and the key that is refused in *ret_key. Pure. */
int caps_check_launch(const struct policy *p, bool as_root, const char **ret_key);

/* The bounding set down to the policy's keep list (needs CAP_SETPCAP; the
 * other sets are untouched, so the caller keeps what it has). PID 1 calls
 * it before it forks the program, while the parent writes the user
 * namespace maps: the program inherits the result, and PID 1 later has
 * only the keep list left to drop. Returns 0 or -errno. */
int caps_bound_to_keep(const struct policy *p);

/* Drops capabilities per the policy: the bounding set (unless bounded: it
 * is down to the keep list already) and the ambient set to the keep list,
 * permitted/effective/inheritable to the keep list (kept ones also raised
 * in the ambient set so they survive execve as non-root), and locks the
 * securebits (NOROOT, no ambient raise, no setuid fixup).
 * keep_sys_admin: leave CAP_SYS_ADMIN effective (not bounding) until
 * execve, so that a filter can be loaded without no_new_privs.
 * Call after the uid switch. Returns 0 or -errno. */
int caps_drop(const struct policy *p, bool keep_sys_admin, bool bounded);

/* PID 1, after caps_bound_to_keep: empties the bounding, inheritable and
 * ambient sets; permitted and effective keep only CAP_SETUID and
 * CAP_SETGID when keep_setid (PID 1 then takes the program's ids and
 * calls caps_clear()), else nothing. Returns 0 or -errno. */
int caps_drop_reaper(const struct policy *p, bool keep_setid);
/* Empties the permitted, effective and inheritable sets. 0 or -errno. */
int caps_clear(void);
