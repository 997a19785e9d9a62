/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* caps.c - see caps.h. The only file that includes <sys/capability.h>.
 * libcap's -1+errno is turned into -errno here. Capability sets are passed
 * around as uint64_t bit masks (bit N = capability N). */
#define _GNU_SOURCE
#include "caps.h"

#include <errno.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "macro.h"
#include "value.h"

#define CAP_BIT(c) (UINT64_C(1) << (c))

_Static_assert(CAP_LAST_CAP < 64, "capability masks are 64 bits");

/* For _cleanup_: libcap objects (cap_t, names) are freed with cap_free(). */
static void caps_freep(void *p) {
        void **pp = p;
        if (*pp)
                cap_free(*pp);
}

int caps_last_cap(void) { return (int)cap_max_bits() - 1; }

/* "CAP_NET_RAW" in any case -> its number, or -EINVAL. */
static int caps_from_name(const char *name) {
        char lower[64];
        cap_value_t v;
        size_t i;

        for (i = 0; i < sizeof(lower) - 1 && name[i]; i++)
                lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
        lower[i] = 0;
        if (name[i] || strncmp(lower, "cap_", 4) != 0 || cap_from_name(lower, &v) < 0)
                return -EINVAL;
        return v >= 0 && v <= caps_last_cap() && v < 64 ? (int)v : -EINVAL;
}

bool caps_name_valid(const char *name) { return caps_from_name(name) >= 0; }

void caps_suggest(const char *name, char *buf, size_t len) {
        unsigned best = 4;

        if (len)
                buf[0] = 0;
        for (int c = 0; c <= caps_last_cap() && c < 64; c++) {
                _cleanup_(caps_freep) char *n = cap_to_name((cap_value_t)c);
                char upper[64];
                size_t i;
                unsigned d;

                if (!n)
                        continue;
                for (i = 0; i < sizeof(upper) - 1 && n[i]; i++)
                        upper[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 32 : n[i]);
                upper[i] = 0;
                d = value_edit_distance(name, upper);
                if (d < best && len) {
                        best = d;
                        snprintf(buf, len, "%s", upper);
                }
        }
}

static int caps_keep_mask(const struct policy *p, uint64_t *ret) {
        uint64_t m = 0;

        for (size_t i = 0; i < p->cap_keep.n; i++) {
                int c = caps_from_name(p->cap_keep.items[i].value);
                if (c < 0)
                        return c;
                m |= CAP_BIT(c);
        }
        *ret = m;
        return 0;
}

int caps_check_launch(const struct policy *p, bool as_root, const char **ret_key) {
        if (as_root)
                return 0;
        if (p->cap_keep.n > 0) {
                *ret_key = "keep";
                return -EPERM;
        }
        if (!p->no_new_privs) {
                *ret_key = "no-new-privs";
                return -EPERM;
        }
        return 0;
}

/* effective := permitted: after a uid change the kernel cleared the
 * effective set (capabilities(7)); the drops below need CAP_SETPCAP. */
static int caps_raise_effective(void) {
        _cleanup_(caps_freep) cap_t c = cap_get_proc();

        if (!c)
                return negative_errno();
        if (cap_fill(c, CAP_EFFECTIVE, CAP_PERMITTED) < 0 || cap_set_proc(c) < 0)
                return negative_errno();
        return 0;
}

/* Bounding set down to keep; needs CAP_SETPCAP. One prctl per capability:
 * dropping one that is not in the set is not an error, so no read first. */
static int caps_drop_bounding(uint64_t keep) {
        int last = caps_last_cap();

        for (int c = 0; c <= last; c++)
                if (!(keep & CAP_BIT(c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
                        return negative_errno();
        return 0;
}

/* permitted = effective = pe, inheritable = inh. */
static int caps_set_sets(uint64_t pe, uint64_t inh) {
        _cleanup_(caps_freep) cap_t c = cap_init();

        if (!c)
                return -ENOMEM;
        for (cap_value_t v = 0; v <= caps_last_cap(); v++) {
                if ((pe & CAP_BIT(v)) && (cap_set_flag(c, CAP_PERMITTED, 1, &v, CAP_SET) < 0 ||
                                          cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0))
                        return negative_errno();
                if ((inh & CAP_BIT(v)) && cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_SET) < 0)
                        return negative_errno();
        }
        return cap_set_proc(c) < 0 ? negative_errno() : 0;
}

/* Ambient set = keep (each needs to be permitted and inheritable). */
static int caps_set_ambient(uint64_t keep) {
        int last = caps_last_cap();

        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return negative_errno();
        for (int c = 0; c <= last; c++)
                if ((keep & CAP_BIT(c)) && cap_set_ambient((cap_value_t)c, CAP_SET) < 0)
                        return negative_errno();
        return 0;
}

/* Root gets no capabilities from execve (kept ones travel in the ambient
 * set), the program cannot raise ambient capabilities, uid changes keep
 * clearing capabilities; all locked. Needs CAP_SETPCAP. */
static int caps_lock_securebits(void) {
        unsigned bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP_LOCKED |
                        SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
                        SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;

        return cap_set_secbits(bits) < 0 ? negative_errno() : 0;
}

int caps_bound_to_keep(const struct policy *p) {
        uint64_t keep;
        int r = caps_keep_mask(p, &keep);

        return r < 0 ? r : caps_drop_bounding(keep);
}

int caps_drop(const struct policy *p, bool keep_sys_admin, bool bounded) {
        uint64_t keep, extra = keep_sys_admin ? CAP_BIT(CAP_SYS_ADMIN) : 0;
        int r = caps_keep_mask(p, &keep);

        if (r == 0)
                r = caps_raise_effective();
        if (r == 0 && !bounded)
                r = caps_drop_bounding(keep);
        /* CAP_SETPCAP stays until the securebits are locked. */
        if (r == 0)
                r = caps_set_sets(keep | extra | CAP_BIT(CAP_SETPCAP), keep);
        if (r == 0)
                r = caps_set_ambient(keep);
        if (r == 0)
                r = caps_lock_securebits();
        if (r == 0)
                r = caps_set_sets(keep | extra, keep);
        return r;
}

int caps_drop_reaper(const struct policy *p, bool keep_setid) {
        uint64_t keep = keep_setid ? CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID) : 0, left;
        int r = caps_keep_mask(p, &left);

        if (r == 0)
                r = caps_raise_effective();
        /* the bounding set holds only the keep list now: drop those */
        for (int c = 0; r == 0 && c <= caps_last_cap(); c++)
                if ((left & CAP_BIT(c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
                        r = negative_errno();
        if (r == 0)
                r = caps_set_ambient(0);
        if (r == 0)
                r = caps_set_sets(keep, 0);
        return r;
}

int caps_clear(void) { return caps_set_sets(0, 0); }
