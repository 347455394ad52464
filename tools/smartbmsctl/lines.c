// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl lines: the GPIO lines the driver holds (consumer
 * "smartbms:<name>") with direction and level.
 *
 * The driver holds its lines, so userspace cannot request them to read the
 * value (EBUSY). The level is taken, in order, from a request (works when
 * the line is free), from debugfs (gpio), or for outputs from the
 * driver's sysfs attribute of the same name.
 */
#include <errno.h>
#include <getopt.h>
#include <gpiod.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tools-common.h"

#define SBC_CONSUMER_PREFIX "smartbms:"

static void lines_help(void)
{
	printf("Usage: smartbmsctl lines\n\n"
	       "List every GPIO line whose consumer starts with \"smartbms:\":\n"
	       "chip, offset, consumer, direction and level (high, low or ?).\n"
	       "Levels of lines the driver holds come from debugfs\n"
	       "(/sys/kernel/debug/gpio) or the driver's output attributes.\n");
}

/* Level from debugfs: "gpiochipN: GPIOs A-B" sections, " gpio-K (...) dir hi" */
static int sbc_debugfs_level(const char *chip, unsigned int offset)
{
	char path[PATH_MAX], line[256];
	long base = -1;
	int level = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kernel/debug/gpio", sbc_sysfs_root());
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		long a, k;
		char *p;

		if (sscanf(line, "%63[^:]: GPIOs %ld-", name, &a) == 2) {
			base = strcmp(name, chip) ? -1 : a;
			continue;
		}
		if (base < 0 || sscanf(line, " gpio-%ld", &k) != 1 || k - base != (long)offset)
			continue;
		p = strrchr(line, ')');
		if (p && strstr(p, " hi"))
			level = 1;
		else if (p && strstr(p, " lo"))
			level = 0;
		break;
	}
	fclose(f);
	return level;
}

/* Outputs: the driver's attribute named like the line ("load_disconnect") */
static int sbc_attr_level(const char *consumer)
{
	const char *name = consumer + strlen(SBC_CONSUMER_PREFIX);
	char attr[64];
	unsigned int i;
	long v;

	for (i = 0; name[i] && i + 1 < sizeof(attr); i++)
		attr[i] = name[i] == '-' ? '_' : name[i];
	attr[i] = '\0';
	if (strcmp(attr, "load_disconnect") && strcmp(attr, "charge_disconnect") &&
	    strcmp(attr, "prealarm") && strcmp(attr, "alternator_enable"))
		return -1;
	return sbc_read_long(SBC_PSY, attr, &v) ? -1 : !!v;
}

int cmd_lines(int argc, char **argv, const struct sbc_global *g)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gpiod_chip_iter *iter;
	unsigned int found = 0;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'h') {
			lines_help();
			return SBC_EXIT_OK;
		}
		return sbc_usage_error("lines", "bad option");
	}
	ret = sbc_local_only("lines", g);
	if (ret)
		return ret;
	if (optind != argc)
		return sbc_usage_error("lines", "unexpected argument '%s'", argv[optind]);

	iter = gpiod_chip_iter_new();
	if (!iter) {
		if (errno == EACCES || errno == EPERM)
			return sbc_fail(SBC_EXIT_PERM, "lines: opening GPIO chips: %s",
					strerror(errno));
		if (errno != ENOENT)
			return sbc_fail(SBC_EXIT_FAIL, "lines: opening GPIO chips: %s",
					strerror(errno));
	} else {
		struct gpiod_chip *chip;
		unsigned int i;

		gpiod_foreach_chip(iter, chip) {
			for (i = 0; i < gpiod_chip_num_lines(chip); i++) {
				struct gpiod_line *line = gpiod_chip_get_line(chip, i);
				const char *consumer;
				int level = -1, out;

				if (!line)
					continue;
				consumer = gpiod_line_consumer(line);
				if (!consumer || strncmp(consumer, SBC_CONSUMER_PREFIX,
							 strlen(SBC_CONSUMER_PREFIX)))
					continue;
				out = gpiod_line_direction(line) == GPIOD_LINE_DIRECTION_OUTPUT;
				if (!gpiod_line_is_used(line) &&
				    !gpiod_line_request_input(line, "smartbmsctl")) {
					level = gpiod_line_get_value(line);
					gpiod_line_release(line);
				}
				if (level < 0)
					level = sbc_debugfs_level(gpiod_chip_name(chip), i);
				if (level < 0 && out)
					level = sbc_attr_level(consumer);
				printf("%-10s %3u  %-32s %-6s %s\n", gpiod_chip_name(chip), i,
				       consumer, out ? "output" : "input",
				       level < 0 ? "?" : level ? "high" : "low");
				found++;
			}
		}
		gpiod_chip_iter_free(iter);
	}
	if (!found)
		return sbc_fail(SBC_EXIT_NODEV, "lines: no GPIO line with a \"%s\" consumer "
				"(no BMS present)", SBC_CONSUMER_PREFIX);
	return SBC_EXIT_OK;
}
