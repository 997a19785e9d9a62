/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bpf_eval.c - see bpf_eval.h. */
#include "bpf_eval.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>

static uint32_t load_abs(const struct seccomp_data *d, uint32_t k, bool *bad) {
        uint32_t v;

        if (k % 4 || k + 4 > sizeof(*d)) {
                *bad = true;
                return 0;
        }
        memcpy(&v, (const char *)d + k, 4);
        return v;
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t v, bool *bad) {
        switch (op) {
        case BPF_ADD: return a + v;
        case BPF_SUB: return a - v;
        case BPF_MUL: return a * v;
        case BPF_DIV: return v ? a / v : (*bad = true, 0);
        case BPF_MOD: return v ? a % v : (*bad = true, 0);
        case BPF_AND: return a & v;
        case BPF_OR: return a | v;
        case BPF_XOR: return a ^ v;
        case BPF_LSH: return v < 32 ? a << v : 0;
        case BPF_RSH: return v < 32 ? a >> v : 0;
        case BPF_NEG: return -a;
        }
        *bad = true;
        return 0;
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t v, bool *bad) {
        switch (op) {
        case BPF_JEQ: return a == v;
        case BPF_JGT: return a > v;
        case BPF_JGE: return a >= v;
        case BPF_JSET: return (a & v) != 0;
        }
        *bad = true;
        return false;
}

struct vm {
        uint32_t a, x, mem[BPF_MEMWORDS];
        const struct seccomp_data *d;
        bool bad;
};

/* BPF_LD and BPF_LDX: absolute loads from seccomp_data, immediates, scratch. */
static void vm_load(struct vm *m, const struct sock_filter *i) {
        uint32_t *dst = BPF_CLASS(i->code) == BPF_LD ? &m->a : &m->x;

        if (BPF_CLASS(i->code) == BPF_LD && BPF_MODE(i->code) == BPF_ABS && BPF_SIZE(i->code) == BPF_W)
                *dst = load_abs(m->d, i->k, &m->bad);
        else if (BPF_MODE(i->code) == BPF_IMM)
                *dst = i->k;
        else if (BPF_MODE(i->code) == BPF_MEM && i->k < BPF_MEMWORDS)
                *dst = m->mem[i->k];
        else
                m->bad = true;
}

struct bpf_result bpf_eval(const struct sock_filter *f, size_t n, const struct seccomp_data *d) {
        struct vm m = {.d = d};
        struct bpf_result r = {0};

        for (size_t pc = 0; pc < n && !m.bad; pc++, r.steps++) {
                const struct sock_filter *i = &f[pc];
                uint32_t src = BPF_SRC(i->code) == BPF_X ? m.x : i->k;

                switch (BPF_CLASS(i->code)) {
                case BPF_LD:
                case BPF_LDX:
                        vm_load(&m, i);
                        break;
                case BPF_ST:
                case BPF_STX:
                        if (i->k >= BPF_MEMWORDS)
                                m.bad = true;
                        else
                                m.mem[i->k] = BPF_CLASS(i->code) == BPF_ST ? m.a : m.x;
                        break;
                case BPF_ALU:
                        m.a = alu(BPF_OP(i->code), m.a, src, &m.bad);
                        break;
                case BPF_JMP:
                        if (BPF_OP(i->code) == BPF_JA)
                                pc += i->k;
                        else
                                pc += jump_taken(BPF_OP(i->code), m.a, src, &m.bad) ? i->jt : i->jf;
                        break;
                case BPF_RET:
                        r.ret = BPF_RVAL(i->code) == BPF_A ? m.a : i->k;
                        r.steps++;
                        return r;
                case BPF_MISC:
                        if (BPF_MISCOP(i->code) == BPF_TAX)
                                m.x = m.a;
                        else
                                m.a = m.x;
                        break;
                }
        }
        r.bad = true; /* fell off the end or aborted */
        return r;
}
