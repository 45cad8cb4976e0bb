# bench/local.mk - `make bench`: throughput of the simulator on a reference scenario.
EXTRA_DIST += bench/bench.sh bench/reference.yaml
bench: pssim
	@$(SHELL) $(srcdir)/bench/bench.sh $(abs_builddir)/pssim $(abs_srcdir)/bench/reference.yaml
.PHONY: bench
