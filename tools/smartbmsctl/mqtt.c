// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl mqtt: the BMS in Home Assistant, through an MQTT broker
 * (libmosquitto).
 *
 * One thread and one poll(): the broker's socket, the driver's uevents
 * and the timers (a look at the driver every second, every reading each
 * --interval). Nothing is published while the broker is away; on every
 * connection the discovery, every state and the events that happened
 * meanwhile are sent once, then only changes. What libmosquitto had in
 * flight when the connection broke it sends again itself (QoS 1): events
 * carry a sequence number for a receiver to tell a repeat.
 */
#include <errno.h>
#include <mosquitto.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mqtt.h"

#define SBC_MQ_CONNECT_MS	10000	/* CONNACK awaited this long */
#define SBC_MQ_CMD_MAX		32	/* a command's payload */

static volatile sig_atomic_t sbc_mq_stop;

static void sbc_mq_signal(int sig)
{
	(void)sig;
	sbc_mq_stop = 1;
}

struct sbc_mqtt_opts {
	const char *host, *username, *password_file, *cafile, *id, *prefix, *disc;
	unsigned long port, interval, keepalive;
	int tls, allow_commands;
};

enum sbc_mq_conn { SBC_MQ_DOWN, SBC_MQ_CONNECTING, SBC_MQ_UP };

struct sbc_mqtt {
	struct sbc_mqtt_opts o;
	struct sbc_mq m;
	enum sbc_mq_conn conn;
	struct sbc_backoff bo;
	long long attempt_ms;
	int connected_once, fatal, poll_now, present, acked_mid;
	char avail[SBC_MQ_TOPIC_MAX], status_topic[SBC_MQ_TOPIC_MAX], idbuf[80];
	struct sbc_evq q;
	struct sbc_snap snap;
};

static void mqtt_help(void)
{
	char id[80];

	if (sbc_board_id(id, sizeof(id)))
		snprintf(id, sizeof(id), "none: give --id");
	printf("Usage: smartbmsctl mqtt [OPTIONS]\n\n"
	       "Publish the BMS to an MQTT broker for Home Assistant: its discovery\n"
	       "(one device, its sensors, outputs, code classes and events), every\n"
	       "state, each driver event, and availability (a last will says\n"
	       "'offline' when the bridge dies; 'offline' too while the driver is\n"
	       "unbound). Runs until stopped; reconnects with a backoff of 1 s\n"
	       "doubling to 60 s; discovery is sent again when Home Assistant\n"
	       "announces itself (DISCOVERY/status 'online').\n\n"
	       "  -H, --host HOST            broker, default localhost\n"
	       "  -p, --port PORT            default 1883, 8883 with TLS\n"
	       "  -u, --username NAME\n"
	       "      --password-file FILE   the password: first line of FILE (mode 0600);\n"
	       "                             never on the command line\n"
	       "      --cafile FILE          TLS, trusting the CAs in FILE\n"
	       "      --tls                  TLS, trusting the system's CAs\n"
	       "  -i, --id ID                device and client id (letters, digits, - _);\n"
	       "                             default from the board: %s\n"
	       "  -t, --topic-prefix P       states under P/ID/..., default smartbms\n"
	       "  -d, --discovery-prefix P   default homeassistant\n"
	       "  -n, --interval S           readings every S seconds (1..86400, default\n"
	       "                             10); outputs, codes, state of charge, settings\n"
	       "                             and events at once\n"
	       "  -k, --keepalive S          MQTT keepalive (5..3600, default 30)\n"
	       "      --allow-commands       take the software switch (P/ID/software_switch/set:\n"
	       "                             on|off) and the charge limit\n"
	       "                             (P/ID/charge_limit/set: volts), validated as\n"
	       "                             'smartbmsctl set' does; the outcome on P/ID/result.\n"
	       "                             Only with a broker that authenticates its\n"
	       "                             clients: whoever may publish there commands the BMS\n"
	       "  -c, --config FILE          options from FILE first ('name value' lines,\n"
	       "                             e.g. /etc/smartbms/mqtt.conf)\n"
	       "  -h, --help                 show this help\n\n"
	       "Topics: P/ID/availability, P/ID/OBJECT (states), P/ID/event (JSON with\n"
	       "event_type, reason, the code's title and cause, time, seq), P/ID/result.\n"
	       "Exit status: 0 when stopped by a signal, 1 when the broker refuses the\n"
	       "login or the events cannot be followed, 2 for bad options.\n", id);
}

/* ---- publishing ---- */

static struct sbc_mq_cached *sbc_mq_find(struct sbc_mq *m, const char *topic)
{
	unsigned int i;

	for (i = 0; i < m->ncache; i++)
		if (!strcmp(m->cache[i].topic, topic))
			return &m->cache[i];
	return NULL;
}

int sbc_mq_pub(struct sbc_mq *m, const char *topic, const char *payload,
	       int retain, int changes)
{
	struct sbc_mq_cached *c = retain ? sbc_mq_find(m, topic) : NULL;
	char *copy;
	int rc;

	if (changes && c && !strcmp(c->payload, payload))
		return 0;
	if (!m->up)
		return -1;
	rc = mosquitto_publish(m->mosq, NULL, topic, (int)strlen(payload), payload, 1, retain);
	/* NO_CONN: libmosquitto keeps it and sends it on reconnecting */
	if (rc && rc != MOSQ_ERR_NO_CONN) {
		if (!m->failed)
			sbc_err("mqtt: publishing %s: %s", topic, mosquitto_strerror(rc));
		m->failed = 1;
		return -1;
	}
	if (!retain)
		return 0;
	copy = strdup(payload);
	if (!copy)
		return 0;
	if (!c && m->ncache < SBC_MQ_CACHE) {
		c = &m->cache[m->ncache];
		c->topic = strdup(topic);
		if (!c->topic) {
			free(copy);
			return 0;
		}
		c->payload = NULL;
		m->ncache++;
	}
	if (c) {
		free(c->payload);
		c->payload = copy;
	} else {
		free(copy);
	}
	return 0;
}

void sbc_mq_forget(struct sbc_mq *m)
{
	unsigned int i;

	for (i = 0; i < m->ncache; i++) {
		free(m->cache[i].topic);
		free(m->cache[i].payload);
	}
	m->ncache = 0;
	m->discovered = 0;
	m->failed = 0;
}

void sbc_mq_free(struct sbc_mq *m)
{
	sbc_mq_forget(m);
}

/* ---- what is published when ---- */

/* Everything, as after a (re)connection or Home Assistant's restart. */
static void sbc_mqtt_publish_all(struct sbc_mqtt *b)
{
	sbc_mq_forget(&b->m);
	sbc_snap_read(&b->snap);
	b->present = b->snap.present;
	if (b->present) {
		sbc_ha_discovery(&b->m, &b->snap);
		sbc_ha_state(&b->m, &b->snap, 1);
	}
	sbc_mq_pub(&b->m, b->avail, b->present ? "online" : "offline", 1, 1);
}

/* A look at the driver: changes, and with @all every reading too. */
static void sbc_mqtt_look(struct sbc_mqtt *b, int all)
{
	sbc_snap_read(&b->snap);
	if (b->snap.present != b->present)
		sbc_err("mqtt: the BMS %s", b->snap.present ? "is back: online" :
			"went away (driver unbound): offline");
	b->present = b->snap.present;
	if (b->present) {
		if (sbc_ha_changed(&b->m, &b->snap)) {
			sbc_ha_discovery(&b->m, &b->snap);
			all = 1;
		}
		sbc_ha_state(&b->m, &b->snap, all);
	}
	sbc_mq_pub(&b->m, b->avail, b->present ? "online" : "offline", 1, 1);
}

static void sbc_mqtt_event(struct sbc_mqtt *b, const struct sbc_uevent *ev)
{
	struct sbc_event e;

	sbc_event_stamp(&b->q, ev, &e);
	if (!b->m.up || sbc_ha_event(&b->m, &e))
		sbc_evq_push(&b->q, &e);
}

/*
 * The events kept while the broker was away, oldest first; then, when
 * older ones had to make room, that they were dropped (seq tells how many).
 */
static void sbc_mqtt_flush(struct sbc_mqtt *b)
{
	const struct sbc_event *e;

	while (b->m.up && (e = sbc_evq_peek(&b->q))) {
		if (sbc_ha_event(&b->m, e))
			return;
		sbc_evq_pop(&b->q);
	}
	if (b->m.up && b->q.dropped) {
		struct sbc_uevent lost = { "events-lost", "queue-overflow" };
		struct sbc_event le;

		sbc_err("mqtt: %lu events dropped while the broker was away", b->q.dropped);
		b->q.dropped = 0;
		sbc_event_stamp(&b->q, &lost, &le);
		sbc_ha_event(&b->m, &le);
	}
}

/* ---- commands ---- */

static void sbc_mqtt_result(struct sbc_mqtt *b, const char *object, const char *value,
			    const char *error, const char *warning)
{
	char topic[SBC_MQ_TOPIC_MAX];
	struct sbc_buf r;
	const char *json;

	if (error)
		sbc_err("mqtt: command %s '%s' refused: %s", object, value, error);
	else
		sbc_err("mqtt: command %s '%s' applied%s%s", object, value,
			warning ? ": " : "", warning ? warning : "");
	if (!sbc_buf_open(&r))
		return;
	fprintf(r.f, "{\"command\":");
	sbc_json_str(r.f, object);
	fprintf(r.f, ",\"value\":");
	sbc_json_str(r.f, value);
	fprintf(r.f, ",\"ok\":%s", error ? "false" : "true");
	if (error || warning) {
		fprintf(r.f, ",\"%s\":", error ? "error" : "warning");
		sbc_json_str(r.f, error ? error : warning);
	}
	fprintf(r.f, "}");
	json = sbc_buf_str(&r);
	snprintf(topic, sizeof(topic), "%s/result", b->m.base);
	if (json)
		sbc_mq_pub(&b->m, topic, json, 0, 0);
	sbc_buf_free(&r);
}

/* A command, checked as 'smartbmsctl set' checks it; the refusal or NULL. */
static const char *sbc_mqtt_apply(struct sbc_mqtt *b, const struct sbc_setting *s,
				  const struct mosquitto_message *msg, const char *val,
				  char *why, size_t wlen)
{
	char sysval[64];
	int err;

	if (msg->retain)
		return "a retained command is not taken: publish it without the retain flag";
	if (!msg->payloadlen || msg->payloadlen > SBC_MQ_CMD_MAX ||
	    strlen(val) != (size_t)msg->payloadlen)
		return "empty, too long or not text";
	if (sbc_setting_check(s, val, sysval, sizeof(sysval), why, wlen))
		return why;
	if (!sbc_bms_present())
		return "no BMS present";
	err = sbc_write_attr(SBC_PSY, s->attr, sysval);
	if (err) {
		snprintf(why, wlen, "%s: %s", err == -EACCES || err == -EPERM ?
			 "permission denied" : "the driver refused the value", strerror(-err));
		return why;
	}
	b->poll_now = 1;
	return NULL;
}

static void sbc_mqtt_command(struct sbc_mqtt *b, const char *object, const char *setting,
			     const struct mosquitto_message *msg)
{
	char val[SBC_MQ_CMD_MAX + 1], why[512], saved[320];
	const char *error, *warning = NULL;
	int i;

	/* what came, printable, for the answer and the log */
	for (i = 0; i < msg->payloadlen && i < SBC_MQ_CMD_MAX; i++) {
		char c = ((const char *)msg->payload)[i];

		val[i] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	val[i] = '\0';
	error = sbc_mqtt_apply(b, sbc_setting_find(setting), msg, val, why, sizeof(why));
	/* BMS-SET-4, as 'smartbmsctl set' does */
	if (!error && !sbc_settings_in_nvmem() && sbc_save_file(sbc_settings_file())) {
		snprintf(saved, sizeof(saved), "applied, but not saved to %s: lost at the "
			 "next boot", sbc_settings_file());
		warning = saved;
	}
	sbc_mqtt_result(b, object, val, error, warning);
}

/* ---- libmosquitto's callbacks ---- */

static void sbc_mqtt_on_connect(struct mosquitto *mosq, void *ctx, int rc)
{
	struct sbc_mqtt *b = ctx;

	if (rc) {
		sbc_err("mqtt: %s:%lu refused the connection: %s", b->o.host, b->o.port,
			mosquitto_connack_string(rc));
		b->fatal = 1;
		return;
	}
	b->conn = SBC_MQ_UP;
	b->m.up = 1;
	sbc_backoff_reset(&b->bo);
	sbc_err("mqtt: connected to %s:%lu as %s (topics under %s)", b->o.host, b->o.port,
		b->o.id, b->m.base);
	b->connected_once = 1;
	mosquitto_subscribe(mosq, NULL, b->status_topic, 1);
	if (b->o.allow_commands) {
		char t[SBC_MQ_TOPIC_MAX];

		snprintf(t, sizeof(t), "%s/software_switch/set", b->m.base);
		mosquitto_subscribe(mosq, NULL, t, 1);
		snprintf(t, sizeof(t), "%s/charge_limit/set", b->m.base);
		mosquitto_subscribe(mosq, NULL, t, 1);
	}
	sbc_mqtt_publish_all(b);
	sbc_mqtt_flush(b);
}

/* the connection is gone: said, and tried again after the backoff */
static void sbc_mqtt_lost(struct sbc_mqtt *b, const char *why)
{
	long long now = sbc_now_ms();

	if (b->conn == SBC_MQ_DOWN)
		return;
	b->conn = SBC_MQ_DOWN;
	b->m.up = 0;
	sbc_backoff_fail(&b->bo, now);
	if (!sbc_mq_stop)
		sbc_err("mqtt: %s:%lu: %s: retrying in %lld s", b->o.host, b->o.port, why,
			(b->bo.next_ms - now + 999) / 1000);
}

static void sbc_mqtt_on_disconnect(struct mosquitto *mosq, void *ctx, int rc)
{
	(void)mosq;
	sbc_mqtt_lost(ctx, rc ? "connection lost" : "disconnected");
}

static void sbc_mqtt_on_message(struct mosquitto *mosq, void *ctx,
				const struct mosquitto_message *msg)
{
	struct sbc_mqtt *b = ctx;
	char t[SBC_MQ_TOPIC_MAX];

	(void)mosq;
	if (!strcmp(msg->topic, b->status_topic)) {
		/* Home Assistant's birth; the retained one came with the subscription */
		if (!msg->retain && msg->payloadlen == 6 && !memcmp(msg->payload, "online", 6)) {
			sbc_err("mqtt: Home Assistant is online: discovery sent again");
			sbc_mqtt_publish_all(b);
		}
		return;
	}
	if (!b->o.allow_commands)
		return;
	snprintf(t, sizeof(t), "%s/software_switch/set", b->m.base);
	if (!strcmp(msg->topic, t))
		sbc_mqtt_command(b, "software_switch", "switch", msg);
	snprintf(t, sizeof(t), "%s/charge_limit/set", b->m.base);
	if (!strcmp(msg->topic, t))
		sbc_mqtt_command(b, "charge_limit", "charge-limit", msg);
}

static void sbc_mqtt_on_publish(struct mosquitto *mosq, void *ctx, int mid)
{
	struct sbc_mqtt *b = ctx;

	(void)mosq;
	b->acked_mid = mid;
}

/* ---- the connection ---- */

static const char *sbc_mqtt_why(int rc)
{
	if (rc == MOSQ_ERR_ERRNO)
		return strerror(errno);
	if (rc == MOSQ_ERR_EAI)
		return "cannot resolve the host name";
	return mosquitto_strerror(rc);
}

static void sbc_mqtt_connect(struct sbc_mqtt *b)
{
	int rc;

	if (!b->connected_once && !b->attempt_ms)
		rc = mosquitto_connect_async(b->m.mosq, b->o.host, (int)b->o.port,
					     (int)b->o.keepalive);
	else
		rc = mosquitto_reconnect_async(b->m.mosq);
	b->attempt_ms = sbc_now_ms();
	b->conn = SBC_MQ_CONNECTING;
	if (rc)
		sbc_mqtt_lost(b, sbc_mqtt_why(rc));
}

/* one round of libmosquitto's I/O on what poll() said */
static void sbc_mqtt_io(struct sbc_mqtt *b, short revents)
{
	int rc = MOSQ_ERR_SUCCESS;

	if (revents & (POLLIN | POLLHUP | POLLERR))
		rc = mosquitto_loop_read(b->m.mosq, 1);
	if (!rc && b->conn != SBC_MQ_DOWN && (revents & POLLOUT))
		rc = mosquitto_loop_write(b->m.mosq, 1);
	if (!rc && b->conn != SBC_MQ_DOWN)
		rc = mosquitto_loop_misc(b->m.mosq);
	if (rc && b->conn != SBC_MQ_DOWN)
		sbc_mqtt_lost(b, sbc_mqtt_why(rc));
	if (b->conn == SBC_MQ_CONNECTING && sbc_now_ms() - b->attempt_ms > SBC_MQ_CONNECT_MS) {
		mosquitto_disconnect(b->m.mosq);
		sbc_mqtt_lost(b, "no answer to CONNECT");
	}
}

/* "offline" on the way out (no last will on a clean disconnect) */
static void sbc_mqtt_goodbye(struct sbc_mqtt *b)
{
	long long end = sbc_now_ms() + 2000;
	int mid = 0;

	if (b->conn != SBC_MQ_UP)
		return;
	b->acked_mid = 0;
	if (mosquitto_publish(b->m.mosq, &mid, b->avail, 7, "offline", 1, 1))
		return;
	/* until the broker has acknowledged it, for at most 2 s */
	while (b->acked_mid != mid && b->conn == SBC_MQ_UP && sbc_now_ms() < end) {
		struct pollfd p = { mosquitto_socket(b->m.mosq), POLLIN, 0 };

		if (mosquitto_want_write(b->m.mosq))
			p.events |= POLLOUT;
		if (p.fd < 0 || poll(&p, 1, 100) < 0)
			break;
		sbc_mqtt_io(b, p.revents);
	}
	mosquitto_disconnect(b->m.mosq);
	mosquitto_loop_write(b->m.mosq, 1);
}

/* ---- options ---- */

static int sbc_topic_ok(const char *t)
{
	size_t n = strlen(t);

	return n && n < 128 && !strpbrk(t, "+#") && t[0] != '/' && t[n - 1] != '/';
}

static int sbc_mqtt_opt(void *ctx, int opt, const char *arg)
{
	struct sbc_mqtt_opts *o = ctx;

	switch (opt) {
	case 'H':
		if (!*arg)
			return sbc_usage_error("mqtt", "--host: empty");
		o->host = arg;
		break;
	case 'p':
		if (sbc_parse_uint(arg, 65535, &o->port) || !o->port)
			return sbc_usage_error("mqtt", "--port: '%s' is not 1..65535", arg);
		break;
	case 'u':
		o->username = arg;
		break;
	case 'P':
		o->password_file = arg;
		break;
	case 'A':
		o->cafile = arg;
		o->tls = 1;
		break;
	case 'T':
		o->tls = 1;
		break;
	case 'i':
		if (!sbc_id_valid(arg, 1))
			return sbc_usage_error("mqtt", "--id: '%s' is not 1..64 letters, digits, "
					       "'-' or '_'", arg);
		o->id = arg;
		break;
	case 't':
	case 'd':
		if (!sbc_topic_ok(arg))
			return sbc_usage_error("mqtt", "--%s: '%s' is not a topic prefix (no + #, "
					       "no leading or trailing /)", opt == 't' ?
					       "topic-prefix" : "discovery-prefix", arg);
		*(opt == 't' ? &o->prefix : &o->disc) = arg;
		break;
	case 'n':
		if (sbc_parse_uint(arg, 86400, &o->interval) || !o->interval)
			return sbc_usage_error("mqtt", "--interval: '%s' is not 1..86400 seconds",
					       arg);
		break;
	case 'k':
		if (sbc_parse_uint(arg, 3600, &o->keepalive) || o->keepalive < 5)
			return sbc_usage_error("mqtt", "--keepalive: '%s' is not 5..3600 seconds",
					       arg);
		break;
	case 'C':
		o->allow_commands = 1;
		break;
	case 'h':
		mqtt_help();
		return -1;
	default:
		return sbc_usage_error("mqtt", "bad option");
	}
	return 0;
}

static const struct option sbc_mqtt_longopts[] = {
	{ "host", required_argument, NULL, 'H' },
	{ "port", required_argument, NULL, 'p' },
	{ "username", required_argument, NULL, 'u' },
	{ "password-file", required_argument, NULL, 'P' },
	{ "cafile", required_argument, NULL, 'A' },
	{ "tls", no_argument, NULL, 'T' },
	{ "id", required_argument, NULL, 'i' },
	{ "topic-prefix", required_argument, NULL, 't' },
	{ "discovery-prefix", required_argument, NULL, 'd' },
	{ "interval", required_argument, NULL, 'n' },
	{ "keepalive", required_argument, NULL, 'k' },
	{ "allow-commands", no_argument, NULL, 'C' },
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* libmosquitto set up as the options say; exit code */
static int sbc_mqtt_setup(struct sbc_mqtt *b)
{
	struct sbc_mqtt_opts *o = &b->o;
	char pw[256] = "";
	int ret;

	if (!o->id) {
		if (sbc_board_id(b->idbuf, sizeof(b->idbuf)))
			return sbc_fail(SBC_EXIT_FAIL, "mqtt: no id from the board (no serial "
					"number, DMI UUID or /etc/machine-id): give --id");
		o->id = b->idbuf;
	}
	if (!o->port)
		o->port = o->tls ? 8883 : 1883;
	if (o->password_file && !o->username)
		return sbc_usage_error("mqtt", "--password-file needs --username");
	if (o->password_file) {
		ret = sbc_read_secret("mqtt", "password-file", o->password_file, pw, sizeof(pw));
		if (ret)
			return ret;
	}
	if (o->cafile && access(o->cafile, R_OK))
		return sbc_fail(SBC_EXIT_FAIL, "mqtt: --cafile %s: %s", o->cafile, strerror(errno));
	snprintf(b->m.base, sizeof(b->m.base), "%s/%s", o->prefix, o->id);
	snprintf(b->avail, sizeof(b->avail), "%s/availability", b->m.base);
	snprintf(b->status_topic, sizeof(b->status_topic), "%s/status", o->disc);
	b->m.id = o->id;
	b->m.disc = o->disc;
	b->m.allow_commands = o->allow_commands;

	mosquitto_lib_init();
	b->m.mosq = mosquitto_new(o->id, true, b);
	if (!b->m.mosq)
		return sbc_fail(SBC_EXIT_FAIL, "mqtt: libmosquitto: %s", strerror(errno));
	mosquitto_int_option(b->m.mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	ret = mosquitto_will_set(b->m.mosq, b->avail, 7, "offline", 1, true);
	if (!ret && o->username)
		ret = mosquitto_username_pw_set(b->m.mosq, o->username,
						o->password_file ? pw : NULL);
	memset(pw, 0, sizeof(pw));
	if (!ret && o->tls)
		ret = mosquitto_tls_set(b->m.mosq, o->cafile, o->cafile ? NULL : "/etc/ssl/certs",
					NULL, NULL, NULL);
	if (ret)
		return sbc_fail(SBC_EXIT_FAIL, "mqtt: libmosquitto: %s", mosquitto_strerror(ret));
	mosquitto_connect_callback_set(b->m.mosq, sbc_mqtt_on_connect);
	mosquitto_disconnect_callback_set(b->m.mosq, sbc_mqtt_on_disconnect);
	mosquitto_message_callback_set(b->m.mosq, sbc_mqtt_on_message);
	mosquitto_publish_callback_set(b->m.mosq, sbc_mqtt_on_publish);
	return SBC_EXIT_OK;
}

static int sbc_mqtt_uevent(struct sbc_mqtt *b, int fd)
{
	struct sbc_uevent ev;
	int r;

	r = sbc_uevent_read(fd, &ev);
	if (r == -ENOBUFS) {
		struct sbc_uevent lost = { "events-lost", "netlink-overflow" };

		sbc_err("mqtt: uevents lost (receive buffer overflow): state read again");
		sbc_mqtt_event(b, &lost);
		b->poll_now = 1;
		return 0;
	}
	if (r < 0)
		return sbc_fail(SBC_EXIT_FAIL, "mqtt: receiving uevents: %s", strerror(-r));
	if (r == 1)
		sbc_mqtt_event(b, &ev);
	if (r)
		b->poll_now = 1;
	return 0;
}

static long long sbc_min(long long a, long long b)
{
	return a < b ? a : b;
}

int cmd_mqtt(int argc, char **argv, const struct sbc_global *g)
{
	static struct sbc_mqtt b;
	long long now, next_look, next_all;
	int ret, fd;

	memset(&b, 0, sizeof(b));
	b.o = (struct sbc_mqtt_opts){ .host = "localhost", .prefix = "smartbms",
				      .disc = "homeassistant", .interval = 10, .keepalive = 30 };
	ret = sbc_bridge_options("mqtt", argc, argv, "H:p:u:i:t:d:n:k:c:h",
				 sbc_mqtt_longopts, sbc_mqtt_opt, &b.o);
	if (ret)
		return ret < 0 ? SBC_EXIT_OK : ret;
	ret = sbc_local_only("mqtt", g);
	if (ret)
		return ret;
	ret = sbc_mqtt_setup(&b);
	if (ret)
		goto out;
	fd = sbc_uevent_open();
	if (fd < 0) {
		ret = sbc_fail(SBC_EXIT_FAIL, "mqtt: uevent socket: %s", strerror(-fd));
		goto out;
	}
	signal(SIGINT, sbc_mq_signal);
	signal(SIGTERM, sbc_mq_signal);
	signal(SIGPIPE, SIG_IGN);
	sbc_backoff_reset(&b.bo);
	sbc_snap_read(&b.snap);
	b.present = b.snap.present;
	if (!b.present)
		sbc_err("mqtt: no BMS present yet: 'offline' until the driver binds");
	next_look = next_all = sbc_now_ms();
	while (!sbc_mq_stop && !b.fatal && !ret) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { -1, POLLIN, 0 } };
		long long wake;

		now = sbc_now_ms();
		if (b.conn == SBC_MQ_DOWN && now >= b.bo.next_ms)
			sbc_mqtt_connect(&b);
		if (b.conn != SBC_MQ_DOWN) {
			p[1].fd = mosquitto_socket(b.m.mosq);
			if (mosquitto_want_write(b.m.mosq))
				p[1].events |= POLLOUT;
		}
		wake = sbc_min(sbc_min(next_look, next_all), now + 1000);
		if (b.conn == SBC_MQ_DOWN)
			wake = sbc_min(wake, b.bo.next_ms);
		if (poll(p, 2, wake > now ? (int)(wake - now) : 0) < 0 && errno != EINTR) {
			ret = sbc_fail(SBC_EXIT_FAIL, "mqtt: poll: %s", strerror(errno));
			break;
		}
		if (p[0].revents & POLLIN)
			ret = sbc_mqtt_uevent(&b, fd);
		if (b.conn != SBC_MQ_DOWN)
			sbc_mqtt_io(&b, p[1].fd >= 0 ? p[1].revents : 0);
		now = sbc_now_ms();
		if (now >= next_all) {
			sbc_mqtt_look(&b, 1);
			next_all = now + (long long)b.o.interval * 1000;
			next_look = now + SBC_BRIDGE_POLL_MS;
		} else if (now >= next_look || b.poll_now) {
			sbc_mqtt_look(&b, 0);
			next_look = now + SBC_BRIDGE_POLL_MS;
		}
		b.poll_now = 0;
	}
	if (b.fatal)
		ret = SBC_EXIT_FAIL;
	sbc_mqtt_goodbye(&b);
	close(fd);
out:
	if (b.m.mosq)
		mosquitto_destroy(b.m.mosq);
	mosquitto_lib_cleanup();
	sbc_mq_free(&b.m);
	return ret;
}
