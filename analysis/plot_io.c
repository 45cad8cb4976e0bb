/* analysis/plot_io.c - what plots need from the system: escaping, atomic files, gnuplot (layer: analysis).
 * Owns the three places where plot output meets the outside world, kept
 * apart from the drawing (plot.c) so that each is written and tested once:
 *
 *  - Escaping.  Names come from scenario files and databases, which anyone
 *    may write.  A script gets a name only inside a single-quoted gnuplot
 *    string (gnuplot substitutes `backquotes` in double-quoted strings and
 *    commands, never in single-quoted ones), a data file only as one
 *    double-quoted field, which gnuplot reads as text and never runs.
 *  - Atomic files.  Each file is written to a temporary name in the same
 *    directory and renamed once complete, so a reader (or a crash) never
 *    sees half a script.
 *  - Running gnuplot: in the plot directory, with a time limit, its output
 *    to a temporary file and then renamed; its exit status is checked and
 *    its messages are kept for the error.  The plots of one run (plot.c) and
 *    those of many (plot_sweep.c) share this and the pair of files of each
 *    plot (an__pfiles).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"

/* ===== escaping ========================================================= */

void an__gp_quote(FILE *f, const char *s)
{
    fputc('\'', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\'')
            fputs("''", f);
        else
            fputc(*p < 0x20 || *p == 0x7F ? '?' : *p, f);
    }
    fputc('\'', f);
}

void an__gp_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"')
            fputc('\'', f);
        else if (*p == '\\') /* gnuplot reads escapes in quoted data: keep it literal */
            fputs("\\\\", f);
        else
            fputc(*p < 0x20 || *p == 0x7F ? '?' : *p, f);
    }
    fputc('"', f);
}

/* ===== files ============================================================ */

int an__mkdirs(const char *dir, FILE *errfp)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        fprintf(errfp, "pssim: %s: path too long\n", dir);
        return -1;
    }
    for (char *p = path + 1;; p++) {
        if (*p && *p != '/')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            fprintf(errfp, "pssim: cannot create directory %s: %s\n", path, strerror(errno));
            return -1;
        }
        if (!(*p = c))
            return 0;
    }
}

int an__afile_open(struct an__afile *a, const char *dir, const char *name, FILE *errfp)
{
    a->f = NULL;
    int n1 = snprintf(a->path, sizeof a->path, "%s/%s", dir, name);
    int n2 = snprintf(a->tmp, sizeof a->tmp, "%s/.%s.XXXXXX", dir, name);
    if (n1 >= (int)sizeof a->path || n2 >= (int)sizeof a->tmp) {
        fprintf(errfp, "pssim: %s/%s: path too long\n", dir, name);
        return -1;
    }
    int fd = mkstemp(a->tmp);
    if (fd < 0 || !(a->f = fdopen(fd, "w"))) {
        fprintf(errfp, "pssim: cannot write %s: %s\n", a->path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(a->tmp);
        }
        return -1;
    }
    fchmod(fd, 0644); /* mkstemp makes it private; plots are meant to be shared */
    return 0;
}

int an__afile_commit(struct an__afile *a, FILE *errfp)
{
    int err = ferror(a->f);
    if (fclose(a->f) != 0)
        err = 1;
    a->f = NULL;
    if (err || rename(a->tmp, a->path) != 0) {
        fprintf(errfp, "pssim: cannot write %s: %s\n", a->path, strerror(errno));
        unlink(a->tmp);
        return -1;
    }
    return 0;
}

void an__afile_abort(struct an__afile *a)
{
    if (a->f)
        fclose(a->f);
    a->f = NULL;
    unlink(a->tmp);
}

/* ===== gnuplot ========================================================== */

/* What went wrong in the child before gnuplot started: the step and errno. */
struct child_error {
    int step; /* 0: entering the directory, 1: starting the program */
    int err;
};

/* In the child: go to `dir`, send every output to `log`, run gnuplot.  Only
 * returns by _exit, after writing what failed to `report`. */
static void child(const struct an__gnuplot_job *j, int log, int report)
{
    char expr[600];
    struct child_error ce = {0, 0};
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0)
        dup2(null, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    snprintf(expr, sizeof expr, "pssim_output='%s'", j->output); /* our own file name */
    if (chdir(j->dir) == 0) {
        ce.step = 1;
        execlp(j->program, j->program, "-e", expr, j->script, (char *)NULL);
    }
    ce.err = errno;
    if (write(report, &ce, sizeof ce) < 0)
        _exit(126);
    _exit(127);
}

/* Wait for `pid` at most `timeout_s` seconds, then kill it.  Its wait
 * status, or -1 when it had to be killed. */
static int wait_for(pid_t pid, int timeout_s)
{
    struct timespec step = {0, 5 * 1000 * 1000};
    long waited_ms = 0;
    int status;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return r == pid ? status : 0;
        if (waited_ms >= 1000L * timeout_s) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            return -1;
        }
        nanosleep(&step, NULL);
        waited_ms += 5;
    }
}

/* The first lines of gnuplot's messages, for the error. */
static void read_log(FILE *log, char *msg, size_t size)
{
    size_t n = 0;
    rewind(log);
    n = fread(msg, 1, size - 1, log);
    msg[n] = '\0';
    char *p = msg;
    for (int lines = 0; (p = strchr(p, '\n')) && ++lines < 4; p++)
        ;
    if (p)
        *p = '\0';
}

int an__gnuplot_run(const struct an__gnuplot_job *j, char *msg, size_t size)
{
    int fds[2];
    FILE *log = tmpfile();
    msg[0] = '\0';
    if (!log || pipe(fds) != 0) {
        snprintf(msg, size, "cannot start gnuplot: %s", strerror(errno));
        if (log)
            fclose(log);
        return AN__GP_FAILED;
    }
    fcntl(fds[1], F_SETFD, FD_CLOEXEC); /* closed by a successful exec: EOF means started */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        child(j, fileno(log), fds[1]);
    close(fds[1]);
    struct child_error ce;
    ssize_t got = pid > 0 ? read(fds[0], &ce, sizeof ce) : 0;
    close(fds[0]);
    int status = pid > 0 ? wait_for(pid, j->timeout_s) : 0;
    int rc = AN__GP_OK;
    if (pid < 0) {
        snprintf(msg, size, "cannot start gnuplot: %s", strerror(errno));
        rc = AN__GP_FAILED;
    } else if (got == (ssize_t)sizeof ce) {
        snprintf(msg, size, "%s %s: %s", ce.step ? "cannot run" : "cannot enter",
                 ce.step ? j->program : j->dir, strerror(ce.err));
        rc = ce.step && (ce.err == ENOENT || ce.err == EACCES) ? AN__GP_MISSING : AN__GP_FAILED;
    } else if (status < 0) {
        snprintf(msg, size, "gnuplot took more than %d s and was stopped", j->timeout_s);
        rc = AN__GP_FAILED;
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        read_log(log, msg, size);
        if (!msg[0])
            snprintf(msg, size, "gnuplot failed (wait status %d)", status);
        rc = AN__GP_FAILED;
    }
    fclose(log);
    return rc;
}

/* ===== a plot's files and its image ==================================== */

int an__pfiles_open(struct an__pfiles *pf, const char *dir, const char *stem, FILE *errfp)
{
    char name[256];
    snprintf(name, sizeof name, "%s.dat", stem);
    if (an__afile_open(&pf->dat, dir, name, errfp))
        return -1;
    snprintf(name, sizeof name, "%s.gp", stem);
    if (an__afile_open(&pf->gp, dir, name, errfp)) {
        an__afile_abort(&pf->dat);
        return -1;
    }
    return 0;
}

int an__pfiles_close(struct an__pfiles *pf, bool failed, FILE *errfp)
{
    if (failed) {
        fprintf(errfp, "pssim: out of memory\n");
        an__afile_abort(&pf->dat);
        an__afile_abort(&pf->gp);
        return -1;
    }
    if (an__afile_commit(&pf->dat, errfp)) {
        an__afile_abort(&pf->gp);
        return -1;
    }
    return an__afile_commit(&pf->gp, errfp);
}

/* Render one script into NAME.EXT, through a temporary name. */
static int render(const struct an_plot_options *o, const char *stem, FILE *errfp)
{
    const char *ext = an_plot_format_name(o->format);
    char script[256], tmp[300], final[300], msg[1024];
    snprintf(script, sizeof script, "%s.gp", stem);
    snprintf(tmp, sizeof tmp, ".%s.%s.%ld.tmp", stem, ext, (long)getpid());
    snprintf(final, sizeof final, "%s.%s", stem, ext);
    struct an__gnuplot_job job = {o->gnuplot, o->dir, script, tmp, o->timeout_s};
    int rc = an__gnuplot_run(&job, msg, sizeof msg);
    char from[4400], to[4400];
    snprintf(from, sizeof from, "%s/%s", o->dir, tmp);
    snprintf(to, sizeof to, "%s/%s", o->dir, final);
    if (rc == AN__GP_OK && rename(from, to) != 0) {
        snprintf(msg, sizeof msg, "cannot rename its output to %s: %s", final, strerror(errno));
        rc = AN__GP_FAILED;
    }
    if (rc != AN__GP_OK)
        unlink(from);
    if (rc == AN__GP_FAILED)
        fprintf(errfp, "pssim: gnuplot failed on %s/%s: %s\n", o->dir, script, msg);
    return rc;
}

/* `s` as one word for a POSIX shell, quoted only when it needs to be. */
static void shell_word(FILE *f, const char *s)
{
    if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-+,:@") ==
                  strlen(s)) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", f); /* close, an escaped quote, reopen */
        else
            fputc(*s, f);
    }
    fputc('\'', f);
}

int an__plot_render(const struct an_plot_options *o, const char *const *stems, size_t n,
                    FILE *errfp)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        int g = render(o, stems[i], errfp);
        if (g == AN__GP_MISSING) {
            fprintf(errfp, "pssim: gnuplot (%s) could not be run, so the plots were not drawn;"
                           " their scripts and data are in %s: render them with\n  cd ",
                    o->gnuplot, o->dir);
            shell_word(errfp, o->dir);
            fputs(" && gnuplot *.gp\n", errfp);
            return AN_PLOT_NOT_RENDERED;
        }
        if (g != AN__GP_OK)
            rc = -1;
    }
    return rc;
}
