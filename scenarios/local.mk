# scenarios/local.mk - scenario loading and validation.
libpssim_a_SOURCES += scenarios/scenarios.h scenarios/scenarios_int.h scenarios/load.c \
	scenarios/yaml_tree.c scenarios/values.c scenarios/override.c scenarios/process.c \
	scenarios/ops.c scenarios/resources.c scenarios/sync.c scenarios/params.c \
	scenarios/limits.c scenarios/names.c scenarios/costs.c scenarios/drivers.c \
	scenarios/system.c scenarios/ps_ops.c scenarios/static_checks.c
libpssim_a_SOURCES += scenarios/experiment.c
EXTRA_DIST += scenarios/experiments/wsl-vs-win32.yaml
EXTRA_DIST += scenarios/demo.yaml scenarios/round-robin.yaml scenarios/preemption.yaml \
	scenarios/affinity.yaml scenarios/lock-convoy.yaml scenarios/producer-consumer.yaml \
	scenarios/reader-writer.yaml scenarios/deadlock.yaml scenarios/priority-inversion.yaml \
	scenarios/wsl-build-storm.yaml

check_PROGRAMS += tests/check_scenarios
TESTS += tests/check_scenarios
tests_check_scenarios_SOURCES = tests/check_main.c tests/check.h tests/suites_scenarios.c \
	tests/check_scn_load.c tests/check_scn_limits.c
tests_check_scenarios_SOURCES += tests/check_scn_experiment.c
tests_check_scenarios_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_scenarios_LDADD = libpssim.a $(CHECK_LIBS) $(PSSIM_LIBS)
