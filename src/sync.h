/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sync.h - the parent/child channel: a SOCK_SEQPACKET pair carrying
 * fixed-size messages {stage, errno, status, detail}. The child reports
 * each failure as one message and exits; PID 1 reports the program's
 * wait status last. Owns struct sync_msg. Used by the parent, the child
 * setup and the PID-1 reaper. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum sync_stage {
        STAGE_GO = 1,      /* parent -> child: maps written, go on */
        STAGE_SETUP,       /* generic child setup */
        STAGE_MOUNTS,
        STAGE_HOSTNAME,
        STAGE_NETWORK,
        STAGE_FORK,
        STAGE_RLIMITS,
        STAGE_CREDENTIALS,
        STAGE_CAPABILITIES,
        STAGE_NO_NEW_PRIVS,
        STAGE_SECCOMP,
        STAGE_CWD,
        STAGE_EXEC,        /* execve failed: 126/127 */
        STAGE_READY,       /* child -> parent: setup finished */
        STAGE_EXIT,        /* PID 1 -> parent: program's wait status */
};

struct sync_msg {
        int stage;
        int err;    /* positive errno */
        int status; /* STAGE_EXIT: wait status */
        char detail[480];
};

/* Sends a message; returns 0 or -errno. detail may be NULL. */
int sync_send(int fd, int stage, int err, int status, const char *detail);
/* Sends detail "A\0B" (sync_detail_second() reads B); -ENAMETOOLONG
 * when both do not fit. */
int sync_send_pair(int fd, int stage, int err, int status, const char *a, const char *b);
/* The second string of a sync_send_pair() detail ("" if none). */
const char *sync_detail_second(const struct sync_msg *m);
/* Receives one message: 1 got one, 0 EOF, -errno on error. */
int sync_recv(int fd, struct sync_msg *m);
/* The same with up to SYNC_MAX_FDS descriptors attached (SCM_RIGHTS):
 * the parent hands PID 1 what it must hold for the sandbox's lifetime
 * (the veth address leases) along with "go". The received fds are
 * close-on-exec; *ret_n says how many (0 when none came). */
#define SYNC_MAX_FDS 32
int sync_send_fds(int fd, int stage, const int *fds, size_t n);
int sync_recv_fds(int fd, struct sync_msg *m, int *ret_fds, size_t max, size_t *ret_n);
const char *sync_stage_name(int stage);

/* Child side: report {stage, errno, detail} and _exit(125). */
_Noreturn void sync_fail(int fd, int stage, int err, const char *detail);
