// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl calibrate CHANNEL MEASURED [--second] | --nominal
 *
 * Commissioning: a reference reading (a multimeter at the terminal) trims
 * one channel of the driver's calibration from what the driver reads now.
 * One point trims the gain (the offset near zero and on a temperature
 * channel); --second takes the
 * channel's previous point as well and sets gain and offset. The new blob
 * goes to the driver (which uses it at once and, where the board has an
 * NVMEM cell "calibration", stores it there) and, where the driver keeps
 * it in a firmware file, to that file: written, fsynced, renamed, the
 * folder fsynced.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cal.h"
#include "tools-common.h"

/* A trim beyond this is no trim but a wrong front end description. */
#define SBC_TRIM_MIN		500000
#define SBC_TRIM_MAX		2000000
/* Below this (milli-units: 1 V, 1 A, 1 degC) one point sets the offset. */
#define SBC_ZERO_BAND		1000
#define SBC_SAMPLES		5
#define SBC_CH_TEMP		3
#define SBC_CH_TBAT		5

static const char * const sbc_cal_units[SBC_CAL_NCHAN] = {
	"V", "V", "A", "degC", "V", "degC", "V", "V", "V", "V",
};

static void calibrate_help(void)
{
	printf("Usage: smartbmsctl calibrate CHANNEL MEASURED [--second]\n"
	       "       smartbmsctl calibrate --nominal\n\n"
	       "Trim CHANNEL so that it reads MEASURED (V, A or degC, a reference\n"
	       "reading at the terminal) from now on. One point trims the gain, or\n"
	       "the offset on temp and tbat and when MEASURED is within 1 V/1 A of\n"
	       "zero; --second\n"
	       "takes this channel's previous point too and sets gain and offset.\n"
	       "--nominal writes an identity trim (a board whose front end is\n"
	       "described in physical units and needs no trim).\n"
	       "The driver uses the new trim at once; it is kept in the board's NVMEM\n"
	       "cell, or in the firmware file (calibration_store says which).\n"
	       "Channels: vbat vstart ialt temp vref tbat vcell0 vcell1 vcell2 vcell3\n");
}

/* "13.2" -> 13200: a plain decimal number, at most 3 decimals */
static int sbc_parse_milli(const char *s, long long *out)
{
	long long ip = 0, frac = 0;
	int neg = 0, nd = 0, digits = 0;
	const char *p = s;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		if ((ip = ip * 10 + (*p - '0')) > 1000000)
			return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (nd < 3) {
				frac = frac * 10 + (*p - '0');
				nd++;
			}
	if (*p || !digits)
		return -1;
	for (; nd < 3; nd++)
		frac *= 10;
	*out = (neg ? -1 : 1) * (ip * 1000 + frac);
	return 0;
}

/* The first line of a file, without its newline; 0 or -1 */
static int sbc_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ret = -1;

	if (!f)
		return -1;
	if (fgets(buf, len, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		ret = 0;
	}
	fclose(f);
	return ret;
}

/* The driver's IIO device (name "smartbms"): its folder */
static int sbc_bms_iio_dir(char *buf, size_t len)
{
	char devs[PATH_MAX], path[PATH_MAX + 300], name[64];
	struct dirent *d;
	DIR *dir;
	int found = 0;

	snprintf(devs, sizeof(devs), "%s/bus/iio/devices", sbc_sysfs_root());
	dir = opendir(devs);
	if (!dir)
		return -errno;
	while (!found && (d = readdir(dir))) {
		if (strncmp(d->d_name, "iio:device", 10))
			continue;
		snprintf(path, sizeof(path), "%s/%s/name", devs, d->d_name);
		if (!sbc_first_line(path, name, sizeof(name)) && !strcmp(name, SBC_IIO_NAME))
			found = (size_t)snprintf(buf, len, "%s/%s", devs, d->d_name) < len;
	}
	closedir(dir);
	return found ? 0 : -ENOENT;
}

/* The driver's calibrated reading of a channel, averaged, in milli-units */
static int sbc_read_chan(int ch, long long *milli)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], label[64], stem[64];
	struct dirent *d;
	long long sum = 0;
	DIR *dd;
	int i, ret;

	ret = sbc_bms_iio_dir(dir, sizeof(dir));
	if (ret)
		return ret;
	dd = opendir(dir);
	if (!dd)
		return -errno;
	stem[0] = '\0';
	while (!stem[0] && (d = readdir(dd))) {
		size_t n = strlen(d->d_name);

		if (n < 7 || strcmp(d->d_name + n - 6, "_label") || n - 6 >= sizeof(stem))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, d->d_name) >= sizeof(path))
			continue;
		if (!sbc_first_line(path, label, sizeof(label)) &&
		    !strcmp(label, sbc_cal_chan_names[ch]))
			snprintf(stem, sizeof(stem), "%.*s", (int)(n - 6), d->d_name);
	}
	closedir(dd);
	if (!stem[0])
		return -ENODEV;
	snprintf(path, sizeof(path), "%s/%s_raw", dir, stem);
	for (i = 0; i < SBC_SAMPLES; i++) {
		FILE *f = fopen(path, "r");
		long long v;

		if (!f)
			return -errno;
		ret = fscanf(f, "%lld", &v) == 1 ? 0 : -EIO;
		fclose(f);
		if (ret)
			return ret;
		sum += v;
		if (i + 1 < SBC_SAMPLES)
			usleep(100000);
	}
	*milli = sum / SBC_SAMPLES;
	return 0;
}

/* Is @name a word of the space-separated list @list? */
static int sbc_in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

/*
 * A channel in sensor fault is not trimmed: an unreadable one would be
 * trimmed against its last good reading, an implausible one needs its
 * front end description fixed, not a trim.
 */
static int sbc_chan_faulty(int ch)
{
	char faults[SBC_ATTR_MAX], implausible[SBC_ATTR_MAX];
	const char *name = sbc_cal_chan_names[ch];

	if (sbc_read_attr(SBC_PSY, "sensor_faults", faults, sizeof(faults)) ||
	    !sbc_in_list(faults, name))
		return 0;
	if (!sbc_read_attr(SBC_PSY, "sensor_implausible", implausible,
			   sizeof(implausible)) && sbc_in_list(implausible, name))
		return sbc_fail(SBC_EXIT_FAIL, "calibrate: %s reads outside the range of "
				"a 12 V system (sensor_implausible): check the front end "
				"description (divider, shunt, transducer in the device "
				"tree) first. Nothing changed.", name);
	return sbc_fail(SBC_EXIT_FAIL, "calibrate: %s cannot be read now (sensor_faults): "
			"fix the channel first. Nothing changed.", name);
}

/* The trim in use: the driver's blob, or identity when it has none (E-B30) */
static int sbc_cal_current(struct sbc_cal *cal)
{
	unsigned char blob[SBC_CAL_SIZE + 1];
	char path[PATH_MAX];
	ssize_t n;
	int fd, i;

	for (i = 0; i < SBC_CAL_NCHAN; i++) {
		cal->gain_micro[i] = 1000000;
		cal->offset[i] = 0;
	}
	if (sbc_psy_path(path, sizeof(path), SBC_PSY, "calibration"))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, blob, sizeof(blob));
	i = errno;
	close(fd);
	if (n < 0)
		return i == ENODATA ? 0 : -i;
	if (n == 0)
		return 0;
	return sbc_cal_parse(blob, n, cal) ? -EBADMSG : 0;
}

/* The previous point of each channel, for --second */
static const char *sbc_points_file(void)
{
	const char *f = getenv("SMARTBMS_CALIBRATE_STATE");

	return f && *f ? f : "/run/smartbms/calibrate.points";
}

static int sbc_point_get(int ch, long long *raw, long long *meas)
{
	char name[32];
	long long r, m;
	FILE *f = fopen(sbc_points_file(), "r");
	int found = 0;

	if (!f)
		return -1;
	while (fscanf(f, "%31s %lld %lld", name, &r, &m) == 3)
		if (!strcmp(name, sbc_cal_chan_names[ch])) {
			*raw = r;
			*meas = m;
			found = 1;
		}
	fclose(f);
	return found ? 0 : -1;
}

static void sbc_point_put(int ch, long long raw, long long meas)
{
	char dir[PATH_MAX], *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", sbc_points_file());
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0700);
	}
	f = fopen(sbc_points_file(), "a");
	if (!f)
		return;
	fprintf(f, "%s %lld %lld\n", sbc_cal_chan_names[ch], raw, meas);
	fclose(f);
}

/* mkdir -p: 0, or -1 with errno */
static int sbc_mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

/*
 * Put the blob in use and keep it: the firmware file's new version is
 * written and fsynced first, the driver takes the blob (or refuses it,
 * and nothing changed), then the file is renamed into place.
 */
static int sbc_cal_install(const unsigned char *blob)
{
	char store[SBC_ATTR_MAX], file[PATH_MAX], tmp[PATH_MAX + 8], path[PATH_MAX];
	const char *fwdir = getenv("SMARTBMS_FIRMWARE_DIR");
	int fd = -1, ret, to_file;
	ssize_t n;

	ret = sbc_read_attr(SBC_PSY, "calibration_store", store, sizeof(store));
	if (ret)
		return sbc_fail(SBC_EXIT_FAIL, "calibrate: %s/calibration_store: %s "
				"(a driver without runtime calibration?)", SBC_PSY,
				strerror(-ret));
	to_file = !strncmp(store, "firmware ", 9);
	if (to_file) {
		snprintf(file, sizeof(file), "%s/%s", fwdir && *fwdir ? fwdir : "/lib/firmware",
			 store + 9);
		snprintf(tmp, sizeof(tmp), "%s.tmp", file);
		snprintf(path, sizeof(path), "%s", file);
		*strrchr(path, '/') = '\0';
		if (sbc_mkdirs(path))
			return sbc_fail(errno == EACCES ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
					"calibrate: %s: %s", path, strerror(errno));
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return sbc_fail(errno == EACCES ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
					"calibrate: %s: %s", tmp, strerror(errno));
		n = write(fd, blob, SBC_CAL_SIZE);
		if (n != SBC_CAL_SIZE || fsync(fd)) {
			ret = sbc_fail(SBC_EXIT_FAIL, "calibrate: %s: %s", tmp,
				       n < 0 ? strerror(errno) : "short write");
			close(fd);
			unlink(tmp);
			return ret;
		}
		close(fd);
	}

	if (sbc_psy_path(path, sizeof(path), SBC_PSY, "calibration"))
		return sbc_fail(SBC_EXIT_FAIL, "calibrate: path too long");
	fd = open(path, O_WRONLY);
	n = fd < 0 ? -1 : write(fd, blob, SBC_CAL_SIZE);
	ret = n == SBC_CAL_SIZE ? 0 : errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	if (ret) {
		if (to_file)
			unlink(tmp);
		return sbc_write_error("calibrate: the driver's calibration", ret);
	}
	if (to_file) {
		if (rename(tmp, file) || sbc_fsync_parent(file)) {
			ret = sbc_fail(SBC_EXIT_FAIL, "calibrate: %s: %s: the driver uses the "
				       "new trim, but it is lost at the next boot", file,
				       strerror(errno));
			unlink(tmp);
			return ret;
		}
		printf("kept in %s\n", file);
	} else {
		printf("kept in the board's NVMEM cell \"calibration\"\n");
	}
	return SBC_EXIT_OK;
}

/* a / b rounded to the nearest, as the driver rounds its trim */
static long long sbc_div_round(long long a, long long b)
{
	if (b < 0) {
		a = -a;
		b = -b;
	}
	return a >= 0 ? (a + b / 2) / b : -((-a + b / 2) / b);
}

static void sbc_print_milli(const char *label, long long v, const char *unit)
{
	printf("%s %s%lld.%03lld %s", label, v < 0 ? "-" : "",
	       (v < 0 ? -v : v) / 1000, (v < 0 ? -v : v) % 1000, unit);
}

int cmd_calibrate(int argc, char **argv, const struct sbc_global *g)
{
	static const struct option opts[] = {
		{ "second", no_argument, NULL, 's' },
		{ "nominal", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned char blob[SBC_CAL_SIZE];
	long long meas, now, raw, r1, m1, gain, off;
	int opt, ch, ret, second = 0, nominal = 0;
	struct sbc_cal cal;

	while ((opt = getopt_long(argc, argv, "snh", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			second = 1;
			break;
		case 'n':
			nominal = 1;
			break;
		case 'h':
			calibrate_help();
			return SBC_EXIT_OK;
		default:
			return sbc_usage_error("calibrate", "bad option");
		}
	}
	ret = sbc_local_only("calibrate", g);
	if (ret)
		return ret;
	if (nominal) {
		if (argc != optind || second)
			return sbc_usage_error("calibrate", "--nominal takes no channel");
		ret = sbc_check_present();
		if (ret)
			return ret;
		for (int i = 0; i < SBC_CAL_NCHAN; i++) {
			cal.gain_micro[i] = 1000000;
			cal.offset[i] = 0;
		}
		sbc_cal_build(&cal, blob);
		printf("identity trim (gain 1, offset 0) on every channel\n");
		return sbc_cal_install(blob);
	}
	if (argc - optind != 2)
		return sbc_usage_error("calibrate", "expected CHANNEL MEASURED");
	ch = sbc_cal_chan_index(argv[optind]);
	if (ch < 0)
		return sbc_fail(SBC_EXIT_RANGE, "calibrate: unknown channel '%s' "
				"(vbat vstart ialt temp vref tbat vcell0..vcell3)",
				argv[optind]);
	if (sbc_parse_milli(argv[optind + 1], &meas))
		return sbc_fail(SBC_EXIT_RANGE, "calibrate: '%s' is not a number "
				"(%s, e.g. 13.21)", argv[optind + 1], sbc_cal_units[ch]);
	ret = sbc_check_present();
	if (ret)
		return ret;
	ret = sbc_cal_current(&cal);
	if (ret)
		return sbc_fail(SBC_EXIT_FAIL, "calibrate: the driver's calibration: %s",
				strerror(-ret));
	ret = sbc_chan_faulty(ch);
	if (ret)
		return ret;
	ret = sbc_read_chan(ch, &now);
	if (ret)
		return sbc_fail(ret == -ENODEV ? SBC_EXIT_NODEV : SBC_EXIT_FAIL,
				"calibrate: %s: %s", argv[optind], ret == -ENODEV ?
				"the board has no such channel" : strerror(-ret));

	/* what the front end gives before the trim in use */
	raw = sbc_div_round((now - cal.offset[ch]) * 1000000LL, cal.gain_micro[ch]);
	gain = cal.gain_micro[ch];
	off = cal.offset[ch];
	if (second) {
		if (sbc_point_get(ch, &r1, &m1))
			return sbc_fail(SBC_EXIT_USAGE, "calibrate: --second: no first point "
					"of %s yet (run without --second first)",
					argv[optind]);
		if (llabs(raw - r1) < SBC_ZERO_BAND)
			return sbc_fail(SBC_EXIT_RANGE, "calibrate: --second: the two points "
					"of %s must be at least 1 %s apart",
					argv[optind], sbc_cal_units[ch]);
		gain = sbc_div_round((meas - m1) * 1000000LL, raw - r1);
		off = m1 - sbc_div_round(r1 * gain, 1000000LL);
	} else if (llabs(meas) < SBC_ZERO_BAND || ch == SBC_CH_TEMP || ch == SBC_CH_TBAT) {
		/* near zero, and a temperature sensor: the offset */
		off = meas - sbc_div_round(raw * gain, 1000000LL);
	} else {
		if (!raw)
			return sbc_fail(SBC_EXIT_RANGE, "calibrate: %s reads 0: nothing to "
					"trim the gain from", argv[optind]);
		gain = sbc_div_round((meas - off) * 1000000LL, raw);
	}
	if (gain < SBC_TRIM_MIN || gain > SBC_TRIM_MAX || off < INT32_MIN || off > INT32_MAX)
		return sbc_fail(SBC_EXIT_RANGE, "calibrate: %s would need a gain of "
				"%lld.%06lld: a trim is within 0.5..2; check the front end "
				"description (divider, shunt, transducer in the device tree) "
				"first. Nothing changed.", argv[optind], gain / 1000000,
				llabs(gain % 1000000));
	cal.gain_micro[ch] = (int)gain;
	cal.offset[ch] = (int)off;
	sbc_cal_build(&cal, blob);

	sbc_print_milli(argv[optind], now, sbc_cal_units[ch]);
	sbc_print_milli(" read,", meas, sbc_cal_units[ch]);
	printf(" measured: gain %lld.%06lld, offset %lld (milli-%s)\n",
	       gain / 1000000, gain % 1000000, off, sbc_cal_units[ch]);
	ret = sbc_cal_install(blob);
	if (!ret && !second)
		sbc_point_put(ch, raw, meas);
	return ret;
}
