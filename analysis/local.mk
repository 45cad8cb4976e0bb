# analysis/local.mk - metrics, output and the scenario runner.
libpssim_a_SOURCES += analysis/analysis.h analysis/analysis_int.h analysis/hist.c analysis/grow.c analysis/locks.c analysis/result.c analysis/metrics.c \
	analysis/mux.c analysis/report.c analysis/runner.c
libpssim_a_SOURCES += analysis/trace_int.h analysis/trace.c analysis/trace_buf.c \
	analysis/trace_csv.c analysis/trace_ftrace.c analysis/trace_json.c

check_PROGRAMS += tests/check_analysis
TESTS += tests/check_analysis
tests_check_analysis_SOURCES = tests/check_main.c tests/check.h tests/suites_analysis.c \
	tests/check_an_hist.c tests/check_an_metrics.c tests/check_an_report.c
tests_check_analysis_SOURCES += tests/check_an_trace.c
libpssim_a_SOURCES += analysis/result_series.c analysis/series.c analysis/store.c \
	analysis/plot.c analysis/plot_io.c
libpssim_a_SOURCES += analysis/aggregate.c analysis/compare.c analysis/compare_out.c \
	analysis/plot_sweep.c
tests_check_analysis_SOURCES += tests/check_an_series.c tests/check_an_store.c tests/check_an_plot.c
tests_check_analysis_SOURCES += tests/check_an_aggregate.c tests/check_an_compare.c \
	tests/results_harness.c tests/results_harness.h
libpssim_a_SOURCES += analysis/batch_int.h analysis/batch.c analysis/batch_worker.c \
	analysis/batch_progress.c analysis/merge.c
tests_check_analysis_SOURCES += tests/check_an_batch.c
tests_check_analysis_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_analysis_LDADD = libpssim.a $(CHECK_LIBS) $(PSSIM_LIBS)
