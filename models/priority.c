/* models/priority.c - base priorities and quantum tables (layer: models).
 *
 * Owns the arithmetic of R1.3-R1.5 (class bases, relative priorities,
 * saturation) and R2.4 (Win32PrioritySeparation and the quantum tables), as
 * PspPriorityTable and PsChangeQuantumTable do in NT.  Pure functions, so the
 * tests can check every one of the 6x7 combinations.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

#define LOW_REALTIME_PRIORITY 16
#define HIGH_PRIORITY 31

int ps_class_base_priority(enum ps_priority_class c)
{
    static const int base[PS_CLASS_COUNT] = {4, 6, 8, 10, 13, 24}; /* R1.3 */
    return base[c];
}

static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

int ke_base_priority(enum ps_priority_class c, int rel, int *saturation)
{
    bool realtime = c == PS_CLASS_REALTIME;
    int lo = realtime ? LOW_REALTIME_PRIORITY : 1;
    int hi = realtime ? HIGH_PRIORITY : LOW_REALTIME_PRIORITY - 1;
    int sat = rel >= 16 ? 1 : rel <= -16 ? -1 : 0; /* R1.5 */
    if (saturation)
        *saturation = sat;
    if (sat)
        return sat > 0 ? hi : lo;
    return clamp(ps_class_base_priority(c) + rel, lo, hi); /* R1.4 */
}

int ke_quantum_for(unsigned mask, bool server, bool foreground, enum ps_priority_class c)
{
    /* R2.4: indices 0/1/2 of the four tables, in quantum units */
    static const int table[2][2][3] = {
        /* short */ {{6, 12, 18}, /* variable */ {18, 18, 18} /* fixed */},
        /* long */ {{12, 24, 36}, {36, 36, 36}},
    };
    if (c == PS_CLASS_IDLE)
        return 6;
    unsigned sep = mask & 3, var = (mask >> 2) & 3, len = (mask >> 4) & 3;
    if (sep == 3)
        sep = 2;
    bool fixed = (var == 2) || ((var == 0 || var == 3) && server);
    bool longq = (len == 1) || ((len == 0 || len == 3) && server);
    return table[longq][fixed][foreground ? sep : 0];
}

unsigned ke_priority_separation_mask(const struct ke_machine_config *cfg)
{
    return (unsigned)cfg->priority_separation & 3;
}

/* ===== run-time changes (R1.7, R3.9) ======================================= */

static int range_clamp(int p, int base)
{
    return base >= LOW_REALTIME_PRIORITY ? clamp(p, LOW_REALTIME_PRIORITY, HIGH_PRIORITY)
                                         : clamp(p, 1, LOW_REALTIME_PRIORITY - 1);
}

void ke__change_priority(struct ke_machine *m, struct ke_thread *t, int mode, int value)
{
    int current;
    if (mode == KE_SETPRI_CURRENT) { /* KeSetPriorityThread */
        current = clamp(value, 1, HIGH_PRIORITY);
    } else {
        int sat = 0;
        int base = mode == KE_SETPRI_BASE ? value
                                          : ke_base_priority(t->process->priority_class, value, &sat);
        int old = t->base_priority;
        if (sat || base >= LOW_REALTIME_PRIORITY || old >= LOW_REALTIME_PRIORITY)
            current = base; /* saturated, or real-time: current == base (R1.6) */
        else {
            int from = t->priority - t->priority_decrement;
            current = range_clamp((from > old ? from : old) + base - old, base);
        }
        t->base_priority = base;
        t->saturation = sat;
    }
    t->priority_decrement = 0;
    if (current != t->priority) {
        t->quantum = t->quantum_reset;
        ke__set_priority(m, t, current);
    }
}

void ke__autoboost(struct ke_machine *m, struct ke_thread *owner, const struct ke_thread *waiter)
{
    if (!m->cfg.autoboost || !owner || owner->priority >= waiter->priority)
        return;
    if (!owner->autoboost_from)
        owner->autoboost_from = owner->priority;
    ke__set_priority(m, owner, waiter->priority);
}

void ke__autoboost_end(struct ke_machine *m, struct ke_thread *owner)
{
    if (!owner->autoboost_from)
        return;
    int to = owner->autoboost_from;
    owner->autoboost_from = 0;
    ke__set_priority(m, owner, to);
}
