/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sysfilter.h - the libseccomp adapter: named @groups and built-in
 * profiles, the policy's [seccomp] section compiled into a filter, and the
 * small filter of the PID-1 reaper.
 * Owns nothing persistent (each call builds and frees its own context).
 * Runs in the payload (PID 2, right before execve), in PID 1, and in the
 * parent for name checks, --list-profiles and --print-profile. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "policy.h"

/* Builds the filter the policy asks for and loads it, after the
 * socket-family filter (sysfilter_family_program). Does not set
 * no_new_privs (exec.c does, per policy); without it the caller needs
 * CAP_SYS_ADMIN. Returns 0 or -errno; a failure must be fatal. */
int sysfilter_load(const struct policy *p);

/* For PID 1 (reaper_lockdown): loads a filter that allows only what the
 * reaper loop needs (read, wait4, kill, send, close, exit...; everything
 * else ENOSYS). Needs no_new_privs set (or CAP_SYS_ADMIN). Returns 0 or
 * -errno. */
int sysfilter_load_reaper(void);

struct sock_filter;
struct seccomp_data;
/* true when the policy's filter is precompiled and allows each of the n
 * calls (nr and args; the native architecture is filled in): the payload
 * can then load it before it makes them. false when unsure. */
bool sysfilter_allows(const struct policy *p, struct seccomp_data *calls, size_t n);

/* The socket-family filter of the policy ([network] protocol, see
 * sockfam.h), which sysfilter_load stacks under the syscall filter: its
 * length (0: every family allowed, no filter), or -E2BIG. */
int sysfilter_family_program(const struct policy *p, struct sock_filter *buf, size_t cap);

/* The build-time compiled program for the policy's filter (p == NULL: the
 * reaper's), or NULL when the policy needs libseccomp at run time. */
const struct sock_filter *sysfilter_precompiled(const struct policy *p, unsigned short *ret_len);

/* Writes the policy's filter (or the reaper's, p == NULL) to fd as
 * libseccomp's PFC text or as raw classic BPF (struct sock_filter[]).
 * Returns 0 or -errno. */
int sysfilter_export(const struct policy *p, int fd, bool bpf);

/* true if name is a syscall libseccomp knows on any architecture we
 * filter, a @group, or (key "profile") a built-in profile. The closest
 * known name goes to the caller's hint (hint_len bytes; may be 0), ""
 * when none is close or the name is known. */
bool sysfilter_name_known(const char *name, char *hint, size_t hint_len);
bool sysfilter_profile_known(const char *name, char *hint, size_t hint_len);

/* --list-profiles: built-in profiles and groups, one line each, with
 * the number of native syscalls each allows. Returns 0 or -errno. */
int sysfilter_list(FILE *f);

/* --print-profile: the effective filter as INI comments (denied,
 * argument-filtered and ENOSYS syscalls, architectures, actions).
 * Returns 0 or -errno. */
int sysfilter_print_policy(const struct policy *p, FILE *f);

/* The policy model, for tests: what the filter of p (p == NULL: the
 * reaper's) must return for one seccomp_data, as a SECCOMP_RET_* value,
 * computed from the same plan without libseccomp's compiler.
 * sysfilter_model_new returns 0 or -errno; the caller frees the model. */
struct sysfilter_model;
int sysfilter_model_new(const struct policy *p, struct sysfilter_model **ret);
uint32_t sysfilter_model_eval(const struct sysfilter_model *m, uint32_t arch, uint32_t nr, const uint64_t args[6]);
void sysfilter_model_free(struct sysfilter_model *m);
