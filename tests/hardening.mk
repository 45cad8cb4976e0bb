# tests/hardening.mk - fuzz targets and their corpus replay, `make fuzz`,
# `make check-valgrind` and `make check-sanitizers`.  Included by
# tests/local.mk; README "Hardening" describes the commands.

# Every fuzz target replays its corpus in `make check` (tests/fuzz/replay.c).
# Besides tests/fuzz/TARGET/, a target may be seeded from other directories
# of test data (read only): FUZZ_SEEDS_TARGET.
FUZZ_TARGETS = scenario dist override experiment
FUZZ_SEEDS_scenario = scenarios tests/data/scenarios tests/data/bad
FUZZ_REPLAY = tests/fuzz/replay_scenario tests/fuzz/replay_dist tests/fuzz/replay_override \
	tests/fuzz/replay_experiment
check_PROGRAMS += $(FUZZ_REPLAY)
TESTS += $(FUZZ_REPLAY)
FUZZ_COMMON = tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/fuzz_util.c
tests_fuzz_replay_scenario_SOURCES = $(FUZZ_COMMON) tests/fuzz/fuzz_scenario.c
tests_fuzz_replay_scenario_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"scenario"' \
	-DFUZZ_SEEDS='"$(FUZZ_SEEDS_scenario)"'
tests_fuzz_replay_scenario_LDADD = libpssim.a $(PSSIM_LIBS)
tests_fuzz_replay_dist_SOURCES = $(FUZZ_COMMON) tests/fuzz/fuzz_dist.c
tests_fuzz_replay_dist_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"dist"'
tests_fuzz_replay_dist_LDADD = libpssim.a $(PSSIM_LIBS)
tests_fuzz_replay_override_SOURCES = $(FUZZ_COMMON) tests/fuzz/fuzz_override.c
tests_fuzz_replay_override_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"override"'
tests_fuzz_replay_override_LDADD = libpssim.a $(PSSIM_LIBS)
tests_fuzz_replay_experiment_SOURCES = $(FUZZ_COMMON) tests/fuzz/fuzz_experiment.c
tests_fuzz_replay_experiment_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"experiment"'
tests_fuzz_replay_experiment_LDADD = libpssim.a $(PSSIM_LIBS)
EXTRA_DIST += tests/fuzz/scenario tests/fuzz/dist tests/fuzz/override tests/fuzz/experiment \
	tests/fuzz/scenario.dict tests/fuzz/dist.dict tests/fuzz/override.dict \
	tests/fuzz/experiment.dict \
	scripts/fuzz.sh scripts/check-valgrind.sh scripts/check-sanitizers.sh \
	scripts/setup-hardening.sh

# make fuzz [FUZZ_SECONDS=N] [FUZZ_CC=clang-14]: libFuzzer with ASan and UBSan.
FUZZ_CC = clang
fuzz:
	FUZZ_CC='$(FUZZ_CC)' FUZZ_SECONDS='$(FUZZ_SECONDS)' \
	FUZZ_CFLAGS='-I$(abs_srcdir) -I$(abs_builddir) -D_POSIX_C_SOURCE=200809L $(GSL_CFLAGS) $(SQLITE_CFLAGS) $(YAML_CFLAGS)' \
	FUZZ_LIBS='$(PSSIM_LIBS)' FUZZ_SOURCES='$(filter %.c,$(libpssim_a_SOURCES))' \
	FUZZ_SEEDS_scenario='$(FUZZ_SEEDS_scenario)' \
	$(SHELL) $(srcdir)/scripts/fuzz.sh $(srcdir) $(FUZZ_TARGETS)

# The unit-test programs (tests/check_*) and the corpus replays in one
# process each under memcheck, plus pssim itself on two scenarios and on the
# bad-input corpus.
check-valgrind: pssim$(EXEEXT) $(check_PROGRAMS)
	$(SHELL) $(srcdir)/scripts/check-valgrind.sh $(abs_builddir) $(srcdir) $(check_PROGRAMS)

# The whole suite built with --enable-sanitizers in a scratch copy.
check-sanitizers:
	$(SHELL) $(srcdir)/scripts/check-sanitizers.sh

.PHONY: fuzz check-valgrind check-sanitizers
