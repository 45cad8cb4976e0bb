/* analysis/batch_worker.c - one run of a batch, in a worker process (layer: analysis).
 *
 * Owns what a worker does with a run index: load the scenario with the
 * point's overrides, simulate it with the replication's seed, and store the
 * result (metrics, series, processes, slices, as `pssim run` stores them)
 * into a private results database in memory, whose bytes
 * (sqlite3_serialize) go back to the parent.  The parent takes the run in
 * with the copy of analysis/merge.c, so a worker never opens the batch's
 * database file: SQLite files are never written by two processes, nor by a
 * process that is killed while it holds a lock.
 *
 * A run that cannot be loaded or simulated is still a run: it is stored with
 * status "error" and the messages it produced, so that it is counted, shown
 * and not tried again by --resume.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"
#include "analysis/batch_int.h"

#define MAX_MESSAGE 4000 /* bytes of a run's messages kept in runs.message */

int an__read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return got == 0 && r == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return 1;
}

int an__write_full(int fd, const void *buf, size_t n)
{
    size_t put = 0;
    while (put < n) {
        /* MSG_NOSIGNAL: a peer that is gone is an error here, not a SIGPIPE */
        ssize_t w = send(fd, (const char *)buf + put, n - put, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        put += (size_t)w;
    }
    return 0;
}

/* The messages captured so far, trimmed to one paragraph of at most
 * MAX_MESSAGE bytes; NULL when there are none. */
static const char *captured(FILE *mf, char **msgs)
{
    fflush(mf); /* makes *msgs the current buffer */
    char *text = *msgs;
    if (!text || !*text)
        return NULL;
    size_t n = strlen(text);
    if (n > MAX_MESSAGE)
        n = MAX_MESSAGE;
    while (n > 0 && text[n - 1] == '\n')
        n--;
    text[n] = '\0';
    return text;
}

int an__batch_store_failure(struct an_store *st, int64_t xid, const struct scn_experiment *e,
                            size_t i, const char *message, int64_t *run_id, FILE *errfp)
{
    struct an_result r;
    memset(&r, 0, sizeof r);
    size_t point = i / (size_t)e->replications;
    int rep = (int)(i % (size_t)e->replications);
    r.seed = scn_experiment_seed(e, point, rep);
    r.status = "error";
    r.scenario = strdup(e->scenario);
    if (!r.scenario) {
        fprintf(errfp, "pssim: out of memory\n");
        return -1;
    }
    struct an_run_meta meta = {e->scenario, "", "{}", xid, rep,
                               message ? message : "the run failed", (int64_t)point};
    int rc = an_store_put(st, &meta, &r, run_id, errfp);
    an_result_free(&r);
    return rc;
}

/* Simulate run i into `st`; anything that goes wrong is stored as the
 * run's failure, with what was written on mf (whose buffer is *msgs). */
static int simulate(const struct scn_experiment *e, size_t i, sim_time_t window,
                    struct an_store *st, int64_t xid, FILE *mf, char **msgs)
{
    size_t point = i / (size_t)e->replications;
    int rep = (int)(i % (size_t)e->replications);
    struct scn_override *ov = calloc(e->nsweep + 1, sizeof *ov);
    struct scn_scenario s;
    int64_t id;
    if (!ov)
        return -1;
    scn_experiment_point(e, point, ov);
    int loaded = scn_load(e->scenario, ov, e->nsweep, &s, mf);
    free(ov);
    if (loaded != 0)
        return an__batch_store_failure(st, xid, e, i, captured(mf, msgs), &id, mf);
    struct an_series *series = an_series_new(window);
    struct an_listener l = series ? an_series_listener(series) : (struct an_listener){0};
    struct an_run_options opt = {.seed = scn_experiment_seed(e, point, rep), .has_seed = true,
                                 .listeners = &l, .nlisteners = series ? 1 : 0};
    struct an_result r;
    int rc;
    if (!series || an_run_scenario(&s, &opt, &r, mf) != 0) {
        rc = an__batch_store_failure(st, xid, e, i, series ? captured(mf, msgs) : "out of memory",
                                     &id, mf);
    } else {
        struct an_run_meta meta = {s.path, s.hash, s.params_json, xid, rep, NULL, (int64_t)point};
        rc = an_store_put(st, &meta, &r, &id, mf);
    }
    if (series)
        an_result_free(&r);
    an_series_free(series);
    scn_free(&s);
    return rc;
}

int an__batch_image(const struct scn_experiment *e, size_t i, sim_time_t gantt_window,
                    unsigned char **img, size_t *size)
{
    char *msgs = NULL;
    size_t len;
    struct an_store *st = NULL;
    int64_t xid;
    *img = NULL;
    *size = 0;
    FILE *mf = open_memstream(&msgs, &len);
    if (!mf)
        return -1;
    int rc = an_store_open(&st, ":memory:", mf) != 0 ||
             an__experiment_id(an__store_db(st), ":memory:", e->name, e->hash, e->text, &xid,
                               mf) != 0 ||
             simulate(e, i, gantt_window, st, xid, mf, &msgs) != 0;
    if (rc == 0) {
        sqlite3_int64 n = 0;
        *img = sqlite3_serialize(an__store_db(st), "main", &n, 0);
        *size = *img ? (size_t)n : 0;
        rc = !*img;
    }
    an_store_close(st);
    fclose(mf);
    free(msgs);
    return rc ? -1 : 0;
}

int an__batch_worker(const struct scn_experiment *e, sim_time_t gantt_window, int fd)
{
    for (;;) {
        uint64_t i;
        int got = an__read_full(fd, &i, sizeof i);
        if (got <= 0)
            return got == 0 ? 0 : 1; /* end of file: the batch is over */
        unsigned char *img = NULL;
        size_t size = 0;
        /* size 0: the parent records a failure */
        an__batch_image(e, (size_t)i, gantt_window, &img, &size);
        uint64_t head[2] = {i, size};
        int rc = an__write_full(fd, head, sizeof head) || an__write_full(fd, img, size);
        sqlite3_free(img);
        if (rc)
            return 1;
    }
}
