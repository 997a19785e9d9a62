/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* probe: `perms OP ARGS...`, permission checks.
 * Owns: the owner-permission walk (`perms noread DIR...`).
 * Runs in: the sandboxed payload.
 *
 * `noread DIR...` walks each DIR without following symbolic links or
 * crossing into unreadable directories, and opens every regular file for
 * reading. A file whose mode gives "other" no read permission must fail
 * with EACCES for a program that is neither its owner nor in its group and
 * has no capabilities; a file with o+r must open. Prints checked=N
 * (files), denied=N, readable=N, then one `leak=PATH` per file without
 * o+r that opened and one `odd=PATH errno=NAME` per other surprise; exits
 * 0 (the test judges), 2 on usage errors. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cmd_perms(int argc, char **argv);

static long checked, denied, readable;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        int fd;

        (void)ftw;
        if (type != FTW_F || !S_ISREG(st->st_mode))
                return 0;
        checked++;
        fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0)
                close(fd);
        if (!(st->st_mode & S_IROTH)) {
                if (fd >= 0)
                        printf("leak=%s\n", path);
                else if (errno == EACCES)
                        denied++;
                else
                        printf("odd=%s errno=%s\n", path, probe_errname(errno));
        } else if (fd >= 0)
                readable++;
        else if (errno != EACCES) /* o+r but a group/owner bit denies it */
                printf("odd=%s errno=%s\n", path, probe_errname(errno));
        return 0;
}

int cmd_perms(int argc, char **argv)
{
        if (argc >= 3 && strcmp(argv[1], "noread") == 0) {
                for (int i = 2; i < argc; i++)
                        if (nftw(argv[i], visit, 32, FTW_PHYS) < 0)
                                printf("odd=%s errno=%s\n", argv[i], probe_errname(errno));
                printf("checked=%ld\ndenied=%ld\nreadable=%ld\n", checked, denied, readable);
                return 0;
        }
        fprintf(stderr, "usage: probe perms noread DIR...\n");
        return 2;
}
