// SPDX-License-Identifier: GPL-2.0
/*
 * gpio-starve - chatter on one gpio-sim input line while no task but this
 * one may run: what a driver starved of CPU sees of chatter (BMS-IN-1).
 *
 *   gpio-starve [-n CYCLES] [-H HOLD_MS] [-w PHASE_US] [-m LIMIT_US]
 *               SIM_GPIO_DIR
 *
 * Each cycle: pull the line away from its resting level and sleep 3 ms,
 * so that the driver reads the changed level; then, on every CPU at
 * SCHED_FIFO 99 (one spinning thread per other CPU), toggle the line
 * every PHASE_US for HOLD_MS, ending at the changed level; let go for
 * 2 ms, so that the driver reads that level again, HOLD_MS after the
 * first time; then back to rest for 100 ms. The driver's IRQ thread and
 * work run only at those two moments: without the edges in between it
 * takes the changed level as lasting HOLD_MS. Hard IRQs still run. The
 * spinners let go HOLD_MS + 100 ms after they were told, whatever.
 *
 * Prints one line:
 *   cycles=N starved=N max_phase_us=U over_limit=N
 * where starved counts cycles whose every CPU was held, max_phase_us is
 * the longest stretch at the changed level, and over_limit counts cycles
 * with such a stretch not shorter than LIMIT_US (default 20000: the
 * driver's default debounce), in which a decision is right.
 * Exits 1 on an error, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gpio-clock.h"

#define MAX_CPUS 64

static atomic_int hog, spinning, done;
static _Atomic long long deadline;	/* a spinner lets go then, whatever */

static int fifo99(void)
{
	struct sched_param p = { .sched_priority = 99 };

	return sched_setscheduler(0, SCHED_FIFO, &p);
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static long long now_ns(void)
{
	struct timespec t;

	now_ts(&t);
	return ns_of(&t);
}

/*
 * One other CPU: asleep until told to hold it, then spinning, until let
 * go or the deadline: a main thread blocked in a write (gpio-sim's lock,
 * held by a task this CPU holds off) must not hang the machine.
 */
static void *spin(void *arg)
{
	struct timespec d = { 0, 100000 };

	if (pin((int)(long)arg) || fifo99())
		return NULL;
	while (!atomic_load(&done)) {
		if (!atomic_load(&hog) || now_ns() >= atomic_load(&deadline)) {
			nanosleep(&d, NULL);
			continue;
		}
		atomic_fetch_add(&spinning, 1);
		while (atomic_load(&hog) && now_ns() < atomic_load(&deadline))
			;
		atomic_fetch_sub(&spinning, 1);
	}
	return NULL;
}

static int put(int fd, const char *s)
{
	size_t n = strlen(s);

	return pwrite(fd, s, n, 0) == (ssize_t)n ? 0 : -1;
}

static void busy_until(long long t)
{
	struct timespec now;

	do
		now_ts(&now);
	while (ns_of(&now) < t);
}

/* A plain sleep, at least @ms: the CPU is free for the driver meanwhile. */
static void sleep_ms(long ms)
{
	struct timespec d = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&d, NULL);
}

int main(int argc, char **argv)
{
	long cycles = 10, hold_ms = 40, phase_us = 4000, limit_us = 20000;
	long c, starved = 0, over = 0, ncpu, i;
	long long max_ns = 0, changed_at, t, t_end, held;
	const char *rest, *changed;
	pthread_t th[MAX_CPUS];
	char path[512], cur[32] = "";
	int fd, opt, err = 0;
	ssize_t r;

	while ((opt = getopt(argc, argv, "n:H:w:m:")) != -1) {
		switch (opt) {
		case 'n': cycles = atol(optarg); break;
		case 'H': hold_ms = atol(optarg); break;
		case 'w': phase_us = atol(optarg); break;
		case 'm': limit_us = atol(optarg); break;
		default:
			fprintf(stderr, "usage: gpio-starve [-n CYCLES] [-H HOLD_MS] [-w PHASE_US] [-m LIMIT_US] SIM_GPIO_DIR\n");
			return 2;
		}
	}
	if (optind + 1 != argc || cycles <= 0 || hold_ms <= 0 || phase_us <= 0) {
		fprintf(stderr, "gpio-starve: need one line, and positive counts\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/pull", argv[optind]);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "gpio-starve: %s: %s\n", path, strerror(errno));
		return 1;
	}
	r = pread(fd, cur, sizeof(cur) - 1, 0);
	if (r < 0)
		return 1;
	cur[r] = 0;
	rest = strncmp(cur, "pull-up", 7) ? "pull-down" : "pull-up";
	changed = strcmp(rest, "pull-up") ? "pull-up" : "pull-down";

	clock_setup();
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu > MAX_CPUS)
		ncpu = MAX_CPUS;
	if (pin(0) || fifo99()) {
		fprintf(stderr, "gpio-starve: SCHED_FIFO on CPU 0: %s\n", strerror(errno));
		return 1;
	}
	for (i = 1; i < ncpu; i++)
		if (pthread_create(&th[i], NULL, spin, (void *)i)) {
			fprintf(stderr, "gpio-starve: a thread for CPU %ld\n", i);
			return 1;
		}

	for (c = 0; c < cycles && !err; c++) {
		long long longest = 0, end;
		bool is_changed = true;

		/*
		 * A changed phase runs from before its write to after the
		 * write that ends it: a write can wait for gpio-sim's lock.
		 * The driver reads the changed level now.
		 */
		changed_at = now_ns();
		err |= put(fd, changed);
		sleep_ms(3);

		/* every CPU held: nothing but hard IRQs and this loop */
		atomic_store(&deadline, now_ns() + (hold_ms + 100) * 1000000LL);
		atomic_store(&hog, 1);
		t = now_ns() + 50000000LL;
		while (atomic_load(&spinning) < ncpu - 1 && now_ns() < t)
			;
		held = atomic_load(&spinning) == ncpu - 1;
		t = now_ns();
		t_end = t + hold_ms * 1000000LL;
		while (t < t_end) {
			is_changed = !is_changed;
			if (is_changed) {
				changed_at = now_ns();
				err |= put(fd, changed);
			} else {
				err |= put(fd, rest);
				end = now_ns();
				if (end - changed_at > longest)
					longest = end - changed_at;
			}
			t += phase_us * 1000LL;
			busy_until(t < t_end ? t : t_end);
		}
		if (!is_changed) {
			changed_at = now_ns();
			err |= put(fd, changed);
		}
		atomic_store(&hog, 0);

		/* the driver reads the changed level again, then rest */
		sleep_ms(2);
		err |= put(fd, rest);
		end = now_ns();
		if (end - changed_at > longest)
			longest = end - changed_at;
		starved += held;
		if (longest > max_ns)
			max_ns = longest;
		if (longest >= limit_us * 1000LL)
			over++;
		sleep_ms(100);
	}
	atomic_store(&done, 1);
	for (i = 1; i < ncpu; i++)
		pthread_join(th[i], NULL);
	put(fd, rest);
	if (err) {
		fprintf(stderr, "gpio-starve: write: %s\n", strerror(errno));
		return 1;
	}
	printf("cycles=%ld starved=%ld max_phase_us=%lld over_limit=%ld\n",
	       c, starved, max_ns / 1000, over);
	return 0;
}
