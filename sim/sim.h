/* sim/sim.h - public interface of the discrete-event kernel (layer: sim).
 *
 * Owns simulated time, the pending-event set, the run loop, random-number
 * streams and duration distributions.  Knows nothing of threads or
 * processors: models/ embeds `struct sim_event` in its own objects and is
 * called back when they fire.
 *
 * Determinism contract: events fire in (time, sequence number) order, the
 * sequence number being assigned when an event is scheduled; RNG streams are
 * derived from (seed, stable entity name) only.  The same inputs therefore
 * give the same run, bit for bit.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_SIM_H
#define PSSIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

/* ===== time ============================================================ */

typedef int64_t sim_time_t; /* nanoseconds of simulated time */

#define SIM_NS ((sim_time_t)1)
#define SIM_US ((sim_time_t)1000)
#define SIM_MS ((sim_time_t)1000000)
#define SIM_S ((sim_time_t)1000000000)
#define SIM_TIME_MAX INT64_MAX
/* The longest duration, parsed or drawn: 2^60 ns, about 36 years.  A run
 * lasts a duration too, so a time plus a few durations (a sleep drawn from
 * a heavy tail, a burst and its overheads) can never overflow int64. */
#define SIM_DURATION_MAX ((sim_time_t)1 << 60)

static inline double sim_time_to_seconds(sim_time_t t) { return (double)t / 1e9; }

/* ===== events ========================================================== */

struct sim;
struct sim_event;

/* Called when an event fires; `s->now` is already the event's time and the
 * event is no longer pending, so the callback may schedule it again. */
typedef void (*sim_event_fn)(struct sim *s, struct sim_event *ev);

/* An event lives inside its owner (a CPU's quantum end, a thread's timeout):
 * scheduling never allocates.  Fields are private to sim/event.c except
 * `time`, which may be read while the event is pending. */
struct sim_event {
    sim_time_t time;
    sim_event_fn fn;
    uint32_t slot; /* position in the heap + 1; 0 = not pending */
};

struct sim_heap_entry; /* private to sim/event.c */

struct sim {
    sim_time_t now;
    uint64_t events;   /* events fired so far */
    uint64_t next_seq; /* tie-breaker handed to the next scheduled event */
    struct sim_heap_entry *heap;
    uint32_t size, cap;
    bool stop_requested;
};

enum sim_stop_reason {
    SIM_STOP_TIME,       /* reached `until` */
    SIM_STOP_EMPTY,      /* nothing left to do */
    SIM_STOP_REQUESTED,  /* a callback called sim_stop() */
    SIM_STOP_MAX_EVENTS, /* the event budget ran out */
};

int sim_init(struct sim *s); /* 0, or -1 when out of memory */
void sim_fini(struct sim *s);
void sim_event_init(struct sim_event *ev, sim_event_fn fn);

/* Schedule `ev` at absolute time `at` (>= s->now).  A pending event is moved,
 * taking a fresh sequence number.  Returns 0, or -1 when out of memory. */
int sim_schedule(struct sim *s, struct sim_event *ev, sim_time_t at);
/* Remove a pending event; a no-op if it is not pending.  O(log n). */
void sim_cancel(struct sim *s, struct sim_event *ev);
static inline bool sim_pending(const struct sim_event *ev) { return ev->slot != 0; }
/* Time of the earliest pending event, or SIM_TIME_MAX. */
sim_time_t sim_next_time(const struct sim *s);

/* Fire events in order while their time is < `until` and fewer than
 * `max_events` (0 = no limit) have fired in this call.  On SIM_STOP_TIME
 * s->now is set to `until`. */
enum sim_stop_reason sim_run(struct sim *s, sim_time_t until, uint64_t max_events);
void sim_stop(struct sim *s); /* ask sim_run to return after this event */

/* ===== random streams =================================================== */

/* 64-bit seed of the stream for entity `name` under run seed `seed`:
 * FNV-1a of the name mixed with the seed by SplitMix64.  Stable across
 * builds and platforms. */
uint64_t sim_seed_derive(uint64_t seed, const char *name);
/* A new GSL generator (taus2) seeded from sim_seed_derive(seed, name).
 * NULL when out of memory.  Free with gsl_rng_free(). */
gsl_rng *sim_rng_stream(uint64_t seed, const char *name);

/* ===== durations and distributions ==================================== */

/* A parse failure: `column` is the 0-based offset in the parsed text where
 * the problem starts, so a loader can add it to the scalar's own position. */
struct sim_parse_error {
    int column;
    char msg[200];
};

/* "2ms", "1.5us", "10s", "250ns".  A unit is mandatory; negative values and
 * values above SIM_DURATION_MAX are refused.  Returns 0 or -1 with `err`
 * filled. */
int sim_duration_parse(const char *text, sim_time_t *out, struct sim_parse_error *err);

enum sim_dist_kind {
    SIM_DIST_CONST,     /* a: value (ns) */
    SIM_DIST_EXP,       /* a: mean (ns) */
    SIM_DIST_UNIFORM,   /* a: low, b: high (ns) */
    SIM_DIST_NORMAL,    /* a: mean, b: sd (ns), truncated at 0 by resampling */
    SIM_DIST_LOGNORMAL, /* a: mean, b: sd (ns) of the distribution itself */
    SIM_DIST_PARETO,    /* a: scale x_m (ns), b: shape alpha */
    SIM_DIST_EMPIRICAL, /* samples[0..n): resampled uniformly */
};

struct sim_dist {
    enum sim_dist_kind kind;
    double a, b;
    double *samples; /* SIM_DIST_EMPIRICAL only; owned */
    size_t n;
};

/* Parse a duration or a distribution: "2ms", "exp(2ms)", "uniform(1ms,3ms)",
 * "normal(2ms,0.5ms)", "lognormal(2ms,1ms)", "pareto(1ms,2.5)",
 * "empirical(file.csv)".  A relative CSV path is resolved against `basedir`
 * (NULL = current directory).  The CSV holds one duration with unit per line;
 * blank lines and lines starting with '#' are skipped.
 * Returns 0 or -1 with `err` filled (its column points into `text`). */
int sim_dist_parse(const char *text, const char *basedir, struct sim_dist *out,
                   struct sim_parse_error *err);
/* Draw one value in ns, 0..SIM_DURATION_MAX.  Never consumes randomness for
 * SIM_DIST_CONST. */
sim_time_t sim_dist_sample(const struct sim_dist *d, gsl_rng *r);
/* Mean of the distribution in ns (analytic where known, else the sample mean). */
double sim_dist_mean(const struct sim_dist *d);
/* Deep copy (duplicates empirical samples).  0 or -1 when out of memory. */
int sim_dist_copy(struct sim_dist *dst, const struct sim_dist *src);
void sim_dist_free(struct sim_dist *d);
static inline struct sim_dist sim_dist_const(sim_time_t v)
{
    struct sim_dist d = {SIM_DIST_CONST, (double)v, 0, NULL, 0};
    return d;
}

#endif
