# cli/local.mk - the pssim command.
pssim_SOURCES = cli/pssim.c cli/cli.h cli/cmd_run.c cli/cmd_check.c cli/cmd_plot.c
pssim_LDADD = libpssim.a $(PSSIM_LIBS)
