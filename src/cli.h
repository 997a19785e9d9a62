/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cli.h - the command line: one option table drives getopt_long, --help
 * and the shell completions. Options that map to profile keys become
 * overrides applied after the profile.
 * Owns struct cli_args. Runs in the parent. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

enum cli_action {
        ACTION_RUN,
        ACTION_HELP,
        ACTION_VERSION,
        ACTION_CHECK,
        ACTION_LIST_PROFILES,
        ACTION_PRINT_PROFILE,
        ACTION_LIST_OPTIONS, /* for completions: one option per line */
        ACTION_DUMP_KEYS,    /* for the man page: the profile key table */
        ACTION_LINK,
        ACTION_UNLINK,
};

struct cli_override {
        char *assignment; /* "section.key=value" */
        const char *option; /* "--memory" */
};

struct cli_args {
        enum cli_action action;
        const char *profile;
        bool noprofile;
        const char *id;
        bool stats;
        const char *json;
        int verbosity; /* -1 quiet, 0 normal, 1 verbose */
        struct cli_override *overrides;
        size_t n_overrides;
        char **argv; /* program and its arguments (points into main's argv) */
        const char *print_program;
        const char *link_dir;      /* --link / --unlink */
        const char *link_program;  /* invoked through a link: the profile name */
};

/* Parses argv. Returns 0, or -EINVAL after printing one error line. */
int cli_parse(int argc, char **argv, struct cli_args *ret);
void cli_args_free(struct cli_args *a);
void cli_help(FILE *f);
/* Prints every long option and its value hint, for completions. */
void cli_list_options(FILE *f);
