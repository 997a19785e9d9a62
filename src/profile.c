/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* profile.c - see profile.h. Lookup order (docs/DESIGN.md section 2):
 *   --profile NAME|PATH; else in each directory of the search path
 *   PROGRAM.conf (first found), then drop-ins PROGRAM.conf.d/(*).conf from
 *   all directories in lexical order (an earlier directory's file of the
 *   same name masks a later one's); with no PROGRAM.conf anywhere the same
 *   for default.conf; with none of those the built-in default.
 * Includes are applied before the including file's own keys, once each
 * (a diamond is fine, a loop is an error), at most 8 deep. */
#define _GNU_SOURCE
#include "profile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdutil.h"
#include "log.h"
#include "macro.h"
#include "profile_parse.h"
#include "userhome.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

/* Generated at build time from profiles.d/default.conf (see Makefile). */
const char profile_builtin_default[] =
#include "builtin_default.inc"
        ;

/* A profile being applied: its name and, when read from a file, the
 * file's identity (a path profile and a named one may be the same file). */
struct applying {
        char name[256];
        dev_t dev;
        ino_t ino;
};

struct loader {
        const struct profile_request *req;
        struct policy *p;
        char *error;                         /* first error, complete line */
        struct applying stack[PROFILE_MAX_INCLUDE_DEPTH + 2];
        size_t depth;
        char **done;                         /* includes already applied */
        size_t n_done;
};

static int loader_fail(struct loader *l, const char *file, unsigned line, const char *fmt, ...) _printf_(4, 5);
static int loader_fail(struct loader *l, const char *file, unsigned line, const char *fmt, ...) {
        va_list ap;
        char *msg = NULL;

        if (l->error)
                return -EINVAL;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (line)
                (void)!asprintf(&l->error, "%s:%u: %s", file, line, msg ? msg : "error");
        else
                (void)!asprintf(&l->error, "%s: %s", file, msg ? msg : "error");
        free(msg);
        return -EINVAL;
}

void profile_strv_free(char **v) {
        if (!v)
                return;
        for (char **s = v; *s; s++)
                free(*s);
        free(v);
}

static int strv_push(char ***v, size_t *n, const char *s) {
        char **nv = realloc(*v, (*n + 2) * sizeof(char *));

        if (!nv)
                return -ENOMEM;
        *v = nv;
        nv[*n] = strdup(s);
        if (!nv[*n])
                return -ENOMEM;
        nv[++*n] = NULL;
        return 0;
}

int profile_search_path(char ***ret) {
        const char *env = getenv("SANDBOX_PROFILE_PATH");
        char **v = calloc(1, sizeof(char *));
        size_t n = 0;
        int r = 0;

        if (!v)
                return -ENOMEM;
        if (env) {
                _cleanup_free_ char *copy = strdup(env);
                char *save = NULL;
                if (!copy)
                        r = -ENOMEM;
                /* a relative entry would follow the caller's (or a
                 * sandbox's) working directory: refused */
                for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d && r == 0; d = strtok_r(NULL, ":", &save))
                        r = d[0] == '/' ? strv_push(&v, &n, d) : -EINVAL;
        } else {
                const char *xdg = getenv("XDG_CONFIG_HOME");
                char home[4096];
                _cleanup_free_ char *user = NULL;
                if (geteuid() != 0 && xdg && xdg[0] == '/')
                        (void)!asprintf(&user, "%s/sandbox/profiles.d", xdg);
                else if (geteuid() != 0 && user_home(home, sizeof(home)) == 0)
                        (void)!asprintf(&user, "%s/.config/sandbox/profiles.d", home);
                if (user)
                        r = strv_push(&v, &n, user);
                if (r == 0)
                        r = strv_push(&v, &n, SYSCONFDIR "/sandbox/profiles.d");
        }
        if (r < 0) {
                profile_strv_free(v);
                return r;
        }
        *ret = v;
        return 0;
}

static int ensure_dir(const char *path) {
        _cleanup_free_ char *copy = strdup(path);
        _cleanup_close_ int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        if (dir < 0)
                return negative_errno();
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                int d = fd_open_dir_trusted(dir, c, true);
                if (d < 0)
                        return d;
                safe_close(dir);
                dir = d;
        }
        return 0;
}

/* Root never creates one (no side effect on the host's /etc): the
 * nearest existing ancestor of a missing directory is protected instead. */
static int nearest_existing(char **d) {
        struct stat st;
        char *slash;

        while (stat(*d, &st) < 0 && (slash = strrchr(*d, '/')))
                slash[slash == *d] = 0; /* "/x" becomes "/" */
        return 0;
}

int profile_dirs_prepare(char **dirs) {
        for (char **d = dirs; d && *d; d++) {
                char *real;
                int r = geteuid() == 0 ? nearest_existing(d) : ensure_dir(*d);
                if (r == -ENOMEM)
                        return r;
                /* not creatable by the caller: not by its sandbox either */
                real = r == 0 ? realpath(*d, NULL) : NULL;
                if (real) {
                        free(*d);
                        *d = real;
                }
        }
        return 0;
}

/* Opens a profile file safely: no symlink as the last component, a regular
 * file owned by root or the caller and not writable by group or others.
 * Returns the fd, -ENOENT when absent, or fails with a message. */
static int open_profile(struct loader *l, const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
        struct stat st;

        if (fd < 0 && errno == ENOENT)
                return -ENOENT;
        if (fd < 0 && errno == ELOOP)
                return loader_fail(l, path, 0, "refusing a profile that is a symbolic link");
        if (fd < 0)
                return loader_fail(l, path, 0, "cannot open profile: %s", strerror(errno));
        if (fstat(fd, &st) < 0)
                return loader_fail(l, path, 0, "cannot stat profile: %s", strerror(errno));
        if (!S_ISREG(st.st_mode))
                return loader_fail(l, path, 0, "not a regular file");
        if (st.st_uid != 0 && st.st_uid != geteuid())
                return loader_fail(l, path, 0, "refusing a profile owned by uid %u (only root or uid %u)",
                                   (unsigned)st.st_uid, (unsigned)geteuid());
        if (st.st_mode & (S_IWGRP | S_IWOTH))
                return loader_fail(l, path, 0, "refusing a profile writable by group or others (chmod go-w '%s')", path);
        return TAKE_FD(fd);
}

/* Finds NAME.conf in the search path; returns an allocated path or NULL. */
static char *find_profile(char **dirs, const char *name) {
        for (char **d = dirs; *d; d++) {
                char *path = NULL;
                struct stat st;
                if (asprintf(&path, "%s/%s.conf", *d, name) < 0)
                        return NULL;
                if (lstat(path, &st) == 0)
                        return path;
                free(path);
        }
        return NULL;
}

static int apply_file(struct loader *l, const char *path, const char *data, size_t len);

static int apply_path(struct loader *l, const char *path) {
        _cleanup_close_ int fd = open_profile(l, path);
        _cleanup_free_ char *data = NULL;
        size_t len = 0;
        int r;

        if (fd == -ENOENT)
                return loader_fail(l, path, 0, "no such profile");
        if (fd < 0)
                return fd;
        r = read_all(fd, PROFILE_MAX_SIZE, &data, &len);
        if (r == -EFBIG)
                return loader_fail(l, path, 0, "profile larger than 1 MiB");
        if (r < 0)
                return loader_fail(l, path, 0, "cannot read profile: %s", strerror(-r));
        return apply_file(l, path, data, len);
}

/* Pushes a profile on the stack of those being applied; path NULL for the
 * built-in default. A file name loses its ".conf" (the name it is
 * included by). */
static void push_applying(struct loader *l, const char *name, const char *path) {
        struct applying *a = &l->stack[l->depth++];
        struct stat st;
        size_t n = strlen(name);

        if (n > 5 && streq(name + n - 5, ".conf"))
                n -= 5;
        snprintf(a->name, sizeof(a->name), "%.*s", (int)n, name);
        a->dev = 0;
        a->ino = 0;
        if (path && stat(path, &st) == 0) {
                a->dev = st.st_dev;
                a->ino = st.st_ino;
        }
}

/* Whether profile name (found at path, or NULL) is being applied: the
 * same file, or for the built-in default the same name. Returns the
 * stack index or -1. */
static ssize_t find_applying(const struct loader *l, const char *name, const char *path) {
        struct stat st;
        bool have = path && stat(path, &st) == 0;

        for (size_t i = 0; i < l->depth; i++) {
                const struct applying *a = &l->stack[i];
                bool same = have ? a->ino && a->dev == st.st_dev && a->ino == st.st_ino
                                 : !a->ino && streq(a->name, name);
                if (same)
                        return (ssize_t)i;
        }
        return -1;
}

/* "include loop: a -> b -> a", from the first profile of the loop to the
 * line that closes it. */
static int loop_error(struct loader *l, const char *file, unsigned line, size_t from, const char *name) {
        _cleanup_free_ char *chain = NULL;
        size_t len = strlen(name) + 1;

        for (size_t i = from; i < l->depth; i++)
                len += strlen(l->stack[i].name) + 4;
        chain = calloc(1, len);
        if (!chain)
                return -ENOMEM;
        for (size_t i = from; i < l->depth; i++) {
                strcat(chain, l->stack[i].name);
                strcat(chain, " -> ");
        }
        strcat(chain, name);
        return loader_fail(l, file, line, "include loop: %s", chain);
}

static int apply_include(struct loader *l, const char *file, unsigned line, const char *name) {
        _cleanup_free_ char *path = NULL;
        ssize_t at;
        int r;

        if (!value_is_plain_name(name))
                return loader_fail(l, file, line, "invalid include '%s' (a profile name: no '/', no leading '.')", name);
        path = find_profile(l->req->dirs, name);
        at = find_applying(l, name, path);
        if (at >= 0)
                return loop_error(l, file, line, (size_t)at, name);
        for (size_t i = 0; i < l->n_done; i++)
                if (streq(l->done[i], name))
                        return 0; /* applied already (diamond) */
        if (l->depth > PROFILE_MAX_INCLUDE_DEPTH) /* stack[0] is the profile itself */
                return loader_fail(l, file, line, "includes nested deeper than %d", PROFILE_MAX_INCLUDE_DEPTH);
        if (!path && !streq(name, "default"))
                return loader_fail(l, file, line, "included profile '%s' not found on the profile path", name);
        push_applying(l, name, path);
        /* "default" falls back to the built-in default when not installed */
        r = path ? apply_path(l, path)
                 : apply_file(l, "<builtin-default>", profile_builtin_default, strlen(profile_builtin_default));
        l->depth--;
        if (r < 0)
                return r;
        return strv_push(&l->done, &l->n_done, name);
}

/* What a separator stands for, in a message. */
static const char *separator_role(const struct key_def *k, char sep) {
        if (sep == '=')
                return "NAME=VALUE";
        if (sep == ',')
                return "the tmpfs options";
        if (streq(k->key, "overlay"))
                return "DIR:UPPERDIR";
        return streq(k->key, "tmpfs") ? "DIR:OPTIONS" : "SRC:DST";
}

/* Expands the value of key k part by part (policy_key_separators), so a
 * variable never changes how the value splits. Returns 0, -ENOENT for an
 * optional path ("-...") whose variable is unset (nothing to do), -ENOMEM,
 * or -EINVAL with *ret_msg (allocated) saying why. */
static int expand_value(const struct key_def *k, const char *raw, const struct value_vars *vars, char **ret,
                        char **ret_msg) {
        const char *seps = policy_key_separators(k), *end;
        _cleanup_free_ char *bad = NULL, *part = NULL;
        char sep = 0;
        int r = value_expand_split(raw, seps, vars, ret, &bad, &sep);

        if (r == -EINVAL && k->type == KT_LIST && raw[0] == '-')
                return -ENOENT;
        if (r == -EINVAL && bad && streq(bad, "${CWD}"))
                return set_error(ret_msg, -EINVAL, "${CWD} is not available: sandbox was started in the home "
                                 "directory, above it or in / and would grant all of it; cd into a project directory");
        if (r == -EINVAL)
                return set_error(ret_msg, -EINVAL, "cannot expand '%s' in '%s' (known: ~ ${HOME} ${UID} "
                                 "${XDG_RUNTIME_DIR} ${PROGRAM} ${ID} ${CWD}; all must be set)", bad ? bad : "?", raw);
        if (r != -EDOM)
                return r;
        /* the raw part that expanded badly: the head for its own separator
         * and the '-' mark, the tail for the others */
        end = strchr(raw, seps[0]);
        part = sep == seps[0] || sep == '-' ? strndup(raw, end ? (size_t)(end - raw) : strlen(raw)) : strdup(end + 1);
        if (!part)
                return -ENOMEM;
        if (sep == '-')
                return set_error(ret_msg, -EINVAL, "'%s' expands to '%s', which starts with '-'; an expanded "
                                 "value cannot make a path optional", part, bad);
        return set_error(ret_msg, -EINVAL, "'%s' expands to '%s', which contains '%c', the separator of %s; "
                         "an expanded value cannot change how the line splits%s", part, bad, sep,
                         separator_role(k, sep), sep == ':' ? " (a path with ':' cannot be used here)" : "");
}

static int apply_entry(struct loader *l, const char *file, const struct profile_entry *e) {
        const struct key_def *k = policy_find_key(e->section, e->key);
        _cleanup_free_ char *expanded = NULL, *msg = NULL;
        const char *v = e->value;
        int r;

        if (!policy_section_known(e->section)) {
                char buf[96];
                const char *hint = policy_suggest_key("", e->key, buf, sizeof(buf));
                return loader_fail(l, file, e->line, "unknown section [%s]%s%s%s", e->section,
                                   hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
        }
        if (!k) {
                char buf[96];
                const char *hint = policy_suggest_key(e->section, e->key, buf, sizeof(buf));
                return loader_fail(l, file, e->line, "unknown key '%s' in [%s]%s%s%s", e->key, e->section,
                                   hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
        }
        if (!(k->flags & KF_NOEXPAND)) {
                r = expand_value(k, e->value, &l->req->vars, &expanded, &msg);
                if (r == -ENOENT)
                        return 0; /* an optional path whose variable is unset: nothing to bind */
                if (r == -EINVAL)
                        return loader_fail(l, file, e->line, "%s", msg ? msg : "cannot expand");
                if (r < 0)
                        return r;
                v = expanded;
        }
        struct origin o = {policy_intern_file(l->p, file), e->line};
        if (!o.file)
                return -ENOMEM;
        r = policy_set(l->p, k, v, o, true, &msg);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return loader_fail(l, file, e->line, "%s", msg ? msg : "invalid value");
        return 0;
}

/* Applies one parsed file: its includes first, then its own keys. */
static int apply_file(struct loader *l, const char *path, const char *data, size_t len) {
        struct profile_file *f = NULL;
        _cleanup_free_ char *msg = NULL;
        unsigned line = 0;
        int r;

        r = profile_parse_buffer(data, len, &f, &line, &msg);
        if (r == -EINVAL)
                return loader_fail(l, path, line, "%s", msg);
        if (r < 0)
                return r;
        r = strlist_add(&l->p->sources, path, (struct origin){NULL, 0});
        for (size_t i = 0; r == 0 && i < f->n_sections; i++)
                if (!policy_section_known(f->sections[i].name)) {
                        const char *hint = policy_suggest_section(f->sections[i].name);
                        r = loader_fail(l, path, f->sections[i].line, "unknown section [%s]%s%s%s", f->sections[i].name,
                                        hint ? " (did you mean [" : "", hint ? hint : "", hint ? "]?)" : "");
                }
        for (size_t i = 0; r == 0 && i < f->n; i++)
                if (streq(f->entries[i].section, "profile") && streq(f->entries[i].key, "include"))
                        r = apply_include(l, path, f->entries[i].line, f->entries[i].value);
        for (size_t i = 0; r == 0 && i < f->n; i++)
                r = apply_entry(l, path, &f->entries[i]);
        profile_file_free(f);
        return r;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Drop-ins NAME.conf.d/(*).conf from every directory, sorted by file name;
 * the first directory that has a given file name wins. */
static int apply_dropins(struct loader *l, const char *name) {
        char **names = NULL, **paths = NULL;
        size_t n = 0, np = 0;
        int r = 0;

        for (char **d = l->req->dirs; *d && r == 0; d++) {
                _cleanup_free_ char *dir = NULL;
                DIR *dh;
                struct dirent *de;
                if (asprintf(&dir, "%s/%s.conf.d", *d, name) < 0)
                        return -ENOMEM;
                dh = opendir(dir);
                if (!dh)
                        continue;
                while ((de = readdir(dh)) && r == 0) {
                        size_t len = strlen(de->d_name);
                        bool seen = false;
                        if (de->d_name[0] == '.' || len < 6 || !streq(de->d_name + len - 5, ".conf"))
                                continue;
                        for (size_t i = 0; i < n; i++)
                                seen = seen || streq(names[i], de->d_name);
                        if (seen)
                                continue;
                        _cleanup_free_ char *full = NULL;
                        if (asprintf(&full, "%s/%s", dir, de->d_name) < 0)
                                r = -ENOMEM;
                        if (r == 0)
                                r = strv_push(&names, &n, de->d_name);
                        if (r == 0) {
                                /* store "name\0path" ordering by name: keep parallel arrays */
                                r = strv_push(&paths, &np, full);
                        }
                }
                closedir(dh);
        }
        if (r == 0 && n > 0) {
                /* sort paths by their file name: pair them up first */
                char **pairs = calloc(n, sizeof(char *));
                if (!pairs)
                        r = -ENOMEM;
                for (size_t i = 0; r == 0 && i < n; i++)
                        if (asprintf(&pairs[i], "%s%c%s", names[i], '\x01', paths[i]) < 0)
                                r = -ENOMEM;
                if (r == 0)
                        qsort(pairs, n, sizeof(char *), cmp_str);
                for (size_t i = 0; r == 0 && i < n; i++)
                        r = apply_path(l, strchr(pairs[i], '\x01') + 1);
                for (size_t i = 0; pairs && i < n; i++)
                        free(pairs[i]);
                free(pairs);
        }
        profile_strv_free(names);
        profile_strv_free(paths);
        return r;
}

static int load_named(struct loader *l, const char *name, bool required) {
        _cleanup_free_ char *path = NULL;
        int r;

        path = find_profile(l->req->dirs, name);
        if (!path && required) {
                _cleanup_free_ char *dirs = NULL;
                size_t len = 0;
                for (char **d = l->req->dirs; *d; d++)
                        len += strlen(*d) + 1;
                dirs = calloc(1, len + 1);
                for (char **d = l->req->dirs; dirs && *d; d++) {
                        strcat(dirs, *d);
                        if (d[1])
                                strcat(dirs, ":");
                }
                return loader_fail(l, name, 0, "profile not found (searched %s)", dirs ? dirs : "?");
        }
        if (!path)
                return -ENOENT;
        push_applying(l, name, path); /* also for the drop-ins: including it again is a loop */
        r = apply_path(l, path);
        if (r == 0) {
                free(l->p->name);
                l->p->name = strdup(name);
                r = apply_dropins(l, name);
        }
        l->depth--;
        return r;
}

static int load_builtin(struct loader *l) {
        free(l->p->name);
        l->p->name = strdup("builtin-default");
        return apply_file(l, "<builtin-default>", profile_builtin_default, strlen(profile_builtin_default));
}

int profile_load(const struct profile_request *req, struct policy *p, char **ret_error) {
        struct loader l = {.req = req, .p = p};
        int r;

        if (req->noprofile)
                r = load_builtin(&l);
        else if (req->profile && strchr(req->profile, '/')) {
                push_applying(&l, strrchr(req->profile, '/') + 1, req->profile); /* level 0, like a named one */
                r = apply_path(&l, req->profile);
                if (r == 0) {
                        free(p->name);
                        p->name = strdup(req->profile);
                }
        } else if (req->profile) {
                r = value_is_plain_name(req->profile)
                            ? load_named(&l, req->profile, true)
                            : loader_fail(&l, req->profile, 0, "invalid profile name (a plain name or a path with '/')");
        } else {
                r = value_is_plain_name(req->program) ? load_named(&l, req->program, false) : -ENOENT;
                if (r == -ENOENT)
                        r = load_named(&l, "default", false);
                if (r == -ENOENT)
                        r = load_builtin(&l);
        }
        for (size_t i = 0; i < l.n_done; i++)
                free(l.done[i]);
        free(l.done);
        if (r < 0 && !l.error)
                (void)!asprintf(&l.error, "cannot load profile: %s", strerror(-r));
        if (r < 0) {
                *ret_error = l.error;
                return r;
        }
        return 0;
}

int profile_apply_override(struct policy *p, const char *assignment, const char *option,
                           const struct value_vars *vars, char **ret_error) {
        _cleanup_free_ char *copy = strdup(assignment);
        _cleanup_free_ char *expanded = NULL, *msg = NULL;
        char *dot, *eq;
        const struct key_def *k;
        const char *file;
        int r;

        if (!copy)
                return -ENOMEM;
        dot = strchr(copy, '.');
        eq = strchr(copy, '=');
        if (!dot || !eq || dot > eq) {
                (void)!asprintf(ret_error, "%s: expected SECTION.KEY=VALUE, got '%s'", option, assignment);
                return -EINVAL;
        }
        *dot = *eq = 0;
        k = policy_find_key(copy, dot + 1);
        if (!k) {
                char buf[96];
                const char *hint = policy_suggest_key(copy, dot + 1, buf, sizeof(buf));
                (void)!asprintf(ret_error, "%s: unknown key '%s.%s'%s%s%s", option, copy, dot + 1,
                                hint ? " (did you mean " : "", hint ? hint : "", hint ? "?)" : "");
                return -EINVAL;
        }
        if (!(k->flags & KF_NOEXPAND)) {
                r = expand_value(k, eq + 1, vars, &expanded, &msg);
                if (r == -ENOENT)
                        return 0; /* an optional path whose variable is unset */
                if (r < 0) {
                        (void)!asprintf(ret_error, "%s: %s", option, msg ? msg : strerror(-r));
                        return r;
                }
        }
        file = policy_intern_file(p, option);
        if (!file)
                return -ENOMEM;
        r = policy_set(p, k, expanded ? expanded : eq + 1, (struct origin){file, 0}, false, &msg);
        if (r < 0)
                (void)!asprintf(ret_error, "%s: %s", option, msg ? msg : strerror(-r));
        return r;
}

static char *read_description(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        _cleanup_free_ char *data = NULL;
        struct profile_file *f = NULL;
        _cleanup_free_ char *msg = NULL;
        unsigned line;
        char *desc = NULL;

        if (fd < 0 || read_all(fd, PROFILE_MAX_SIZE, &data, NULL) < 0)
                return NULL;
        if (profile_parse_buffer(data, strlen(data), &f, &line, &msg) < 0)
                return strdup("(does not parse)");
        for (size_t i = 0; i < f->n && !desc; i++)
                if (streq(f->entries[i].section, "profile") && streq(f->entries[i].key, "description"))
                        desc = strdup(f->entries[i].value);
        profile_file_free(f);
        return desc;
}

/* One pass over the profiles on the search path (each name once, its first
 * file): app profiles (includes == false) or the shared includes, whose
 * description starts with "Include:". */
static void list_pass(char **dirs, FILE *out, bool includes) {
        char **names = NULL;

        if (profile_names(dirs, &names) < 0)
                return;
        for (char **n = names; *n; n++) {
                _cleanup_free_ char *path = find_profile(dirs, *n), *desc = NULL;
                if (!path)
                        continue;
                desc = read_description(path);
                if (includes == (desc && strncmp(desc, "Include:", 8) == 0)) {
                        /* a description or path cannot reach the terminal raw */
                        char epath[4 * PATH_MAX], edesc[1024];
                        log_escape(path, epath, sizeof(epath));
                        log_escape(desc ? desc : "", edesc, sizeof(edesc));
                        fprintf(out, "%-20s %s%s%s\n", *n, epath, desc ? "  " : "", edesc);
                }
        }
        profile_strv_free(names);
}

int profile_list(char **dirs, FILE *out) {
        list_pass(dirs, out, false);
        fprintf(out, "\n# Shared includes (used with include = NAME):\n");
        list_pass(dirs, out, true);
        return 0;
}

int profile_names(char **dirs, char ***ret) {
        char **v = calloc(1, sizeof(char *));
        size_t n = 0;
        int r = 0;

        if (!v)
                return -ENOMEM;
        for (char **d = dirs; *d && r == 0; d++) {
                struct dirent **list = NULL;
                int k = scandir(*d, &list, NULL, alphasort);
                for (int i = 0; i < k; i++) {
                        const char *nm = list[i]->d_name;
                        size_t len = strlen(nm);
                        bool dup = false;
                        if (r == 0 && nm[0] != '.' && len > 5 && streq(nm + len - 5, ".conf")) {
                                for (size_t j = 0; j < n; j++)
                                        dup = dup || (strlen(v[j]) == len - 5 && strncmp(v[j], nm, len - 5) == 0);
                                if (!dup) {
                                        _cleanup_free_ char *name = strndup(nm, len - 5);
                                        r = name ? strv_push(&v, &n, name) : -ENOMEM;
                                }
                        }
                        free(list[i]);
                }
                free(list);
        }
        if (r < 0) {
                profile_strv_free(v);
                return r;
        }
        qsort(v, n, sizeof(char *), cmp_str);
        *ret = v;
        return 0;
}

/* dev and inode of a path; false when it cannot be stat()ed. */
static bool same_file(const char *a, const struct stat *sb) {
        struct stat sa;

        return stat(a, &sa) == 0 && sa.st_dev == sb->st_dev && sa.st_ino == sb->st_ino;
}

bool profile_cwd_grantable(const char *cwd, const char *home) {
        _cleanup_free_ char *rc = cwd ? realpath(cwd, NULL) : NULL;
        _cleanup_free_ char *rh = home ? realpath(home, NULL) : NULL;
        struct stat sc;
        size_t n;

        if (!rc || stat(rc, &sc) < 0 || streq(rc, "/") || same_file("/", &sc))
                return false;
        if (home && same_file(home, &sc))
                return false; /* the home itself, also through a bind mount */
        if (!rh)
                return true; /* no home on disk: nothing of it to grant */
        n = strlen(rc);
        return !(strncmp(rh, rc, n) == 0 && (rh[n] == 0 || rh[n] == '/'));
}
