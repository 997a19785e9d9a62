/* caps.h - the libcap adapter: capability names and dropping every
 * capability set (bounding, inheritable, ambient, permitted, effective)
 * except the profile's keep list.
 * Owns nothing persistent. Runs in the payload process (PID 2) and, for
 * name checks, in the parent. */
#pragma once

#include <stdbool.h>

#include "policy.h"

/* true if name is a capability libcap knows ("CAP_NET_RAW", any case). */
bool caps_name_valid(const char *name);
/* Drops capabilities per the policy. keep_sys_admin: keep CAP_SYS_ADMIN
 * in the effective set (needed to load seccomp without no_new_privs); it
 * is never in the bounding set unless kept. Returns 0 or -errno. */
int caps_drop(const struct policy *p, bool keep_sys_admin);
/* Number of capabilities this kernel knows. */
int caps_last_cap(void);
