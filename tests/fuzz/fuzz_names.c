/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz_names.c - fuzz target for the name and value parsers behind the
 * [seccomp] and [capabilities] keys and the value grammar: each input line
 * is tried as a syscall or @group name, a capability name, and as every
 * kind of value. Oracles beyond "no crash":
 *  - a name the filter module knows is accepted by the key table
 *    (seccomp.allow / deny), one it does not know is refused with a
 *    message; a suggestion, when given, is itself a known name;
 *  - the same for capability names and capabilities.keep;
 *  - sizes and durations print and parse back to the same value. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "policy.h"
#include "sysfilter.h"
#include "value.h"

static void die(const char *what, const char *input) {
        fprintf(stderr, "fuzz_names: %s: '%s'\n", what, input);
        abort();
}

static bool set_ok(const char *section, const char *key, const char *v) {
        struct policy *p = policy_new();
        char *msg = NULL;
        bool ok;

        if (!p)
                abort();
        ok = policy_set(p, policy_find_key(section, key), v, (struct origin){"f", 1}, false, &msg) == 0;
        if (!ok && !msg)
                die("refused without a message", v);
        free(msg);
        policy_free(p);
        return ok;
}

static void check_syscall_name(const char *s) {
        char sugg[64];
        bool known = sysfilter_name_known(s, sugg, sizeof(sugg));

        if (known != set_ok("seccomp", "allow", s) || known != set_ok("seccomp", "deny", s))
                die("sysfilter_name_known and the key table disagree", s);
        if (!known && sugg[0] && !sysfilter_name_known(sugg, NULL, 0))
                die("suggested an unknown syscall name", s);
}

static void check_cap_name(const char *s) {
        char sugg[64] = "";
        bool known = caps_name_valid(s);

        if (known != set_ok("capabilities", "keep", s))
                die("caps_name_valid and the key table disagree", s);
        if (!known)
                caps_suggest(s, sugg, sizeof(sugg));
        if (sugg[0] && !caps_name_valid(sugg))
                die("suggested an unknown capability", s);
}

static void check_values(const char *s) {
        uint64_t v, w, q, per;
        char buf[64];
        int fam, mode, t;
        unsigned char addr[16];
        unsigned prefix;
        bool b;

        if (value_parse_size(s, &v) == 0) {
                value_format_size(v, buf, sizeof(buf));
                if (value_parse_size(buf, &w) != 0 || w != v)
                        die("size does not round-trip", s);
        }
        if (value_parse_duration(s, &v) == 0) {
                value_format_duration(v, buf, sizeof(buf));
                if (value_parse_duration(buf, &w) != 0 || w != v)
                        die("duration does not round-trip", s);
        }
        (void)value_parse_cidr(s, &fam, addr, &prefix);
        (void)value_parse_mode(s, &mode);
        (void)value_parse_cpu_quota(s, &q, &per);
        (void)value_parse_bool(s, &b);
        (void)value_parse_tristate(s, &t);
        (void)value_is_plain_name(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = strndup((const char *)data, size > 4096 ? 4096 : size);
        char *save = NULL;

        if (!text)
                return 0;
        for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                if (strlen(l) > 200 || !*l)
                        continue;
                check_syscall_name(l);
                check_cap_name(l);
                check_values(l);
        }
        free(text);
        return 0;
}
