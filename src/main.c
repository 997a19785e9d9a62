/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* main.c - the launcher's steps: refuse setuid, parse the command line,
 * resolve the profile into one policy, run it, exit with its status.
 * Owns nothing. Runs in the parent. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "link.h"
#include "log.h"
#include "mounts.h"
#include "policy.h"
#include "profile.h"
#include "report.h"
#include "sandbox.h"
#include "sysfilter.h"
#include "userhome.h"
#include "value.h"

#ifndef VERSION
#define VERSION "0.1.0"
#endif

#define EXIT_LAUNCHER 125

/* A setuid or setgid launcher would hand every user root's powers over
 * namespaces: refuse to run in that state, even for root. */
static int refuse_setid(void) {
        struct stat st;

        if (getuid() != geteuid() || getgid() != getegid())
                return log_error_errno(-EPERM, "refusing to run setuid or setgid; install sandbox without those bits");
        if (stat("/proc/self/exe", &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)))
                return log_error_errno(-EPERM, "refusing to run: the binary has the setuid or setgid bit set");
        return 0;
}

static const char *base_name(const char *path) {
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

struct vars_storage {
        char uid[16];
        char id[300];
        char cwd[4096];
        char home[4096];
};

static void fill_vars(struct value_vars *v, struct vars_storage *s, const char *program, const char *id) {
        const char *home = user_home(s->home, sizeof(s->home)) == 0 ? s->home : NULL;

        snprintf(s->uid, sizeof(s->uid), "%u", (unsigned)getuid());
        if (id)
                snprintf(s->id, sizeof(s->id), "%s", id);
        else
                snprintf(s->id, sizeof(s->id), "%s-%d", program, (int)getpid());
        *v = (struct value_vars){home, s->uid, getenv("XDG_RUNTIME_DIR"), program, s->id,
                                 getcwd(s->cwd, sizeof(s->cwd)) ? s->cwd : NULL};
        /* ${CWD} grants the current directory: never all of the home or / */
        if (v->cwd && !profile_cwd_grantable(v->cwd, home))
                v->cwd = NULL;
}

/* --chroot DIR makes DIR the whole view, like chroot(8): the profile's
 * binds, overlays and private home do not apply (later options still do). */
static void chroot_reset(struct policy *p) {
        struct strlist *lists[] = {&p->ro_bind, &p->bind, &p->dev_bind, &p->overlay, &p->tmpfs, &p->hide, &p->mkdir};

        for (size_t i = 0; i < ELEMENTSOF(lists); i++)
                strlist_free(lists[i]);
        p->private_home = false;
}

/* argv -> profile lookup -> parse -> overrides -> validate: one policy. */
/* The profile search path, with the message for a bad one. */
static int search_path(char ***ret) {
        int r = profile_search_path(ret);

        if (r == -EINVAL)
                return log_error_errno(r, "SANDBOX_PROFILE_PATH: '%s' has an entry that is not an absolute path",
                                       getenv("SANDBOX_PROFILE_PATH"));
        return r < 0 ? log_error_errno(r, "out of memory") : 0;
}

static int resolve_policy(const struct cli_args *a, const char *program, struct policy **ret) {
        _cleanup_(policy_freep) struct policy *p = policy_new();
        struct profile_request req = {.program = program, .profile = a->profile, .noprofile = a->noprofile};
        struct vars_storage vs;
        _cleanup_free_ char *err = NULL;
        struct origin o = {0};
        int r;

        if (!p)
                return log_error_errno(-ENOMEM, "out of memory");
        fill_vars(&req.vars, &vs, program, a->id);
        r = search_path(&req.dirs);
        if (r < 0)
                return r;
        r = profile_load(&req, p, &err);
        for (size_t i = 0; r == 0 && i < a->n_overrides; i++)
                if (streq(a->overrides[i].option, "chroot"))
                        chroot_reset(p);
        for (size_t i = 0; r == 0 && i < a->n_overrides; i++) {
                char opt[64];
                snprintf(opt, sizeof(opt), "--%s", a->overrides[i].option);
                r = profile_apply_override(p, a->overrides[i].assignment, opt, &req.vars, &err);
        }
        profile_strv_free(req.dirs);
        if (r < 0) {
                log_plain("%s", err ? err : strerror(-r));
                return r;
        }
        r = policy_validate(p, &err, &o);
        if (r < 0) {
                if (o.line)
                        log_plain("%s:%u: %s", o.file, o.line, err);
                else
                        log_plain("%s: %s", o.file ? o.file : "sandbox", err);
                return r;
        }
        *ret = TAKE_PTR(p);
        return 0;
}

/* The program ran, but the report the caller asked for is missing: a
 * launcher failure, so that no caller takes the run for a clean one. */
static int report_failed(int r, const char *path) {
        log_error_errno(r, "Failed to write the report to '%s': %m", path);
        return EXIT_LAUNCHER;
}

/* --stats and --json; the report was filled in by sandbox_run. */
static void emit_report(const struct cli_args *a, const struct policy *p, const char *id, struct sandbox_result *res,
                        int json_fd) {
        struct run_report *rep = &res->report;
        int r;

        rep->id = id;
        rep->profile = p->name;
        rep->memory_limit = p->memory;
        if (a->stats)
                report_print_human(stderr, rep);
        if (a->json) {
                r = report_write_json_fd(json_fd, rep);
                if (r < 0)
                        res->exit_code = report_failed(r, a->json);
        }
}

static int run(const struct cli_args *a) {
        _cleanup_(policy_freep) struct policy *p = NULL;
        const struct key_def *k;
        const char *program = a->link_program ? a->link_program : base_name(a->argv[0]);
        char id[300];
        struct sandbox_opts o = {.id = id, .verbose = a->verbosity > 0};
        struct sandbox_result res = {0};
        _cleanup_close_ int json_fd = -1;
        int r;

        if (a->id && !value_is_plain_name(a->id)) {
                log_error("--id: invalid name '%s' (a plain name: no '/', no leading '.')", a->id);
                return EXIT_LAUNCHER;
        }
        snprintf(id, sizeof(id), "%s", a->id ? a->id : "");
        if (!a->id)
                snprintf(id, sizeof(id), "%s-%d", program, (int)getpid());
        r = resolve_policy(a, program, &p);
        if (r < 0)
                return EXIT_LAUNCHER;
        k = policy_first_unsupported(p);
        if (k) {
                const struct origin *or = &p->origin[policy_key_index(k)];
                if (k->type == KT_LIST)
                        or = &((const struct strlist *)((const char *)p + k->offset))->items[0].origin;
                if (or->line)
                        log_plain("%s:%u: [%s] %s is not supported yet", or->file, or->line, k->section, k->key);
                else
                        log_error("%s: [%s] %s is not supported yet", or->file ? or->file : "?", k->section, k->key);
                return EXIT_LAUNCHER;
        }
        /* opened before the program runs: it cannot redirect the report */
        if (a->json && (r = report_open(a->json, &json_fd)) < 0) {
                log_error_errno(r, "Failed to open the report '%s': %m", a->json);
                return EXIT_LAUNCHER;
        }
        r = sandbox_run(p, a->argv, &o, &res);
        if (r < 0) /* the report still says how the launch ended */
                res.exit_code = res.report.exit_code = EXIT_LAUNCHER;
        emit_report(a, p, id, &res, json_fd);
        return res.exit_code;
}

/* The mount plan, in the order it is applied, as comments. */
static int print_mount_plan(const struct policy *p, FILE *f) {
        struct mount_plan plan = {0};
        char home[4096];
        int r = mounts_plan(p, user_home(home, sizeof(home)) == 0 ? home : NULL, &plan);

        if (r < 0)
                return r;
        fprintf(f, "\n# Mount plan (applied in this order on the %s root):\n",
                p->root == ROOT_TMPFS ? "tmpfs" : p->root == ROOT_HOST_RO ? "host-ro" : "directory");
        mounts_plan_print(&plan, f);
        mounts_plan_free(&plan);
        return 0;
}

static int print_profile(const struct cli_args *a) {
        _cleanup_(policy_freep) struct policy *p = NULL;

        if (resolve_policy(a, base_name(a->print_program), &p) < 0)
                return EXIT_LAUNCHER;
        if (policy_print(p, stdout) < 0 || print_mount_plan(p, stdout) < 0 || sysfilter_print_policy(p, stdout) < 0)
                return EXIT_LAUNCHER;
        return fflush(stdout) != 0 ? EXIT_LAUNCHER : 0;
}

static int list_profiles(void) {
        char **dirs = NULL;

        if (search_path(&dirs) < 0)
                return EXIT_LAUNCHER;
        printf("# App profiles (first match on the search path wins):\n");
        profile_list(dirs, stdout);
        profile_strv_free(dirs);
        return sysfilter_list(stdout) < 0 || fflush(stdout) != 0 ? EXIT_LAUNCHER : 0;
}

/* Invoked through a link made by --link: every argument is the program's,
 * the profile is the link's name, and the program is the next one of that
 * name on PATH (never the launcher again). */
static int parse_link_invocation(const char *name, char **argv, struct cli_args *a) {
        char *real = link_find_program(name);

        memset(a, 0, sizeof(*a));
        if (!real)
                return log_error_errno(-ENOENT, "'%s': no program of that name on PATH besides the sandbox link", name);
        argv[0] = real; /* lives until exit */
        a->argv = argv;
        a->link_program = name;
        return 0;
}

static int link_action(const struct cli_args *a) {
        char **dirs = NULL;
        int r;

        if (a->action == ACTION_UNLINK)
                return link_remove(a->link_dir) < 0 ? EXIT_LAUNCHER : 0;
        if (search_path(&dirs) < 0)
                return EXIT_LAUNCHER;
        r = link_create(a->link_dir, dirs);
        profile_strv_free(dirs);
        return r < 0 ? EXIT_LAUNCHER : 0;
}

int main(int argc, char **argv) {
        struct cli_args a;
        const char *link_name = NULL;
        int r;

        if (refuse_setid() < 0)
                return EXIT_LAUNCHER;
        if (argc > 0 && link_invoked_as(argv[0], &link_name)) {
                if (parse_link_invocation(link_name, argv, &a) < 0)
                        return 127;
        } else if (cli_parse(argc, argv, &a) < 0)
                return EXIT_LAUNCHER;
        log_set_level(a.verbosity < 0 ? LOG_ERR : a.verbosity > 0 ? LOG_DEBUG : LOG_ERR);
        switch (a.action) {
        case ACTION_HELP:
                cli_help(stdout);
                r = 0;
                break;
        case ACTION_VERSION:
                printf("sandbox %s\n", VERSION);
                r = 0;
                break;
        case ACTION_LIST_OPTIONS:
                cli_list_options(stdout);
                r = 0;
                break;
        case ACTION_LINK:
        case ACTION_UNLINK:
                r = link_action(&a);
                break;
        case ACTION_DUMP_KEYS:
                for (size_t i = 0; i < policy_n_keys; i++)
                        printf("%s\t%s\t%s\t%s\t%s\n", policy_keys[i].section, policy_keys[i].key,
                               policy_keys[i].def, policy_keys[i].help, policy_keys[i].type == KT_LIST ? "list" : "");
                r = 0;
                break;
        case ACTION_LIST_PROFILES:
                r = list_profiles();
                break;
        case ACTION_PRINT_PROFILE:
                r = print_profile(&a);
                break;
        case ACTION_CHECK:
                r = check_run(stdout);
                break;
        default:
                r = run(&a);
        }
        cli_args_free(&a);
        return r;
}
