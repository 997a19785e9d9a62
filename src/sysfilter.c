/* sysfilter.c - see sysfilter.h. Placeholder until the [seccomp] section
 * is implemented (issue 4): the [seccomp] keys are marked unsupported in
 * the key table, so a profile that asks for a filter refuses to launch. */
#include "sysfilter.h"

int sysfilter_load(const struct policy *p) {
        (void)p;
        return 0;
}
