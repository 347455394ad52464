// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl lines: the GPIO lines the driver holds (consumer
 * "smartbms:<name>"), for commissioning: toggle an input, watch its line.
 *
 * Chip, offset, consumer, direction and active-low come from libgpiod
 * (the GPIO character device's line info). The level does not: the kernel
 * does not let userspace read a line that a driver holds (a request fails
 * with EBUSY), so the logical level is the driver's own, the one the rules
 * and "smartbmsctl status" use: the output attributes and the "inputs"
 * attribute. The pin level is the logical level through active-low. No
 * debugfs, and no root: without access to the character devices the
 * levels are still listed, and what is missing is said.
 */
#include <errno.h>
#include <getopt.h>
#include <gpiod.h>
#include <stdio.h>
#include <string.h>

#include "tools-common.h"

#define SBC_CONSUMER_PREFIX	SBC_PSY ":"
#define SBC_NLINES		10

/* The driver's line names, outputs first (SPEC section 3). */
static const char * const sbc_line_names[SBC_NLINES] = {
	"load-disconnect", "charge-disconnect", "prealarm", "alternator-enable",
	"allowed-to-charge", "allowed-to-discharge", "prealarm-in",
	"cable-detect", "remote-l", "remote-h",
};
#define SBC_NOUT		4

struct sbc_line {
	int found;			/* libgpiod saw it held by the driver */
	char chip[32];
	unsigned int offset;
	int output;
	int active_low;
	int logical;			/* -1: unknown */
};

static void lines_help(void)
{
	printf("Usage: smartbmsctl lines\n\n"
	       "List the GPIO lines the BMS driver holds: chip, offset, consumer,\n"
	       "direction and polarity (libgpiod), the logical level the driver\n"
	       "sees (high = what the name says: allowed, on) and the pin level\n"
	       "(the logical level through active-low). The levels are the\n"
	       "driver's: the kernel does not let userspace read a line a\n"
	       "driver holds. Needs no debugfs; without access to /dev/gpiochip*\n"
	       "the chip, offset and polarity show '?' and the levels still show.\n");
}

static int sbc_line_index(const char *consumer)
{
	int i;

	if (strncmp(consumer, SBC_CONSUMER_PREFIX, strlen(SBC_CONSUMER_PREFIX)))
		return -1;
	consumer += strlen(SBC_CONSUMER_PREFIX);
	for (i = 0; i < SBC_NLINES; i++)
		if (!strcmp(consumer, sbc_line_names[i]))
			return i;
	return -1;
}

/* Line info from libgpiod: 0, or -errno when the chips cannot be opened */
static int sbc_lines_gpiod(struct sbc_line *l)
{
	struct gpiod_chip_iter *iter;
	struct gpiod_chip *chip;
	unsigned int i;

	iter = gpiod_chip_iter_new();
	if (!iter)
		return -errno;
	gpiod_foreach_chip(iter, chip) {
		for (i = 0; i < gpiod_chip_num_lines(chip); i++) {
			struct gpiod_line *line = gpiod_chip_get_line(chip, i);
			const char *consumer = line ? gpiod_line_consumer(line) : NULL;
			int k = consumer ? sbc_line_index(consumer) : -1;

			if (k < 0)
				continue;
			l[k].found = 1;
			snprintf(l[k].chip, sizeof(l[k].chip), "%s", gpiod_chip_name(chip));
			l[k].offset = i;
			l[k].output = gpiod_line_direction(line) ==
				      GPIOD_LINE_DIRECTION_OUTPUT;
			l[k].active_low = gpiod_line_active_state(line) ==
					  GPIOD_LINE_ACTIVE_STATE_LOW;
		}
	}
	gpiod_chip_iter_free(iter);
	for (i = 0; i < SBC_NLINES; i++)
		if (l[i].found)
			return 0;
	/* the driver is bound, so its chip is not visible here */
	return -ENOENT;
}

/* The driver's logical levels; 0, or -errno when "inputs" is missing */
static int sbc_lines_levels(struct sbc_line *l)
{
	char buf[SBC_ATTR_MAX], attr[32], *tok, *save;
	int i, j, ret;
	long v;

	for (i = 0; i < SBC_NOUT; i++) {
		for (j = 0; sbc_line_names[i][j] && j + 1 < (int)sizeof(attr); j++)
			attr[j] = sbc_line_names[i][j] == '-' ? '_' : sbc_line_names[i][j];
		attr[j] = '\0';
		l[i].logical = sbc_read_long(SBC_PSY, attr, &v) ? -1 : !!v;
	}
	ret = sbc_read_attr(SBC_PSY, "inputs", buf, sizeof(buf));
	if (ret)
		return ret;
	for (i = SBC_NOUT; i < SBC_NLINES; i++)
		l[i].logical = 0;
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		for (i = SBC_NOUT; i < SBC_NLINES; i++)
			if (!strcmp(tok, sbc_line_names[i]))
				l[i].logical = 1;
	return 0;
}

static const char *sbc_level(int v)
{
	return v < 0 ? "?" : v ? "high" : "low";
}

int cmd_lines(int argc, char **argv, const struct sbc_global *g)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sbc_line l[SBC_NLINES];
	int opt, ret, access, i;

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
	ret = sbc_check_present();
	if (ret)
		return ret;

	memset(l, 0, sizeof(l));
	for (i = 0; i < SBC_NLINES; i++) {
		l[i].output = i < SBC_NOUT;
		l[i].logical = -1;
	}
	access = sbc_lines_gpiod(l);
	if (access)
		sbc_err("lines: GPIO chips: %s: chip, offset and polarity unknown "
			"(read access to /dev/gpiochip* gives them); an input the "
			"board does not describe shows low", strerror(-access));
	ret = sbc_lines_levels(l);
	if (ret)
		sbc_err("lines: %s/inputs: %s: input levels unknown (a driver "
			"without the attribute?)", SBC_PSY, strerror(-ret));

	for (i = 0; i < SBC_NLINES; i++) {
		char consumer[64], off[12];
		int pin;

		if (!access && !l[i].found)
			continue;	/* the board does not describe it */
		snprintf(consumer, sizeof(consumer), "%s%s", SBC_CONSUMER_PREFIX,
			 sbc_line_names[i]);
		snprintf(off, sizeof(off), "%u", l[i].offset);
		pin = l[i].logical < 0 || access ? -1 : l[i].logical ^ l[i].active_low;
		printf("%-10s %3s  %-32s %-6s %-11s %-4s pin %s\n",
		       access ? "?" : l[i].chip, access ? "?" : off, consumer,
		       l[i].output ? "output" : "input",
		       access ? "?" : l[i].active_low ? "active-low" : "active-high",
		       sbc_level(l[i].logical), sbc_level(pin));
	}
	return SBC_EXIT_OK;
}
