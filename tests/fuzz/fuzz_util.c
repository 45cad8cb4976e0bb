/* tests/fuzz/fuzz_util.c - helpers of the fuzz targets (layer: tests).
 *
 * See tests/fuzz/fuzz.h.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"

void fuzz_data_path(char *buf, size_t size, const char *name)
{
    const char *dir = getenv("PSSIM_FUZZ_DATA"), *srcdir = getenv("srcdir");
    if (dir && *dir)
        snprintf(buf, size, "%s/%s", dir, name);
    else
        snprintf(buf, size, "%s/tests/data/%s", srcdir && *srcdir ? srcdir : ".", name);
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}
