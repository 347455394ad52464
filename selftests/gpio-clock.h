/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The clock of the selftests' line helpers (gpio-flap, gpio-starve):
 * sub-millisecond time and sleeps, also in a TCG guest whose clocksource
 * is jiffies. Call clock_setup() and coarse_setup() first.
 */
#ifndef _GPIO_CLOCK_H
#define _GPIO_CLOCK_H

#include <sched.h>
#include <time.h>

static inline long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/*
 * A guest whose clocksource is jiffies (a tinyconfig kernel under TCG)
 * reads CLOCK_MONOTONIC in 4 ms steps. There the TSC, calibrated against
 * it, gives the sub-millisecond time; elsewhere clock_gettime() does.
 */
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
static double tsc_ns_per_tick;
static long long tsc_base_ns;
static unsigned long long tsc_base;

static inline long long raw_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ns_of(&t);
}

static inline long long edge_ns(unsigned long long *tsc)	/* the next clock step */
{
	long long a = raw_ns(), b;

	while ((b = raw_ns()) == a)
		;
	*tsc = __rdtsc();
	return b;
}

static inline void clock_setup(void)
{
	unsigned long long t0, t1;
	long long a, b, c, d;

	a = raw_ns();
	b = raw_ns();
	c = edge_ns(&t0);
	if (c - a < 100000 && b - a < 100000)
		return;			/* a fine clock: use it */
	d = c;
	while (d - c < 200000000LL)	/* 200 ms */
		d = edge_ns(&t1);
	tsc_ns_per_tick = (double)(d - c) / (double)(t1 - t0);
	tsc_base = t0;
	tsc_base_ns = c;
}

static inline void now_ts(struct timespec *t)
{
	long long ns;

	if (!tsc_ns_per_tick) {
		clock_gettime(CLOCK_MONOTONIC, t);
		return;
	}
	ns = tsc_base_ns + (long long)((double)(__rdtsc() - tsc_base) * tsc_ns_per_tick);
	t->tv_sec = ns / 1000000000LL;
	t->tv_nsec = ns % 1000000000LL;
}
#else
static inline void clock_setup(void) { }
static inline void now_ts(struct timespec *t) { clock_gettime(CLOCK_MONOTONIC, t); }
#endif

static inline void ts_add(struct timespec *t, long long ns)
{
	long long v = ns_of(t) + ns;

	t->tv_sec = v / 1000000000LL;
	t->tv_nsec = v % 1000000000LL;
}

/*
 * Sleep until @t. Where the kernel's timers are coarse (a TCG guest
 * without high-resolution timers sleeps in whole jiffies), the last
 * stretch is a busy wait that yields, so sub-millisecond timing holds.
 */
static long long coarse_ns;

static inline void sleep_until(const struct timespec *t)
{
	struct timespec now, d;
	long long ns;

	now_ts(&now);
	ns = ns_of(t) - ns_of(&now) - coarse_ns;
	if (ns > 0) {
		/* relative: now_ts() may be the TSC, not CLOCK_MONOTONIC */
		d.tv_sec = ns / 1000000000LL;
		d.tv_nsec = ns % 1000000000LL;
		nanosleep(&d, NULL);
	}
	do {
		sched_yield();
		now_ts(&now);
	} while (ns_of(&now) < ns_of(t));
}

/* how late a 100 us sleep wakes up: the timer granularity */
static inline void coarse_setup(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		struct timespec t0, t1, d = { 0, 100000 };

		now_ts(&t0);
		nanosleep(&d, NULL);
		now_ts(&t1);
		if (ns_of(&t1) - ns_of(&t0) + 1000000 > coarse_ns)
			coarse_ns = ns_of(&t1) - ns_of(&t0) + 1000000;
	}
}

#endif /* _GPIO_CLOCK_H */
