/* sysfilter.h - the libseccomp adapter: builds the syscall filter from
 * the policy's [seccomp] section and loads it.
 * Owns nothing persistent. Runs in the payload process (PID 2), right
 * before execve. */
#pragma once

#include "policy.h"

/* Loads the filter the policy asks for. Returns 0 or -errno. */
int sysfilter_load(const struct policy *p);
