// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl mqtt: what Home Assistant sees. One device; an entity per
 * reading, output, code class and setting, announced through MQTT
 * discovery (DISCOVERY/COMPONENT/ID/OBJECT/config, retained) with its
 * state on PREFIX/ID/OBJECT (retained): "None" while a value is unknown,
 * which Home Assistant shows as unknown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mqtt.h"

/* which value an entity shows */
enum sbc_ha_val {
	SBC_V_VBAT, SBC_V_VSTART, SBC_V_IALT, SBC_V_IALT_PCT, SBC_V_BMS_TEMP,
	SBC_V_BAT_TEMP, SBC_V_SOC, SBC_V_IBAT, SBC_V_TTE, SBC_V_TTF, SBC_V_SYNC,
	SBC_V_OUT,			/* + the output's index */
	SBC_V_CLASS = SBC_V_OUT + SBC_OUT_NUM,	/* + the class's index */
	SBC_V_CODES = SBC_V_CLASS + 3, SBC_V_STATUS, SBC_V_HEALTH, SBC_V_SWITCH,
	SBC_V_LIMIT, SBC_V_EVENT,
};

/* when an entity exists */
enum sbc_ha_when {
	SBC_W_ALWAYS, SBC_W_BMS_TEMP, SBC_W_BAT_TEMP, SBC_W_MON, SBC_W_SOC,
	SBC_W_IBAT, SBC_W_READONLY, SBC_W_COMMANDS,
};

struct sbc_ha_ent {
	const char *component, *object, *name;
	const char *dclass, *sclass, *unit;
	int precision;			/* suggested_display_precision, -1: none */
	unsigned char val, when, meas, diag;
};

#define SBC_MEAS(obj, name, dc, unit, prec, val, when) \
	{ "sensor", obj, name, dc, "measurement", unit, prec, val, when, 1, 0 }
#define SBC_BIN(obj, name, dc, val) \
	{ "binary_sensor", obj, name, dc, NULL, NULL, -1, val, SBC_W_ALWAYS, 0, 0 }

static const struct sbc_ha_ent sbc_ha_ents[] = {
	SBC_MEAS("li_ion_voltage", "Li-ion voltage", "voltage", "V", 2, SBC_V_VBAT, SBC_W_ALWAYS),
	SBC_MEAS("starter_voltage", "Starter voltage", "voltage", "V", 2, SBC_V_VSTART,
		 SBC_W_ALWAYS),
	SBC_MEAS("alternator_current", "Alternator current", "current", "A", 1, SBC_V_IALT,
		 SBC_W_ALWAYS),
	SBC_MEAS("alternator_current_percent", "Alternator current of the fuse limit", NULL, "%", 0,
		 SBC_V_IALT_PCT, SBC_W_ALWAYS),
	SBC_MEAS("bms_temperature", "BMS temperature", "temperature", "°C", 1,
		 SBC_V_BMS_TEMP, SBC_W_BMS_TEMP),
	SBC_MEAS("battery_temperature", "Battery temperature", "temperature", "°C", 1,
		 SBC_V_BAT_TEMP, SBC_W_BAT_TEMP),
	SBC_MEAS("battery_current", "Battery current", "current", "A", 1, SBC_V_IBAT,
		 SBC_W_IBAT),
	SBC_MEAS("time_to_empty", "Time to empty", "duration", "s", 0, SBC_V_TTE, SBC_W_MON),
	SBC_MEAS("time_to_full", "Time to full", "duration", "s", 0, SBC_V_TTF, SBC_W_MON),
	/* a state, not a measurement: sent when it changes */
	{ "sensor", "state_of_charge", "State of charge", "battery", "measurement", "%", 0,
	  SBC_V_SOC, SBC_W_SOC, 0, 0 },
	{ "sensor", "monitor_sync", "Battery monitor", NULL, NULL, NULL, -1,
	  SBC_V_SYNC, SBC_W_MON, 0, 1 },
	SBC_BIN("load_disconnect", "Loads allowed", "power", SBC_V_OUT + 0),
	SBC_BIN("charge_disconnect", "Charging allowed", NULL, SBC_V_OUT + 1),
	SBC_BIN("prealarm", "Pre-alarm", "problem", SBC_V_OUT + 2),
	SBC_BIN("alternator_enable", "Alternator charging", "battery_charging", SBC_V_OUT + 3),
	SBC_BIN("error", "Error", "problem", SBC_V_CLASS + 0),
	SBC_BIN("alarm", "Alarm", "problem", SBC_V_CLASS + 1),
	SBC_BIN("warning", "Warning", "problem", SBC_V_CLASS + 2),
	{ "sensor", "active_codes", "Active codes", NULL, NULL, NULL, -1,
	  SBC_V_CODES, SBC_W_ALWAYS, 0, 0 },
	{ "sensor", "status", "Status", NULL, NULL, NULL, -1, SBC_V_STATUS, SBC_W_ALWAYS, 0, 1 },
	{ "sensor", "health", "Health", NULL, NULL, NULL, -1, SBC_V_HEALTH, SBC_W_ALWAYS, 0, 1 },
	/* the settings: read-only, or commands with --allow-commands */
	{ "binary_sensor", "software_switch", "Software switch", NULL, NULL, NULL, -1,
	  SBC_V_SWITCH, SBC_W_READONLY, 0, 0 },
	{ "switch", "software_switch", "Software switch", NULL, NULL, NULL, -1,
	  SBC_V_SWITCH, SBC_W_COMMANDS, 0, 0 },
	{ "sensor", "charge_limit", "Charge limit", "voltage", NULL, "V", 2,
	  SBC_V_LIMIT, SBC_W_READONLY, 0, 0 },
	{ "number", "charge_limit", "Charge limit", "voltage", NULL, "V", -1,
	  SBC_V_LIMIT, SBC_W_COMMANDS, 0, 0 },
	{ "event", "event", "Event", NULL, NULL, NULL, -1, SBC_V_EVENT, SBC_W_ALWAYS, 0, 0 },
};
#define SBC_HA_NENTS (sizeof(sbc_ha_ents) / sizeof(sbc_ha_ents[0]))

/* SMARTBMS_EVENT values (sysfs-class-power-smartbms), and the bridge's own */
static const char * const sbc_ha_events[] = {
	"load-disconnect", "load-reconnect", "charge-disconnect", "charge-reconnect",
	"prealarm-on", "prealarm-off", "alternator-on", "alternator-off",
	"code-raised", "code-cleared", "settings-changed", "soc-save", "events-lost",
};

static const char * const sbc_ha_classes[] = { "error", "alarm", "warning" };

static int sbc_ha_has(const struct sbc_mq *m, const struct sbc_snap *s,
		      const struct sbc_ha_ent *e)
{
	switch (e->when) {
	case SBC_W_BMS_TEMP:
		return s->bms_temp;
	case SBC_W_BAT_TEMP:
		return s->bat_temp;
	case SBC_W_MON:
		return !!(s->mon & SBC_MON_PRESENT);
	case SBC_W_SOC:
		return !!(s->mon & SBC_MON_SOC_ATTR);
	case SBC_W_IBAT:
		return !!(s->mon & SBC_MON_CURRENT);
	case SBC_W_READONLY:
		return !m->allow_commands;
	case SBC_W_COMMANDS:
		return m->allow_commands;
	}
	return 1;
}

static unsigned long long sbc_ha_mask(const struct sbc_mq *m, const struct sbc_snap *s)
{
	unsigned long long mask = 0;
	unsigned int i;

	for (i = 0; i < SBC_HA_NENTS; i++)
		if (sbc_ha_has(m, s, &sbc_ha_ents[i]))
			mask |= 1ULL << i;
	return mask;
}

int sbc_ha_changed(const struct sbc_mq *m, const struct sbc_snap *s)
{
	return !m->discovered || sbc_ha_mask(m, s) != m->announced;
}

/* "A-B11 Low voltage; W-B12 Low voltage warning", or "none" */
static void sbc_ha_codes_text(const char *codes, char *buf, size_t len)
{
	const char *p = codes;
	size_t n = 0;
	char w[32];

	buf[0] = '\0';
	while ((p = sbc_word(p, w, sizeof(w))) && n < len) {
		const struct sbc_code *c = sbc_code_find(w);

		n += snprintf(buf + n, len - n, "%s%s %s", n ? "; " : "", w,
			      c ? c->title : "(unknown code)");
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

/* value/div with @dec decimals when @have; 1 when unknown */
static int sbc_ha_fixed(char *buf, size_t len, int have, long v, long div, int dec)
{
	if (!have)
		return 1;
	sbc_fmt_fixed(buf, len, v, div, dec);
	return 0;
}

static int sbc_ha_str(char *buf, size_t len, const char *v)
{
	if (!v[0])
		return 1;
	snprintf(buf, len, "%s", v);
	return 0;
}

/* 0 with the state in @buf, 1 when unknown */
static int sbc_ha_value(const struct sbc_snap *s, unsigned int val, char *buf, size_t len)
{
	const struct sbc_meas *m = &s->st.m;

	if (val >= SBC_V_OUT && val < SBC_V_OUT + SBC_OUT_NUM) {
		int o = s->st.out[val - SBC_V_OUT];

		return o < 0 ? 1 : sbc_ha_str(buf, len, o ? "ON" : "OFF");
	}
	if (val >= SBC_V_CLASS && val < SBC_V_CLASS + 3)
		return sbc_ha_str(buf, len, sbc_codes_have(s->st.codes,
				  sbc_ha_classes[val - SBC_V_CLASS]) ? "ON" : "OFF");
	switch (val) {
	case SBC_V_VBAT:
		return sbc_ha_fixed(buf, len, m->have & SBC_HAVE_VBAT, m->vbat_uv, 1000000, 3);
	case SBC_V_VSTART:
		return sbc_ha_fixed(buf, len, m->have & SBC_HAVE_VSTART, m->vstart_uv, 1000000, 3);
	case SBC_V_IALT:
		return sbc_ha_fixed(buf, len, m->have & SBC_HAVE_IALT, m->ialt_ua, 1000000, 3);
	case SBC_V_IALT_PCT:
		return sbc_ha_fixed(buf, len, (m->have & (SBC_HAVE_IALT | SBC_HAVE_LIMIT)) ==
				    (SBC_HAVE_IALT | SBC_HAVE_LIMIT),
				    (m->have & SBC_HAVE_LIMIT) ? sbc_percent(m) : 0, 1, 0);
	case SBC_V_BMS_TEMP:
		return sbc_ha_fixed(buf, len, m->have & SBC_HAVE_ALTTEMP, m->alt_temp_dc, 10, 1);
	case SBC_V_BAT_TEMP:
		return sbc_ha_fixed(buf, len, m->have & SBC_HAVE_PSYTEMP, m->psy_temp_dc, 10, 1);
	case SBC_V_SOC:
		return sbc_ha_fixed(buf, len, s->mon & SBC_MON_SOC, s->soc_pct, 1, 0);
	case SBC_V_IBAT:
		return sbc_ha_fixed(buf, len, s->mon & SBC_MON_CURRENT, s->bat_ua, 1000000, 3);
	case SBC_V_TTE:
		return sbc_ha_fixed(buf, len, s->mon & SBC_MON_TTE, s->tte_s, 1, 0);
	case SBC_V_TTF:
		return sbc_ha_fixed(buf, len, s->mon & SBC_MON_TTF, s->ttf_s, 1, 0);
	case SBC_V_SYNC:
		return sbc_ha_str(buf, len, s->sync);
	case SBC_V_CODES:
		sbc_ha_codes_text(s->st.codes, buf, len);
		return 0;
	case SBC_V_STATUS:
		return sbc_ha_str(buf, len, s->st.status);
	case SBC_V_HEALTH:
		return sbc_ha_str(buf, len, s->st.health);
	case SBC_V_SWITCH:
		return sbc_ha_str(buf, len, s->st.sw);
	case SBC_V_LIMIT:
		return sbc_ha_fixed(buf, len, s->have_limit, s->charge_limit_uv, 1000000, 3);
	}
	return 1;
}

static void sbc_ha_kv(FILE *f, const char *key, const char *val)
{
	fprintf(f, ",\"%s\":", key);
	sbc_json_str(f, val);
}

/* PREFIX/ID/OBJECT[SUFFIX] */
static void sbc_ha_topic(const struct sbc_mq *m, const char *object, const char *suffix,
			 char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s%s", m->base, object, suffix ? suffix : "");
}

static void sbc_ha_config(const struct sbc_mq *m, const struct sbc_ha_ent *e, FILE *f)
{
	const struct sbc_setting *lim = sbc_setting_find("charge-limit");
	char t[SBC_MQ_TOPIC_MAX], uid[160];
	unsigned int i;

	fprintf(f, "{\"name\":");
	sbc_json_str(f, e->name);
	snprintf(uid, sizeof(uid), "%s_%s", m->id, e->object);
	sbc_ha_kv(f, "unique_id", uid);
	sbc_ha_topic(m, e->object, NULL, t, sizeof(t));
	sbc_ha_kv(f, "state_topic", t);
	sbc_ha_topic(m, "availability", NULL, t, sizeof(t));
	sbc_ha_kv(f, "availability_topic", t);
	fprintf(f, ",\"payload_available\":\"online\",\"payload_not_available\":\"offline\","
		"\"qos\":1");
	if (e->dclass)
		sbc_ha_kv(f, "device_class", e->dclass);
	if (e->sclass)
		sbc_ha_kv(f, "state_class", e->sclass);
	if (e->unit)
		sbc_ha_kv(f, "unit_of_measurement", e->unit);
	if (e->precision >= 0)
		fprintf(f, ",\"suggested_display_precision\":%d", e->precision);
	if (e->diag)
		sbc_ha_kv(f, "entity_category", "diagnostic");
	if (!strcmp(e->component, "binary_sensor")) {
		const char *on = e->val == SBC_V_SWITCH ? "on" : "ON";
		const char *off = e->val == SBC_V_SWITCH ? "off" : "OFF";

		fprintf(f, ",\"payload_on\":\"%s\",\"payload_off\":\"%s\"", on, off);
	} else if (!strcmp(e->component, "switch")) {
		sbc_ha_topic(m, e->object, "/set", t, sizeof(t));
		sbc_ha_kv(f, "command_topic", t);
		fprintf(f, ",\"payload_on\":\"on\",\"payload_off\":\"off\","
			"\"state_on\":\"on\",\"state_off\":\"off\"");
	} else if (!strcmp(e->component, "number")) {
		sbc_ha_topic(m, e->object, "/set", t, sizeof(t));
		sbc_ha_kv(f, "command_topic", t);
		/* the setting's own limits; the driver takes whole millivolts */
		fprintf(f, ",\"min\":%ld.%03ld,\"max\":%ld.%03ld,\"step\":0.01,\"mode\":\"box\"",
			lim->min / 1000000, lim->min % 1000000 / 1000,
			lim->max / 1000000, lim->max % 1000000 / 1000);
	} else if (!strcmp(e->component, "event")) {
		fprintf(f, ",\"event_types\":[");
		for (i = 0; i < sizeof(sbc_ha_events) / sizeof(sbc_ha_events[0]); i++) {
			fprintf(f, "%s", i ? "," : "");
			sbc_json_str(f, sbc_ha_events[i]);
		}
		fprintf(f, "]");
	}
	if (e->val == SBC_V_CODES) {
		sbc_ha_topic(m, e->object, "/attributes", t, sizeof(t));
		sbc_ha_kv(f, "json_attributes_topic", t);
	}
	fprintf(f, ",\"device\":{\"identifiers\":[");
	sbc_json_str(f, m->id);
	fprintf(f, "],\"name\":\"smartbms\",\"model\":\"smartbms\","
		"\"manufacturer\":\"smartbms\",\"sw_version\":\"%s\"}"
		",\"origin\":{\"name\":\"smartbmsctl\",\"sw_version\":\"%s\"}}",
		SMARTBMSCTL_VERSION, SMARTBMSCTL_VERSION);
}

void sbc_ha_discovery(struct sbc_mq *m, const struct sbc_snap *s)
{
	unsigned long long mask = sbc_ha_mask(m, s);
	char topic[SBC_MQ_TOPIC_MAX];
	struct sbc_buf b;
	unsigned int i;

	for (i = 0; i < SBC_HA_NENTS; i++) {
		const struct sbc_ha_ent *e = &sbc_ha_ents[i];
		const char *cfg;

		snprintf(topic, sizeof(topic), "%s/%s/%s/%s/config", m->disc,
			 e->component, m->id, e->object);
		if (!(mask & (1ULL << i))) {
			/* an empty retained config removes the entity */
			sbc_mq_pub(m, topic, "", 1, 0);
			continue;
		}
		if (!sbc_buf_open(&b))
			continue;
		sbc_ha_config(m, e, b.f);
		cfg = sbc_buf_str(&b);
		if (cfg)
			sbc_mq_pub(m, topic, cfg, 1, 0);
		sbc_buf_free(&b);
	}
	m->announced = mask;
	m->discovered = 1;
}

/* the codes' texts from the manual: PREFIX/ID/active_codes/attributes */
static void sbc_ha_codes_attrs(struct sbc_mq *m, const struct sbc_snap *s)
{
	const char *p = s->st.codes, *json;
	char t[SBC_MQ_TOPIC_MAX], w[32];
	struct sbc_buf b;
	int first = 1;

	if (!sbc_buf_open(&b))
		return;
	fprintf(b.f, "{\"codes\":[");
	while ((p = sbc_word(p, w, sizeof(w)))) {
		const struct sbc_code *c = sbc_code_find(w);
		const char *cls = sbc_code_class(w);

		fprintf(b.f, "%s{\"code\":", first ? "" : ",");
		sbc_json_str(b.f, w);
		sbc_ha_kv(b.f, "class", cls ? cls : "unknown");
		sbc_ha_kv(b.f, "title", c ? c->title : "unknown code");
		sbc_ha_kv(b.f, "cause", c ? c->cause : "");
		sbc_ha_kv(b.f, "remedy", c ? c->remedy : "");
		fprintf(b.f, "}");
		first = 0;
	}
	fprintf(b.f, "]");
	/* and each code's cause under its name, as Home Assistant lists them */
	for (p = s->st.codes; (p = sbc_word(p, w, sizeof(w))); ) {
		const struct sbc_code *c = sbc_code_find(w);

		sbc_ha_kv(b.f, w, c ? c->cause : "unknown code");
	}
	fprintf(b.f, "}");
	json = sbc_buf_str(&b);
	sbc_ha_topic(m, "active_codes", "/attributes", t, sizeof(t));
	if (json)
		sbc_mq_pub(m, t, json, 1, 1);
	sbc_buf_free(&b);
}

void sbc_ha_state(struct sbc_mq *m, const struct sbc_snap *s, int all)
{
	char topic[SBC_MQ_TOPIC_MAX], val[320];
	unsigned int i;

	for (i = 0; i < SBC_HA_NENTS; i++) {
		const struct sbc_ha_ent *e = &sbc_ha_ents[i];

		if (e->val == SBC_V_EVENT || !sbc_ha_has(m, s, e) || (e->meas && !all))
			continue;
		if (sbc_ha_value(s, e->val, val, sizeof(val)))
			snprintf(val, sizeof(val), "None");
		/* Home Assistant keeps at most 255 characters of a state */
		val[255] = '\0';
		sbc_ha_topic(m, e->object, NULL, topic, sizeof(topic));
		sbc_mq_pub(m, topic, val, 1, !e->meas);
	}
	sbc_ha_codes_attrs(m, s);
}

int sbc_ha_event(struct sbc_mq *m, const struct sbc_event *e)
{
	const struct sbc_code *c = sbc_code_find(e->ev.reason);
	char topic[SBC_MQ_TOPIC_MAX];
	const char *json;
	struct sbc_buf b;
	int ret = -1;

	if (!sbc_buf_open(&b))
		return -1;
	fprintf(b.f, "{\"event_type\":");
	sbc_json_str(b.f, e->ev.event);
	sbc_ha_kv(b.f, "reason", e->ev.reason);
	if (c) {
		sbc_ha_kv(b.f, "title", c->title);
		sbc_ha_kv(b.f, "cause", c->cause);
	}
	sbc_ha_kv(b.f, "time", e->time);
	fprintf(b.f, ",\"seq\":%lu}", e->seq);
	json = sbc_buf_str(&b);
	sbc_ha_topic(m, "event", NULL, topic, sizeof(topic));
	if (json)
		ret = sbc_mq_pub(m, topic, json, 0, 0);
	sbc_buf_free(&b);
	return ret;
}
