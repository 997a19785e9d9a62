/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bpf_eval.h - a classic BPF interpreter for seccomp programs (the
 * instruction subset seccomp accepts), run in user space: the launcher
 * asks its precompiled filters what they answer for a few calls, and the
 * unit tests check every filter's verdicts against the policy model.
 * Owns nothing. Pure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sock_filter;
struct seccomp_data;

struct bpf_result {
        uint32_t ret;   /* the SECCOMP_RET_* value */
        unsigned steps; /* instructions run, the RET included */
        bool bad;       /* invalid program: unknown opcode, jump or load out of range */
};

struct bpf_result bpf_eval(const struct sock_filter *f, size_t n, const struct seccomp_data *d);
