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

#define SBC_OUT_NUM	4

static const struct {
	const char *attr;
	const char *label;
	const char *high;
	const char *low;
} sbc_outputs[SBC_OUT_NUM] = {
	{ "load_disconnect", "Load disconnect", "high (loads allowed)", "low (loads off)" },
	{ "charge_disconnect", "Charge disconnect", "high (charging allowed)",
	  "low (chargers off)" },
	{ "prealarm", "Pre-alarm", "high (alarm)", "low (no alarm)" },
	{ "alternator_enable", "Alternator", "on (charging path closed)",
	  "off (charging path open)" },
};

struct sbc_state {
	struct sbc_meas m;
	int local;			/* the sysfs fields below are valid */
	char sw[16], remote[16], fuse[16], status[32], health[32];
	int out[SBC_OUT_NUM];		/* -1: unknown */
	char codes[SBC_ATTR_MAX], faults[SBC_ATTR_MAX];
};

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

static int sbc_status_sysfs(struct sbc_state *st)
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
	if (!sbc_read_long(SBC_PSY_ALT, "current_now", &v) ||
	    !sbc_read_long(SBC_PSY, "current_now", &v)) {
		st->m.ialt_ua = v;
		st->m.have |= SBC_HAVE_IALT;
	}
	if (!sbc_read_long(SBC_PSY, "temp", &v)) {
		st->m.psy_temp_dc = v;
		st->m.have |= SBC_HAVE_PSYTEMP;
	}
	sbc_read_str(SBC_PSY, "software_switch", st->sw, sizeof(st->sw));
	sbc_read_str(SBC_PSY, "remote", st->remote, sizeof(st->remote));
	sbc_read_str(SBC_PSY, "fuse", st->fuse, sizeof(st->fuse));
	sbc_read_str(SBC_PSY, "status", st->status, sizeof(st->status));
	sbc_read_str(SBC_PSY, "health", st->health, sizeof(st->health));
	sbc_read_str(SBC_PSY, "codes", st->codes, sizeof(st->codes));
	sbc_read_str(SBC_PSY, "sensor_faults", st->faults, sizeof(st->faults));
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

static int sbc_fuse_unset(const struct sbc_state *st)
{
	return st->local && !strcmp(st->fuse, "unset");
}

static long sbc_percent(const struct sbc_meas *m)
{
	long i = m->ialt_ua < 0 ? 0 : m->ialt_ua;

	/* rounded; the limit is at least 9 A so no overflow in 64-bit long */
	return (i * 100 + m->limit_ua / 2) / m->limit_ua;
}

static const char sbc_prompt[] =
	"The fuse type is not set: the factory-fitted 100 A row (90 A) applies. "
	"Set it to the fitted fuse with 'smartbmsctl set fuse VALUE' "
	"(125 100 80 60 2x30 2x20 2x15 2x10 2x7.5).";

/* The next word of a space-separated list, or NULL. */
static const char *sbc_word(const char *s, char *w, size_t len)
{
	size_t n = 0;

	while (*s == ' ')
		s++;
	if (!*s)
		return NULL;
	while (*s && *s != ' ') {
		if (n + 1 < len)
			w[n++] = *s;
		s++;
	}
	w[n] = '\0';
	return s;
}

#define SBC_WRAP_COLS	78

/*
 * Print text after label, wrapped at SBC_WRAP_COLS under the label's
 * width; each numbered step ("2.") of a remedy starts a new line.
 */
static void sbc_wrap(FILE *f, const char *label, const char *text)
{
	size_t indent = strlen(label), col = indent;
	const char *p = text;
	char w[128];

	fputs(label, f);
	while ((p = sbc_word(p, w, sizeof(w)))) {
		size_t len = strlen(w);
		int step = len == 2 && w[0] >= '1' && w[0] <= '9' && w[1] == '.';

		if (col > indent && (step || col + 1 + len > SBC_WRAP_COLS)) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		}
		if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fputs(w, f);
		col += len;
	}
	fputc('\n', f);
}

static void sbc_fixed(FILE *f, long v, long div)
{
	/* v / div with two decimals, sign kept */
	long a = labs(v), r = (a % div) * 100 / div;

	fprintf(f, "%s%ld.%02ld", v < 0 ? "-" : "", a / div, r);
}

static void sbc_print_text(FILE *f, const struct sbc_state *st)
{
	const struct sbc_meas *m = &st->m;
	unsigned int i;

	fprintf(f, "%-22s ", "Li-ion voltage");
	if (m->have & SBC_HAVE_VBAT) {
		sbc_fixed(f, m->vbat_uv, 1000000);
		fprintf(f, " V\n");
	} else {
		fprintf(f, "unknown\n");
	}
	if (st->local)
		fprintf(f, "%-22s %s\n", "Software switch", st->sw[0] ? st->sw : "unknown");
	fprintf(f, "%-22s ", "Alternator voltage");
	if (m->have & SBC_HAVE_VSTART) {
		sbc_fixed(f, m->vstart_uv, 1000000);
		fprintf(f, " V\n");
	} else {
		fprintf(f, "unknown\n");
	}
	fprintf(f, "%-22s ", "Alternator current");
	if (m->have & SBC_HAVE_IALT) {
		sbc_fixed(f, m->ialt_ua, 1000000);
		fprintf(f, " A");
		if (m->have & SBC_HAVE_LIMIT)
			fprintf(f, " (%ld %% of %ld A%s)", sbc_percent(m),
				m->limit_ua / 1000000,
				sbc_fuse_unset(st) ? ", fuse not set" : "");
		else if (!st->local)
			fprintf(f, " (%% of limit: fuse setting not readable remotely)");
		fputc('\n', f);
	} else {
		fprintf(f, "unknown\n");
	}
	if (m->have & SBC_HAVE_PSYTEMP) {
		fprintf(f, "%-22s ", "Temperature");
		sbc_fixed(f, m->psy_temp_dc, 10);
		fprintf(f, " C\n");
	} else if (m->have & SBC_HAVE_TEMP) {
		fprintf(f, "%-22s ", "BMS temperature");
		sbc_fixed(f, m->temp_mc, 1000);
		fprintf(f, " C\n");
	}
	if (!st->local) {
		fprintf(f, "(remote: measurements only; outputs, codes and settings "
			"are read from the board's sysfs)\n");
		return;
	}
	fprintf(f, "%-22s %s\n", "Remote (combined)", st->remote[0] ? st->remote : "unknown");
	fprintf(f, "%-22s %s\n", "Fuse", st->fuse[0] ? st->fuse : "unknown");
	for (i = 0; i < SBC_OUT_NUM; i++)
		fprintf(f, "%-22s %s\n", sbc_outputs[i].label,
			st->out[i] < 0 ? "unknown" :
			st->out[i] ? sbc_outputs[i].high : sbc_outputs[i].low);
	if (st->status[0] || st->health[0])
		fprintf(f, "%-22s %s / %s\n", "Status / health",
			st->status[0] ? st->status : "-", st->health[0] ? st->health : "-");
	if (st->faults[0])
		fprintf(f, "%-22s %s\n", "Sensor faults", st->faults);

	if (!st->codes[0]) {
		fprintf(f, "Active codes           none\n");
	} else {
		const char *p;
		char w[32];

		fprintf(f, "Active codes:\n");
		for (p = st->codes; (p = sbc_word(p, w, sizeof(w))); ) {
			const struct sbc_code *c = sbc_code_find(w);

			if (!c) {
				fprintf(f, "  %s (unknown code)\n", w);
				continue;
			}
			fprintf(f, "  %s %s\n", c->code, c->title);
			sbc_wrap(f, "    Cause:  ", c->cause);
			sbc_wrap(f, "    Remedy: ", c->remedy);
		}
	}
	if (sbc_fuse_unset(st)) {
		fputc('\n', f);
		sbc_wrap(f, "", sbc_prompt);
	}
}

static void sbc_json_num(FILE *f, const char *key, int have, long v, long div)
{
	fprintf(f, ",\"%s\":", key);
	if (!have) {
		fprintf(f, "null");
		return;
	}
	if (div == 1)
		fprintf(f, "%ld", v);
	else
		fprintf(f, "%.3f", (double)v / (double)div);
}

static void sbc_json_field(FILE *f, const char *key, const char *val, int local)
{
	fprintf(f, ",\"%s\":", key);
	if (local && val[0])
		sbc_json_str(f, val);
	else
		fprintf(f, "null");
}

static void sbc_json_lists(FILE *f, const struct sbc_state *st)
{
	const char *p;
	char w[32];
	unsigned int i;
	int first;

	fprintf(f, ",\"outputs\":{");
	for (i = 0; i < SBC_OUT_NUM; i++) {
		fprintf(f, "%s\"%s\":", i ? "," : "", sbc_outputs[i].attr);
		if (st->out[i] < 0)
			fprintf(f, "null");
		else
			fprintf(f, "%d", st->out[i]);
	}
	fprintf(f, "}");
	sbc_json_field(f, "status", st->status, st->local);
	sbc_json_field(f, "health", st->health, st->local);
	fprintf(f, ",\"codes\":[");
	first = 1;
	for (p = st->codes; (p = sbc_word(p, w, sizeof(w))); first = 0) {
		const struct sbc_code *c = sbc_code_find(w);

		fprintf(f, "%s{\"code\":", first ? "" : ",");
		sbc_json_str(f, w);
		fprintf(f, ",\"title\":");
		sbc_json_str(f, c ? c->title : "unknown code");
		fprintf(f, ",\"cause\":");
		sbc_json_str(f, c ? c->cause : "");
		fprintf(f, ",\"remedy\":");
		sbc_json_str(f, c ? c->remedy : "");
		fprintf(f, "}");
	}
	fprintf(f, "],\"sensor_faults\":[");
	first = 1;
	for (p = st->faults; (p = sbc_word(p, w, sizeof(w))); first = 0) {
		fprintf(f, "%s", first ? "" : ",");
		sbc_json_str(f, w);
	}
	fprintf(f, "]");
}

static void sbc_print_json(FILE *f, const struct sbc_state *st, const char *source)
{
	const struct sbc_meas *m = &st->m;

	fprintf(f, "{\"source\":");
	sbc_json_str(f, source);
	sbc_json_num(f, "li_ion_voltage_v", m->have & SBC_HAVE_VBAT, m->vbat_uv, 1000000);
	sbc_json_field(f, "software_switch", st->sw, st->local);
	sbc_json_field(f, "remote", st->remote, st->local);
	sbc_json_num(f, "alternator_voltage_v", m->have & SBC_HAVE_VSTART,
		     m->vstart_uv, 1000000);
	sbc_json_num(f, "alternator_current_a", m->have & SBC_HAVE_IALT, m->ialt_ua, 1000000);
	sbc_json_num(f, "alternator_limit_a", m->have & SBC_HAVE_LIMIT, m->limit_ua, 1000000);
	sbc_json_num(f, "alternator_current_percent",
		     (m->have & (SBC_HAVE_IALT | SBC_HAVE_LIMIT)) ==
		     (SBC_HAVE_IALT | SBC_HAVE_LIMIT),
		     (m->have & SBC_HAVE_LIMIT) ? sbc_percent(m) : 0, 1);
	if (m->have & SBC_HAVE_PSYTEMP)
		sbc_json_num(f, "temperature_c", 1, m->psy_temp_dc, 10);
	else
		sbc_json_num(f, "temperature_c", m->have & SBC_HAVE_TEMP, m->temp_mc, 1000);
	sbc_json_field(f, "fuse", st->fuse, st->local);
	fprintf(f, ",\"fuse_set\":%s", !st->local ? "null" :
		sbc_fuse_unset(st) ? "false" : "true");
	if (st->local)
		sbc_json_lists(f, st);
	else
		fprintf(f, ",\"outputs\":null,\"status\":null,\"health\":null,"
			"\"codes\":null,\"sensor_faults\":null");
	fprintf(f, ",\"prompt\":");
	if (sbc_fuse_unset(st))
		sbc_json_str(f, sbc_prompt);
	else
		fprintf(f, "null");
	fprintf(f, "}\n");
}

static void status_help(void)
{
	printf("Usage: smartbmsctl [-u URI] status [OPTIONS]\n\n"
	       "Show Li-ion voltage, software switch, alternator voltage and current\n"
	       "(as %% of the fuse limit), output states, active codes with cause and\n"
	       "remedy, and the prompt to set the fuse while it is unset.\n\n"
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
	int opt, ret, err = 0, use_buffer = 0;

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
		io = sbc_iio_open(NULL, &err);
	}
	if (io && o.watch && !o.sysfs_only) {
		ret = sbc_iio_buffer_start(io);
		if (ret)
			sbc_err("status: IIO buffer unavailable (%s): re-reading every %lu ms",
				strerror(-ret), o.interval_ms);
		else
			use_buffer = 1;
	}
	if (use_buffer && !g->uri)
		source = "sysfs+iio-buffer";

	signal(SIGINT, sbc_on_signal);
	signal(SIGTERM, sbc_on_signal);
	for (n = 0; ; n++) {
		long long next = sbc_now_ms() + (long long)o.interval_ms;

		ret = sbc_refresh(g, &st, io, use_buffer);
		if (ret)
			break;
		sbc_show(&o, &st, source, n);
		if (!o.watch || sbc_stop || (o.count && n + 1 >= o.count))
			break;
		/* drain buffer samples until the next refresh is due */
		while (use_buffer && !sbc_stop && sbc_now_ms() < next) {
			ret = sbc_iio_buffer_read(io, &st.m);
			if (ret)
				break;
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
