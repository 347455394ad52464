// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl signalk: the BMS as Signal K deltas, in SI units, on the
 * paths of @signalk/signalk-schema:
 *
 *   electrical.batteries.ID.voltage                      V
 *   electrical.batteries.ID.temperature                  K
 *   electrical.batteries.ID.current                      A, + charging
 *   electrical.batteries.ID.capacity.stateOfCharge       ratio
 *   electrical.batteries.ID.capacity.timeRemaining       s
 *   electrical.alternators.AID.voltage|current|temperature|setpointCurrent
 *   notifications.electrical.batteries.ID.CODE           alarm|warn|normal
 *
 * over TCP (newline-delimited deltas, the server's port 8375) or over
 * WebSocket (/signalk/v1/stream) with a token where security is on.
 * Readings go every --interval, the rest when it changes; a value that
 * is not known is sent as null, never made up.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"
#include "netio.h"

#define SBC_SK_PATHS	48		/* paths remembered */
#define SBC_SK_PATH_MAX	128

static volatile sig_atomic_t sbc_sk_stop;

static void sbc_sk_signal(int sig)
{
	(void)sig;
	sbc_sk_stop = 1;
}

struct sbc_sk_opts {
	const char *host, *token_file, *id, *alt_id;
	unsigned long port, http_port, interval;
	int ws;
};

/* one path's value, as JSON */
struct sbc_sk_val {
	char path[SBC_SK_PATH_MAX];
	char *json;
	int meas;			/* a reading: every --interval */
};

struct sbc_sk {
	struct sbc_sk_opts o;
	char token[4096], idbuf[80];
	struct sbc_conn c;
	struct sbc_backoff bo;
	int up, fatal, warned, poll_now;
	struct sbc_snap snap;
	struct sbc_sk_val sent[SBC_SK_PATHS];	/* what the server has */
	unsigned int nsent;
};

static void signalk_help(void)
{
	char id[80];

	if (sbc_board_id(id, sizeof(id)))
		snprintf(id, sizeof(id), "none: give --id");
	printf("Usage: smartbmsctl signalk [OPTIONS]\n\n"
	       "Send the BMS to a Signal K server as deltas in SI units:\n"
	       "electrical.batteries.ID.{voltage,temperature (K),current,\n"
	       "capacity.stateOfCharge (ratio),capacity.timeRemaining (s)},\n"
	       "electrical.alternators.AID.{voltage,current,temperature,setpointCurrent},\n"
	       "and each code as notifications.electrical.batteries.ID.CODE (state\n"
	       "alarm, warn or normal, with the manual's text). Runs until stopped;\n"
	       "reconnects with a backoff of 1 s doubling to 60 s.\n\n"
	       "  -H, --host HOST        the server, default localhost\n"
	       "  -p, --port PORT        default 8375 (TCP), 3000 (--websocket)\n"
	       "  -w, --websocket        over WebSocket (ws://HOST:PORT/signalk/v1/stream)\n"
	       "      --token-file FILE  with --websocket: the access token (first line of\n"
	       "                         FILE) of a user or device with write access, for\n"
	       "                         a server with security on\n"
	       "      --http-port PORT   over TCP: the server's HTTP port, asked whether\n"
	       "                         security is on (default 3000)\n"
	       "  -i, --id ID            the battery's id (letters and digits); default\n"
	       "                         from the board: %s\n"
	       "  -a, --alternator-id ID the alternator's id, default the battery's\n"
	       "  -n, --interval S       readings every S seconds (1..86400, default 5);\n"
	       "                         state of charge and codes at once\n"
	       "  -c, --config FILE      options from FILE first ('name value' lines,\n"
	       "                         e.g. /etc/smartbms/signalk.conf)\n"
	       "  -h, --help             show this help\n\n"
	       "A server with security on drops deltas over TCP: use --websocket and a\n"
	       "token (the bridge asks the server and refuses to send into the void).\n"
	       "Exit status: 0 when stopped by a signal, 1 when the server refuses the\n"
	       "token or the events cannot be followed, 2 for bad options.\n", id);
}

/* ---- values ---- */

struct sbc_sk_list {
	struct sbc_sk_val v[SBC_SK_PATHS];
	unsigned int n;
};

static void sbc_sk_add(struct sbc_sk_list *l, int meas, const char *json, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void sbc_sk_add(struct sbc_sk_list *l, int meas, const char *json, const char *fmt, ...)
{
	struct sbc_sk_val *v;
	va_list ap;

	if (l->n >= SBC_SK_PATHS)
		return;
	v = &l->v[l->n];
	va_start(ap, fmt);
	vsnprintf(v->path, sizeof(v->path), fmt, ap);
	va_end(ap);
	v->json = strdup(json);
	if (!v->json)
		return;
	v->meas = meas;
	l->n++;
}

/* v/div with @dec decimals as a JSON number, or null */
static const char *sbc_sk_num(char *buf, size_t len, int have, long v, long div, int dec)
{
	if (!have)
		return "null";
	sbc_fmt_fixed(buf, len, v, div, dec);
	return buf;
}

/* tenths of a degree Celsius to kelvin, or null */
static const char *sbc_sk_kelvin(char *buf, size_t len, int have, long dc)
{
	return sbc_sk_num(buf, len, have, dc * 100 + 273150, 1000, 2);
}

/* a notification's value: the state and the manual's text */
static char *sbc_sk_notification(const char *code, int active)
{
	const struct sbc_code *c = sbc_code_find(code);
	const char *cls = sbc_code_class(code);
	struct sbc_buf b;
	char msg[1024];

	if (!sbc_buf_open(&b))
		return NULL;
	if (active)
		snprintf(msg, sizeof(msg), "%s %s: %s", code, c ? c->title : "(unknown code)",
			 c ? c->cause : "see smartbmsctl status");
	else
		snprintf(msg, sizeof(msg), "%s %s: no longer active", code, c ? c->title : "");
	fprintf(b.f, "{\"state\":\"%s\",\"method\":%s,\"message\":",
		!active ? "normal" : cls && !strcmp(cls, "warning") ? "warn" : "alarm",
		active ? "[\"visual\",\"sound\"]" : "[]");
	sbc_json_str(b.f, msg);
	fprintf(b.f, "}");
	if (!sbc_buf_str(&b)) {
		sbc_buf_free(&b);
		return NULL;
	}
	return b.s;
}

static int sbc_sk_has_word(const char *list, const char *w)
{
	const char *p = list;
	char x[32];

	while ((p = sbc_word(p, x, sizeof(x))))
		if (!strcmp(x, w))
			return 1;
	return 0;
}

static void sbc_sk_notify(struct sbc_sk_list *l, const char *id, const char *code, int active)
{
	char *n = sbc_sk_notification(code, active);

	if (n)
		sbc_sk_add(l, 0, n, "notifications.electrical.batteries.%s.%s", id, code);
	free(n);
}

/* Every path the snapshot has a value for. */
static void sbc_sk_values(const struct sbc_sk *k, struct sbc_sk_list *l)
{
	const struct sbc_snap *s = &k->snap;
	const struct sbc_meas *m = &s->st.m;
	const char *id = k->o.id, *aid = k->o.alt_id, *p;
	char b[32], w[32];
	unsigned int i;

	l->n = 0;
	sbc_sk_add(l, 1, sbc_sk_num(b, sizeof(b), m->have & SBC_HAVE_VBAT, m->vbat_uv, 1000000, 3),
		   "electrical.batteries.%s.voltage", id);
	if (s->bat_temp)
		sbc_sk_add(l, 1, sbc_sk_kelvin(b, sizeof(b), m->have & SBC_HAVE_PSYTEMP,
			   m->psy_temp_dc), "electrical.batteries.%s.temperature", id);
	if (s->mon & SBC_MON_CURRENT)
		sbc_sk_add(l, 1, sbc_sk_num(b, sizeof(b), 1, s->bat_ua, 1000000, 3),
			   "electrical.batteries.%s.current", id);
	if (s->mon & SBC_MON_SOC_ATTR)
		sbc_sk_add(l, 0, sbc_sk_num(b, sizeof(b), s->mon & SBC_MON_SOC, s->soc_pct, 100, 2),
			   "electrical.batteries.%s.capacity.stateOfCharge", id);
	if (s->mon & SBC_MON_PRESENT)
		sbc_sk_add(l, 1, sbc_sk_num(b, sizeof(b), s->mon & SBC_MON_TTE, s->tte_s, 1, 0),
			   "electrical.batteries.%s.capacity.timeRemaining", id);
	sbc_sk_add(l, 1, sbc_sk_num(b, sizeof(b), m->have & SBC_HAVE_VSTART, m->vstart_uv,
		   1000000, 3), "electrical.alternators.%s.voltage", aid);
	sbc_sk_add(l, 1, sbc_sk_num(b, sizeof(b), m->have & SBC_HAVE_IALT, m->ialt_ua, 1000000, 3),
		   "electrical.alternators.%s.current", aid);
	if (s->bms_temp)
		sbc_sk_add(l, 1, sbc_sk_kelvin(b, sizeof(b), m->have & SBC_HAVE_ALTTEMP,
			   m->alt_temp_dc), "electrical.alternators.%s.temperature", aid);
	sbc_sk_add(l, 0, sbc_sk_num(b, sizeof(b), m->have & SBC_HAVE_LIMIT, m->limit_ua,
		   1000000, 3), "electrical.alternators.%s.setpointCurrent", aid);
	/* every code the manual has: active ones alarm or warn, the others normal */
	for (i = 0; i < sbc_ncodes; i++)
		sbc_sk_notify(l, id, sbc_codes[i].code, sbc_sk_has_word(s->st.codes,
			      sbc_codes[i].code));
	for (p = s->st.codes; (p = sbc_word(p, w, sizeof(w))); )
		if (!sbc_code_find(w) && sbc_id_valid(w, 1))
			sbc_sk_notify(l, id, w, 1);
	/* an unknown code that went away: normal again */
	for (i = 0; i < k->nsent; i++) {
		const char *code = strrchr(k->sent[i].path, '.') + 1;

		if (!strncmp(k->sent[i].path, "notifications.", 14) && !sbc_code_find(code) &&
		    !sbc_sk_has_word(s->st.codes, code) && !strstr(k->sent[i].json, "\"normal\""))
			sbc_sk_notify(l, id, code, 0);
	}
}

static void sbc_sk_list_free(struct sbc_sk_list *l)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].json);
	l->n = 0;
}

static struct sbc_sk_val *sbc_sk_sent(struct sbc_sk *k, const char *path)
{
	unsigned int i;

	for (i = 0; i < k->nsent; i++)
		if (!strcmp(k->sent[i].path, path))
			return &k->sent[i];
	return NULL;
}

static void sbc_sk_forget(struct sbc_sk *k)
{
	unsigned int i;

	for (i = 0; i < k->nsent; i++)
		free(k->sent[i].json);
	k->nsent = 0;
}

/* remember what the server now has */
static void sbc_sk_remember(struct sbc_sk *k, const struct sbc_sk_val *v)
{
	struct sbc_sk_val *s = sbc_sk_sent(k, v->path);
	char *copy = strdup(v->json);

	if (!copy)
		return;
	if (!s && k->nsent < SBC_SK_PATHS) {
		s = &k->sent[k->nsent++];
		snprintf(s->path, sizeof(s->path), "%s", v->path);
		s->json = NULL;
	}
	if (!s) {
		free(copy);
		return;
	}
	free(s->json);
	s->json = copy;
}

/*
 * One delta with the values that changed since they were last sent (all
 * of them on a new connection) and with @all every reading too;
 * notifications in an update of their own. 0, or -errno when the
 * connection broke.
 */
static int sbc_sk_send(struct sbc_sk *k, int all)
{
	struct sbc_sk_list l;
	struct sbc_buf b;
	unsigned int i, n[2] = { 0, 0 };
	char ts[32];
	int pass, ret = 0;

	sbc_sk_values(k, &l);
	if (!sbc_buf_open(&b)) {
		sbc_sk_list_free(&l);
		return 0;
	}
	sbc_utc_now(ts, sizeof(ts));
	fprintf(b.f, "{\"context\":\"vessels.self\",\"updates\":[");
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < l.n; i++) {
			const struct sbc_sk_val *v = &l.v[i], *s;
			int notif = !strncmp(v->path, "notifications.", 14);

			if (notif != pass)
				continue;
			s = sbc_sk_sent(k, v->path);
			if (v->meas ? !all : s && !strcmp(s->json, v->json))
				continue;
			if (!n[pass]++)
				fprintf(b.f, "%s{\"source\":{\"label\":\"smartbms\","
					"\"type\":\"smartbms\",\"src\":\"%s\"},"
					"\"timestamp\":\"%s\",\"values\":[",
					n[0] && pass ? "," : "", k->o.id, ts);
			else
				fprintf(b.f, ",");
			fprintf(b.f, "{\"path\":\"%s\",\"value\":%s}", v->path, v->json);
		}
		if (n[pass])
			fprintf(b.f, "]}");
	}
	fprintf(b.f, "]}");
	if (sbc_buf_str(&b) && (n[0] || n[1])) {
		ret = sbc_conn_send(&k->c, b.s);
		for (i = 0; !ret && i < l.n; i++)
			sbc_sk_remember(k, &l.v[i]);
	}
	sbc_buf_free(&b);
	sbc_sk_list_free(&l);
	return ret;
}

/* ---- the connection ---- */

static void sbc_sk_lost(struct sbc_sk *k, const char *why)
{
	long long now = sbc_now_ms();

	sbc_conn_close(&k->c);
	k->up = 0;
	sbc_backoff_fail(&k->bo, now);
	if (!sbc_sk_stop)
		sbc_err("signalk: %s:%lu: %s: retrying in %lld s", k->o.host, k->o.port, why,
			(k->bo.next_ms - now + 999) / 1000);
}

/*
 * Whether the server takes our deltas: asked at /skServer/loginStatus.
 * 0 yes (or cannot tell: said once), 1 no (said: fatal).
 */
static int sbc_sk_check_access(struct sbc_sk *k)
{
	unsigned long port = k->o.ws ? k->o.port : k->o.http_port;
	const char *token = k->token[0] ? k->token : NULL;
	char body[2048], why[256], req[16], level[32], status[32];
	int http;

	http = sbc_http_get(k->o.host, (unsigned int)port, "/skServer/loginStatus", token,
			    body, sizeof(body), why, sizeof(why));
	if (http != 200) {
		if (http > 0)
			snprintf(why, sizeof(why), "HTTP %d", http);
		if (!k->warned)
			sbc_err("signalk: cannot tell whether %s:%lu has security on (%s)%s",
				k->o.host, port, why, k->o.ws ? "" :
				": a server with security on drops deltas over TCP");
		k->warned = 1;
		return 0;
	}
	sbc_json_value(body, "authenticationRequired", req, sizeof(req));
	if (strcmp(req, "true"))
		return 0;
	if (!k->o.ws) {
		sbc_err("signalk: %s:%lu has security on: it drops deltas over TCP; use "
			"--websocket with --token-file", k->o.host, port);
		return 1;
	}
	sbc_json_value(body, "userLevel", level, sizeof(level));
	sbc_json_value(body, "status", status, sizeof(status));
	if (!strcmp(level, "admin") || !strcmp(level, "readwrite"))
		return 0;
	if (!token)
		sbc_err("signalk: %s:%lu has security on and no --token-file was given: "
			"the server would drop the deltas", k->o.host, port);
	else if (strcmp(status, "loggedIn"))
		sbc_err("signalk: %s:%lu does not accept the token of --token-file %s",
			k->o.host, port, k->o.token_file);
	else
		sbc_err("signalk: %s:%lu: the token gives '%s' access, writing needs readwrite "
			"or admin", k->o.host, port, level);
	return 1;
}

static void sbc_sk_connect(struct sbc_sk *k)
{
	char why[256];
	int ret;

	if (sbc_sk_check_access(k)) {
		k->fatal = 1;
		return;
	}
	if (k->o.ws) {
		ret = sbc_ws_open(&k->c, k->o.host, (unsigned int)k->o.port,
				  "/signalk/v1/stream?subscribe=none",
				  k->token[0] ? k->token : NULL, why, sizeof(why));
		if (ret == 401 || ret == 403) {
			sbc_err("signalk: %s:%lu refused the token: %s", k->o.host, k->o.port, why);
			k->fatal = 1;
			return;
		}
	} else {
		k->c.ws = 0;
		k->c.len = 0;
		k->c.skip = 0;
		k->c.fd = sbc_tcp_connect(k->o.host, (unsigned int)k->o.port, why, sizeof(why));
		ret = k->c.fd < 0 ? -1 : 0;
	}
	if (ret) {
		k->c.fd = -1;
		sbc_sk_lost(k, why);
		return;
	}
	k->up = 1;
	sbc_backoff_reset(&k->bo);
	sbc_err("signalk: connected to %s:%lu over %s as electrical.batteries.%s", k->o.host,
		k->o.port, k->o.ws ? "WebSocket" : "TCP", k->o.id);
	/* everything once: the server may have restarted */
	sbc_sk_forget(k);
}

/* ---- options ---- */

static int sbc_sk_opt(void *ctx, int opt, const char *arg)
{
	struct sbc_sk_opts *o = ctx;

	switch (opt) {
	case 'H':
		if (!*arg)
			return sbc_usage_error("signalk", "--host: empty");
		o->host = arg;
		break;
	case 'p':
	case 'P':
		if (sbc_parse_uint(arg, 65535, opt == 'p' ? &o->port : &o->http_port) ||
		    !(opt == 'p' ? o->port : o->http_port))
			return sbc_usage_error("signalk", "--%s: '%s' is not 1..65535",
					       opt == 'p' ? "port" : "http-port", arg);
		break;
	case 'w':
		o->ws = 1;
		break;
	case 'T':
		o->token_file = arg;
		break;
	case 'i':
	case 'a':
		if (!sbc_id_valid(arg, 0))
			return sbc_usage_error("signalk", "--%s: '%s' is not 1..64 letters and "
					       "digits (a Signal K id)",
					       opt == 'i' ? "id" : "alternator-id", arg);
		*(opt == 'i' ? &o->id : &o->alt_id) = arg;
		break;
	case 'n':
		if (sbc_parse_uint(arg, 86400, &o->interval) || !o->interval)
			return sbc_usage_error("signalk", "--interval: '%s' is not 1..86400 "
					       "seconds", arg);
		break;
	case 'h':
		signalk_help();
		return -1;
	default:
		return sbc_usage_error("signalk", "bad option");
	}
	return 0;
}

static const struct option sbc_sk_longopts[] = {
	{ "host", required_argument, NULL, 'H' },
	{ "port", required_argument, NULL, 'p' },
	{ "websocket", no_argument, NULL, 'w' },
	{ "token-file", required_argument, NULL, 'T' },
	{ "http-port", required_argument, NULL, 'P' },
	{ "id", required_argument, NULL, 'i' },
	{ "alternator-id", required_argument, NULL, 'a' },
	{ "interval", required_argument, NULL, 'n' },
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int sbc_sk_setup(struct sbc_sk *k)
{
	struct sbc_sk_opts *o = &k->o;

	if (!o->id) {
		if (sbc_board_id(k->idbuf, sizeof(k->idbuf)))
			return sbc_fail(SBC_EXIT_FAIL, "signalk: no id from the board (no serial "
					"number, DMI UUID or /etc/machine-id): give --id");
		o->id = k->idbuf;
	}
	if (!o->alt_id)
		o->alt_id = o->id;
	if (!o->port)
		o->port = o->ws ? 3000 : 8375;
	if (o->token_file && !o->ws)
		return sbc_usage_error("signalk", "--token-file needs --websocket (over TCP a "
				       "server with security on takes no deltas)");
	if (o->token_file)
		return sbc_read_secret("signalk", "token-file", o->token_file, k->token,
				       sizeof(k->token));
	return SBC_EXIT_OK;
}

static long long sbc_sk_min(long long a, long long b)
{
	return a < b ? a : b;
}

int cmd_signalk(int argc, char **argv, const struct sbc_global *g)
{
	static struct sbc_sk k;
	long long next_look, next_all;
	int ret, fd;

	memset(&k, 0, sizeof(k));
	k.c.fd = -1;
	k.o = (struct sbc_sk_opts){ .host = "localhost", .http_port = 3000, .interval = 5 };
	ret = sbc_bridge_options("signalk", argc, argv, "H:p:wi:a:n:c:h", sbc_sk_longopts,
				 sbc_sk_opt, &k.o);
	if (ret)
		return ret < 0 ? SBC_EXIT_OK : ret;
	ret = sbc_local_only("signalk", g);
	if (!ret)
		ret = sbc_sk_setup(&k);
	if (ret)
		return ret;
	fd = sbc_uevent_open();
	if (fd < 0)
		return sbc_fail(SBC_EXIT_FAIL, "signalk: uevent socket: %s", strerror(-fd));
	signal(SIGINT, sbc_sk_signal);
	signal(SIGTERM, sbc_sk_signal);
	signal(SIGPIPE, SIG_IGN);
	sbc_backoff_reset(&k.bo);
	if (!sbc_bms_present())
		sbc_err("signalk: no BMS present yet: nothing sent until the driver binds");
	next_look = next_all = sbc_now_ms();
	while (!sbc_sk_stop && !k.fatal && !ret) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { k.c.fd, POLLIN, 0 } };
		long long wake, now = sbc_now_ms();

		if (!k.up && now >= k.bo.next_ms) {
			sbc_sk_connect(&k);
			next_all = now;
			continue;
		}
		wake = sbc_sk_min(sbc_sk_min(next_look, next_all), now + 1000);
		if (!k.up)
			wake = sbc_sk_min(wake, k.bo.next_ms);
		p[1].fd = k.up ? k.c.fd : -1;
		if (poll(p, 2, wake > now ? (int)(wake - now) : 0) < 0 && errno != EINTR) {
			ret = sbc_fail(SBC_EXIT_FAIL, "signalk: poll: %s", strerror(errno));
			break;
		}
		if (p[0].revents & POLLIN) {
			struct sbc_uevent ev;
			int r = sbc_uevent_read(fd, &ev);

			if (r < 0 && r != -ENOBUFS)
				ret = sbc_fail(SBC_EXIT_FAIL, "signalk: receiving uevents: %s",
					       strerror(-r));
			k.poll_now |= r != 0;
		}
		if (k.up && p[1].revents) {
			int r = sbc_conn_drain(&k.c);

			if (r)
				sbc_sk_lost(&k, r == -ECONNRESET ?
					    "connection closed by the server" : strerror(-r));
		}
		now = sbc_now_ms();
		if (now >= next_look || now >= next_all || k.poll_now) {
			int all = now >= next_all;

			sbc_snap_read(&k.snap);
			if (k.up && k.snap.present) {
				int r = sbc_sk_send(&k, all);

				if (r)
					sbc_sk_lost(&k, strerror(-r));
			}
			if (all)
				next_all = now + (long long)k.o.interval * 1000;
			next_look = now + SBC_BRIDGE_POLL_MS;
			k.poll_now = 0;
		}
	}
	if (k.fatal)
		ret = SBC_EXIT_FAIL;
	sbc_conn_close(&k.c);
	sbc_sk_forget(&k);
	close(fd);
	return ret;
}
