/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cli.c - see cli.h. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "macro.h"

enum {
        OPT_SET = 0x100, OPT_PROFILE, OPT_NOPROFILE, OPT_ID, OPT_STATS, OPT_JSON, OPT_QUIET, OPT_VERBOSE,
        OPT_HELP, OPT_VERSION, OPT_CHECK, OPT_LIST_PROFILES, OPT_PRINT_PROFILE, OPT_LIST_OPTIONS, OPT_DUMP_KEYS, OPT_LINK, OPT_UNLINK, OPT_KEY,
};

struct cli_option {
        const char *name;
        int id;
        int has_arg;
        const char *key;   /* section.key for OPT_KEY */
        const char *arg;   /* argument name in --help; also the completion hint */
        const char *help;
};

static const struct cli_option options[] = {
        {"profile", OPT_PROFILE, 1, NULL, "NAME|PATH", "Use this profile instead of the program's"},
        {"noprofile", OPT_NOPROFILE, 0, NULL, NULL, "Use only the built-in default profile"},
        {"set", OPT_SET, 1, NULL, "SECTION.KEY=VALUE", "Set any profile key (repeatable)"},
        {"id", OPT_ID, 1, NULL, "NAME", "Name of this sandbox (default PROGRAM-PID)"},
        {"memory", OPT_KEY, 1, "limits.memory", "SIZE", "Memory limit, e.g. 256M"},
        {"cpu", OPT_KEY, 1, "limits.cpu", "PERCENT", "CPU limit in percent of one CPU"},
        {"pids", OPT_KEY, 1, "limits.pids", "N", "Limit on processes and threads"},
        {"timeout", OPT_KEY, 1, "limits.timeout", "DURATION", "Kill everything after this long (exit 124)"},
        {"seccomp", OPT_KEY, 1, "seccomp.profile", "PROFILE", "Built-in syscall profile"},
        {"net", OPT_KEY, 1, "network.mode", "none|host|veth", "Network mode"},
        {"protocol", OPT_KEY, 1, "network.protocol", "FAMILY,...", "Socket families the program may create"},
        {"bind", OPT_KEY, 1, "filesystem.bind", "SRC[:DST]", "Bind a path read-write"},
        {"ro-bind", OPT_KEY, 1, "filesystem.ro-bind", "SRC[:DST]", "Bind a path read-only"},
        {"tmpfs", OPT_KEY, 1, "filesystem.tmpfs", "DIR", "Mount an empty tmpfs"},
        {"overlay", OPT_KEY, 1, "filesystem.overlay", "DIR[:UPPER]", "Copy-on-write view of DIR"},
        {"chroot", OPT_KEY, 1, "filesystem.root", "DIR", "Use DIR as the root"},
        {"uid", OPT_KEY, 1, "process.uid", "UID", "Run as this user id"},
        {"gid", OPT_KEY, 1, "process.gid", "GID", "Run as this group id"},
        {"env", OPT_KEY, 1, "environment.set", "NAME=VALUE", "Set an environment variable"},
        {"hostname", OPT_KEY, 1, "process.hostname", "NAME", "Host name inside"},
        {"stats", OPT_STATS, 0, NULL, NULL, "Print a summary of the run on stderr"},
        {"json", OPT_JSON, 1, NULL, "FILE|-", "Write the run report as JSON"},
        {"quiet", OPT_QUIET, 0, NULL, NULL, "Print only errors of the program, none of the launcher's notices"},
        {"verbose", OPT_VERBOSE, 0, NULL, NULL, "Explain what the launcher does"},
        {"check", OPT_CHECK, 0, NULL, NULL, "Check the system's requirements"},
        {"list-profiles", OPT_LIST_PROFILES, 0, NULL, NULL, "List the profiles found"},
        {"print-profile", OPT_PRINT_PROFILE, 1, NULL, "PROGRAM", "Print the resolved policy for PROGRAM"},
        {"link", OPT_LINK, 1, NULL, "DIR", "Create links in DIR so that PROGRAM runs sandboxed"},
        {"unlink", OPT_UNLINK, 1, NULL, "DIR", "Remove the links --link created in DIR"},
        {"help", OPT_HELP, 0, NULL, NULL, "Show this help"},
        {"version", OPT_VERSION, 0, NULL, NULL, "Show the version"},
        {"list-options", OPT_LIST_OPTIONS, 0, NULL, NULL, NULL}, /* hidden: for completions */
        {"dump-keys", OPT_DUMP_KEYS, 0, NULL, NULL, NULL},       /* hidden: for the man page */
};

/* getopt_long returns the table index; keep it clear of '?' and ':'. */
_Static_assert(ELEMENTSOF(options) < ':', "too many options for index-valued getopt");

void cli_help(FILE *f) {
        fprintf(f, "Usage: sandbox [OPTIONS] [--] PROGRAM [ARGS...]\n"
                   "Run PROGRAM in a sandbox described by its profile (PROGRAM.conf on the profile path).\n\n");
        for (size_t i = 0; i < ELEMENTSOF(options); i++) {
                char left[64];
                if (!options[i].help)
                        continue;
                snprintf(left, sizeof(left), "--%s%s%s", options[i].name, options[i].arg ? " " : "",
                         options[i].arg ? options[i].arg : "");
                fprintf(f, "  %-30s %s\n", left, options[i].help);
        }
        fprintf(f, "\nExit status: the program's; 128+N if killed by signal N; 124 timeout;\n"
                   "125 launcher error; 126 not executable; 127 not found. See sandbox(1).\n");
}

void cli_list_options(FILE *f) {
        for (size_t i = 0; i < ELEMENTSOF(options); i++)
                if (options[i].help)
                        fprintf(f, "--%s\t%s\n", options[i].name, options[i].arg ? options[i].arg : "");
}

static int add_override(struct cli_args *a, const char *key, const char *value, const char *option) {
        struct cli_override *n = realloc(a->overrides, (a->n_overrides + 1) * sizeof(*n));
        char *s = NULL;

        if (!n)
                return -ENOMEM;
        a->overrides = n;
        if (key) {
                if (asprintf(&s, "%s=%s", key, value) < 0)
                        return -ENOMEM;
        } else if (!(s = strdup(value)))
                return -ENOMEM;
        n[a->n_overrides++] = (struct cli_override){s, option};
        return 0;
}

static int handle(struct cli_args *a, const struct cli_option *o, const char *arg) {
        switch (o->id) {
        case OPT_KEY:
                return add_override(a, o->key, arg, o->name);
        case OPT_SET:
                return add_override(a, NULL, arg, "set");
        case OPT_PROFILE:
                a->profile = arg;
                return 0;
        case OPT_NOPROFILE:
                a->noprofile = true;
                return 0;
        case OPT_ID:
                a->id = arg;
                return 0;
        case OPT_STATS:
                a->stats = true;
                return 0;
        case OPT_JSON:
                a->json = arg;
                return 0;
        case OPT_QUIET:
                a->verbosity = -1;
                return 0;
        case OPT_VERBOSE:
                a->verbosity = 1;
                return 0;
        case OPT_HELP:
                a->action = ACTION_HELP;
                return 0;
        case OPT_VERSION:
                a->action = ACTION_VERSION;
                return 0;
        case OPT_CHECK:
                a->action = ACTION_CHECK;
                return 0;
        case OPT_LIST_PROFILES:
                a->action = ACTION_LIST_PROFILES;
                return 0;
        case OPT_PRINT_PROFILE:
                a->action = ACTION_PRINT_PROFILE;
                a->print_program = arg;
                return 0;
        case OPT_LIST_OPTIONS:
                a->action = ACTION_LIST_OPTIONS;
                return 0;
        case OPT_LINK:
        case OPT_UNLINK:
                a->action = o->id == OPT_LINK ? ACTION_LINK : ACTION_UNLINK;
                a->link_dir = arg;
                return 0;
        case OPT_DUMP_KEYS:
                a->action = ACTION_DUMP_KEYS;
                return 0;
        }
        return -EINVAL;
}

int cli_parse(int argc, char **argv, struct cli_args *a) {
        struct option longopts[ELEMENTSOF(options) + 1];
        int c, idx, r;

        memset(a, 0, sizeof(*a));
        for (size_t i = 0; i < ELEMENTSOF(options); i++)
                longopts[i] = (struct option){options[i].name, options[i].has_arg, NULL, (int)i};
        longopts[ELEMENTSOF(options)] = (struct option){0};
        opterr = 0;
        optind = 0; /* 0: glibc also forgets the state of an earlier short-option cluster */
        /* '+': stop at the program name, so its own options stay its own. */
        while ((c = getopt_long(argc, argv, "+:", longopts, &idx)) != -1) {
                if (c == '?' || c == ':') {
                        if (c == ':' && optopt >= 0 && optopt < (int)ELEMENTSOF(options))
                                log_error("option '--%s' needs an argument (see --help)", options[optopt].name);
                        else if (optopt > ' ') /* inside a cluster like -la: argv[optind-1] is not it */
                                log_error("unknown option '-%c' (see --help)", optopt);
                        else
                                log_error("unknown option '%s' (see --help)", argv[optind - 1]);
                        cli_args_free(a);
                        return -EINVAL;
                }
                r = handle(a, &options[c], optarg);
                if (r < 0) {
                        cli_args_free(a);
                        return log_error_errno(r, "out of memory");
                }
        }
        a->argv = argv + optind;
        if (a->action == ACTION_RUN && !a->argv[0]) {
                log_error("no program given (usage: sandbox [OPTIONS] [--] PROGRAM [ARGS...]; see --help)");
                cli_args_free(a);
                return -EINVAL;
        }
        return 0;
}

void cli_args_free(struct cli_args *a) {
        for (size_t i = 0; i < a->n_overrides; i++)
                free(a->overrides[i].assignment);
        free(a->overrides);
        a->overrides = NULL;
        a->n_overrides = 0;
}
