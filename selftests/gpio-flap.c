// SPDX-License-Identifier: GPL-2.0
/*
 * gpio-flap - glitch gpio-sim input lines: every PERIOD, pull each line to
 * the opposite of its resting level for PULSE, then back.
 *
 *   gpio-flap [-p PERIOD_US] [-w PULSE_US] [-d DURATION_MS] [-m LIMIT_US]
 *             [-t] SIM_GPIO_DIR...
 *
 * -t writes "edge" to the ftrace marker before every change, so that a
 * trace times each edge (tools/testing/bench.sh).
 *
 * SIM_GPIO_DIR is a gpio-sim line directory (.../gpiochipN/sim_gpioM); its
 * "pull" file is written, its current "pull" is the resting level. Timing
 * uses clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), finished by a
 * yielding busy wait where timers are coarse. Prints one line:
 *   pulses=N edges=N rate_hz=R mean_pulse_us=U max_pulse_us=U over_limit=N
 * where a pulse is measured from before its first write to after its
 * restoring write, and over_limit counts pulses not shorter than LIMIT_US
 * (default 20000: the driver's default debounce). Exits 1 on a write error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gpio-clock.h"

#define MAX_LINES 16

static int marker_fd = -1;

static int put(int fd, const char *s)
{
	size_t n = strlen(s);

	if (marker_fd >= 0 && write(marker_fd, "edge", 4) < 0)
		return -1;
	return pwrite(fd, s, n, 0) == (ssize_t)n ? 0 : -1;
}

int main(int argc, char **argv)
{
	long period_us = 1000, pulse_us = 200, dur_ms = 1000, limit_us = 20000;
	const char *rest[MAX_LINES], *glitch[MAX_LINES];
	int fd[MAX_LINES], n = 0, opt, i;
	long long pulses = 0, max_ns = 0, sum_ns = 0, over = 0, t_end;
	struct timespec next, now, a, b, start;

	while ((opt = getopt(argc, argv, "p:w:d:m:t")) != -1) {
		switch (opt) {
		case 'p': period_us = atol(optarg); break;
		case 'w': pulse_us = atol(optarg); break;
		case 'd': dur_ms = atol(optarg); break;
		case 'm': limit_us = atol(optarg); break;
		case 't':
			marker_fd = open("/sys/kernel/tracing/trace_marker", O_WRONLY);
			if (marker_fd < 0) {
				perror("gpio-flap: trace_marker");
				return 1;
			}
			break;
		default:
			fprintf(stderr, "usage: gpio-flap [-p PERIOD_US] [-w PULSE_US] [-d DURATION_MS] [-m LIMIT_US] [-t] SIM_GPIO_DIR...\n");
			return 2;
		}
	}
	if (optind >= argc || period_us <= 0 || pulse_us < 0 || pulse_us >= period_us) {
		fprintf(stderr, "gpio-flap: need lines, and 0 <= PULSE < PERIOD\n");
		return 2;
	}
	for (i = optind; i < argc && n < MAX_LINES; i++, n++) {
		char path[512], cur[32] = "";
		ssize_t r;

		snprintf(path, sizeof(path), "%s/pull", argv[i]);
		fd[n] = open(path, O_RDWR);
		if (fd[n] < 0) {
			fprintf(stderr, "gpio-flap: %s: %s\n", path, strerror(errno));
			return 1;
		}
		r = pread(fd[n], cur, sizeof(cur) - 1, 0);
		if (r < 0)
			return 1;
		cur[r] = 0;
		rest[n] = strncmp(cur, "pull-up", 7) ? "pull-down" : "pull-up";
		glitch[n] = strcmp(rest[n], "pull-up") ? "pull-up" : "pull-down";
	}

	clock_setup();
	coarse_setup();

	now_ts(&start);
	t_end = ns_of(&start) + dur_ms * 1000000LL;
	next = start;
	for (;;) {
		now_ts(&a);
		if (ns_of(&a) >= t_end)
			break;
		for (i = 0; i < n; i++)
			if (put(fd[i], glitch[i]))
				goto err;
		if (pulse_us) {
			struct timespec until = a;

			ts_add(&until, pulse_us * 1000LL);
			sleep_until(&until);
		}
		for (i = 0; i < n; i++)
			if (put(fd[i], rest[i]))
				goto err;
		now_ts(&b);
		pulses++;
		sum_ns += ns_of(&b) - ns_of(&a);
		if (ns_of(&b) - ns_of(&a) > max_ns)
			max_ns = ns_of(&b) - ns_of(&a);
		if (ns_of(&b) - ns_of(&a) >= limit_us * 1000LL)
			over++;
		ts_add(&next, period_us * 1000LL);
		now_ts(&now);
		if (ns_of(&next) < ns_of(&now))
			next = now;	/* late: do not try to catch up in a burst */
		sleep_until(&next);
	}
	now_ts(&now);
	printf("pulses=%lld edges=%lld rate_hz=%.0f mean_pulse_us=%lld max_pulse_us=%lld over_limit=%lld\n",
	       pulses, pulses * 2 * n,
	       pulses * 1e9 / (double)(ns_of(&now) - ns_of(&start)),
	       pulses ? sum_ns / pulses / 1000 : 0, max_ns / 1000, over);
	return 0;
err:
	fprintf(stderr, "gpio-flap: write: %s\n", strerror(errno));
	for (i = 0; i < n; i++)
		put(fd[i], rest[i]);
	return 1;
}
