/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* net.h - the sandbox's network: loopback in a new network namespace
 * (mode none), the host's (mode host), or a veth pair (mode veth).
 * Owns the libnl sockets and types (never outside net.c), the veth's host
 * end and the address leases under /run/sandbox/net. The parent half runs
 * in the launcher (host namespaces); the child half in the sandbox's PID 1
 * after the filesystem view is built, before the program starts. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define NET_MAX_ADDRESSES 16 /* [network] address entries (policy_validate) */
#define NET_MAX_LEASES (NET_MAX_ADDRESSES + 1) /* plus host-address */
#define NET_IFNAME_PREFIX "sbx"
#define NET_IFNAME_ATTEMPTS 16 /* host end names tried (net_host_ifname) */
#define NET_PEER_IFNAME "eth0"
/* address = auto without a bridge: /30 links from this pool. */
#define NET_AUTO_POOL "10.231.0.0/16"
#define NET_LEASE_DIR "/run/sandbox/net"

/* What net_setup_parent created and holds; zeroed (NET_CTX_INIT) means
 * nothing. Freed by net_cleanup_parent. */
struct net_ctx {
        char host_ifname[16]; /* host end of the veth, "" if none */
        int host_ifindex;
        size_t n_leases;
        int lease_fds[NET_MAX_LEASES]; /* flock()ed; also held by PID 1 */
        char lease_names[NET_MAX_LEASES][80]; /* in NET_LEASE_DIR */
};
#define NET_CTX_INIT {{0}}

/* Parent half, after clone() and before "go". No-op unless mode = veth:
 * creates the veth pair with its peer (eth0) directly in the child's
 * network namespace, attaches the host end to the bridge or gives it
 * host-address, and configures eth0 (addresses, mtu, default route) from
 * the host side. Rolls back everything on failure; *ret_error then says
 * why in one line (allocated, may be NULL on ENOMEM). Returns 0 or -errno. */
int net_setup_parent(const struct policy *p, const char *id, int child_pid, struct net_ctx *ctx, char **ret_error);
/* The lease fds go to the sandbox's PID 1 with "go" (sync_send_fds): the
 * lock lives in their shared open file description, so a lease lasts as
 * long as the launcher or the sandbox, whichever ends last. Lease files
 * a killed launcher leaves are removed by the next launch that leases
 * an address. */
/* Deletes the host end if it still exists and releases the leases. Safe
 * on a zeroed context and when called twice. */
void net_cleanup_parent(struct net_ctx *ctx);

/* Child half (PID 1, all capabilities in its namespaces, new root is "/"):
 * brings up lo (modes none and veth) and, with dns set, mounts a private
 * read-only /etc/resolv.conf. Returns 0 or -errno; *ret_what names what
 * failed. */
int net_setup_child(const struct policy *p, const char **ret_what);

/* For `sandbox --check`: 0 if this process may create a veth pair
 * (CAP_NET_ADMIN over the current network namespace), else -EPERM. */
int net_veth_available(void);

/* ---- pure helpers, exported for the unit tests -------------------------- */

/* Host end name for sandbox `id` whose PID 1 is `pid` (in the launcher's
 * PID namespace): "sbx" + 12 hex digits of a 64-bit FNV-1a hash of id, pid
 * and attempt (attempt 0 first, the next on a name collision). The pid
 * makes concurrent sandboxes of one id differ; it is unique among running
 * sandboxes, and a veth dies with its sandbox's network namespace. Always
 * fits IFNAMSIZ. buf must hold 16 bytes. */
void net_host_ifname(const char *id, uint32_t pid, unsigned attempt, char buf[16]);
/* libnl's negative error code -> -errno (one table). 0 stays 0. */
int net_errno_from_nl(int nl_err);
/* resolv.conf text for the name servers (allocated). Returns 0 or -ENOMEM. */
int net_resolv_conf_text(const struct strlist *dns, char **ret);
/* address = auto without a bridge: the k-th /30 of NET_AUTO_POOL, as host
 * byte order IPv4 addresses of the host end (.1) and the sandbox (.2).
 * Returns -ERANGE past the pool's end. */
int net_auto_routed(uint32_t k, uint32_t *ret_host, uint32_t *ret_sandbox);
/* i-th usable host address (1-based) of an IPv4 subnet, host byte order.
 * -ERANGE when i is past the last usable one (network and broadcast are
 * never returned; /31 and /32 have no room for sandboxes). */
int net_subnet_host(uint32_t addr, unsigned prefix, uint32_t i, uint32_t *ret);
