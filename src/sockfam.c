/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sockfam.c - see sockfam.h.
 *
 * The filter is a second seccomp program, stacked under the syscall
 * filter (sysfilter_load installs it first): the kernel runs both and
 * keeps the strictest verdict, the later filter's errno winning a tie, so
 * a socket() the profile denies still fails with the profile's errno. It
 * is written by hand here (no libseccomp: building it costs nothing) and
 * runs about 6 to 10 instructions per syscall:
 *
 *   arch == native ?                    no: compat arch (or kill)
 *   nr (x86-64: x32 bit cleared) == socket or socketpair ?   no: ALLOW
 *   args[0] (low 32 bits: the kernel's int) in the list ?   ALLOW
 *   else ERRNO(EAFNOSUPPORT), what the kernel says for a family it lacks
 */
#define _GNU_SOURCE
#include "sockfam.h"

#include <endian.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "macro.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* linux/socket.h, AF_UNIX (1) .. AF_MCTP (45). */
static const char *const sf_names[] = {
        [1] = "unix",       [2] = "inet",      [3] = "ax25",     [4] = "ipx",        [5] = "appletalk",
        [6] = "netrom",     [7] = "bridge",    [8] = "atmpvc",   [9] = "x25",        [10] = "inet6",
        [11] = "rose",      [12] = "decnet",   [13] = "netbeui", [14] = "security",  [15] = "key",
        [16] = "netlink",   [17] = "packet",   [18] = "ash",     [19] = "econet",    [20] = "atmsvc",
        [21] = "rds",       [22] = "sna",      [23] = "irda",    [24] = "pppox",     [25] = "wanpipe",
        [26] = "llc",       [27] = "ib",       [28] = "mpls",    [29] = "can",       [30] = "tipc",
        [31] = "bluetooth", [32] = "iucv",     [33] = "rxrpc",   [34] = "isdn",      [35] = "phonet",
        [36] = "ieee802154", [37] = "caif",    [38] = "alg",     [39] = "nfc",       [40] = "vsock",
        [41] = "kcm",       [42] = "qipcrtr",  [43] = "smc",     [44] = "xdp",       [45] = "mctp",
};
_Static_assert(ELEMENTSOF(sf_names) <= 64, "families fit the mask");

#define SOCKFAM_ALL ((SOCKFAM_BIT(ELEMENTSOF(sf_names)) - 1) & ~SOCKFAM_BIT(0))

int sockfam_from_name(const char *name) {
        for (size_t f = 1; f < ELEMENTSOF(sf_names); f++)
                if (streq(sf_names[f], name))
                        return (int)f;
        if (streq(name, "local")) /* AF_LOCAL == AF_UNIX */
                return 1;
        return -EINVAL;
}

const char *sockfam_name(int f) {
        if (f <= 0 || f >= (int)ELEMENTSOF(sf_names))
                return NULL;
        return sf_names[f];
}

int sockfam_parse(const char *list, sockfam_mask *mask, char **ret_msg) {
        static const char sep[] = ", \t";
        sockfam_mask m = *mask;
        size_t count = 0;

        for (const char *s = list + strspn(list, sep); *s; s += strspn(s, sep)) {
                size_t n = strcspn(s, sep);
                char name[32];
                int f = -EINVAL;

                if (n < sizeof(name)) {
                        memcpy(name, s, n);
                        name[n] = 0;
                        f = sockfam_from_name(name);
                }
                if (f < 0) {
                        if (ret_msg)
                                *ret_msg = strprintf("unknown protocol '%.*s' (socket families, AF_NAME in lower "
                                                     "case: unix, inet, inet6, netlink, packet, vsock, alg, "
                                                     "bluetooth, can, ...)", (int)MIN(n, (size_t)64), s);
                        return -EINVAL;
                }
                m |= SOCKFAM_BIT(f);
                count++;
                s += n;
        }
        if (count == 0) {
                if (ret_msg)
                        *ret_msg = strprintf("empty protocol list (name the socket families to allow, e.g. unix)");
                return -EINVAL;
        }
        *mask = m;
        return 0;
}

sockfam_mask sockfam_allowed(const struct policy *p) {
        sockfam_mask m = 0;

        for (size_t i = 0; i < p->protocol.n; i++)
                if (sockfam_parse(p->protocol.items[i].value, &m, NULL) < 0)
                        return 0; /* validated when set: fail closed anyway */
        if (p->protocol.n == 0)
                (void)sockfam_parse(p->net_mode == NET_NONE ? SOCKFAM_DEFAULT_NONE : SOCKFAM_DEFAULT_CONNECTED, &m,
                                    NULL);
        return m;
}

char *sockfam_mask_text(sockfam_mask m) {
        char buf[512] = "";
        size_t len = 0;

        for (size_t f = 1; f < ELEMENTSOF(sf_names); f++)
                if (m & SOCKFAM_BIT(f))
                        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "", sf_names[f]);
        return strdup(buf);
}

/* ---- the program ------------------------------------------------------------ */

enum { L_NEXT = -1, L_CHECK, L_DENY, L_ALLOW, L_KILL, L_FOREIGN, L_N };

struct sf_asm {
        struct sock_filter *b;
        size_t n, cap;
        int8_t jt[SOCKFAM_MAX_INSNS], jf[SOCKFAM_MAX_INSNS]; /* labels */
        int label[L_N];
        bool full;
};

static void emit(struct sf_asm *a, uint16_t code, uint32_t k, int jt, int jf) {
        if (a->n >= a->cap || a->n >= SOCKFAM_MAX_INSNS) {
                a->full = true;
                return;
        }
        a->b[a->n] = (struct sock_filter)BPF_JUMP(code, k, 0, 0);
        a->jt[a->n] = (int8_t)jt;
        a->jf[a->n] = (int8_t)jf;
        a->n++;
}
#define LD(a, off) emit(a, BPF_LD | BPF_W | BPF_ABS, (uint32_t)(off), L_NEXT, L_NEXT)
#define JEQ(a, k, t, f) emit(a, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(k), t, f)
#define RET(a, k) emit(a, BPF_RET | BPF_K, (uint32_t)(k), L_NEXT, L_NEXT)
#define LABEL(a, l) ((a)->label[l] = (int)(a)->n)

/* The low 32 bits of args[0]: the kernel truncates an int argument. */
#define ARG0_LO (offsetof(struct seccomp_data, args[0]) + (__BYTE_ORDER == __LITTLE_ENDIAN ? 0 : 4))
#define X32_BIT 0x40000000u

/* The compat architecture of the native one, with its socket,
 * socketpair and socketcall numbers (arch/x86/entry/syscalls/
 * syscall_32.tbl, arch/arm/tools/syscall.tbl). */
struct sf_compat {
        uint32_t native, arch, socket, socketpair, socketcall;
};
static const struct sf_compat sf_compat[] = {
        {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, 359, 360, 102},
        {AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM, 281, 288, 102},
};

/* Foreign architectures: the compat one (when filtered) checks its own
 * numbers; socketcall's SOCKET (1) and SOCKETPAIR (8) cannot be checked
 * and fail; anything else is killed, like the syscall filter does. */
static void emit_foreign(struct sf_asm *a, uint32_t native, bool secondary) {
        const struct sf_compat *c = NULL;

        LABEL(a, L_FOREIGN);
        for (size_t i = 0; i < ELEMENTSOF(sf_compat); i++)
                if (sf_compat[i].native == native)
                        c = &sf_compat[i];
        if (!secondary || !c) {
                RET(a, SECCOMP_RET_KILL_PROCESS);
                return;
        }
        JEQ(a, c->arch, L_NEXT, L_KILL);
        LD(a, offsetof(struct seccomp_data, nr));
        JEQ(a, c->socket, L_CHECK, L_NEXT);
        JEQ(a, c->socketpair, L_CHECK, L_NEXT);
        JEQ(a, c->socketcall, L_NEXT, L_ALLOW);
        LD(a, ARG0_LO);
        JEQ(a, 1, L_DENY, L_NEXT);
        JEQ(a, 8, L_DENY, L_ALLOW);
}

/* Resolves the label jumps; false if one is out of reach (cannot happen
 * within SOCKFAM_MAX_INSNS). */
static bool resolve(struct sf_asm *a) {
        for (size_t i = 0; i < a->n; i++) {
                int t = a->jt[i] < 0 ? (int)i + 1 : a->label[a->jt[i]];
                int f = a->jf[i] < 0 ? (int)i + 1 : a->label[a->jf[i]];
                if (BPF_CLASS(a->b[i].code) != BPF_JMP)
                        continue;
                if (t <= (int)i || f <= (int)i || t - (int)i - 1 > 255 || f - (int)i - 1 > 255)
                        return false;
                a->b[i].jt = (uint8_t)(t - (int)i - 1);
                a->b[i].jf = (uint8_t)(f - (int)i - 1);
        }
        return true;
}

int sockfam_program(sockfam_mask allow, uint32_t native, bool secondary, struct sock_filter *buf, size_t cap) {
        struct sf_asm a = {.b = buf, .cap = cap};

        if ((allow & SOCKFAM_ALL) == SOCKFAM_ALL)
                return 0;
        for (size_t i = 0; i < L_N; i++)
                a.label[i] = -1;
        LD(&a, offsetof(struct seccomp_data, arch));
        JEQ(&a, native, L_NEXT, L_FOREIGN);
        LD(&a, offsetof(struct seccomp_data, nr));
        if (native == AUDIT_ARCH_X86_64) /* x32: the same numbers plus X32_BIT */
                emit(&a, BPF_ALU | BPF_AND | BPF_K, ~X32_BIT, L_NEXT, L_NEXT);
        JEQ(&a, __NR_socket, L_CHECK, L_NEXT);
        JEQ(&a, __NR_socketpair, L_CHECK, L_ALLOW);
        emit_foreign(&a, native, secondary);
        LABEL(&a, L_CHECK);
        LD(&a, ARG0_LO);
        for (size_t f = 1; f < 64; f++)
                if (allow & SOCKFAM_BIT(f))
                        JEQ(&a, f, L_ALLOW, L_NEXT);
        LABEL(&a, L_DENY);
        RET(&a, SECCOMP_RET_ERRNO | (EAFNOSUPPORT & SECCOMP_RET_DATA));
        LABEL(&a, L_ALLOW);
        RET(&a, SECCOMP_RET_ALLOW);
        LABEL(&a, L_KILL);
        RET(&a, SECCOMP_RET_KILL_PROCESS);
        if (a.full || !resolve(&a))
                return -E2BIG;
        return (int)a.n;
}
