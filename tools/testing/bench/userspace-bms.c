// SPDX-License-Identifier: GPL-2.0
/*
 * userspace-bms - the charge-disconnect protection as people run it today:
 * a daemon that polls the battery voltage from sysfs and the battery
 * BMS's allowed-to-charge line with libgpiod (v1), and drives the
 * charge-disconnect line with libgpiod. For tools/testing/bench.sh only,
 * which compares its reaction and CPU with the driver's.
 *
 *   userspace-bms -c CHIP_LABEL [-i IN] [-o OUT] -v VBAT_RAW_FILE
 *                 [-p PERIOD_MS] [-l LIMIT_MV] [-d DURATION_S]
 *
 * Charging is allowed while the input is high and vbat (mV) is below the
 * limit (default 14200). Runs DURATION_S seconds (default: forever).
 */
#include <gpiod.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *label = NULL, *vbat_path = NULL;
	unsigned int in_off = 0, out_off = 1;
	long period_ms = 1000, limit_mv = 14200, dur_s = 0;
	struct gpiod_line *in, *out;
	struct gpiod_chip *chip;
	struct timespec start, now, d;
	int opt, fd, last = -1;

	while ((opt = getopt(argc, argv, "c:i:o:v:p:l:d:")) != -1) {
		switch (opt) {
		case 'c': label = optarg; break;
		case 'i': in_off = atoi(optarg); break;
		case 'o': out_off = atoi(optarg); break;
		case 'v': vbat_path = optarg; break;
		case 'p': period_ms = atol(optarg); break;
		case 'l': limit_mv = atol(optarg); break;
		case 'd': dur_s = atol(optarg); break;
		default: goto usage;
		}
	}
	if (!label || !vbat_path || period_ms <= 0)
		goto usage;

	chip = gpiod_chip_open_by_label(label);
	if (!chip) {
		perror("userspace-bms: gpiod_chip_open_by_label");
		return 1;
	}
	in = gpiod_chip_get_line(chip, in_off);
	out = gpiod_chip_get_line(chip, out_off);
	if (!in || !out || gpiod_line_request_input(in, "userspace-bms") ||
	    gpiod_line_request_output(out, "userspace-bms", 0)) {
		perror("userspace-bms: request lines");
		return 1;
	}
	fd = open(vbat_path, O_RDONLY);
	if (fd < 0) {
		perror(vbat_path);
		return 1;
	}

	clock_gettime(CLOCK_MONOTONIC, &start);
	d.tv_sec = period_ms / 1000;
	d.tv_nsec = period_ms % 1000 * 1000000L;
	for (;;) {
		char buf[32];
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		long mv = 0;
		int atc, charge;

		if (n > 0) {
			buf[n] = 0;
			mv = strtol(buf, NULL, 10);
		}
		atc = gpiod_line_get_value(in);
		/* an unreadable measurement or line does not allow charging */
		charge = n > 0 && atc == 1 && mv < limit_mv;
		if (charge != last) {
			gpiod_line_set_value(out, charge);
			last = charge;
		}
		if (dur_s) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec - start.tv_sec >= dur_s)
				break;
		}
		nanosleep(&d, NULL);
	}
	gpiod_line_set_value(out, 0);
	gpiod_chip_close(chip);
	return 0;
usage:
	fprintf(stderr, "usage: userspace-bms -c CHIP_LABEL [-i IN] [-o OUT] -v VBAT_RAW_FILE [-p PERIOD_MS] [-l LIMIT_MV] [-d DURATION_S]\n");
	return 2;
}
