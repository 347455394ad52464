// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl calibration write|show|verify FILE
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cal.h"
#include "tools-common.h"

static void cal_help(void)
{
	printf("Usage: smartbmsctl calibration write [--set CHAN=GAIN,OFFSET]... "
	       "[--from TEXT] FILE\n"
	       "       smartbmsctl calibration show FILE\n"
	       "       smartbmsctl calibration verify FILE\n\n"
	       "Calibration blobs as the driver loads them (firmware-name, default\n"
	       "/lib/firmware/smartbms/calibration.bin): \"SBMC\", version 1, 10\n"
	       "channels of { s32 gain_micro, s32 offset }, CRC-32 (zlib).\n"
	       "calibrated = raw * gain_micro / 1000000 + offset.\n\n"
	       "  -s, --set CHAN=GAIN,OFFSET  one channel (default 1000000,0)\n"
	       "  -f, --from TEXT             lines 'CHAN GAIN OFFSET' ('-' = stdin),\n"
	       "                              the format 'show' prints\n"
	       "Channels: vbat vstart ialt temp vref tbat vcell0 vcell1 vcell2 vcell3\n"
	       "verify exits 0 when the blob is valid, 8 when it is not.\n");
}

static int sbc_s32(const char *s, int *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < -2147483648LL || v > 2147483647LL)
		return -1;
	*out = (int)v;
	return 0;
}

/* "CHAN GAIN OFFSET" or "CHAN=GAIN,OFFSET" */
static int sbc_cal_assign(struct sbc_cal *cal, char *spec, const char *where)
{
	char *chan, *gain, *off, *save = NULL;
	int i;

	chan = strtok_r(spec, " \t=", &save);
	gain = chan ? strtok_r(NULL, " \t,", &save) : NULL;
	off = gain ? strtok_r(NULL, " \t\n", &save) : NULL;
	if (!off || strtok_r(NULL, " \t\n", &save))
		return sbc_fail(SBC_EXIT_BADDATA, "calibration: %s: expected "
				"CHAN GAIN OFFSET", where);
	i = sbc_cal_chan_index(chan);
	if (i < 0)
		return sbc_fail(SBC_EXIT_RANGE, "calibration: %s: unknown channel '%s' "
				"(vbat vstart ialt temp vref tbat vcell0..vcell3)",
				where, chan);
	if (sbc_s32(gain, &cal->gain_micro[i]) || sbc_s32(off, &cal->offset[i]) ||
	    !cal->gain_micro[i])
		return sbc_fail(SBC_EXIT_RANGE, "calibration: %s: gain and offset must "
				"be integers in -2147483648..2147483647, gain not 0", where);
	return 0;
}

static int sbc_cal_from(struct sbc_cal *cal, const char *file)
{
	char line[256], where[300];
	unsigned int n = 0;
	FILE *f;
	int ret = 0;

	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f)
		return sbc_fail(SBC_EXIT_FAIL, "calibration: %s: %s", file, strerror(errno));
	while (!ret && fgets(line, sizeof(line), f)) {
		char *p = line;

		n++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#' || *p == '\n')
			continue;
		snprintf(where, sizeof(where), "%s:%u", file, n);
		ret = sbc_cal_assign(cal, p, where);
	}
	if (f != stdin)
		fclose(f);
	return ret;
}

static int sbc_cal_read(const char *file, unsigned char *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(file, "rb");

	if (!f)
		return sbc_fail(errno == EACCES ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
				"calibration: %s: %s", file, strerror(errno));
	*len = fread(buf, 1, cap, f);
	if (ferror(f)) {
		fclose(f);
		return sbc_fail(SBC_EXIT_FAIL, "calibration: %s: read error", file);
	}
	fclose(f);
	return 0;
}

/* The deciding parser, with the tool's explanation when it refuses. */
static int sbc_cal_load(const char *file, struct sbc_cal *cal)
{
	unsigned char buf[SBC_CAL_SIZE + 64];
	struct sbc_cal tmp;
	const char *why;
	size_t len = 0;
	int ret;

	ret = sbc_cal_read(file, buf, sizeof(buf), &len);
	if (ret)
		return ret;
	if (sbc_cal_parse(buf, len, cal)) {
		if (sbc_cal_check(buf, len, &tmp, &why))
			return sbc_fail(SBC_EXIT_BADDATA, "calibration: %s: invalid "
					"calibration blob: %s", file, why);
		return sbc_fail(SBC_EXIT_BADDATA, "calibration: %s: invalid "
				"calibration blob (refused by the %s parser)", file,
				sbc_cal_parser_name());
	}
	return 0;
}

static int sbc_cal_write(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned char blob[SBC_CAL_SIZE];
	char tmp[4096];
	struct sbc_cal cal, check;
	const char *from = NULL;
	char *sets[SBC_CAL_NCHAN * 4];
	unsigned int nsets = 0, i;
	FILE *f;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "s:f:h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (nsets >= sizeof(sets) / sizeof(sets[0]))
				return sbc_usage_error("calibration", "too many --set");
			sets[nsets++] = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 'h':
			cal_help();
			return SBC_EXIT_OK;
		default:
			return sbc_usage_error("calibration", "bad option");
		}
	}
	if (argc - optind != 1)
		return sbc_usage_error("calibration", "write: expected FILE");
	for (i = 0; i < SBC_CAL_NCHAN; i++) {
		cal.gain_micro[i] = 1000000;
		cal.offset[i] = 0;
	}
	if (from) {
		ret = sbc_cal_from(&cal, from);
		if (ret)
			return ret;
	}
	for (i = 0; i < nsets; i++) {
		ret = sbc_cal_assign(&cal, sets[i], "--set");
		if (ret)
			return ret;
	}
	sbc_cal_build(&cal, blob);
	if (sbc_cal_parse(blob, sizeof(blob), &check))
		return sbc_fail(SBC_EXIT_FAIL, "calibration: the %s parser refuses the "
				"blob just built", sbc_cal_parser_name());

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", argv[optind]) >= sizeof(tmp))
		return sbc_usage_error("calibration", "%s: name too long", argv[optind]);
	f = fopen(tmp, "wb");
	if (!f)
		return sbc_fail(errno == EACCES ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
				"calibration: %s: %s", tmp, strerror(errno));
	/* durable like save: the file, then the folder after the rename */
	ret = fwrite(blob, 1, sizeof(blob), f) != sizeof(blob) || fflush(f) ||
	      fsync(fileno(f));
	ret |= fclose(f);
	if (ret || rename(tmp, argv[optind]) || sbc_fsync_parent(argv[optind])) {
		ret = sbc_fail(SBC_EXIT_FAIL, "calibration: %s: %s", argv[optind],
			       strerror(errno));
		unlink(tmp);
		return ret;
	}
	return SBC_EXIT_OK;
}

int cmd_calibration(int argc, char **argv, const struct sbc_global *g)
{
	struct sbc_cal cal;
	const char *sub;
	unsigned int i;
	int ret;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		if (argc < 2)
			return sbc_usage_error("calibration", "expected write, show or verify");
		cal_help();
		return SBC_EXIT_OK;
	}
	ret = sbc_local_only("calibration", g);
	if (ret)
		return ret;
	sub = argv[1];
	argc--;
	argv++;
	if (!strcmp(sub, "write"))
		return sbc_cal_write(argc, argv);
	if (strcmp(sub, "show") && strcmp(sub, "verify"))
		return sbc_usage_error("calibration", "unknown subcommand '%s'", sub);
	if (sbc_wants_help(argc, argv)) {
		cal_help();
		return SBC_EXIT_OK;
	}
	if (argc != 2)
		return sbc_usage_error("calibration", "%s: expected FILE", sub);
	ret = sbc_cal_load(argv[1], &cal);
	if (ret)
		return ret;
	if (!strcmp(sub, "verify")) {
		printf("%s: valid calibration blob (%s parser)\n", argv[1],
		       sbc_cal_parser_name());
		return SBC_EXIT_OK;
	}
	printf("# %s: version 1, %d channels, CRC-32 ok (%s parser)\n"
	       "# channel gain_micro offset\n", argv[1], SBC_CAL_NCHAN,
	       sbc_cal_parser_name());
	for (i = 0; i < SBC_CAL_NCHAN; i++)
		printf("%-7s %d %d\n", sbc_cal_chan_names[i], cal.gain_micro[i],
		       cal.offset[i]);
	return SBC_EXIT_OK;
}
