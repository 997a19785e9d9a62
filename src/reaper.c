/* reaper.c - see reaper.h. Signals raised by the terminal (si_code
 * SI_KERNEL) reach the program directly, as it shares the process group,
 * so only signals sent with kill() are forwarded; that way Ctrl-C is
 * delivered once, not twice. */
#define _GNU_SOURCE
#include "reaper.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "fdutil.h"
#include "sync.h"
#include "sysfilter.h"

const int reaper_forwarded_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, 0};

static _Noreturn void finish(int sync_fd, int status) {
        (void)sync_send(sync_fd, STAGE_EXIT, 0, status, NULL);
        if (WIFEXITED(status))
                _exit(WEXITSTATUS(status));
        _exit(128 + WTERMSIG(status));
}

int reaper_lockdown(const struct policy *p) {
        int r;

        /* Not ptraceable and no core dumps (set before the fork already);
         * /proc/1/fd and /proc/1/mem are unreadable by the program. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                return -errno;
        /* No capabilities, no_new_privs, a filter of its own. */
        r = caps_drop_reaper(p);
        if (r < 0)
                return r;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        return sysfilter_load_reaper();
}

void reaper_run(int sigfd, int sync_fd, pid_t payload) {
        for (;;) {
                struct signalfd_siginfo si;
                ssize_t k = read_full(sigfd, &si, sizeof(si));

                if (k != (ssize_t)sizeof(si))
                        _exit(125);
                if (si.ssi_signo != SIGCHLD) {
                        if (si.ssi_code != SI_KERNEL)
                                (void)kill(payload, (int)si.ssi_signo);
                        continue;
                }
                for (;;) {
                        int status;
                        pid_t w = waitpid(-1, &status, WNOHANG);
                        if (w < 0 && errno == EINTR)
                                continue;
                        if (w <= 0)
                                break;
                        if (w == payload)
                                finish(sync_fd, status); /* the kernel kills the rest */
                }
        }
}
