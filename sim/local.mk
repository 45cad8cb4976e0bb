# sim/local.mk - the discrete-event kernel.
libpssim_a_SOURCES += sim/sim.h sim/list.h sim/event.c sim/rng.c sim/dist.c

check_PROGRAMS += tests/check_sim
TESTS += tests/check_sim
tests_check_sim_SOURCES = tests/check_main.c tests/check.h tests/suites_sim.c \
	tests/check_sim_event.c tests/check_sim_rng.c tests/check_sim_dist.c
tests_check_sim_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_sim_LDADD = libpssim.a $(CHECK_LIBS) $(PSSIM_LIBS)
