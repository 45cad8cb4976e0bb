/* tests/fuzz/fuzz.h - what the fuzz targets share (layer: tests).
 *
 * Each target (tests/fuzz/fuzz_<name>.c) defines LLVMFuzzerTestOneInput and
 * is linked either with libFuzzer (`make fuzz`, clang) or with
 * tests/fuzz/replay.c, which replays the seed corpus tests/fuzz/<name>/ as
 * part of `make check` so that every input that once crashed stays a
 * regression test, with any compiler.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_TESTS_FUZZ_H
#define PSSIM_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "$PSSIM_FUZZ_DATA/NAME", else "$srcdir/tests/data/NAME": where relative
 * file names in fuzzed text (empirical CSV files) are looked up. */
void fuzz_data_path(char *buf, size_t size, const char *name);

/* A NUL-terminated copy of data[0..size) (malloc'd; abort when out of
 * memory, which only a broken fuzzer run can cause). */
char *fuzz_strndup(const uint8_t *data, size_t size);

#endif
