// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl status: the status page of BMS-STA-1.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools-common.h"
#include "status.h"

static volatile sig_atomic_t sbc_stop;

static void sbc_on_signal(int sig)
{
	(void)sig;
	sbc_stop = 1;
}

static void sbc_read_str(const char *psy, const char *attr, char *buf, size_t len)
{
	if (sbc_read_attr(psy, attr, buf, len))
		buf[0] = '\0';
}

/* One monitor value; a read that fails (ENODATA: no value now) leaves it unknown. */
static void sbc_bat_read(struct sbc_battery *b, const char *attr, unsigned int bit,
			 long *val)
{
	if (!sbc_read_long(SBC_PSY, attr, val))
		b->have |= bit;
}

static void sbc_status_battery(struct sbc_battery *b)
{
	b->present = sbc_has_monitor();
	if (!b->present)
		return;
	sbc_bat_read(b, "current_now", SBC_BAT_CURRENT, &b->current_ua);
	sbc_bat_read(b, "capacity", SBC_BAT_SOC, &b->soc_pct);
	sbc_bat_read(b, "charge_now", SBC_BAT_CHARGE, &b->charge_uah);
	sbc_bat_read(b, "charge_full", SBC_BAT_FULL, &b->full_uah);
	sbc_bat_read(b, "time_to_empty_now", SBC_BAT_TTE, &b->tte_s);
	sbc_bat_read(b, "time_to_full_now", SBC_BAT_TTF, &b->ttf_s);
	sbc_read_str(SBC_PSY, "monitor_sync", b->sync, sizeof(b->sync));
	sbc_read_str(SBC_PSY, "monitor_sync_reason", b->why, sizeof(b->why));
}

int sbc_status_sysfs(struct sbc_state *st)
{
	const struct sbc_fuse *fuse;
	unsigned int i;
	long v;
	int ret;

	ret = sbc_check_present();
	if (ret)
		return ret;
	memset(st, 0, sizeof(*st));
	st->local = 1;
	if (!sbc_read_long(SBC_PSY, "voltage_now", &v)) {
		st->m.vbat_uv = v;
		st->m.have |= SBC_HAVE_VBAT;
	}
	if (!sbc_read_long(SBC_PSY_ALT, "voltage_now", &v)) {
		st->m.vstart_uv = v;
		st->m.have |= SBC_HAVE_VSTART;
	}
	sbc_status_battery(&st->bat);
	/* smartbms's own current_now is the battery's where it has a monitor */
	if (!sbc_read_long(SBC_PSY_ALT, "current_now", &v) ||
	    (!st->bat.present && !sbc_read_long(SBC_PSY, "current_now", &v))) {
		st->m.ialt_ua = v;
		st->m.have |= SBC_HAVE_IALT;
	}
	/* the battery's own temperature (tbat), where the board has one */
	if (!sbc_read_long(SBC_PSY, "temp", &v)) {
		st->m.psy_temp_dc = v;
		st->m.have |= SBC_HAVE_PSYTEMP;
	}
	/* the BMS's current limiter */
	if (!sbc_read_long(SBC_PSY_ALT, "temp", &v)) {
		st->m.alt_temp_dc = v;
		st->m.have |= SBC_HAVE_ALTTEMP;
	}
	sbc_read_str(SBC_PSY, "software_switch", st->sw, sizeof(st->sw));
	sbc_read_str(SBC_PSY, "remote", st->remote, sizeof(st->remote));
	sbc_read_str(SBC_PSY, "fuse", st->fuse, sizeof(st->fuse));
	sbc_read_str(SBC_PSY, "status", st->status, sizeof(st->status));
	sbc_read_str(SBC_PSY, "health", st->health, sizeof(st->health));
	sbc_read_str(SBC_PSY, "codes", st->codes, sizeof(st->codes));
	sbc_read_str(SBC_PSY, "sensor_faults", st->faults, sizeof(st->faults));
	sbc_read_str(SBC_PSY, "sensor_implausible", st->implausible,
		     sizeof(st->implausible));
	for (i = 0; i < SBC_OUT_NUM; i++)
		st->out[i] = sbc_read_long(SBC_PSY, sbc_outputs[i].attr, &v) ? -1 : !!v;

	/* the fuse row limit: from the driver, else BMS-ALT-3 (unset = 100 A) */
	if (!sbc_read_long(SBC_PSY_ALT, "input_current_limit", &v) && v > 0) {
		st->m.limit_ua = v;
		st->m.have |= SBC_HAVE_LIMIT;
	} else {
		fuse = sbc_fuse_find(st->fuse);
		if (!fuse && (!st->fuse[0] || !strcmp(st->fuse, "unset")))
			fuse = sbc_fuse_find("100");
		if (fuse) {
			st->m.limit_ua = fuse->limit_a * 1000000L;
			st->m.have |= SBC_HAVE_LIMIT;
		}
	}
	return SBC_EXIT_OK;
}

static void status_help(void)
{
	printf("Usage: smartbmsctl [-u URI] status [OPTIONS]\n\n"
	       "Show Li-ion voltage, software switch, alternator voltage and current\n"
	       "(as %% of the fuse limit), output states, active codes with cause and\n"
	       "remedy, and the prompt to set the fuse while it is unset. Where the\n"
	       "board has a battery monitor: battery current, state of charge,\n"
	       "consumed Ah, time to go, time to full and whether it is synchronised.\n\n"
	       "  -j, --json            one JSON object (per refresh with --watch)\n"
	       "  -w, --watch           refresh live until interrupted\n"
	       "  -i, --interval MS     refresh period, default 1000\n"
	       "  -n, --count N         stop after N refreshes\n"
	       "  -s, --sysfs           with --watch: poll sysfs, not the IIO buffer\n"
	       "  -h, --help            show this help\n\n"
	       "With -u URI (libiio network context) only the measurements of the\n"
	       "IIO device \"smartbms\" are shown.\n");
}

struct sbc_status_opts {
	int json, watch, sysfs_only;
	unsigned long interval_ms, count;
};

static void sbc_show(const struct sbc_status_opts *o, const struct sbc_state *st,
		     const char *source, unsigned long n)
{
	if (o->json) {
		sbc_print_json(stdout, st, source);
	} else {
		if (o->watch && isatty(STDOUT_FILENO))
			printf("\033[H\033[2J");
		else if (n)
			printf("\n");
		sbc_print_text(stdout, st);
	}
	fflush(stdout);
}

/* The BMS went away while watching: said on every refresh until it is back. */
static void sbc_show_absent(const struct sbc_status_opts *o, unsigned long n)
{
	if (o->json) {
		printf("{\"present\":false}\n");
	} else {
		if (isatty(STDOUT_FILENO))
			printf("\033[H\033[2J");
		else if (n)
			printf("\n");
		printf("BMS not present: waiting for the smartbms driver to bind\n");
	}
	fflush(stdout);
}

/* The IIO buffer for --watch, when it can be had; 1 when in use. */
static int sbc_watch_buffer(struct sbc_iio **io, unsigned long interval_ms)
{
	int err = 0, ret;

	*io = sbc_iio_open(NULL, &err);
	if (!*io)
		return 0;
	ret = sbc_iio_buffer_start(*io);
	if (!ret)
		return 1;
	sbc_err("status: IIO buffer unavailable (%s): re-reading every %lu ms",
		strerror(-ret), interval_ms);
	return 0;
}

/* One refresh: sysfs (local) plus the IIO measurements when given. */
static int sbc_refresh(const struct sbc_global *g, struct sbc_state *st,
		       struct sbc_iio *io, int use_buffer)
{
	int ret;

	if (g->uri) {
		memset(st, 0, sizeof(*st));
		ret = use_buffer ? sbc_iio_buffer_read(io, &st->m) : sbc_iio_read(io, &st->m);
		if (ret)
			return sbc_fail(SBC_EXIT_FAIL, "status: reading %s: %s",
					g->uri, strerror(-ret));
		return SBC_EXIT_OK;
	}
	ret = sbc_status_sysfs(st);
	if (ret)
		return ret;
	if (io && use_buffer) {
		ret = sbc_iio_buffer_read(io, &st->m);
		if (ret)
			return sbc_fail(SBC_EXIT_FAIL, "status: IIO buffer: %s",
					strerror(-ret));
	}
	return SBC_EXIT_OK;
}

int cmd_status(int argc, char **argv, const struct sbc_global *g)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", no_argument, NULL, 'w' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "sysfs", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sbc_status_opts o = { 0, 0, 0, 1000, 0 };
	struct sbc_iio *io = NULL;
	struct sbc_state st;
	const char *source = "sysfs";
	unsigned long n;
	int opt, ret, err = 0, use_buffer = 0, want_buffer = 0;

	while ((opt = getopt_long(argc, argv, "jwi:n:sh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			o.json = 1;
			break;
		case 'w':
			o.watch = 1;
			break;
		case 's':
			o.sysfs_only = 1;
			break;
		case 'i':
			if (sbc_parse_uint(optarg, 3600000, &o.interval_ms) || !o.interval_ms)
				return sbc_usage_error("status", "--interval: '%s' is not 1..3600000 ms",
						       optarg);
			break;
		case 'n':
			if (sbc_parse_uint(optarg, 1000000000, &o.count) || !o.count)
				return sbc_usage_error("status", "--count: '%s' is not a positive number",
						       optarg);
			break;
		case 'h':
			status_help();
			return SBC_EXIT_OK;
		default:
			return sbc_usage_error("status", "bad option");
		}
	}
	if (optind != argc)
		return sbc_usage_error("status", "unexpected argument '%s'", argv[optind]);

	if (g->uri) {
		io = sbc_iio_open(g->uri, &err);
		if (!io)
			return sbc_fail(err == ENODEV || err == ENOENT ? SBC_EXIT_NODEV :
					SBC_EXIT_FAIL, "status: %s: %s", g->uri,
					err == ENODEV || err == ENOENT ?
					"no IIO device \"smartbms\" (no BMS present)" :
					strerror(err));
		source = "iio";
	} else if (o.watch && !o.sysfs_only && !strcmp(sbc_sysfs_root(), "/sys")) {
		/* the IIO buffer only where the tree is the real one */
		want_buffer = 1;
		use_buffer = sbc_watch_buffer(&io, o.interval_ms);
	}
	if (io && g->uri && o.watch && !o.sysfs_only) {
		ret = sbc_iio_buffer_start(io);
		if (ret)
			sbc_err("status: IIO buffer unavailable (%s): re-reading every %lu ms",
				strerror(-ret), o.interval_ms);
		else
			use_buffer = 1;
	}

	signal(SIGINT, sbc_on_signal);
	signal(SIGTERM, sbc_on_signal);
	for (n = 0; ; n++) {
		long long next = sbc_now_ms() + (long long)o.interval_ms;

		/*
		 * Watching locally, an unbind is no end: said until the
		 * driver is back (its IIO device went with it; reopened then).
		 */
		if (o.watch && !g->uri && !sbc_bms_present()) {
			sbc_iio_close(io);
			io = NULL;
			use_buffer = 0;
			sbc_show_absent(&o, n);
			ret = SBC_EXIT_OK;
		} else {
			if (want_buffer && !io)
				use_buffer = sbc_watch_buffer(&io, o.interval_ms);
			if (!g->uri)
				source = use_buffer ? "sysfs+iio-buffer" : "sysfs";
			ret = sbc_refresh(g, &st, io, use_buffer);
			if (ret)
				break;
			sbc_show(&o, &st, source, n);
		}
		if (!o.watch || sbc_stop || (o.count && n + 1 >= o.count))
			break;
		/* drain buffer samples until the next refresh is due */
		while (use_buffer && !sbc_stop && sbc_now_ms() < next) {
			ret = sbc_iio_buffer_read(io, &st.m);
			if (ret)
				break;
		}
		if (ret && !g->uri && !sbc_bms_present()) {
			ret = SBC_EXIT_OK;	/* unbound meanwhile: said next round */
			continue;
		}
		if (ret) {
			ret = sbc_fail(SBC_EXIT_FAIL, "status: IIO buffer: %s", strerror(-ret));
			break;
		}
		if (!use_buffer && sbc_now_ms() < next)
			sbc_sleep_ms((long)(next - sbc_now_ms()));
		if (sbc_stop)
			break;
	}
	sbc_iio_close(io);
	return ret;
}
