/* net.h - the sandbox's network: loopback in a new network namespace
 * (mode none), the host's (mode host), or a veth link (mode veth).
 * Owns the libnl socket and types (never outside this file). The child
 * half runs in the sandbox's PID 1 before the program starts. */
#pragma once

#include "policy.h"

struct net_ctx {
        char host_ifname[16]; /* host end of the veth, "" if none */
};
#define NET_CTX_INIT {{0}}

/* Parent half, after clone() and before "go": creates the veth pair with
 * its peer in the child's network namespace. No-op unless mode = veth.
 * On failure *ret_error says why (allocated). */
int net_setup_parent(const struct policy *p, const char *id, int child_pid, struct net_ctx *ctx, char **ret_error);
/* Removes what net_setup_parent created, if it still exists. */
void net_cleanup_parent(struct net_ctx *ctx);

/* Child half: brings up lo (and configures the veth peer). Returns 0 or
 * -errno; *ret_what names what failed. */
int net_setup_child(const struct policy *p, const char **ret_what);
