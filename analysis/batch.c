/* analysis/batch.c - `pssim batch`: an experiment's runs on N worker processes (layer: analysis).
 *
 * Owns the parent side of a batch: which runs to do (the shard, minus the
 * runs already stored), the worker processes, and the results database,
 * which only the parent writes.  Worker side: analysis/batch_worker.c;
 * progress: analysis/batch_progress.c.
 *
 * Why one writer.  Each worker sends a finished run as the bytes of a
 * one-run SQLite database (sqlite3_serialize); the parent attaches it
 * (sqlite3_deserialize into the schema "src") and copies it in with the
 * merge code, one transaction per run.  The alternative, every worker
 * writing the file in WAL mode with a busy timeout, would make workers wait
 * on each other's commits and rely on SQLite's file locking, which is not
 * dependable on the network file systems cluster jobs often write to; here
 * no two processes ever write the file, and a worker killed at any moment
 * holds no lock and leaves nothing behind.
 *
 * Work is handed out one run at a time over a socket pair per worker (an
 * index, uint64_t), in the global order, so fast workers take more runs and
 * a long run holds up nobody.  The parent gives a worker its next run
 * before committing the one it received.
 *
 * Failure model:
 *  - a run that fails (scenario or simulation error) is stored by its
 *    worker with status "error" and its message, and the batch goes on;
 *  - a worker that dies (crash, OOM killer) has its run stored as failed
 *    with the signal, and a new worker takes its place;
 *  - Ctrl-C or SIGTERM (the caller's stop flag): workers are killed, the
 *    runs in flight dropped, and an_batch_run returns with `interrupted`;
 *  - SIGKILL of the parent: each run is one transaction, so the file holds
 *    whole runs only; workers die with it (PR_SET_PDEATHSIG on Linux, else
 *    at their next write), and --resume does what is missing.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"
#include "analysis/batch_int.h"

#define MAX_IMAGE ((uint64_t)1 << 32) /* bytes of one run's database: far above any real run */
#define TICK_MS 500                   /* the bar's clock moves this often */

struct worker {
    pid_t pid;   /* 0: none */
    int fd;      /* our end of its socket pair */
    int64_t run; /* the run it does, -1 when idle */
};

struct batch {
    const struct scn_experiment *e;
    const struct an_batch_options *o;
    struct an_store *st;
    sqlite3 *db;
    int64_t xid;
    size_t *todo, ntodo, next; /* runs to do, in order; todo[next] is the next one */
    struct worker *w;
    int nw;
    struct an__progress p;
    FILE *errfp;
};

static bool stopping(const struct batch *b)
{
    return b->o->stop_flag && *b->o->stop_flag;
}

/* ===== the experiment and the runs to do ================================ */

static int record_experiment(struct batch *b)
{
    if (sqlite3_exec(b->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return an__store_error(b->st, b->errfp, "cannot record the experiment");
    int rc = an__experiment_id(b->db, b->o->db, b->e->name, b->e->hash, b->e->text, &b->xid,
                               b->errfp);
    if (rc == 0 && sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = -1;
    if (rc != 0)
        sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
    if (rc == 1)
        fprintf(b->errfp, "pssim batch: error: one database holds one definition per experiment "
                          "name: give a new --db file, or rename the experiment\n");
    return rc < 0 ? an__store_error(b->st, b->errfp, "cannot record the experiment") : rc;
}

/* state[i]: 0 to do, 1 stored, 2 stored as failed. */
static int read_stored(struct batch *b, unsigned char *state)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(b->db, "SELECT point, replication, status FROM runs"
                                  " WHERE experiment_id = ?1", -1, &s, NULL) != SQLITE_OK)
        return an__store_error(b->st, b->errfp, "cannot read the runs");
    sqlite3_bind_int64(s, 1, b->xid);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t point = sqlite3_column_int64(s, 0), rep = sqlite3_column_int64(s, 1);
        if (point < 0 || (size_t)point >= b->e->npoints || rep < 0 || rep >= b->e->replications)
            continue; /* not a run of this definition's numbering */
        size_t i = (size_t)point * (size_t)b->e->replications + (size_t)rep;
        state[i] = strcmp((const char *)sqlite3_column_text(s, 2), "error") ? 1 : 2;
    }
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? 0 : an__store_error(b->st, b->errfp, "cannot read the runs");
}

/* The runs of this shard that are not stored yet, in the global order. */
static int plan(struct batch *b, struct an_batch_summary *sum)
{
    size_t total = scn_experiment_runs(b->e);
    unsigned char *state = calloc(total, 1);
    b->todo = malloc(total * sizeof *b->todo);
    if (!state || !b->todo) {
        free(state);
        fprintf(b->errfp, "pssim: out of memory\n");
        return -1;
    }
    int rc = read_stored(b, state);
    for (size_t i = 0; rc == 0 && i < total; i++) {
        if (i % (size_t)b->o->shards != (size_t)b->o->shard - 1)
            continue;
        sum->selected++;
        sum->before += state[i] != 0;
        sum->failed += state[i] == 2;
        if (!state[i])
            b->todo[b->ntodo++] = i;
    }
    free(state);
    sum->stored = sum->before;
    return rc;
}

/* ===== workers ========================================================== */

/* In the child: keep only its own socket, die with the parent, and leave
 * Ctrl-C and SIGTERM to the parent, which stops the batch cleanly. */
static void child_setup(const struct batch *b, pid_t parent)
{
    for (int j = 0; j < b->nw; j++)
        if (b->w[j].pid > 0)
            close(b->w[j].fd);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != parent) /* it died before prctl took effect */
        _exit(1);
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
}

static int spawn(struct batch *b, struct worker *w)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        fprintf(b->errfp, "pssim batch: cannot create a worker: %s\n", strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    fflush(NULL); /* nothing buffered is written twice */
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        child_setup(b, parent);
        /* _exit: the parent's database and stdio stay its own */
        _exit(an__batch_worker(b->e, b->o->gantt_window, sv[1]));
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        fprintf(b->errfp, "pssim batch: cannot create a worker: %s\n", strerror(errno));
        return -1;
    }
    *w = (struct worker){pid, sv[0], -1};
    return 0;
}

/* Give w the next run, if any. */
static void dispatch(struct batch *b, struct worker *w)
{
    if (b->next >= b->ntodo || stopping(b))
        return;
    uint64_t i = b->todo[b->next++];
    if (an__write_full(w->fd, &i, sizeof i) == 0)
        w->run = (int64_t)i;
    else
        b->next--; /* it is gone: its end of file will be seen */
}

/* ===== taking a run in ================================================== */

/* "point 3 replication 1 seed N (k=v, ...): " + what happened. */
static void describe_run(const struct batch *b, size_t i, const char *status, const char *message,
                         double wall, char *buf, size_t size)
{
    const struct scn_experiment *e = b->e;
    size_t point = i / (size_t)e->replications;
    int rep = (int)(i % (size_t)e->replications);
    struct scn_override *ov = calloc(e->nsweep + 1, sizeof *ov);
    size_t o = (size_t)snprintf(buf, size, "point %zu replication %d seed %llu (", point, rep,
                                (unsigned long long)scn_experiment_seed(e, point, rep));
    if (ov)
        scn_experiment_point(e, point, ov);
    for (size_t k = 0; ov && k < e->nsweep && o < size; k++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s=%s", k ? ", " : "", ov[k].key, ov[k].value);
    free(ov);
    if (o < size)
        snprintf(buf + o, size - o, "): %s%s%.*s, %.2f s", status, message ? ": " : "",
                 message ? (int)strcspn(message, "\n") : 0, message ? message : "", wall);
}

/* Progress for run `i`, stored as run `id` of the database. */
static void show_stored(struct batch *b, size_t i, int64_t id)
{
    sqlite3_stmt *s;
    char line[1500];
    bool ok = true;
    snprintf(line, sizeof line, "run %zu stored", i);
    if (sqlite3_prepare_v2(b->db, "SELECT status, message, wall_seconds FROM runs WHERE id = ?1",
                           -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, id);
        if (sqlite3_step(s) == SQLITE_ROW) {
            const char *status = (const char *)sqlite3_column_text(s, 0);
            ok = strcmp(status, "error") != 0;
            describe_run(b, i, status, (const char *)sqlite3_column_text(s, 1),
                         sqlite3_column_double(s, 2), line, sizeof line);
        }
        sqlite3_finalize(s);
    }
    an__progress_run(&b->p, ok, line);
}

/* Store run i as failed with `why`. */
static int store_failure(struct batch *b, size_t i, const char *why)
{
    int64_t id;
    if (an__batch_store_failure(b->st, b->xid, b->e, i, why, &id, b->errfp) != 0)
        return -1;
    show_stored(b, i, id);
    return 0;
}

/* Take in the one-run database `img` (sqlite3_malloc'd; always consumed). */
static int commit_image(struct batch *b, size_t i, unsigned char *img, size_t size)
{
    unsigned flags = SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE;
    if (sqlite3_deserialize(b->db, "src", img, (sqlite3_int64)size, (sqlite3_int64)size, flags) !=
        SQLITE_OK)
        return an__store_error(b->st, b->errfp, "cannot read a run from a worker");
    struct an__copied c;
    int rc = an__copy_attached(b->db, b->o->db, "a worker", &c, b->errfp);
    if (rc != 0)
        return rc < 0 ? an__store_error(b->st, b->errfp, "cannot store a run") : -1;
    if (c.copied == 1)
        show_stored(b, i, c.last_id);
    else /* stored meanwhile by another batch on the same file */
        an__progress_run(&b->p, true, "run already stored by another batch");
    return 0;
}

/* A worker's socket reached end of file: it died.  Its run, if it had one,
 * is stored as failed (unless the batch is stopping) and a new worker
 * takes its place while there is work left. */
static int worker_lost(struct batch *b, struct worker *w)
{
    int status = 0;
    char why[160];
    close(w->fd);
    waitpid(w->pid, &status, 0);
    int64_t run = w->run;
    *w = (struct worker){0, -1, -1};
    if (stopping(b))
        return 0;
    if (WIFSIGNALED(status))
        snprintf(why, sizeof why, "the worker process was killed by signal %d (%s)",
                 WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(why, sizeof why, "the worker process exited with status %d",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    if (run >= 0 && store_failure(b, (size_t)run, why) != 0)
        return -1;
    if (b->next < b->ntodo) {
        if (spawn(b, w) != 0)
            return -1;
        dispatch(b, w);
    }
    return 0;
}

/* w's socket is readable: a run's database, or end of file. */
static int receive(struct batch *b, struct worker *w)
{
    uint64_t head[2];
    if (w->run < 0 || an__read_full(w->fd, head, sizeof head) != 1 ||
        head[0] != (uint64_t)w->run || head[1] > MAX_IMAGE)
        return worker_lost(b, w);
    unsigned char *img = head[1] ? sqlite3_malloc64(head[1]) : NULL;
    if (head[1] && (!img || an__read_full(w->fd, img, (size_t)head[1]) != 1)) {
        sqlite3_free(img);
        if (!img) {
            fprintf(b->errfp, "pssim: out of memory\n");
            return -1;
        }
        return worker_lost(b, w);
    }
    size_t i = (size_t)w->run;
    w->run = -1;
    dispatch(b, w); /* keep it busy while this run is committed */
    if (!img)
        return store_failure(b, i, "the worker could not store the run in its database");
    return commit_image(b, i, img, (size_t)head[1]);
}

/* ===== the loop ========================================================= */

/* Runs in flight, or still to hand out. */
static bool work_left(const struct batch *b)
{
    for (int j = 0; j < b->nw; j++)
        if (b->w[j].pid > 0 && b->w[j].run >= 0)
            return true;
    return b->next < b->ntodo;
}

/* Until every run is in, or the stop flag is raised; -1 on an error. */
static int loop(struct batch *b)
{
    struct pollfd *pfd = calloc((size_t)b->nw, sizeof *pfd);
    int *who = calloc((size_t)b->nw, sizeof *who), rc = 0;
    if (!pfd || !who)
        rc = -1;
    while (rc == 0 && !stopping(b) && work_left(b)) {
        int n = 0;
        for (int j = 0; j < b->nw; j++)
            if (b->w[j].pid > 0) {
                pfd[n] = (struct pollfd){b->w[j].fd, POLLIN, 0};
                who[n++] = j;
            }
        if (n == 0) { /* cannot happen: a lost worker is replaced while work is left */
            fprintf(b->errfp, "pssim batch: no worker process left\n");
            rc = -1;
            break;
        }
        int ready = poll(pfd, (nfds_t)n, TICK_MS);
        if (ready < 0 && errno != EINTR)
            rc = -1;
        an__progress_tick(&b->p);
        for (int k = 0; rc == 0 && ready > 0 && k < n && !stopping(b); k++)
            if (pfd[k].revents)
                rc = receive(b, &b->w[who[k]]);
    }
    free(pfd);
    free(who);
    return rc;
}

/* End every worker: at the end of the work by end of file (they exit on
 * their own), when stopping at once. */
static void shutdown_workers(struct batch *b, bool kill_them)
{
    for (int j = 0; j < b->nw; j++) {
        struct worker *w = &b->w[j];
        if (w->pid <= 0)
            continue;
        if (kill_them)
            kill(w->pid, SIGKILL);
        close(w->fd);
        waitpid(w->pid, NULL, 0);
        *w = (struct worker){0, -1, -1};
    }
}

static int run_workers(struct batch *b)
{
    int jobs = b->o->jobs > 0 ? b->o->jobs : 1;
    b->nw = (size_t)jobs < b->ntodo ? jobs : (int)b->ntodo;
    if (!(b->w = calloc((size_t)b->nw, sizeof *b->w))) {
        fprintf(b->errfp, "pssim: out of memory\n");
        return -1;
    }
    int rc = 0;
    for (int j = 0; j < b->nw && rc == 0; j++)
        if ((rc = spawn(b, &b->w[j])) == 0)
            dispatch(b, &b->w[j]);
    if (rc == 0)
        rc = loop(b);
    shutdown_workers(b, rc != 0 || stopping(b));
    free(b->w);
    b->w = NULL;
    return rc;
}

/* ===== the batch ======================================================== */

/* Everything after the database is open; 0, 1 (refused) or -1. */
static int batch_in(struct batch *b, struct an_batch_summary *sum)
{
    int rc = record_experiment(b);
    if (rc == 0)
        rc = plan(b, sum);
    if (rc == 0 && sum->before > 0 && !b->o->resume && b->ntodo > 0) {
        fprintf(b->errfp, "pssim batch: error: %s already holds %zu of the %zu runs of "
                          "experiment '%s'%s: add --resume to do the %zu others, or give a new "
                          "--db file\n", b->o->db, sum->before, sum->selected, b->e->name,
                b->o->shards > 1 ? " in this shard" : "", b->ntodo);
        rc = 1;
    }
    if (rc != 0 || b->ntodo == 0)
        return rc;
    /* temp_store: the statement journals of the copies stay in memory,
     * which spares a temporary file per run */
    if (sqlite3_exec(b->db, "PRAGMA temp_store = MEMORY; ATTACH DATABASE ':memory:' AS src", NULL,
                     NULL, NULL) != SQLITE_OK)
        return an__store_error(b->st, b->errfp, "cannot prepare the database");
    b->p = (struct an__progress){.f = b->o->progress, .bar = b->o->bar, .total = sum->selected,
                                 .stored = sum->before, .failed = sum->failed};
    an__progress_start(&b->p);
    rc = run_workers(b);
    an__progress_end(&b->p);
    sqlite3_exec(b->db, "DETACH DATABASE src", NULL, NULL, NULL);
    sum->stored = b->p.stored;
    sum->failed = b->p.failed;
    sum->done_now = b->p.done_now;
    sum->interrupted = rc == 0 && stopping(b) && sum->stored < sum->selected;
    return rc;
}

int an_batch_run(const struct scn_experiment *e, const struct an_batch_options *o,
                 struct an_batch_summary *sum, FILE *errfp)
{
    struct batch b = {.e = e, .o = o, .errfp = errfp};
    double t0 = an__now();
    memset(sum, 0, sizeof *sum);
    sum->runs = scn_experiment_runs(e);
    if (o->shard < 1 || o->shard > o->shards) {
        fprintf(errfp, "pssim batch: error: shard %d of %d does not exist\n", o->shard, o->shards);
        return 1;
    }
    if (an_store_open(&b.st, o->db, errfp) != 0)
        return -1;
    b.db = an__store_db(b.st);
    int rc = batch_in(&b, sum);
    an_store_close(b.st);
    free(b.todo);
    sum->wall_seconds = an__now() - t0;
    return rc;
}
