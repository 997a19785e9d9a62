/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* profile.h - finds and loads the profile for a program: search path,
 * NAME.conf, drop-ins, includes, default.conf and the built-in default,
 * applied in order onto a struct policy.
 * Owns struct profile_request. Runs in the parent before any launch. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "policy.h"
#include "value.h"

#define PROFILE_MAX_INCLUDE_DEPTH 8

struct profile_request {
        const char *program;  /* basename used for lookup */
        const char *profile;  /* --profile NAME or PATH, or NULL */
        bool noprofile;       /* --noprofile: built-in default only */
        char **dirs;          /* search path, NULL-terminated */
        struct value_vars vars;
};

/* The search path: $SANDBOX_PROFILE_PATH, else the user's config dir (not
 * for root) and SYSCONFDIR/sandbox/profiles.d. NULL-terminated, allocated.
 * -EINVAL: an entry of $SANDBOX_PROFILE_PATH is not an absolute path. */
int profile_search_path(char ***ret);
/* Before a launch, so that no sandbox can create a profile directory:
 * for a user, each missing directory of dirs is created (mode 0700, owned
 * by the user; symlinks owned by others on the way are refused) to be
 * made read-only inside (one the user cannot create, its sandbox cannot
 * either); for root, a missing one is replaced by its nearest existing
 * ancestor (nothing is created on the host). Each entry is then replaced
 * by its resolved path. Returns 0 or -ENOMEM. */
int profile_dirs_prepare(char **dirs);
void profile_strv_free(char **v);

/* Loads the profile onto p. On failure returns a negative errno and
 * *ret_error is a complete one-line message ("FILE:LINE: ..."). */
int profile_load(const struct profile_request *req, struct policy *p, char **ret_error);

/* Applies one "section.key=value" override from the command line (origin
 * is the option text). On failure *ret_error is a complete message. */
int profile_apply_override(struct policy *p, const char *assignment, const char *option,
                           const struct value_vars *vars, char **ret_error);

/* Whether ${CWD} may stand for the directory cwd: not / and neither the
 * home nor a directory above it, compared after resolving symbolic links,
 * "." and ".." (realpath) and by device and inode (bind mounts). A cwd
 * that cannot be resolved is refused. Reads the file system. */
bool profile_cwd_grantable(const char *cwd, const char *home);

/* Prints the app profiles found on the search path (name, path,
 * description), one per line. */
int profile_list(char **dirs, FILE *f);

/* The names of the profiles on the search path (NAME for NAME.conf), each
 * once, sorted; NULL-terminated and allocated. */
int profile_names(char **dirs, char ***ret);

/* The built-in default profile text (for the man page and tests). */
extern const char profile_builtin_default[];
