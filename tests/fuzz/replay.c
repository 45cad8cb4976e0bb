/* tests/fuzz/replay.c - runs a fuzz target over its corpus, without libFuzzer (layer: tests).
 *
 * Built once per target (tests/fuzz/replay_<name>, linked with
 * tests/fuzz/fuzz_<name>.c) and run by `make check`: every file of
 * $srcdir/tests/fuzz/<name>/ (the seed corpus, and the inputs that once
 * crashed) and of the directories FUZZ_SEEDS names (the example scenarios,
 * the test data and the bad-input corpus, which seed the fuzzer too) goes
 * through LLVMFuzzerTestOneInput once.  A crash or a sanitizer finding
 * fails the test; so does an empty corpus.  Arguments, if any, are files to
 * replay instead (to reproduce one crash).
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"

#ifndef FUZZ_TARGET
#error "compile with -DFUZZ_TARGET=\"name\""
#endif
#ifndef FUZZ_SEEDS
#define FUZZ_SEEDS "" /* more seed directories, relative to $srcdir, space-separated */
#endif

/* Read `path` whole; returns the malloc'd bytes or NULL. */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096;
    uint8_t *buf = malloc(cap);
    *len = 0;
    size_t got;
    while (buf && (got = fread(buf + *len, 1, cap - *len, f)) > 0) {
        *len += got;
        if (*len == cap) {
            uint8_t *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    fclose(f);
    return buf;
}

static int replay(const char *path)
{
    size_t len;
    uint8_t *data = slurp(path, &len);
    if (!data) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of the corpus directory, in name order. */
static int replay_corpus(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot open the corpus %s\n", dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap && !(names = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names)))
            abort();
        if (!(names[n++] = strdup(e->d_name)))
            abort();
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    int rc = n ? 0 : -1;
    for (size_t i = 0; i < n; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (replay(path) != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    printf("replayed %zu input(s) of %s\n", n, dir);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;
    for (int i = 1; i < argc; i++)
        if (replay(argv[i]) != 0)
            rc = 1;
    if (argc > 1)
        return rc;
    const char *srcdir = getenv("srcdir");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/%s", srcdir ? srcdir : ".", FUZZ_TARGET);
    rc = replay_corpus(dir);
    for (const char *s = FUZZ_SEEDS; *s;) {
        size_t n = strcspn(s, " ");
        if (n) {
            snprintf(dir, sizeof dir, "%s/%.*s", srcdir ? srcdir : ".", (int)n, s);
            rc |= replay_corpus(dir);
        }
        s += n + (s[n] == ' ');
    }
    return rc == 0 ? 0 : 1;
}
