# models/local.mk - the simulated machine: dispatcher, policies, Ps objects, programs.
libpssim_a_SOURCES += models/models.h models/models_int.h models/policy.h \
	models/program.c models/workload.c models/priority.c models/readyq.c \
	models/ps_id.c models/invariants.c models/machine.c models/process.c models/dispatch.c models/interp.c \
	models/interp_sync.c models/ke_object.c models/ex_lock.c models/deadlock.c models/ps_create.c \
	models/policy_registry.c models/policy_nt.c models/policy_fifo.c \
	models/policy_global.h models/policy_rr.c models/policy_gfp.c models/policy_eevdf.c

check_PROGRAMS += tests/check_models
TESTS += tests/check_models
tests_check_models_SOURCES = tests/check_main.c tests/check.h tests/suites_models.c \
	tests/check_models_priority.c tests/check_models_readyq.c tests/check_models_nt.c \
	tests/check_models_fifo.c tests/check_models_rr.c tests/check_models_gfp.c tests/check_models_eevdf.c \
	tests/check_models_program.c tests/check_models_sync.c tests/check_models_ps.c tests/check_models_options.c tests/check_models_limits.c tests/models_harness.c tests/models_harness.h
tests_check_models_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_models_LDADD = libpssim.a $(CHECK_LIBS) $(PSSIM_LIBS)
