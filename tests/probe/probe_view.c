/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* probe: `openmode r|w PATH...`, can the payload open each PATH for
 * reading or writing? Opens without O_CREAT, O_TRUNC or any read or write
 * (O_NONBLOCK, so /proc/kmsg does not block): nothing on the host changes
 * even when the open succeeds (/proc/sys/kernel/core_pattern).
 * Runs in: the sandboxed payload (t_fs.sh's /proc race).
 * Prints one line per PATH: `PATH=ok` or `PATH=ERRNAME`; exits 0.
 */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_openmode(int argc, char **argv);

int cmd_openmode(int argc, char **argv)
{
        int flags = O_NOCTTY | O_NONBLOCK | O_CLOEXEC;

        if (!strcmp(argv[1], "w"))
                flags |= O_WRONLY;
        else if (!strcmp(argv[1], "r"))
                flags |= O_RDONLY;
        else {
                fprintf(stderr, "usage: probe openmode r|w PATH...\n");
                return 2;
        }
        for (int i = 2; i < argc; i++) {
                int fd = open(argv[i], flags);

                printf("%s=%s\n", argv[i], fd < 0 ? probe_errname(errno) : "ok");
                if (fd >= 0)
                        close(fd);
        }
        return 0;
}

/* renamepath OLD NEW: rename(2); prints errno=0 or errno=NAME, exits 0
 * (the hide tests: a covered entry cannot be renamed, its parent can). */
int cmd_renamepath(int argc, char **argv);

int cmd_renamepath(int argc, char **argv)
{
        (void)argc;
        printf("errno=%s\n", rename(argv[1], argv[2]) < 0 ? probe_errname(errno) : "0");
        return 0;
}
