// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl: shared helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tools-common.h"

#define SBC_PROG "smartbmsctl"

static void sbc_verr(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", SBC_PROG);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void sbc_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbc_verr(fmt, ap);
	va_end(ap);
}

int sbc_fail(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbc_verr(fmt, ap);
	va_end(ap);
	return code;
}

int sbc_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", SBC_PROG, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s --help'.\n", SBC_PROG, cmd);
	return SBC_EXIT_USAGE;
}

int sbc_local_only(const char *cmd, const struct sbc_global *g)
{
	if (!g->uri)
		return SBC_EXIT_OK;
	return sbc_usage_error(cmd, "-u %s: not available over the network "
			       "(the setting and event interfaces are the local sysfs and netlink)",
			       g->uri);
}

const char *sbc_sysfs_root(void)
{
	const char *root = getenv("SMARTBMS_SYSFS");

	return root && *root ? root : "/sys";
}

int sbc_psy_path(char *buf, size_t len, const char *psy, const char *attr)
{
	int n;

	if (attr)
		n = snprintf(buf, len, "%s/class/power_supply/%s/%s",
			     sbc_sysfs_root(), psy, attr);
	else
		n = snprintf(buf, len, "%s/class/power_supply/%s",
			     sbc_sysfs_root(), psy);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int sbc_fsync_parent(const char *path)
{
	char dir[PATH_MAX], *slash;
	int fd, ret;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = fsync(fd);
	close(fd);
	return ret;
}

int sbc_bms_present(void)
{
	char path[PATH_MAX];
	struct stat st;

	return !sbc_psy_path(path, sizeof(path), SBC_PSY, NULL) &&
	       !stat(path, &st) && S_ISDIR(st.st_mode);
}

int sbc_check_present(void)
{
	char path[PATH_MAX];
	struct stat st;

	if (sbc_psy_path(path, sizeof(path), SBC_PSY, NULL))
		return sbc_fail(SBC_EXIT_FAIL, "%s: path too long", sbc_sysfs_root());
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return sbc_fail(SBC_EXIT_NODEV, "no BMS present: %s: %s "
				"(is the smartbms driver loaded?)", path,
				strerror(errno ? errno : ENOTDIR));
	return SBC_EXIT_OK;
}

int sbc_read_attr(const char *psy, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, err;

	if (sbc_psy_path(path, sizeof(path), psy, attr))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int sbc_read_long(const char *psy, const char *attr, long *val)
{
	char buf[64], *end;
	long v;
	int ret;

	ret = sbc_read_attr(psy, attr, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	*val = v;
	return 0;
}

int sbc_write_attr(const char *psy, const char *attr, const char *val)
{
	return sbc_write_attr_bin(psy, attr, val, strlen(val));
}

ssize_t sbc_read_attr_bin(const char *psy, const char *attr, void *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, err;

	if (sbc_psy_path(path, sizeof(path), psy, attr))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len);
	err = errno;
	close(fd);
	return n < 0 ? -err : n;
}

int sbc_write_attr_bin(const char *psy, const char *attr, const void *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, err = 0;

	if (sbc_psy_path(path, sizeof(path), psy, attr))
		return -ENAMETOOLONG;
	/* O_TRUNC is ignored by sysfs and keeps a test tree's file clean. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* one write: the driver takes a whole value or blob, or nothing */
	n = write(fd, buf, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int sbc_has_monitor(void)
{
	char path[PATH_MAX];

	return !sbc_psy_path(path, sizeof(path), SBC_PSY, "monitor_sync") &&
	       !access(path, F_OK);
}

int sbc_write_durable(const char *cmd, const char *path, const void *data,
		      size_t len)
{
	char tmp[PATH_MAX + 8], dir[PATH_MAX], *slash;
	ssize_t n;
	int fd, err = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp) ||
	    (size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir))
		return sbc_fail(SBC_EXIT_USAGE, "%s: %s: name too long", cmd, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return sbc_fail(errno == EACCES ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
					"%s: %s: %s", cmd, dir, strerror(errno));
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return sbc_fail(errno == EACCES ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
				"%s: %s: %s", cmd, tmp, strerror(errno));
	n = write(fd, data, len);
	if (n < 0 || fsync(fd))
		err = errno;
	else if ((size_t)n != len)
		err = EIO;
	if (close(fd) && !err)
		err = errno;
	if (err) {
		unlink(tmp);
		return sbc_fail(SBC_EXIT_FAIL, "%s: %s: %s", cmd, tmp, strerror(err));
	}
	if (rename(tmp, path) || sbc_fsync_parent(path)) {
		err = errno;
		unlink(tmp);
		return sbc_fail(SBC_EXIT_FAIL, "%s: %s: %s", cmd, path, strerror(err));
	}
	return SBC_EXIT_OK;
}

int sbc_write_error(const char *what, int err)
{
	err = err < 0 ? -err : err;
	switch (err) {
	case EACCES:
	case EPERM:
	case EROFS:
		return sbc_fail(SBC_EXIT_PERM, "%s: permission denied: %s "
				"(settings are root-only)", what, strerror(err));
	case ENOENT:
		return sbc_fail(SBC_EXIT_NODEV, "%s: %s (no BMS present, or the "
				"driver lacks this attribute)", what, strerror(err));
	default:
		return sbc_fail(SBC_EXIT_REFUSED, "%s: kernel refused the value: %s",
				what, strerror(err));
	}
}

/* ---- numbers ---- */

int sbc_parse_fixed(const char *s, long scale, long *out)
{
	long ip = 0, frac = 0, fscale = scale;
	int neg = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (ip > (LONG_MAX / scale - 9) / 10)
			return -ERANGE;
		ip = ip * 10 + (*s - '0');
	}
	if (*s == '.') {
		int digits = 0;

		s++;
		for (; *s >= '0' && *s <= '9'; s++, digits++) {
			if (fscale >= 10) {
				fscale /= 10;
				frac += (*s - '0') * fscale;
			} else if (*s != '0') {
				return -EINVAL;	/* more precision than the unit */
			}
		}
		if (!digits)
			return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	*out = (ip * scale + frac) * (neg ? -1 : 1);
	return 0;
}

int sbc_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* ---- tables ---- */

const struct sbc_fuse sbc_fuses[] = {
	{ "125", 100 }, { "100", 90 }, { "80", 60 }, { "60", 50 },
	{ "2x30", 40 }, { "2x20", 25 }, { "2x15", 20 }, { "2x10", 12 },
	{ "2x7.5", 9 },
};
const unsigned int sbc_nfuses = sizeof(sbc_fuses) / sizeof(sbc_fuses[0]);

const struct sbc_fuse *sbc_fuse_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < sbc_nfuses; i++)
		if (!strcmp(sbc_fuses[i].name, name))
			return &sbc_fuses[i];
	return NULL;
}

static const char * const sbc_usage_vals[] = { "use", "unavailable", NULL };
static const char * const sbc_signal_vals[] = { "continuous", "intermittent", NULL };
static const char * const sbc_remote_vals[] = { "alternator", "system", NULL };
static const char * const sbc_switch_vals[] = { "on", "off", NULL };

const struct sbc_setting sbc_settings[] = {
	{ "fuse", "fuse", SBC_KIND_FUSE, NULL, 0, 0, "unset",
	  "alternator fuse fitted (BMS-ALT-3)", "A", 0, 0 },
	{ "charge-limit", "constant_charge_voltage", SBC_KIND_VOLT, NULL,
	  13000000, 15300000, "14.2", "battery charge limit in volts (BMS-CHG-1)",
	  "V", 0, 0 },
	{ "prealarm", "prealarm_signal", SBC_KIND_ENUM, sbc_signal_vals, 0, 0,
	  "continuous", "pre-alarm signal (BMS-OUT-4)", "", 0, 0 },
	{ "prealarm-usage", "prealarm_usage", SBC_KIND_ENUM, sbc_usage_vals, 0, 0,
	  "use", "battery pre-alarm usage (BMS-SET-3)", "", 0, 0 },
	{ "remote-function", "remote_function", SBC_KIND_ENUM, sbc_remote_vals,
	  0, 0, "alternator", "what remote off switches off (BMS-REM-2)", "", 0, 0 },
	{ "switch", "software_switch", SBC_KIND_ENUM, sbc_switch_vals, 0, 0,
	  "on", "software switch (BMS-REM-3)", "", 0, 0 },
	{ "debounce", "debounce_ms", SBC_KIND_UINT, NULL, 0, 1000, "20",
	  "GPIO input debounce in ms (BMS-IN-1)", "ms", 0, 0 },
	{ "poll-interval", "poll_interval_ms", SBC_KIND_UINT, NULL, 10, 10000,
	  NULL, "driver poll interval in ms", "ms", 0, 0 },
	/* the battery monitor's (BMS-MON-2), after everything else */
	{ "monitor-charged-voltage", "monitor_charged_voltage", SBC_KIND_VOLT, NULL,
	  12000000, 15300000, "14.0", "battery monitor: charged voltage",
	  "V", 0, SBC_SET_MONITOR },
	{ "monitor-tail-current", "monitor_tail_current", SBC_KIND_DECIMAL, NULL,
	  5, 100, "4.0", "battery monitor: tail current, % of capacity",
	  "%", 1, SBC_SET_MONITOR },
	{ "monitor-charged-time", "monitor_charged_time", SBC_KIND_UINT, NULL,
	  60, 3000, "180", "battery monitor: charged detection time in s",
	  "s", 0, SBC_SET_MONITOR },
	{ "monitor-charge-efficiency", "monitor_charge_efficiency", SBC_KIND_UINT,
	  NULL, 50, 100, "99", "battery monitor: charge efficiency factor in %",
	  "%", 0, SBC_SET_MONITOR },
	{ "monitor-peukert", "monitor_peukert", SBC_KIND_DECIMAL, NULL,
	  100, 150, "1.05", "battery monitor: Peukert exponent",
	  "", 2, SBC_SET_MONITOR },
};
const unsigned int sbc_nsettings = sizeof(sbc_settings) / sizeof(sbc_settings[0]);

const struct sbc_setting *sbc_setting_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < sbc_nsettings; i++)
		if (!strcmp(sbc_settings[i].name, name))
			return &sbc_settings[i];
	return NULL;
}

static void sbc_volts(long uv, char *out, size_t len)
{
	int n;

	/* microvolts to volts, trailing zeros trimmed, at least one decimal */
	n = snprintf(out, len, "%ld.%06ld", uv / 1000000, labs(uv % 1000000));
	while (n > 0 && (size_t)n < len && out[n - 1] == '0' && out[n - 2] != '.')
		out[--n] = '\0';
}

/* The unit a number may carry after it; "" none. */
static const char *sbc_setting_unit(const struct sbc_setting *s)
{
	return s->kind == SBC_KIND_ENUM || !s->unit ? "" : s->unit;
}

/* @v in units of the last of @decimals decimals: "1.05" */
static void sbc_decimal(long v, unsigned int decimals, char *out, size_t len)
{
	long scale = 1;
	unsigned int i;

	for (i = 0; i < decimals; i++)
		scale *= 10;
	snprintf(out, len, "%s%ld.%0*ld", v < 0 ? "-" : "", labs(v) / scale,
		 (int)decimals, labs(v) % scale);
}

void sbc_setting_range(const struct sbc_setting *s, char *out, size_t len)
{
	const char *unit = sbc_setting_unit(s);
	char lo[32], hi[32];
	size_t used = 0;
	unsigned int i;

	out[0] = '\0';
	switch (s->kind) {
	case SBC_KIND_ENUM:
		used = snprintf(out, len, "one of:");
		for (i = 0; s->values[i] && used < len; i++)
			used += snprintf(out + used, len - used, " %s", s->values[i]);
		break;
	case SBC_KIND_FUSE:
		used = snprintf(out, len, "one of:");
		for (i = 0; i < sbc_nfuses && used < len; i++)
			used += snprintf(out + used, len - used, " %s", sbc_fuses[i].name);
		break;
	case SBC_KIND_VOLT:
		sbc_volts(s->min, lo, sizeof(lo));
		sbc_volts(s->max, hi, sizeof(hi));
		snprintf(out, len, "%s..%s V", lo, hi);
		break;
	case SBC_KIND_UINT:
		snprintf(out, len, "%ld..%ld%s%s", s->min, s->max, *unit ? " " : "", unit);
		break;
	case SBC_KIND_DECIMAL:
		sbc_decimal(s->min, s->decimals, lo, sizeof(lo));
		sbc_decimal(s->max, s->decimals, hi, sizeof(hi));
		snprintf(out, len, "%s..%s%s%s", lo, hi, *unit ? " " : "", unit);
		break;
	}
}

const char *sbc_settings_parser_name(void)
{
#ifdef SBC_USE_CORE
	return "core";
#else
	return "tool";
#endif
}

/*
 * The forms people type, the same for every number: a decimal comma for
 * a point, the setting's unit after the number ("V", "ms", "s", "%", "A"
 * on a fuse) and, on a fuse, "X" for "x". 0, or -1 when nothing is left.
 */
static int sbc_setting_normalise(const struct sbc_setting *s, const char *in,
				 char *buf, size_t len)
{
	const char *unit = sbc_setting_unit(s);
	size_t n = strlen(in), u = strlen(unit), i;

	if (!n || n >= len)
		return -1;
	for (i = 0; i <= n; i++)
		buf[i] = s->kind == SBC_KIND_ENUM ? in[i] : in[i] == ',' ? '.' :
			 s->kind == SBC_KIND_FUSE && in[i] == 'X' ? 'x' : in[i];
	if (u && n > u && !strcasecmp(buf + n - u, unit))
		buf[n - u] = '\0';
	return 0;
}

/* The tool's own checks, where the core is not built in (SMARTBMS_CORE=0). */
static int sbc_setting_local(const struct sbc_setting *s, const char *buf,
			     char *out, size_t len)
{
	unsigned long u;
	unsigned int i;
	long uv, scale = 1, v;

	switch (s->kind) {
	case SBC_KIND_ENUM:
		for (i = 0; s->values[i]; i++)
			if (!strcmp(buf, s->values[i]))
				return snprintf(out, len, "%s", buf), 0;
		return -1;
	case SBC_KIND_FUSE:
		return sbc_fuse_find(buf) ? (snprintf(out, len, "%s", buf), 0) : -1;
	case SBC_KIND_VOLT:
		/* the driver takes whole millivolts */
		if (sbc_parse_fixed(buf, 1000000, &uv) || uv % 1000 || uv < s->min ||
		    uv > s->max)
			return -1;
		return snprintf(out, len, "%ld", uv), 0;
	case SBC_KIND_UINT:
		if (sbc_parse_uint(buf, (unsigned long)s->max, &u) ||
		    u < (unsigned long)s->min)
			return -1;
		return snprintf(out, len, "%lu", u), 0;
	case SBC_KIND_DECIMAL:
		for (i = 0; i < s->decimals; i++)
			scale *= 10;
		if (sbc_parse_fixed(buf, scale, &v) || v < s->min || v > s->max)
			return -1;
		sbc_decimal(v, s->decimals, out, len);
		return 0;
	}
	return -1;
}

int sbc_setting_check(const struct sbc_setting *s, const char *in,
		      char *out, size_t len, char *msg, size_t mlen)
{
	char range[160], buf[32], why[128] = "";
	int ret = -1;

	sbc_setting_range(s, range, sizeof(range));
	if (!sbc_setting_normalise(s, in, buf, sizeof(buf))) {
#ifdef SBC_USE_CORE
		ret = sbc_core_setting(s->name, buf, out, len, why, sizeof(why));
		if (ret < 0)
#endif
			ret = sbc_setting_local(s, buf, out, len) ? 1 : 0;
	}
	if (!ret)
		return 0;
	snprintf(msg, mlen, "%s: invalid value '%s'%s%s: %s %s", s->name, in,
		 *why ? ": " : "", why,
		 s->kind == SBC_KIND_ENUM || s->kind == SBC_KIND_FUSE ?
		 "must be" : "valid range is", range);
	return SBC_EXIT_RANGE;
}

int sbc_setting_parse(const struct sbc_setting *s, const char *in,
		      char *out, size_t len)
{
	char msg[512];

	if (!sbc_setting_check(s, in, out, len, msg, sizeof(msg)))
		return 0;
	return sbc_fail(SBC_EXIT_RANGE, "%s", msg);
}

int sbc_setting_format(const struct sbc_setting *s, const char *sysval,
		       char *out, size_t len)
{
	char *end;
	long v;

	if (s->kind != SBC_KIND_VOLT) {
		snprintf(out, len, "%s", sysval);
		return 0;
	}
	errno = 0;
	v = strtol(sysval, &end, 10);
	if (errno || end == sysval || *end)
		return SBC_EXIT_FAIL;
	sbc_volts(v, out, len);
	return 0;
}

/*
 * Appendix B of the manual (Rev 10, 06/2023), translated; remedies name
 * the smartbmsctl command where the manual names the app's menu.
 */
const struct sbc_code sbc_codes[] = {
	{ "E-B30", "Calibration fault",
	  "Internal fault: calibration data corrupt or missing.",
	  "Commission the board: smartbmsctl calibrate CHANNEL MEASURED for "
	  "each channel, or calibrate --nominal (smartbms-commissioning.rst). "
	  "(On the Victron unit: contact your dealer, the BMS must be "
	  "replaced.)" },
	{ "E-B31", "Configuration fault",
	  "Internal fault: configuration data corrupt or missing.",
	  "1. Reset the device to factory settings (smartbmsctl reset). "
	  "2. Disconnect all power and wait 3 minutes before reconnecting. "
	  "3. Configure the device again if needed." },
	{ "E-B32", "Battery BMS cable not connected or faulty",
	  "A disconnected or faulty battery BMS cable (M8 round connector) was "
	  "detected. This can also happen when the pre-alarm function is "
	  "enabled with batteries that do not support it.",
	  "1. Check the BMS cables and whether the battery supports the "
	  "pre-alarm function. 2. If it does not, disable it "
	  "(smartbmsctl set prealarm-usage unavailable)." },
	{ "E-B33", "Reference voltage fault",
	  "Internal fault: reference voltage faulty or missing.",
	  "Contact your dealer for support. The fault cannot be corrected by "
	  "the user; the BMS must be replaced." },
	{ "A-B11", "Low voltage",
	  "Undervoltage protection is active because the battery does not "
	  "allow discharge; loads are off.",
	  "1. Switch off or disconnect the loads and recharge the battery. "
	  "2. Check the charging system and the battery for correct operation." },
	{ "A-B15", "High temperature",
	  "Over-temperature protection is active because the internal "
	  "temperature of the BMS is too high; alternator charging is stopped.",
	  "1. Make sure the correct fuse value is set (smartbmsctl set fuse); "
	  "the right fuse also keeps the alternator and DC wiring from "
	  "overheating. 2. Check for loose or high-resistance connections and "
	  "make sure wiring of the right cross-section is used. 3. Do not "
	  "install the BMS where it is exposed to high temperatures or radiant "
	  "heat; move it to a cooler place or add active cooling." },
	{ "W-B12", "Low voltage warning",
	  "The battery pre-alarm is active: urgent action is needed to prevent "
	  "the system from shutting down.",
	  "1. Switch off or disconnect the loads and recharge the battery. "
	  "2. Check the charging system and the battery for correct operation." },
};
const unsigned int sbc_ncodes = sizeof(sbc_codes) / sizeof(sbc_codes[0]);

const struct sbc_code *sbc_code_find(const char *code)
{
	unsigned int i;

	for (i = 0; i < sbc_ncodes; i++)
		if (!strcmp(sbc_codes[i].code, code))
			return &sbc_codes[i];
	return NULL;
}

/* ---- misc ---- */

void sbc_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int sbc_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}

void sbc_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

long long sbc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sbc_timestamp(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}
