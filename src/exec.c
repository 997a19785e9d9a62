/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* exec.c - see exec.h. */
#define _GNU_SOURCE
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <sys/syscall.h>

#include "caps.h"
#include "fdutil.h"
#include "interp.h"
#include "macro.h"
#include "net.h"
#include "rlimits.h"
#include "sync.h"
#include "sysfilter.h"

/* glibc's list of variables ignored for setuid programs (sysdeps/generic/
 * unsecvars.h), plus the ones that load code into other runtimes. */
static const char *const unsafe_vars[] = {
        "GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES", "LD_AUDIT", "LD_DEBUG",
        "LD_DEBUG_OUTPUT", "LD_DYNAMIC_WEAK", "LD_HWCAP_MASK", "LD_LIBRARY_PATH", "LD_ORIGIN_PATH",
        "LD_PRELOAD", "LD_PROFILE", "LD_SHOW_AUXV", "LD_USE_LOAD_BIAS", "LOCALDOMAIN", "LOCPATH",
        "MALLOC_TRACE", "NIS_PATH", "NLSPATH", "RESOLV_HOST_CONF", "RES_OPTIONS", "TMPDIR", "TZDIR",
};

bool exec_env_is_unsafe(const char *name, size_t len) {
        for (size_t i = 0; i < ELEMENTSOF(unsafe_vars); i++)
                if (strlen(unsafe_vars[i]) == len && strncmp(unsafe_vars[i], name, len) == 0)
                        return true;
        return false;
}

static bool name_in(const struct strlist *l, const char *name, size_t len, bool patterns) {
        _cleanup_free_ char *buf = strndup(name, len);

        if (!buf)
                return false;
        for (size_t i = 0; i < l->n; i++)
                if (patterns ? fnmatch(l->items[i].value, buf, 0) == 0 : streq(l->items[i].value, buf))
                        return true;
        return false;
}

void exec_env_free(char **envp) {
        if (!envp)
                return;
        for (char **e = envp; *e; e++)
                free(*e);
        free(envp);
}

static int env_put(char ***v, size_t *n, const char *entry) {
        size_t len = strcspn(entry, "=");
        char **nv;

        for (size_t i = 0; i < *n; i++)
                if (strncmp((*v)[i], entry, len + 1) == 0) {
                        char *s = strdup(entry);
                        if (!s)
                                return -ENOMEM;
                        free((*v)[i]);
                        (*v)[i] = s;
                        return 0;
                }
        nv = realloc(*v, (*n + 2) * sizeof(char *));
        if (!nv)
                return -ENOMEM;
        *v = nv;
        nv[*n] = strdup(entry);
        if (!nv[*n])
                return -ENOMEM;
        nv[++*n] = NULL;
        return 0;
}

int exec_build_env(const struct policy *p, char *const *environ_in, char ***ret) {
        char **v = calloc(1, sizeof(char *));
        size_t n = 0;
        int r = 0;

        if (!v)
                return -ENOMEM;
        for (char *const *e = environ_in; e && *e && r == 0; e++) {
                size_t len = strcspn(*e, "=");
                if (!(*e)[len] || exec_env_is_unsafe(*e, len))
                        continue;
                if (p->env_clear && !name_in(&p->env_keep, *e, len, true))
                        continue;
                if (name_in(&p->env_unset, *e, len, false))
                        continue;
                r = env_put(&v, &n, *e);
        }
        for (size_t i = 0; i < p->env_set.n && r == 0; i++)
                r = env_put(&v, &n, p->env_set.items[i].value);
        if (r < 0) {
                exec_env_free(v);
                return r;
        }
        *ret = v;
        return 0;
}

static void set_credentials(const struct exec_ctx *c) {
        if (!c->switch_ids)
                return;
        if (setgroups(0, NULL) < 0)
                sync_fail(c->sync_fd, STAGE_CREDENTIALS, errno, "setgroups");
        if (setresgid(c->gid, c->gid, c->gid) < 0)
                sync_fail(c->sync_fd, STAGE_CREDENTIALS, errno, "setresgid");
        /* Keep capabilities across the uid change so that they can be
         * dropped (and kept ones kept) explicitly below. */
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                sync_fail(c->sync_fd, STAGE_CREDENTIALS, errno, "PR_SET_KEEPCAPS");
        if (setresuid(c->uid, c->uid, c->uid) < 0)
                sync_fail(c->sync_fd, STAGE_CREDENTIALS, errno, "setresuid");
}

static void change_dir(const struct exec_ctx *c) {
        const struct policy *p = c->policy;

        if (p->cwd) {
                if (chdir(p->cwd) < 0)
                        sync_fail(c->sync_fd, STAGE_CWD, errno, p->cwd);
                return;
        }
        if (c->cwd && chdir(c->cwd) == 0)
                return;
        if (c->home && chdir(c->home) == 0)
                return;
        if (chdir("/") < 0)
                sync_fail(c->sync_fd, STAGE_CWD, errno, "/");
}

/* The privilege drop, in the only safe order:
 * 1. rlimits while we may still raise them;
 * 2. uid/gid, with the capabilities kept across the switch;
 * 3. capabilities (bounding first: it needs CAP_SETPCAP);
 * 4. no_new_privs, so neither setuid files nor file caps give them back.
 * Seccomp comes last, after the wait for the root and the working
 * directory (exec_payload), so that the steps before it are not filtered;
 * with no_new_privs off, CAP_SYS_ADMIN stays effective until then. */
static void drop_privileges(const struct exec_ctx *c) {
        const struct policy *p = c->policy;
        const char *what = NULL;
        int r;

        r = rlimits_apply(p, &what);
        if (r < 0)
                sync_fail(c->sync_fd, STAGE_RLIMITS, -r, what);
        set_credentials(c);
        r = caps_drop(p, !p->no_new_privs, true); /* bounding: PID 1 did it before the fork */
        if (r < 0)
                sync_fail(c->sync_fd, STAGE_CAPABILITIES, -r, NULL);
        if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                sync_fail(c->sync_fd, STAGE_NO_NEW_PRIVS, errno, NULL);
}

int exec_root_id(struct exec_root *ret) {
        struct statx st;

        if (statx(AT_FDCWD, "/", 0, STATX_INO | STATX_MNT_ID, &st) < 0)
                return -errno;
        if (!(st.stx_mask & STATX_MNT_ID))
                return -EOPNOTSUPP;
        ret->mnt_id = st.stx_mnt_id;
        ret->ino = st.stx_ino;
        return 0;
}

/* Blocks until PID 1 has built the view, then checks that pivot_root
 * moved this process's root along and leaves the old working directory,
 * which is still in the host's tree. */
static void wait_for_root(const struct exec_ctx *c) {
        struct exec_root want, have;
        ssize_t k;

        do
                k = read(c->root_fd, &want, sizeof(want)); /* one message; read(): see filter_first */
        while (k < 0 && errno == EINTR);
        if (k != (ssize_t)sizeof(want))
                _exit(125); /* PID 1 failed (and reported it) or is gone */
        /* root_fd is left to execve to close (it is close-on-exec) */
        if (exec_root_id(&have) < 0 || have.mnt_id != want.mnt_id || have.ino != want.ino)
                sync_fail(c->sync_fd, STAGE_SETUP, EXDEV, "the program's root is not the sandbox's root");
        if (chdir("/") < 0)
                sync_fail(c->sync_fd, STAGE_CWD, errno, "/");
}

/* net.mode = none: the program's own network namespace with lo up, made
 * here while PID 1 builds the view. PID 1 joins it through an fd of it
 * (SIOCGSKNS on a socket made inside): /proc/2/ns/net is closed to PID 1,
 * as this process is not dumpable. */
static void make_netns(const struct exec_ctx *c) {
        const char *what = "network namespace";
        int r, sock, ns;

        if (unshare(CLONE_NEWNET) < 0)
                sync_fail(c->sync_fd, STAGE_NETWORK, errno, what);
        r = net_setup_child(c->policy, &what);
        if (r < 0)
                sync_fail(c->sync_fd, STAGE_NETWORK, -r, what);
        sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ns = sock < 0 ? -1 : ioctl(sock, SIOCGSKNS);
        if (ns < 0)
                sync_fail(c->sync_fd, STAGE_NETWORK, errno, what);
        close(sock);
        if (send_fd(c->root_fd, ns) < 0)
                _exit(125); /* PID 1 is gone */
        close(ns);
}

static const char *env_get(char **envp, const char *name) {
        size_t n = strlen(name);

        for (char **e = envp; e && *e; e++)
                if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
                        return *e + n + 1;
        return NULL;
}

/* execve with a PATH search in the payload's environment, like the shell:
 * 127 (ENOENT) unless a matching file exists but cannot be executed, then
 * 126 (EACCES); a directory on PATH that cannot be searched is skipped. */
static int exec_search(const struct exec_ctx *c, char *found, size_t found_len) {
        const char *prog = c->argv[0];
        const char *path = env_get(c->envp, "PATH");
        bool denied = false;

        if (strchr(prog, '/')) {
                execve(prog, c->argv, c->envp);
                int err = errno;
                snprintf(found, found_len, "%s", prog);
                return err;
        }
        if (!path)
                path = "/usr/local/bin:/usr/bin:/bin";
        for (const char *p = path; *p;) {
                size_t n = strcspn(p, ":");
                char full[4096];
                struct stat st;

                snprintf(full, sizeof(full), "%.*s%s%s", (int)n, p, n ? "/" : "", prog);
                p += n + (p[n] == ':');
                execve(full, c->argv, c->envp);
                if (errno == ENOEXEC || errno == ETXTBSY || errno == E2BIG || errno == ENOMEM)
                        return errno;
                if (errno == EACCES && stat(full, &st) == 0 && S_ISREG(st.st_mode))
                        denied = true;
                else if (errno == ENOENT && !found[0] && stat(full, &st) == 0 && S_ISREG(st.st_mode))
                        snprintf(found, found_len, "%s", full); /* its interpreter is missing */
        }
        return denied ? EACCES : ENOENT;
}

static void load_filter(const struct exec_ctx *c) {
        int r = sysfilter_load(c->policy);

        if (r < 0)
                sync_fail(c->sync_fd, STAGE_SECCOMP, -r, NULL);
}

/* Whether the filter may come before the wait for the root: only when it
 * allows the calls made between the two (as they are made here). read(),
 * not recv(): the minimal, io-heavy and compute profiles deny sockets. */
static bool filter_first(const struct exec_ctx *c) {
        struct seccomp_data calls[] = {
                {.nr = __NR_read, .args = {(uint64_t)c->root_fd, 0, sizeof(struct exec_root)}},
                {.nr = __NR_statx, .args = {(uint64_t)(int64_t)AT_FDCWD, 0, 0, STATX_INO | STATX_MNT_ID}},
                {.nr = __NR_chdir},
        };

        return sysfilter_allows(c->policy, calls, ELEMENTSOF(calls));
}

void exec_payload(const struct exec_ctx *c) {
        const struct policy *p = c->policy;
        sigset_t none;
        bool early;

        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (c->own_netns)
                make_netns(c);
        if (p->new_session && setsid() < 0)
                sync_fail(c->sync_fd, STAGE_SETUP, errno, "setsid");
        if (p->umask >= 0)
                umask((mode_t)p->umask);
        if (fd_close_except((const int[]){0, 1, 2, c->sync_fd, c->root_fd}, 5) < 0 || fd_cloexec_from(3) < 0)
                sync_fail(c->sync_fd, STAGE_SETUP, errno, "closing inherited file descriptors");
        drop_privileges(c);
        /* The filter is loaded while PID 1 still builds the view when it
         * allows the few calls left; otherwise after them. */
        early = filter_first(c);
        if (early)
                load_filter(c);
        wait_for_root(c);
        /* With the program's credentials: a directory it cannot enter is
         * skipped (or, when set with [process] cwd, an error). */
        change_dir(c);
        if (!early)
                load_filter(c);
        /* Reported by the parent as exit status 127 or 126. */
        char found[4096] = "";
        int err = exec_search(c, found, sizeof(found));
        if (err == ENOENT && found[0])
                interp_report_missing(c->sync_fd, p, c->argv[0], found);
        sync_fail(c->sync_fd, STAGE_EXEC, err, c->argv[0]);
}
