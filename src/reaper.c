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
#include "proctree.h"
#include "sync.h"
#include "sysfilter.h"

const int reaper_forwarded_signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, 0};

/* The program's status goes to the launcher first: if anything after it
 * fails, the launcher still reports the program's, not PID 1's. Without
 * a PID namespace, nothing ends the rest of the tree when PID 1 exits:
 * it kills it itself. */
static _Noreturn void finish(const struct reaper_ctx *c, int status) {
        (void)sync_send(c->sync_fd, STAGE_EXIT, 0, status, NULL);
        if (c->children_fd >= 0)
                (void)proctree_kill(c->children_fd);
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

/* The launcher died (REAPER_PARENT_DEATH_SIGNAL, sent by the kernel on
 * its behalf, so ssi_pid is the launcher's and cannot be forged): the
 * tree goes with it. */
static bool parent_died(const struct reaper_ctx *c, const struct signalfd_siginfo *si) {
        return c->children_fd >= 0 && si->ssi_signo == REAPER_PARENT_DEATH_SIGNAL && si->ssi_code == SI_USER &&
               (pid_t)si->ssi_pid == c->launcher;
}

void reaper_run(const struct reaper_ctx *c) {
        for (;;) {
                struct signalfd_siginfo si;
                ssize_t k = read_full(c->sigfd, &si, sizeof(si));

                if (k != (ssize_t)sizeof(si))
                        _exit(125);
                if (parent_died(c, &si)) {
                        (void)proctree_kill(c->children_fd);
                        _exit(125);
                }
                if (si.ssi_signo != SIGCHLD) {
                        if (si.ssi_code != SI_KERNEL)
                                (void)kill(c->payload, (int)si.ssi_signo);
                        continue;
                }
                for (;;) {
                        int status;
                        pid_t w = waitpid(-1, &status, WNOHANG);
                        if (w < 0 && errno == EINTR)
                                continue;
                        if (w <= 0)
                                break;
                        if (w == c->payload)
                                finish(c, status); /* with a PID namespace the kernel kills the rest */
                }
        }
}
