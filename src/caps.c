/* caps.c - see caps.h. The only file that includes <sys/capability.h>.
 * libcap's -1+errno is turned into -errno here. */
#define _GNU_SOURCE
#include "caps.h"

#include <errno.h>
#include <linux/securebits.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "macro.h"

bool caps_name_valid(const char *name) {
        cap_value_t v;
        _cleanup_free_ char *lower = strdup(name);

        if (!lower)
                return false;
        for (char *c = lower; *c; c++)
                *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        return cap_from_name(lower, &v) == 0 && v >= 0 && v <= caps_last_cap();
}

int caps_last_cap(void) { return (int)cap_max_bits() - 1; }

static bool kept(const struct policy *p, cap_value_t cap) {
        for (size_t i = 0; i < p->cap_keep.n; i++) {
                cap_value_t v;
                _cleanup_free_ char *lower = strdup(p->cap_keep.items[i].value);
                if (!lower)
                        continue;
                for (char *c = lower; *c; c++)
                        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
                if (cap_from_name(lower, &v) == 0 && v == cap)
                        return true;
        }
        return false;
}

int caps_drop(const struct policy *p, bool keep_sys_admin) {
        int last = caps_last_cap();
        cap_t caps;
        int r = 0;

        /* Bounding set first: it needs CAP_SETPCAP, which goes below. */
        for (cap_value_t c = 0; c <= last; c++)
                if (!kept(p, c) && prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1 && cap_drop_bound(c) < 0)
                        return negative_errno();
        if (cap_reset_ambient() < 0 && errno != EINVAL)
                return negative_errno();
        caps = cap_init(); /* all clear */
        if (!caps)
                return -ENOMEM;
        for (cap_value_t c = 0; c <= last && r == 0; c++) {
                bool k = kept(p, c);
                if (k && (cap_set_flag(caps, CAP_PERMITTED, 1, &c, CAP_SET) < 0 ||
                          cap_set_flag(caps, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0 ||
                          cap_set_flag(caps, CAP_INHERITABLE, 1, &c, CAP_SET) < 0))
                        r = negative_errno();
                if (!k && keep_sys_admin && c == CAP_SYS_ADMIN &&
                    (cap_set_flag(caps, CAP_PERMITTED, 1, &c, CAP_SET) < 0 ||
                     cap_set_flag(caps, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0))
                        r = negative_errno();
        }
        if (r == 0 && cap_set_proc(caps) < 0)
                r = negative_errno();
        cap_free(caps);
        if (r < 0)
                return r;
        /* Kept capabilities survive execve as a non-root uid only through
         * the ambient set (capabilities(7)). */
        for (size_t i = 0; i < p->cap_keep.n; i++)
                for (cap_value_t c = 0; c <= last; c++)
                        if (kept(p, c) && cap_set_ambient(c, CAP_SET) < 0)
                                return negative_errno();
        return 0;
}
