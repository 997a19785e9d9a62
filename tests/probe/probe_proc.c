/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* probe_proc.c - probes for hardening round 2 (issue 12): a daemon that
 * escapes its parent's session, for the PID-1 tree tests.
 * Owns nothing. Runs in the sandboxed payload. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* daemon FILE [MARKER]: double fork and setsid, like a classic daemon; the
 * grandchild writes its pid to FILE (FILE.tmp, then rename, so a reader
 * never sees half a number) and sleeps forever. The parent prints
 * daemon=PID and ready once FILE exists, then sleeps forever too. */
int cmd_daemon(int argc, char **argv)
{
        char tmp[4096], line[32];
        pid_t child, got = 0;
        int fd, st, n;

        (void)argc;
        snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
        fflush(NULL);
        child = fork();
        if (child < 0)
                return probe_fail_errno("fork", errno);
        if (child == 0) {
                if (setsid() < 0)
                        _exit(2);
                if (fork() != 0)
                        _exit(0); /* the grandchild is orphaned */
                fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                n = snprintf(line, sizeof(line), "%d\n", (int)getpid());
                if (fd < 0 || write(fd, line, (size_t)n) != n || close(fd) < 0 || rename(tmp, argv[1]) < 0)
                        _exit(3);
                for (;;)
                        pause();
        }
        while (waitpid(child, &st, 0) < 0 && errno == EINTR)
                ;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
                return probe_fail_errno("daemon", ECHILD);
        for (int i = 0; i < 2000 && !got; i++) { /* 10 s at most */
                FILE *f = fopen(argv[1], "re");
                if (f) {
                        int v = 0;
                        if (fscanf(f, "%d", &v) == 1)
                                got = v;
                        fclose(f);
                }
                if (!got)
                        probe_sleep(0.005);
        }
        if (!got)
                return probe_fail_errno("daemon pid file", ETIMEDOUT);
        printf("daemon=%d\nready\n", (int)got);
        fflush(stdout);
        for (;;)
                pause();
}
