// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl: what the mqtt and signalk bridges share (bridge.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bridge.h"

static int sbc_attr_exists(const char *psy, const char *attr)
{
	char path[PATH_MAX];

	return !sbc_psy_path(path, sizeof(path), psy, attr) && !access(path, F_OK);
}

void sbc_snap_read(struct sbc_snap *s)
{
	long v;
	int ret;

	memset(s, 0, sizeof(*s));
	if (!sbc_bms_present() || sbc_status_sysfs(&s->st))
		return;
	s->present = 1;
	s->bat_temp = sbc_attr_exists(SBC_PSY, "temp");
	s->bms_temp = sbc_attr_exists(SBC_PSY_ALT, "temp");
	/*
	 * The alternator current only from the alternator's supply: the
	 * battery supply's current_now is the battery monitor's, where the
	 * board has one.
	 */
	s->alt_current = !sbc_read_long(SBC_PSY_ALT, "current_now", &v);
	if (!s->alt_current)
		s->st.m.have &= ~SBC_HAVE_IALT;
	if (!sbc_read_long(SBC_PSY, "constant_charge_voltage", &v)) {
		s->have_limit = 1;
		s->charge_limit_uv = v;
	}
	/* the battery monitor: monitor_sync says it is there */
	if (sbc_read_attr(SBC_PSY, "monitor_sync", s->sync, sizeof(s->sync)))
		return;
	s->mon |= SBC_MON_PRESENT;
	if (!sbc_read_long(SBC_PSY, "current_now", &v)) {
		s->mon |= SBC_MON_CURRENT;
		s->bat_ua = v;
	}
	/* ENODATA while the state of charge is unknown: never made up */
	ret = sbc_read_long(SBC_PSY, "capacity", &v);
	if (ret != -ENOENT)
		s->mon |= SBC_MON_SOC_ATTR;
	if (!ret && v >= 0 && v <= 100) {
		s->mon |= SBC_MON_SOC;
		s->soc_pct = v;
	}
	if (!sbc_read_long(SBC_PSY, "time_to_empty_now", &v) && v >= 0) {
		s->mon |= SBC_MON_TTE;
		s->tte_s = v;
	}
	if (!sbc_read_long(SBC_PSY, "time_to_full_now", &v) && v >= 0) {
		s->mon |= SBC_MON_TTF;
		s->ttf_s = v;
	}
}

const char *sbc_code_class(const char *code)
{
	switch (code[0]) {
	case 'E':
		return "error";
	case 'A':
		return "alarm";
	case 'W':
		return "warning";
	}
	return NULL;
}

int sbc_codes_have(const char *codes, const char *cls)
{
	const char *p = codes;
	char w[32];

	while ((p = sbc_word(p, w, sizeof(w)))) {
		const char *c = sbc_code_class(w);

		if (c && !strcmp(c, cls))
			return 1;
	}
	return 0;
}

void sbc_fmt_fixed(char *buf, size_t len, long v, long div, int dec)
{
	long a = labs(v), scale = 1, frac;
	int i, neg;

	for (i = 0; i < dec; i++)
		scale *= 10;
	/* rounded to @dec decimals */
	frac = (a % div) * scale * 2 / div;
	frac = (frac + 1) / 2;
	if (frac >= scale) {
		a += div;
		frac -= scale;
	}
	neg = v < 0 && (a / div || frac);
	if (dec)
		snprintf(buf, len, "%s%ld.%0*ld", neg ? "-" : "", a / div, dec, frac);
	else
		snprintf(buf, len, "%s%ld", neg ? "-" : "", a / div);
}

/* ---- the board's id ---- */

static int sbc_read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* device tree strings end in NUL; files in a newline */
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? 0 : -1;
}

int sbc_board_id(char *buf, size_t len)
{
	static const char * const sources[] = {
		"firmware/devicetree/base/serial-number",
		"class/dmi/id/product_uuid",
	};
	char path[PATH_MAX], val[256];
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	unsigned int i;
	const char *p;
	int found = 0;

	for (i = 0; i < sizeof(sources) / sizeof(sources[0]) && !found; i++) {
		snprintf(path, sizeof(path), "%s/%s", sbc_sysfs_root(), sources[i]);
		found = !sbc_read_small(path, val, sizeof(val));
	}
	if (!found)
		found = !sbc_read_small("/etc/machine-id", val, sizeof(val));
	if (!found)
		return -ENOENT;
	for (p = val; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ULL;
	}
	snprintf(buf, len, "smartbms%012llx", (unsigned long long)(h & 0xffffffffffffULL));
	return 0;
}

int sbc_id_valid(const char *id, int dash)
{
	size_t n = strlen(id), i;

	if (!n || n > 64)
		return 0;
	for (i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || (dash && (c == '-' || c == '_'))))
			return 0;
	}
	return 1;
}

/* ---- options: the file, then the command line ---- */

#define SBC_CONF_MAX	64	/* options in a file */

struct sbc_conf {
	char *argv[SBC_CONF_MAX + 2];
	int line[SBC_CONF_MAX + 2];
	int argc;
};

static const struct option *sbc_longopt(const struct option *o, const char *name)
{
	for (; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/* "name value" lines into "--name=value" arguments; exit code */
static int sbc_conf_load(const char *cmd, const char *path,
			 const struct option *longopts, struct sbc_conf *c)
{
	char line[1024];
	int n = 0, ret = SBC_EXIT_OK;
	FILE *f;

	c->argc = 1;
	c->argv[0] = (char *)path;
	f = fopen(path, "re");
	if (!f)
		return sbc_fail(errno == ENOENT ? SBC_EXIT_USAGE : SBC_EXIT_FAIL,
				"%s: --config %s: %s", cmd, path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		const struct option *o;
		char *name, *val, *end;

		n++;
		if (!strchr(line, '\n') && !feof(f)) {
			ret = sbc_fail(SBC_EXIT_USAGE, "%s: %s:%d: line too long", cmd, path, n);
			break;
		}
		name = line + strspn(line, " \t");
		if (*name == '#' || *name == '\n' || !*name)
			continue;
		end = name + strcspn(name, " \t\r\n");
		val = end + strspn(end, " \t");
		*end = '\0';
		val[strcspn(val, "\r\n")] = '\0';
		for (end = val + strlen(val); end > val && (end[-1] == ' ' || end[-1] == '\t'); )
			*--end = '\0';
		o = sbc_longopt(longopts, name);
		if (!strcmp(name, "password") || !strcmp(name, "token")) {
			ret = sbc_fail(SBC_EXIT_USAGE, "%s: %s:%d: '%s': secrets are not options: "
				       "put it in a file of its own (mode 0600) and name that with "
				       "%s-file", cmd, path, n, name, name);
			break;
		}
		if (!o || !strcmp(name, "config") || !strcmp(name, "help")) {
			ret = sbc_fail(SBC_EXIT_USAGE, "%s: %s:%d: unknown option '%s'",
				       cmd, path, n, name);
			break;
		}
		if ((o->has_arg == required_argument) != !!*val) {
			ret = sbc_fail(SBC_EXIT_USAGE, "%s: %s:%d: '%s' %s", cmd, path, n, name,
				       *val ? "takes no value" : "needs a value");
			break;
		}
		if (c->argc > SBC_CONF_MAX) {
			ret = sbc_fail(SBC_EXIT_USAGE, "%s: %s: more than %d options",
				       cmd, path, SBC_CONF_MAX);
			break;
		}
		if (asprintf(&c->argv[c->argc], "--%s%s%s", name, *val ? "=" : "", val) < 0) {
			ret = sbc_fail(SBC_EXIT_FAIL, "%s: %s: out of memory", cmd, path);
			break;
		}
		c->line[c->argc++] = n;
	}
	if (!ret && ferror(f))
		ret = sbc_fail(SBC_EXIT_FAIL, "%s: --config %s: read error", cmd, path);
	fclose(f);
	c->argv[c->argc] = NULL;
	return ret;
}

/*
 * One getopt_long pass; @c names the file and its lines, or NULL.
 * @config: the file the pre-scan found, which this pass skips. A --config
 * it did not see (-cFILE, an abbreviated --conf, a second one) is refused:
 * ignoring it would run the command without the file's options.
 */
static int sbc_opt_pass(const char *cmd, int argc, char **argv, const char *shortopts,
			const struct option *longopts, sbc_opt_fn fn, void *ctx,
			const struct sbc_conf *c, const char *config)
{
	int opt, ret;

	optind = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (opt == '?' || opt == ':')
			return sbc_usage_error(cmd, "bad option");
		if (opt == 'c') {
			if (optarg != config)
				return sbc_usage_error(cmd, "--config: name the file as -c FILE, "
						       "--config FILE or --config=FILE, once");
			continue;	/* read before */
		}
		ret = fn(ctx, opt, optarg);
		if (ret) {
			if (c && ret > 0 && optind - 1 < c->argc)
				sbc_err("%s: (%s, line %d)", cmd, c->argv[0], c->line[optind - 1]);
			return ret;
		}
	}
	if (optind < argc)
		return sbc_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	return 0;
}

int sbc_bridge_options(const char *cmd, int argc, char **argv,
		       const char *shortopts, const struct option *longopts,
		       sbc_opt_fn fn, void *ctx)
{
	/* the options point into it for as long as the command runs */
	static struct sbc_conf c;
	const char *config = NULL;
	int i;

	/* the file first, whatever its place on the command line */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--config") || !strcmp(argv[i], "-c")) {
			if (i + 1 >= argc) {
				if (sbc_wants_help(argc, argv))
					break;
				return sbc_usage_error(cmd, "--config needs a file");
			}
			config = argv[++i];
		} else if (!strncmp(argv[i], "--config=", 9)) {
			config = argv[i] + 9;
		}
	}
	/* with --help only the help: the file is seen but not read */
	if (config && !sbc_wants_help(argc, argv)) {
		int ret = sbc_conf_load(cmd, config, longopts, &c);

		if (!ret)
			ret = sbc_opt_pass(cmd, c.argc, c.argv, shortopts, longopts, fn, ctx, &c,
					   NULL);
		if (ret)
			return ret;
	}
	return sbc_opt_pass(cmd, argc, argv, shortopts, longopts, fn, ctx, NULL, config);
}

int sbc_read_secret(const char *cmd, const char *opt, const char *path,
		    char *buf, size_t len)
{
	struct stat st;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return sbc_fail(SBC_EXIT_FAIL, "%s: --%s %s: %s", cmd, opt, path, strerror(errno));
	if (!fstat(fileno(f), &st) && (st.st_mode & 0077))
		sbc_err("%s: --%s %s: readable by others than its owner (chmod 0600)",
			cmd, opt, path);
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!buf[0])
		return sbc_fail(SBC_EXIT_FAIL, "%s: --%s %s: empty first line", cmd, opt, path);
	return SBC_EXIT_OK;
}

/* ---- backoff ---- */

void sbc_backoff_reset(struct sbc_backoff *b)
{
	b->delay_ms = SBC_BACKOFF_MIN_MS;
	b->next_ms = 0;
}

void sbc_backoff_fail(struct sbc_backoff *b, long long now)
{
	b->next_ms = now + b->delay_ms;
	b->delay_ms *= 2;
	if (b->delay_ms > SBC_BACKOFF_MAX_MS)
		b->delay_ms = SBC_BACKOFF_MAX_MS;
}

/* ---- events ---- */

void sbc_utc_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char s[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", s, ts.tv_nsec / 1000000);
}

void sbc_event_stamp(struct sbc_evq *q, const struct sbc_uevent *ev,
		     struct sbc_event *out)
{
	out->seq = ++q->seq;
	sbc_utc_now(out->time, sizeof(out->time));
	out->ev = *ev;
}

void sbc_evq_push(struct sbc_evq *q, const struct sbc_event *e)
{
	if (q->len == SBC_EVQ_LEN) {
		sbc_evq_pop(q);
		q->dropped++;
	}
	q->ev[(q->head + q->len++) % SBC_EVQ_LEN] = *e;
}

const struct sbc_event *sbc_evq_peek(const struct sbc_evq *q)
{
	return q->len ? &q->ev[q->head] : NULL;
}

void sbc_evq_pop(struct sbc_evq *q)
{
	if (!q->len)
		return;
	q->head = (q->head + 1) % SBC_EVQ_LEN;
	q->len--;
}

/* ---- strings ---- */

FILE *sbc_buf_open(struct sbc_buf *b)
{
	b->s = NULL;
	b->len = 0;
	b->f = open_memstream(&b->s, &b->len);
	return b->f;
}

const char *sbc_buf_str(struct sbc_buf *b)
{
	if (b->f) {
		if (fclose(b->f)) {
			b->f = NULL;
			return NULL;
		}
		b->f = NULL;
	}
	return b->s;
}

void sbc_buf_free(struct sbc_buf *b)
{
	if (b->f)
		fclose(b->f);
	b->f = NULL;
	free(b->s);
	b->s = NULL;
}

#ifndef SBC_HAVE_MQTT
int cmd_mqtt(int argc, char **argv, const struct sbc_global *g)
{
	(void)g;
	if (sbc_wants_help(argc, argv)) {
		printf("Usage: smartbmsctl mqtt [OPTIONS]\n\n"
		       "Not built in: this smartbmsctl was built without libmosquitto\n"
		       "(make MQTT=0).\n");
		return SBC_EXIT_OK;
	}
	return sbc_fail(SBC_EXIT_FAIL, "mqtt: not built in: this smartbmsctl was built without "
			"libmosquitto (install libmosquitto-dev and rebuild)");
}
#endif
