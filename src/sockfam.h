/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sockfam.h - socket families a sandbox may create ([network] protocol):
 * the family names, the default allow list per network mode, and the
 * small classic-BPF filter on socket()'s and socketpair()'s first
 * argument that sysfilter.c stacks under the syscall filter.
 * Owns the family table. Pure: no syscalls; used by the policy parser in
 * the parent and by the payload (PID 2) when it loads its filters. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

struct sock_filter;

/* Bit f set: family f (AF_*, < 64) may be created. */
typedef uint64_t sockfam_mask;
#define SOCKFAM_BIT(f) ((sockfam_mask)1 << (f))

/* Defaults when [network] protocol is not set. Not namespaced, hence
 * never in a default: vsock (the host's and hypervisor's port space),
 * alg (kernel crypto, no network at all), bluetooth (the host's
 * adapters) and the other rare families (see sandbox-profile(5)). */
#define SOCKFAM_DEFAULT_NONE "unix,inet,inet6,netlink"
#define SOCKFAM_DEFAULT_CONNECTED "unix,inet,inet6,netlink,packet"

/* The family number for a name ("unix", "inet6", "vsock"...), -EINVAL if
 * unknown. */
int sockfam_from_name(const char *name);
/* The name of family f, NULL if the table has none. */
const char *sockfam_name(int f);

/* Adds the families of a comma-separated list ("unix,inet, inet6") to
 * *mask. On an unknown or empty name returns -EINVAL and *ret_msg (may be
 * NULL) is an allocated one-line message. */
int sockfam_parse(const char *list, sockfam_mask *mask, char **ret_msg);

/* The families the policy allows: its protocol list, or the default of
 * its network mode when the list is empty. */
sockfam_mask sockfam_allowed(const struct policy *p);

/* The filter for `allow`: socket(2) and socketpair(2) with a family not
 * in allow fail with EAFNOSUPPORT, everything else is allowed (the
 * syscall filter decides). native is the AUDIT_ARCH_* of the launcher;
 * with `secondary`, its compat architecture (x86-64: i386, x32; arm64:
 * arm) is filtered too, and socketcall(2)'s SOCKET and SOCKETPAIR fail
 * (the family is behind a pointer); without, other architectures are
 * killed (as the syscall filter does). Writes at most cap instructions
 * to buf; returns their number, 0 if allow permits every family (no
 * filter needed), or -E2BIG. */
int sockfam_program(sockfam_mask allow, uint32_t native, bool secondary, struct sock_filter *buf, size_t cap);
#define SOCKFAM_MAX_INSNS 96

/* "unix inet inet6" (allocated), for --print-profile; NULL on ENOMEM. */
char *sockfam_mask_text(sockfam_mask m);
