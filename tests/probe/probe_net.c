/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* probe: `socket FAMILY TYPE` and `socketpair FAMILY TYPE`, raw socket(2)
 * and socketpair(2) calls for the socket-family filter ([network]
 * protocol; issue 12 item 5).
 * Owns: the family and type name tables.
 * Runs in: the sandboxed payload.
 *
 * FAMILY is a name (unix inet inet6 netlink packet vsock alg bluetooth) or
 * a number, TYPE stream, dgram, seqpacket, raw or a number. The calls are
 * made with syscall(2) (no libc fallback, no socketcall). Prints
 * `socket=ok` (the fd is closed again) and exits 0, or `errno=NAME` and
 * exits 1.
 */
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
        const char *name;
        long value;
} names[] = {
        { "unix", AF_UNIX },          { "inet", AF_INET },       { "inet6", AF_INET6 },
        { "netlink", AF_NETLINK },    { "packet", AF_PACKET },   { "vsock", 40 /* AF_VSOCK */ },
        { "alg", 38 /* AF_ALG */ },   { "bluetooth", AF_BLUETOOTH },
        { "stream", SOCK_STREAM },    { "dgram", SOCK_DGRAM },   { "seqpacket", SOCK_SEQPACKET },
        { "raw", SOCK_RAW },
};

static long lookup(const char *s, const char *what)
{
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (!strcmp(names[i].name, s))
                        return names[i].value;
        return probe_parse_long(s, what);
}

int cmd_socket(int argc, char **argv)
{
        long fam = lookup(argv[1], "family"), type = lookup(argv[2], "type");
        int sv[2];
        long r;

        (void)argc;
        if (!strcmp(argv[0], "socketpair"))
                r = syscall(SYS_socketpair, fam, type | SOCK_CLOEXEC, 0L, sv);
        else
                r = syscall(SYS_socket, fam, type | SOCK_CLOEXEC, 0L);
        if (r < 0)
                return probe_fail_errno(argv[0], errno);
        if (!strcmp(argv[0], "socketpair")) {
                close(sv[0]);
                close(sv[1]);
        } else
                close((int)r);
        printf("%s=ok\n", argv[0]);
        return 0;
}
