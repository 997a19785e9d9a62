/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* policy.h - the one validated description of a sandbox that the launch
 * reads: every profile key, its typed value and where it came from.
 * Owns struct policy and the key table. Pure: no syscalls; built in the
 * parent before anything is started, read (const) by every later stage. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "macro.h"

/* Where a value came from: a file (interned in policy->files) and a line,
 * or a command-line option (line 0, file is the option text). */
struct origin {
        const char *file;
        unsigned line;
};

struct list_item {
        char *value;
        struct origin origin;
};

struct strlist {
        size_t n;
        struct list_item *items;
        size_t cap; /* allocated items (grows by doubling) */
};

/* Entries of the [filesystem] lists (ro-bind, bind, dev-bind, tmpfs,
 * overlay, hide, mkdir) together, after identical entries of one key are
 * collapsed; and entries of any other list key. More is an error at the
 * line that adds one too many. */
#define POLICY_MAX_MOUNTS 4096
#define POLICY_MAX_LIST 4096

enum tristate { TRI_AUTO = 0, TRI_NO = 1, TRI_YES = 2 };
enum net_mode { NET_NONE = 0, NET_HOST, NET_VETH };
enum root_kind { ROOT_TMPFS = 0, ROOT_HOST_RO, ROOT_DIR };
enum sf_action { SF_ACTION_ERRNO = 0, SF_ACTION_KILL, SF_ACTION_LOG };

#define POLICY_UNSET_ID ((uint32_t)-1)

struct policy {
        /* [profile] */
        char *description;
        struct strlist include; /* informational: what was included */

        /* [namespaces] */
        enum tristate ns_user, ns_pid, ns_ipc, ns_uts, ns_cgroup, ns_time;

        /* [process] */
        char *hostname;
        uint32_t uid, gid; /* POLICY_UNSET_ID: keep the caller's */
        char *cwd;
        bool new_session;
        int umask; /* -1: inherit */
        bool die_with_parent;

        /* [environment] */
        bool env_clear;
        struct strlist env_keep, env_set, env_unset;

        /* [filesystem] */
        enum root_kind root;
        char *root_dir; /* root = DIR */
        struct strlist ro_bind, bind, dev_bind, tmpfs, overlay, hide, mkdir;
        bool private_home, private_tmp, private_dev, proc;

        /* [network] */
        enum net_mode net_mode;
        char *bridge;
        struct strlist address;
        char *host_address;
        char *gateway;
        struct strlist dns;
        uint32_t mtu; /* 0: kernel default */
        struct strlist protocol; /* socket families (sockfam.h); empty: per mode */

        /* [limits]; 0 means "no limit" for every field */
        uint64_t memory, memory_swap;
        bool memory_swap_set; /* memory-swap = 0 is meaningful */
        uint32_t cpu_percent;
        uint64_t cpu_quota_us, cpu_period_us;
        uint64_t pids;
        uint64_t timeout_ms;
        uint64_t rl_nofile, rl_nproc, rl_fsize, rl_core;
        bool rl_core_set; /* core = 0 is meaningful */

        /* [seccomp] */
        char *seccomp_profile;
        struct strlist sc_allow, sc_deny;
        enum sf_action sc_action;
        int sc_errno; /* for SF_ACTION_ERRNO */
        bool block_secondary_arch;

        /* [capabilities] */
        struct strlist cap_keep;
        bool no_new_privs;

        /* Bookkeeping, not profile keys. */
        char *name;             /* profile name or path that was loaded */
        struct strlist sources; /* files read, in order */
        struct origin *origin;  /* per key (index into the key table) */
        char **files;           /* interned origin file names */
        size_t n_files;
};

/* How a key's value is parsed and printed. */
enum key_type {
        KT_BOOL,
        KT_TRISTATE,
        KT_STRING,
        KT_LIST,
        KT_SIZE,     /* uint64_t bytes, 0 = unset */
        KT_DURATION, /* uint64_t milliseconds */
        KT_U32,
        KT_U64,
        KT_ID,       /* uid/gid */
        KT_MODE,     /* octal, int */
        KT_SPECIAL,  /* parse/print functions in the table */
};

/* Keys that the launch does not enforce yet make the launch fail. */
enum key_flags {
        KF_UNSUPPORTED = 1 << 0, /* parsed, launch refuses it when set */
        KF_NOEXPAND = 1 << 1,    /* no ~ / ${VAR} expansion */
        KF_SECURITY = 1 << 2,    /* loosening key: never silently duplicated */
};

struct key_def;
typedef int (*key_parse_fn)(struct policy *p, const struct key_def *k, const char *value, char **ret_msg);
typedef char *(*key_print_fn)(const struct policy *p, const struct key_def *k);

struct key_def {
        const char *section;
        const char *key;
        enum key_type type;
        size_t offset;
        unsigned flags;
        key_parse_fn parse; /* KT_SPECIAL */
        key_print_fn print; /* KT_SPECIAL */
        const char *def;    /* default as text, for the man page and --print-profile */
        const char *help;   /* one line, for the man page */
};

extern const struct key_def policy_keys[];
extern const size_t policy_n_keys;

/* Allocates a policy with every default applied. Returns NULL on ENOMEM. */
struct policy *policy_new(void);
void policy_free(struct policy *p);
static inline void policy_freep(struct policy **p) {
        if (*p)
                policy_free(*p);
}

/* Finds a key; NULL if unknown. */
const struct key_def *policy_find_key(const char *section, const char *key);
/* The characters that split key k's value into parts, the first one
 * first (":" for SRC:DST, ":," for tmpfs DIR:OPT,OPT, "=" for NAME=VALUE),
 * or NULL for a value of one part. Expansion happens part by part
 * (value_expand_split). */
const char *policy_key_separators(const struct key_def *k);
/* Suggests the closest known "[section] key" or key name for an unknown
 * one: written to buf (len bytes, truncated) and returned, or NULL. */
const char *policy_suggest_key(const char *section, const char *key, char *buf, size_t len);
bool policy_section_known(const char *section);
/* The closest known section name, or NULL. */
const char *policy_suggest_section(const char *section);

/* Interns a file name for use in origins; returns the interned pointer or
 * NULL on ENOMEM. */
const char *policy_intern_file(struct policy *p, const char *file);

/* Sets key k from text. Scalars replace the previous value; lists append;
 * a [filesystem] list entry identical to an earlier one of the same key
 * replaces it (it moves to the end with its new origin: the same mount
 * again over itself changes nothing, and the later one's place in the
 * order is what decides what ends up on top).
 * If `same_file_dup_is_error` and the scalar was already set from the same
 * file, fails with -EEXIST. On a bad value returns -EINVAL and *ret_msg is
 * an allocated message without the FILE:LINE prefix. */
int policy_set(struct policy *p, const struct key_def *k, const char *value, struct origin origin,
               bool same_file_dup_is_error, char **ret_msg);

/* Checks cross-key constraints after everything was applied. On failure
 * returns -EINVAL, *ret_msg says why and *ret_origin points at the
 * offending key's origin (file may be NULL). */
int policy_validate(const struct policy *p, char **ret_msg, struct origin *ret_origin);

/* Returns the first key that is set but not enforced yet, or NULL. */
const struct key_def *policy_first_unsupported(const struct policy *p);

/* Writes the resolved policy as INI, every value commented with its
 * origin. Returns 0 or -errno. */
int policy_print(const struct policy *p, FILE *f);
/* Value of key k as canonical text (allocated), NULL for an unset scalar.
 * For lists use the strlist directly. */
char *policy_value_text(const struct policy *p, const struct key_def *k);
bool policy_key_is_set(const struct policy *p, const struct key_def *k);
size_t policy_key_index(const struct key_def *k);

/* strlist helpers */
int strlist_add(struct strlist *l, const char *value, struct origin origin);
void strlist_free(struct strlist *l);
bool strlist_contains(const struct strlist *l, const char *value);
