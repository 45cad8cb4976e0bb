# tests/local.mk - end-to-end tests of the pssim command.  Unit-test
# programs are declared by each layer's local.mk.
TESTS += tests/e2e.sh
EXTRA_DIST += tests/e2e.sh tests/e2e_lib.sh tests/data
TESTS += tests/e2e_trace.sh
EXTRA_DIST += tests/e2e_trace.sh
TESTS += tests/e2e_store.sh
EXTRA_DIST += tests/e2e_store.sh
TESTS += tests/e2e_policies.sh
EXTRA_DIST += tests/e2e_policies.sh
TESTS += tests/e2e_sync.sh
EXTRA_DIST += tests/e2e_sync.sh
TESTS += tests/e2e_hardening.sh tests/e2e_outputs.sh tests/e2e_determinism.sh
EXTRA_DIST += tests/e2e_hardening.sh tests/e2e_outputs.sh tests/e2e_determinism.sh
TESTS += tests/e2e_batch.sh tests/e2e_slurm.sh
EXTRA_DIST += tests/e2e_batch.sh tests/e2e_slurm.sh scripts/slurm-batch.sh scripts/setup-cluster.sh
TESTS += tests/e2e_compare.sh
EXTRA_DIST += tests/e2e_compare.sh
include $(srcdir)/tests/hardening.mk
include $(srcdir)/tests/validation/local.mk
AM_TESTS_ENVIRONMENT = srcdir='$(srcdir)'; export srcdir; PSSIM='$(abs_builddir)/pssim'; export PSSIM;
