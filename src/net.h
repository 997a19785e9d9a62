/* net.h - the sandbox's network: loopback in a new network namespace
 * (mode none), the host's (mode host), or a veth link (mode veth).
 * Owns the libnl socket and types (never outside this file). The child
 * half runs in the sandbox's PID 1 before the program starts. */
#pragma once

#include "policy.h"

/* Child half: brings up lo (and configures the veth peer). Returns 0 or
 * -errno; *ret_what names what failed. */
int net_setup_child(const struct policy *p, const char **ret_what);
