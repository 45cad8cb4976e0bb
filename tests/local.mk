# tests/local.mk - end-to-end tests of the pssim command.  Unit-test
# programs are declared by each layer's local.mk.
TESTS += tests/e2e.sh
EXTRA_DIST += tests/e2e.sh tests/data
AM_TESTS_ENVIRONMENT = srcdir='$(srcdir)'; export srcdir; PSSIM='$(abs_builddir)/pssim'; export PSSIM;
