/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* reaper.c - see reaper.h. Signals raised by the terminal (si_code
 * SI_KERNEL) reach the program directly, as it shares the process group,
 * so only signals sent with kill() are forwarded; that way Ctrl-C is
 * delivered once, not twice. */
#define _GNU_SOURCE
#include "reaper.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <grp.h>
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

/* PID 1 takes the program's uid and gid, so that it can signal the
 * program (forwarding, the tree kill) without CAP_KILL. */
static int take_ids(const struct reaper_ids *ids) {
        if (setgroups(0, NULL) < 0 || setresgid(ids->gid, ids->gid, ids->gid) < 0 ||
            setresuid(ids->uid, ids->uid, ids->uid) < 0)
                return -errno;
        return caps_clear(); /* the kernel cleared them, unless the uid stays 0 */
}

int reaper_lockdown(const struct policy *p, const struct reaper_ids *ids) {
        int r;

        /* No capabilities: only the two for the id switch until it is done. */
        r = caps_drop_reaper(p, ids != NULL);
        if (r == 0 && ids)
                r = take_ids(ids);
        if (r < 0)
                return r;
        /* Not ptraceable and no core dumps (set before the fork already,
         * again here: a change of the effective ids resets it to
         * fs.suid_dumpable); /proc/1/fd and /proc/1/mem are unreadable
         * by the program. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                return -errno;
        /* no_new_privs, a filter of its own. */
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
