# cli/local.mk - the pssim command.
pssim_SOURCES = cli/pssim.c cli/cli.h cli/cmd_run.c cli/cmd_check.c cli/cmd_plot.c
pssim_SOURCES += cli/cmd_compare.c cli/cmd_plot_sweep.c
pssim_SOURCES += cli/cmd_batch.c cli/cmd_merge.c
pssim_LDADD = libpssim.a $(PSSIM_LIBS)
