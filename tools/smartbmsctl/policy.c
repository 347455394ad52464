// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl policy: switch the system off through the software switch
 * at a state of charge, before the BMS has to disconnect for low cell
 * voltage (manual section 3.1: the low-voltage disconnect is the last
 * resort; switch off at a state of charge that leaves reserve).
 *
 * The state of charge comes from the BMS's own battery monitor (capacity
 * and monitor_sync of the smartbms power_supply), another power_supply's
 * capacity, or a Victron monitor over VE.Direct (vedirect.c). An unknown
 * one never switches anything.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "tools-common.h"
#include "vedirect.h"

#define SBC_VEDIRECT		"vedirect:"
#define SBC_VED_TIMEOUT_S	10

enum sbc_src {
	SBC_SRC_PSY,			/* another power_supply's capacity */
	SBC_SRC_BUILTIN,		/* the BMS's own battery monitor */
	SBC_SRC_VEDIRECT,		/* a BMV/SmartShunt on a serial port */
};

struct sbc_policy {
	const char *source;		/* --source, or NULL: the default */
	enum sbc_src kind;
	char found[PATH_MAX + 16];	/* the source in use */
	int fallback;			/* no built-in monitor: found by name */
	unsigned long off, on, hold_s, interval_s, count, timeout_s;
	int have_timeout;
	int once, use_syslog;
	long long last_action_ms;	/* 0: none yet */
	int deferred;			/* a deferral was logged */
	char unknown[PATH_MAX + 160];	/* why the SOC is unknown, as logged */
	struct ved_port ved;
	struct ved_stats ved_told;	/* the counters last logged */
};

/* A state of charge to act on. */
struct sbc_soc {
	long pm;			/* per mille */
	int tenths;			/* the source resolves tenths of a percent */
	char detail[96];		/* ", not synchronised", ", 12.65 V, -3.15 A" */
};

static volatile sig_atomic_t sbc_policy_stop;

static void sbc_policy_signal(int sig)
{
	(void)sig;
	sbc_policy_stop = 1;
}

static void policy_help(void)
{
	printf("Usage: smartbmsctl policy --off PERCENT [OPTIONS]\n\n"
	       "Switch the system off through the software switch when the state of\n"
	       "charge falls below --off, and back on when it rises above --on.\n"
	       "Set 'remote-function system' so that off also drops Load and Charge\n"
	       "Disconnect (with 'alternator' only alternator charging stops).\n\n"
	       "  -S, --source SOURCE   where the state of charge comes from:\n"
	       "                          smartbms       the BMS's own battery monitor\n"
	       "                          NAME           a power_supply's 'capacity'\n"
	       "                          vedirect:TTY   a Victron BMV or SmartShunt on\n"
	       "                                         a serial port (VE.Direct text,\n"
	       "                                         19200 8N1), e.g. vedirect:/dev/ttyUSB0\n"
	       "                        default: smartbms where the BMS has a monitor, else\n"
	       "                        the first power_supply by name with a capacity\n"
	       "  -o, --off PERCENT     switch off below this, 0..99 (required)\n"
	       "  -O, --on PERCENT      switch on above this, --off+1..100 (default --off+10)\n"
	       "  -H, --hold SECONDS    minimum time between actions, default 300\n"
	       "  -i, --interval SEC    evaluation period, default 30\n"
	       "  -t, --timeout SEC     vedirect: no valid block with a SOC for this long\n"
	       "                        makes the state of charge unknown, 1..3600, default %d\n"
	       "  -1, --once            evaluate once and exit (no hold history)\n"
	       "  -n, --count N         stop after N evaluations\n"
	       "  -s, --syslog          log to syslog instead of standard output\n"
	       "  -h, --help            show this help\n\n"
	       "An unknown state of charge never switches: the built-in monitor before\n"
	       "its first full charge (monitor_sync 'unknown'), a Victron monitor that\n"
	       "sends SOC '---', no valid block within --timeout. The policy says why,\n"
	       "once, and keeps evaluating (--once: exit 9). 'not-synchronised' acts\n"
	       "and says so. VE.Direct blocks with a bad checksum are dropped and counted.\n\n"
	       "The policy owns the software switch while it runs: it switches back\n"
	       "on above --on even after a manual 'set switch off'. Use the remote\n"
	       "terminals for a manual off; both must be on (BMS-REM-3).\n",
	       SBC_VED_TIMEOUT_S);
}

static void sbc_plog(const struct sbc_policy *p, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void sbc_plog(const struct sbc_policy *p, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (p->use_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		char ts[32];

		sbc_timestamp(ts, sizeof(ts));
		printf("%s policy: ", ts);
		vprintf(fmt, ap);
		putchar('\n');
		fflush(stdout);
	}
	va_end(ap);
}

static int sbc_has_capacity(const char *name)
{
	char buf[32];

	return !sbc_read_attr(name, "capacity", buf, sizeof(buf));
}

static int sbc_attr_exists(const char *psy, const char *attr)
{
	char path[PATH_MAX];

	return !sbc_psy_path(path, sizeof(path), psy, attr) && !access(path, F_OK);
}

/*
 * The BMS has a battery monitor when the driver gives monitor_sync and
 * capacity; capacity may then fail to read (ENODATA) while the state of
 * charge is unknown.
 */
static int sbc_builtin_present(void)
{
	return sbc_attr_exists(SBC_PSY, "monitor_sync") &&
	       sbc_attr_exists(SBC_PSY, "capacity");
}

static int sbc_open_vedirect(struct sbc_policy *p, const char *path)
{
	int ret;

	if (!*path)
		return sbc_usage_error("policy", "--source %s: no port: "
				       "vedirect:/dev/ttyUSB0, say", p->source);
	ved_port_init(&p->ved, path);
	ret = ved_open(&p->ved);
	if (ret)
		return sbc_fail(ret == -EACCES || ret == -EPERM ? SBC_EXIT_PERM :
				SBC_EXIT_NOSOURCE, "policy: --source %s: %s%s",
				p->source, strerror(-ret), ret == -EINVAL ?
				" (the port does not take 19200 baud 8N1)" : "");
	p->kind = SBC_SRC_VEDIRECT;
	snprintf(p->found, sizeof(p->found), "%s", p->source);
	return SBC_EXIT_OK;
}

/* The state-of-charge source: --source, else the built-in monitor, else the first by name. */
static int sbc_find_source(struct sbc_policy *p)
{
	char dir[PATH_MAX];
	struct dirent **list;
	int n, i, ret = SBC_EXIT_NOSOURCE;

	if (p->source && !strncmp(p->source, SBC_VEDIRECT, strlen(SBC_VEDIRECT)))
		return sbc_open_vedirect(p, p->source + strlen(SBC_VEDIRECT));
	if (p->have_timeout)
		return sbc_usage_error("policy", "--timeout is for a %sTTY source",
				       SBC_VEDIRECT);
	if (p->source ? !strcmp(p->source, SBC_PSY) : sbc_builtin_present()) {
		if (!sbc_builtin_present())
			return sbc_fail(SBC_EXIT_NOSOURCE, "policy: --source %s: the BMS "
					"has no battery monitor (%s/class/power_supply/%s "
					"lacks monitor_sync or capacity)", SBC_PSY,
					sbc_sysfs_root(), SBC_PSY);
		p->kind = SBC_SRC_BUILTIN;
		snprintf(p->found, sizeof(p->found), "%s", SBC_PSY);
		return SBC_EXIT_OK;
	}
	if (p->source) {
		if (!strncmp(p->source, SBC_PSY "-", strlen(SBC_PSY) + 1))
			return sbc_fail(SBC_EXIT_USAGE, "policy: --source %s: not a "
					"state-of-charge source", p->source);
		if (!sbc_has_capacity(p->source))
			return sbc_fail(SBC_EXIT_NOSOURCE, "policy: --source %s: no "
					"readable %s/class/power_supply/%s/capacity",
					p->source, sbc_sysfs_root(), p->source);
		snprintf(p->found, sizeof(p->found), "%s", p->source);
		return SBC_EXIT_OK;
	}
	snprintf(dir, sizeof(dir), "%s/class/power_supply", sbc_sysfs_root());
	n = scandir(dir, &list, NULL, alphasort);
	if (n < 0)
		return sbc_fail(SBC_EXIT_NOSOURCE, "policy: %s: %s", dir, strerror(errno));
	for (i = 0; i < n; i++) {
		const char *name = list[i]->d_name;

		if (ret && name[0] != '.' && strcmp(name, SBC_PSY) &&
		    strncmp(name, SBC_PSY "-", strlen(SBC_PSY) + 1) &&
		    sbc_has_capacity(name)) {
			snprintf(p->found, sizeof(p->found), "%s", name);
			ret = SBC_EXIT_OK;
		}
		free(list[i]);
	}
	free(list);
	if (ret)
		sbc_err("policy: no state-of-charge source: the BMS has no battery "
			"monitor and no other power_supply has a capacity attribute in %s",
			dir);
	p->fallback = !ret;
	return ret;
}

/* A power_supply's capacity as per mille; 0, or -1 and why. */
static int sbc_capacity(const char *psy, long *pm, char *why, size_t len)
{
	unsigned long v;
	char buf[32];
	int ret;

	ret = sbc_read_attr(psy, "capacity", buf, sizeof(buf));
	if (ret) {
		snprintf(why, len, "%s/capacity: %s", psy, strerror(-ret));
		return -1;
	}
	if (sbc_parse_uint(buf, 100, &v)) {
		snprintf(why, len, "%s/capacity '%s' is not a percentage 0..100", psy, buf);
		return -1;
	}
	*pm = (long)v * 10;
	return 0;
}

static int sbc_soc_builtin(struct sbc_soc *s, char *why, size_t len)
{
	char sync[32];
	int ret;

	ret = sbc_read_attr(SBC_PSY, "monitor_sync", sync, sizeof(sync));
	if (ret) {
		snprintf(why, len, "%s/monitor_sync: %s", SBC_PSY, strerror(-ret));
		return -1;
	}
	if (!strcmp(sync, "unknown")) {
		snprintf(why, len, "the battery monitor of %s has not been synchronised "
			 "(monitor_sync unknown: not fully charged since it was "
			 "installed)", SBC_PSY);
		return -1;
	}
	if (!strcmp(sync, "not-synchronised"))
		snprintf(s->detail, sizeof(s->detail), ", not synchronised");
	else if (strcmp(sync, "synchronised")) {
		snprintf(why, len, "%s/monitor_sync '%s' is none of synchronised, "
			 "not-synchronised, unknown", SBC_PSY, sync);
		return -1;
	}
	return sbc_capacity(SBC_PSY, &s->pm, why, len);
}

/* ", -3.15 A" from ", ", -3150 mA, "A" */
static void sbc_fmt_milli(char *buf, size_t len, const char *pre, long milli,
			  const char *unit)
{
	unsigned long m = milli < 0 ? -(unsigned long)milli : (unsigned long)milli;

	snprintf(buf, len, "%s%s%lu.%02lu %s", pre, milli < 0 ? "-" : "",
		 m / 1000, m % 1000 / 10, unit);
}

static void sbc_ved_failed(struct sbc_policy *p, int err)
{
	if (err == -EINTR)
		return;
	sbc_plog(p, LOG_WARNING, "%s: %s; opened again at the next evaluation",
		 p->found, err == -EPIPE ? "end of data (hang-up, or end of file)" :
		 strerror(-err));
	ved_close(&p->ved);
}

/* Say what was dropped since the last time (before the first good block: what was skipped). */
static void sbc_ved_report(struct sbc_policy *p)
{
	const struct ved_stats *st = &p->ved.vp.st;

	if (ved_dropped(st) == ved_dropped(&p->ved_told) &&
	    (p->ved.vp.synced || st->skipped == p->ved_told.skipped))
		return;
	sbc_plog(p, LOG_WARNING, "%s: %lu blocks dropped (checksum %lu, truncated %lu, "
		 "malformed %lu) and %lu before the first good one; %lu good; "
		 "%lu hex messages and %lu bytes of noise skipped", p->found,
		 ved_dropped(st), st->dropped[VED_DROP_CHECKSUM],
		 st->dropped[VED_DROP_TRUNCATED], st->dropped[VED_DROP_MALFORMED],
		 st->skipped, st->good, st->hex, st->noise);
	p->ved_told = *st;
}

static int sbc_soc_vedirect(struct sbc_policy *p, struct sbc_soc *s, char *why, size_t len)
{
	struct ved_port *vd = &p->ved;
	long long tmo = (long long)p->timeout_s * 1000, start, now;
	char v[40], i[40];
	int ret;

	if (vd->fd < 0) {
		ret = ved_open(vd);
		if (ret) {
			snprintf(why, len, "%s: %s", vd->path, strerror(-ret));
			return -1;
		}
	}
	start = now = ved_now_ms();
	ret = ved_pump(vd, now, 0);
	/* just opened: wait for the first block with a SOC */
	if (!ret && (!vd->soc_ms || now - vd->soc_ms > tmo) && now < vd->open_ms + tmo)
		ret = ved_pump(vd, vd->open_ms + tmo, 1);
	if (ret)
		sbc_ved_failed(p, ret);
	sbc_ved_report(p);
	now = ved_now_ms();
	if (!vd->soc_ms || now - vd->soc_ms > tmo) {
		if (ret == -EINTR)
			snprintf(why, len, "interrupted while waiting for %s", vd->path);
		else if (vd->good_ms && vd->good_ms >= start - tmo)
			snprintf(why, len, "the VE.Direct blocks from %s have no SOC "
				 "field (not a battery monitor?)", vd->path);
		else if (ret)
			snprintf(why, len, "%s: the port failed", vd->path);
		else
			snprintf(why, len, "no valid VE.Direct block with a SOC from %s "
				 "in %lu s", vd->path, p->timeout_s);
		return -1;
	}
	if (vd->soc.soc == VED_SOC_UNSYNC) {
		snprintf(why, len, "%s sends SOC '---': the battery monitor is not "
			 "synchronised", vd->path);
		return -1;
	}
	if (vd->soc.soc != VED_SOC_OK) {
		snprintf(why, len, "%s sends SOC '%s', not 0..1000 per mille",
			 vd->path, vd->soc.soc_raw);
		return -1;
	}
	s->pm = vd->soc.soc_pm;
	s->tenths = 1;
	v[0] = i[0] = '\0';
	if (vd->soc.has & VED_HAS_V)
		sbc_fmt_milli(v, sizeof(v), ", ", vd->soc.v_mv, "V");
	if (vd->soc.has & VED_HAS_I)
		sbc_fmt_milli(i, sizeof(i), ", ", vd->soc.i_ma, "A");
	snprintf(s->detail, sizeof(s->detail), "%s%s", v, i);
	return 0;
}

/* The state of charge now; an unknown one is logged once and never acted on. */
static int sbc_read_soc(struct sbc_policy *p, struct sbc_soc *s)
{
	char why[sizeof(p->unknown)];
	int ret;

	memset(s, 0, sizeof(*s));
	switch (p->kind) {
	case SBC_SRC_BUILTIN:
		ret = sbc_soc_builtin(s, why, sizeof(why));
		break;
	case SBC_SRC_VEDIRECT:
		ret = sbc_soc_vedirect(p, s, why, sizeof(why));
		break;
	default:
		ret = sbc_capacity(p->found, &s->pm, why, sizeof(why));
		break;
	}
	if (ret) {
		if (strcmp(why, p->unknown))
			sbc_plog(p, LOG_WARNING, "state of charge unknown: %s; not "
				 "switching", why);
		snprintf(p->unknown, sizeof(p->unknown), "%s", why);
		return SBC_EXIT_NOSOURCE;
	}
	if (p->unknown[0])
		sbc_plog(p, LOG_NOTICE, "state of charge known again (%s)", p->found);
	p->unknown[0] = '\0';
	return SBC_EXIT_OK;
}

/* One evaluation; exit code (0 also when nothing had to be done). */
static int sbc_policy_eval(struct sbc_policy *p)
{
	struct sbc_soc s;
	char sw[16], pct[32];
	const char *want = NULL;
	int ret;

	ret = sbc_read_soc(p, &s);
	if (ret)
		return ret;
	if (s.tenths)
		snprintf(pct, sizeof(pct), "%ld.%ld%%", s.pm / 10, s.pm % 10);
	else
		snprintf(pct, sizeof(pct), "%ld%%", s.pm / 10);
	ret = sbc_read_attr(SBC_PSY, "software_switch", sw, sizeof(sw));
	if (ret) {
		sbc_plog(p, LOG_ERR, "cannot read the software switch: %s", strerror(-ret));
		return ret == -ENOENT ? SBC_EXIT_NODEV : SBC_EXIT_FAIL;
	}
	if (s.pm < (long)p->off * 10 && !strcmp(sw, "on"))
		want = "off";
	else if (s.pm > (long)p->on * 10 && !strcmp(sw, "off"))
		want = "on";
	if (!want) {
		if (p->once)
			sbc_plog(p, LOG_INFO, "no action: state of charge %s (%s%s), "
				 "switch %s, off below %lu%%, on above %lu%%",
				 pct, p->found, s.detail, sw, p->off, p->on);
		p->deferred = 0;
		return SBC_EXIT_OK;
	}
	if (p->last_action_ms) {
		long now = (long)(sbc_now_ms() - p->last_action_ms);
		if (now < (long)p->hold_s * 1000) {
			if (!p->deferred)
				sbc_plog(p, LOG_INFO, "holding: switch %s deferred, last "
					 "action %ld s ago, minimum %lu s", want,
					 now / 1000, p->hold_s);
			p->deferred = 1;
			return SBC_EXIT_OK;
		}
	}
	ret = sbc_write_attr(SBC_PSY, "software_switch", want);
	if (ret) {
		sbc_plog(p, LOG_ERR, "switching %s failed: %s", want, strerror(-ret));
		return sbc_write_error("policy: set switch", ret);
	}
	p->last_action_ms = sbc_now_ms();
	p->deferred = 0;
	sbc_plog(p, LOG_NOTICE, "switch %s: state of charge %s (%s%s) %s %lu%%",
		 want, pct, p->found, s.detail, !strcmp(want, "off") ? "below" : "above",
		 !strcmp(want, "off") ? p->off : p->on);
	return SBC_EXIT_OK;
}

/* Between evaluations: a VE.Direct port is read all the time, so its blocks are fresh. */
static void sbc_policy_wait(struct sbc_policy *p, long ms)
{
	long long until = ved_now_ms() + ms;

	if (p->kind == SBC_SRC_VEDIRECT && p->ved.fd >= 0) {
		int ret = ved_pump(&p->ved, until, 0);

		if (!ret || ret == -EINTR)
			return;
		sbc_ved_failed(p, ret);
	}
	ms = (long)(until - ved_now_ms());
	if (ms > 0 && !sbc_policy_stop)
		sbc_sleep_ms(ms);
}

static int sbc_pct(const char *opt, const char *arg, unsigned long *out)
{
	if (sbc_parse_uint(arg, 100, out))
		return sbc_fail(SBC_EXIT_RANGE, "policy: %s: invalid value '%s': valid "
				"range is 0..100 percent", opt, arg);
	return 0;
}

int cmd_policy(int argc, char **argv, const struct sbc_global *g)
{
	static const struct option opts[] = {
		{ "source", required_argument, NULL, 'S' },
		{ "off", required_argument, NULL, 'o' },
		{ "on", required_argument, NULL, 'O' },
		{ "hold", required_argument, NULL, 'H' },
		{ "interval", required_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ "once", no_argument, NULL, '1' },
		{ "count", required_argument, NULL, 'n' },
		{ "syslog", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct sbc_policy p;	/* big: a path and a VE.Direct parser */
	int have_off = 0, have_on = 0, opt, ret;
	unsigned long n;
	char fn[16];

	memset(&p, 0, sizeof(p));
	p.hold_s = 300;
	p.interval_s = 30;
	p.timeout_s = SBC_VED_TIMEOUT_S;
	p.ved.fd = -1;
	while ((opt = getopt_long(argc, argv, "S:o:O:H:i:t:1n:sh", opts, NULL)) != -1) {
		switch (opt) {
		case 'S':
			p.source = optarg;
			break;
		case 'o':
			ret = sbc_pct("--off", optarg, &p.off);
			if (ret)
				return ret;
			have_off = 1;
			break;
		case 'O':
			ret = sbc_pct("--on", optarg, &p.on);
			if (ret)
				return ret;
			have_on = 1;
			break;
		case 'H':
			if (sbc_parse_uint(optarg, 86400, &p.hold_s))
				return sbc_fail(SBC_EXIT_RANGE, "policy: --hold: invalid value "
						"'%s': valid range is 0..86400 seconds", optarg);
			break;
		case 'i':
			if (sbc_parse_uint(optarg, 86400, &p.interval_s) || !p.interval_s)
				return sbc_fail(SBC_EXIT_RANGE, "policy: --interval: invalid value "
						"'%s': valid range is 1..86400 seconds", optarg);
			break;
		case 't':
			if (sbc_parse_uint(optarg, 3600, &p.timeout_s) || !p.timeout_s)
				return sbc_fail(SBC_EXIT_RANGE, "policy: --timeout: invalid value "
						"'%s': valid range is 1..3600 seconds", optarg);
			p.have_timeout = 1;
			break;
		case '1':
			p.once = 1;
			break;
		case 'n':
			if (sbc_parse_uint(optarg, 1000000000, &p.count) || !p.count)
				return sbc_usage_error("policy", "--count: '%s' is not a "
						       "positive number", optarg);
			break;
		case 's':
			p.use_syslog = 1;
			break;
		case 'h':
			policy_help();
			return SBC_EXIT_OK;
		default:
			return sbc_usage_error("policy", "bad option");
		}
	}
	ret = sbc_local_only("policy", g);
	if (ret)
		return ret;
	if (optind != argc)
		return sbc_usage_error("policy", "unexpected argument '%s'", argv[optind]);
	if (!have_off)
		return sbc_usage_error("policy", "--off PERCENT is required");
	if (!have_on)
		p.on = p.off + 10 > 100 ? 100 : p.off + 10;
	if (p.off >= p.on)
		return sbc_fail(SBC_EXIT_RANGE, "policy: --on %lu must be above --off %lu "
				"(valid range of --on: %lu..100)", p.on, p.off, p.off + 1);

	ret = sbc_check_present();
	if (ret)
		return ret;
	ret = sbc_find_source(&p);
	if (ret)
		return ret;
	if (p.use_syslog)
		openlog("smartbms-policy", LOG_PID, LOG_DAEMON);
	if (!sbc_read_attr(SBC_PSY, "remote_function", fn, sizeof(fn)) &&
	    strcmp(fn, "system"))
		sbc_plog(&p, LOG_WARNING, "remote-function is '%s': switching off stops "
			 "only alternator charging; 'smartbmsctl set remote-function "
			 "system' makes it a system switch", fn);
	if (p.fallback)
		sbc_plog(&p, LOG_INFO, "source %s: the BMS has no battery monitor "
			 "(no monitor_sync or no capacity), and %s is the first "
			 "power_supply with a capacity", p.found, p.found);
	if (!p.once)
		sbc_plog(&p, LOG_INFO, "source %s%s, off below %lu%%, on above %lu%%, "
			 "hold %lu s, every %lu s", p.found,
			 p.kind == SBC_SRC_BUILTIN ? " (the BMS's battery monitor)" :
			 p.kind == SBC_SRC_VEDIRECT ? " (VE.Direct)" : "",
			 p.off, p.on, p.hold_s, p.interval_s);

	if (p.once) {
		ret = sbc_policy_eval(&p);
		ved_close(&p.ved);
		return ret;
	}
	signal(SIGINT, sbc_policy_signal);
	signal(SIGTERM, sbc_policy_signal);
	for (n = 0; !sbc_policy_stop; n++) {
		ret = sbc_policy_eval(&p);
		/* a missing source or a refused write is logged and retried */
		if (ret == SBC_EXIT_NODEV || ret == SBC_EXIT_PERM)
			break;
		ret = SBC_EXIT_OK;
		if (p.count && n + 1 >= p.count)
			break;
		sbc_policy_wait(&p, (long)p.interval_s * 1000);
	}
	ved_close(&p.ved);
	if (p.use_syslog)
		closelog();
	return ret;
}
