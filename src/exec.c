/* exec.c - see exec.h. */
#define _GNU_SOURCE
#include "exec.h"

#include <errno.h>
#include <fnmatch.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "fdutil.h"
#include "macro.h"
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
 * 4. no_new_privs, so neither setuid files nor file caps give them back;
 * 5. seccomp last, so that the steps above are not filtered; with
 *    no_new_privs off, CAP_SYS_ADMIN stays effective until here.
 * Everything after this is execve. */
static void drop_privileges(const struct exec_ctx *c) {
        const struct policy *p = c->policy;
        const char *what = NULL;
        int r;

        r = rlimits_apply(p, &what);
        if (r < 0)
                sync_fail(c->sync_fd, STAGE_RLIMITS, -r, what);
        set_credentials(c);
        r = caps_drop(p, !p->no_new_privs);
        if (r < 0)
                sync_fail(c->sync_fd, STAGE_CAPABILITIES, -r, NULL);
        if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                sync_fail(c->sync_fd, STAGE_NO_NEW_PRIVS, errno, NULL);
        r = sysfilter_load(p);
        if (r < 0)
                sync_fail(c->sync_fd, STAGE_SECCOMP, -r, NULL);
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
static int exec_search(const struct exec_ctx *c) {
        const char *prog = c->argv[0];
        const char *path = env_get(c->envp, "PATH");
        bool denied = false;

        if (strchr(prog, '/')) {
                execve(prog, c->argv, c->envp);
                return errno;
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
        }
        return denied ? EACCES : ENOENT;
}

void exec_payload(const struct exec_ctx *c) {
        const struct policy *p = c->policy;
        sigset_t none;

        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (p->new_session && setsid() < 0)
                sync_fail(c->sync_fd, STAGE_SETUP, errno, "setsid");
        if (p->umask >= 0)
                umask((mode_t)p->umask);
        change_dir(c);
        if (fd_close_except((const int[]){0, 1, 2, c->sync_fd}, 4) < 0 || fd_cloexec_from(3) < 0)
                sync_fail(c->sync_fd, STAGE_SETUP, errno, "closing inherited file descriptors");
        drop_privileges(c);
        /* Reported by the parent as exit status 127 or 126. */
        sync_fail(c->sync_fd, STAGE_EXEC, exec_search(c), c->argv[0]);
}
