# tests/validation/local.mk - `make validate`: the simulator against closed-form results.
# Included by tests/local.mk.
check_PROGRAMS += tests/validation/validate
tests_validation_validate_SOURCES = tests/validation/validate.c tests/validation/validate.h \
	tests/validation/jobs.c tests/validation/cases.c tests/validation/schedule.c
tests_validation_validate_LDADD = libpssim.a $(PSSIM_LIBS)
EXTRA_DIST += tests/validation/mm1-fifo-rho0.5.yaml tests/validation/mm1-fifo-rho0.8.yaml \
	tests/validation/mm1-rr.yaml tests/validation/ps-tagged-rr.yaml \
	tests/validation/mmc-fifo-c4.yaml tests/validation/md1-fifo.yaml \
	tests/validation/utilization-nt-c8.yaml tests/validation/gfp-periodic-2cpu.yaml \
	tests/validation/gfp-periodic-2cpu.expected

validate: tests/validation/validate$(EXEEXT)
	srcdir='$(srcdir)' tests/validation/validate $(VALIDATE_FLAGS)
.PHONY: validate
