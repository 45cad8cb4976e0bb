/* models/policy_registry.c - the list of scheduling policies (layer: models).
 * The only place that knows every policy: `machine.policy` names one of them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <string.h>

#include "models/models.h"
#include "models/policy.h"

const struct ke_policy_ops *const ke_policies[] = {
    &nt_policy,
    &fifo_policy,
    &rr_policy,
    &gfp_policy,
    &eevdf_policy,
    NULL,
};

static const struct ke_policy_ops *policy_at(int i)
{
    for (int k = 0; ke_policies[k]; k++)
        if (k == i)
            return ke_policies[k];
    return NULL;
}

const char *ke_policy_name(int i) { return policy_at(i) ? policy_at(i)->name : NULL; }
const char *ke_policy_summary(int i) { return policy_at(i) ? policy_at(i)->summary : NULL; }

const struct ke_policy_ops *ke_policy_find(const char *name)
{
    for (const struct ke_policy_ops *const *p = ke_policies; *p; p++)
        if (strcmp((*p)->name, name) == 0)
            return *p;
    return NULL;
}

bool ke_policy_exists(const char *name) { return ke_policy_find(name) != NULL; }
