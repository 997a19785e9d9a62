/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sync.c - see sync.h. */
#define _GNU_SOURCE
#include "sync.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "macro.h"

static int send_msg(int fd, const struct sync_msg *mp) {
        ssize_t k;

        do
                k = send(fd, mp, sizeof(*mp), MSG_NOSIGNAL);
        while (k < 0 && errno == EINTR);
        /* The program's filter may deny the socket calls (the minimal,
         * io-heavy and compute profiles do): write() sends the same
         * message on this socket. */
        if (k < 0 && (errno == EPERM || errno == ENOSYS || errno == EACCES))
                do
                        k = write(fd, mp, sizeof(*mp));
                while (k < 0 && errno == EINTR);
        if (k < 0)
                return negative_errno();
        return k == (ssize_t)sizeof(*mp) ? 0 : -EIO;
}

int sync_send(int fd, int stage, int err, int status, const char *detail) {
        struct sync_msg m = {.stage = stage, .err = err, .status = status};

        if (detail)
                snprintf(m.detail, sizeof(m.detail), "%s", detail);
        return send_msg(fd, &m);
}

int sync_send_pair(int fd, int stage, int err, int status, const char *a, const char *b) {
        struct sync_msg m = {.stage = stage, .err = err, .status = status};
        size_t na = strlen(a), nb = strlen(b);

        if (na + 1 + nb + 1 > sizeof(m.detail))
                return -ENAMETOOLONG;
        memcpy(m.detail, a, na + 1);
        memcpy(m.detail + na + 1, b, nb + 1);
        return send_msg(fd, &m);
}

const char *sync_detail_second(const struct sync_msg *m) {
        size_t n = strnlen(m->detail, sizeof(m->detail));

        return n + 1 < sizeof(m->detail) ? m->detail + n + 1 : "";
}

int sync_recv(int fd, struct sync_msg *m) {
        ssize_t k;

        do
                k = recv(fd, m, sizeof(*m), 0);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return negative_errno();
        if (k == 0)
                return 0;
        if (k != (ssize_t)sizeof(*m))
                return -EBADMSG;
        m->detail[sizeof(m->detail) - 1] = 0;
        return 1;
}

int sync_send_fds(int fd, int stage, const int *fds, size_t n) {
        struct sync_msg m = {.stage = stage};
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int) * SYNC_MAX_FDS)];
        } c = {0};
        struct iovec iov = {.iov_base = &m, .iov_len = sizeof(m)};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
        ssize_t k;

        if (n > SYNC_MAX_FDS)
                return -E2BIG;
        if (n > 0) {
                mh.msg_control = c.buf;
                mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
                c.h.cmsg_level = SOL_SOCKET;
                c.h.cmsg_type = SCM_RIGHTS;
                c.h.cmsg_len = CMSG_LEN(sizeof(int) * n);
                memcpy(CMSG_DATA(&c.h), fds, sizeof(int) * n);
        }
        do
                k = sendmsg(fd, &mh, MSG_NOSIGNAL);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return negative_errno();
        return k == (ssize_t)sizeof(m) ? 0 : -EIO;
}

int sync_recv_fds(int fd, struct sync_msg *m, int *ret_fds, size_t max, size_t *ret_n) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int) * SYNC_MAX_FDS)];
        } c;
        struct iovec iov = {.iov_base = m, .iov_len = sizeof(*m)};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf, .msg_controllen = sizeof(c.buf)};
        size_t n = 0;
        ssize_t k;

        do
                k = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return negative_errno();
        for (struct cmsghdr *h = CMSG_FIRSTHDR(&mh); h; h = CMSG_NXTHDR(&mh, h)) {
                if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
                        continue;
                for (size_t i = 0; i < (h->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
                        int got;
                        memcpy(&got, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
                        if (n < max)
                                ret_fds[n++] = got;
                        else
                                close(got);
                }
        }
        *ret_n = n;
        if (k == 0)
                return 0;
        if (k != (ssize_t)sizeof(*m) || (mh.msg_flags & MSG_CTRUNC))
                return -EBADMSG;
        m->detail[sizeof(m->detail) - 1] = 0;
        return 1;
}

const char *sync_stage_name(int stage) {
        static const char *const names[] = {
                [STAGE_GO] = "start",
                [STAGE_SETUP] = "set up the sandbox",
                [STAGE_MOUNTS] = "set up the filesystem",
                [STAGE_HOSTNAME] = "set the host name",
                [STAGE_NETWORK] = "set up the network",
                [STAGE_FORK] = "start the program",
                [STAGE_RLIMITS] = "set resource limits",
                [STAGE_CREDENTIALS] = "switch user and group",
                [STAGE_CAPABILITIES] = "drop capabilities",
                [STAGE_NO_NEW_PRIVS] = "set no_new_privs",
                [STAGE_SECCOMP] = "load the syscall filter",
                [STAGE_CWD] = "change directory",
                [STAGE_EXEC] = "execute",
                [STAGE_READY] = "finish setup",
                [STAGE_EXIT] = "wait",
        };
        if (stage <= 0 || stage >= (int)ELEMENTSOF(names) || !names[stage])
                return "set up";
        return names[stage];
}

void sync_fail(int fd, int stage, int err, const char *detail) {
        (void)sync_send(fd, stage, err, 0, detail);
        _exit(125);
}
