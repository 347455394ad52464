// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl status: the status page as text and as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools-common.h"
#include "status.h"

const struct sbc_output sbc_outputs[SBC_OUT_NUM] = {
	{ "load_disconnect", "Load disconnect", "high (loads allowed)", "low (loads off)" },
	{ "charge_disconnect", "Charge disconnect", "high (charging allowed)",
	  "low (chargers off)" },
	{ "prealarm", "Pre-alarm", "high (alarm)", "low (no alarm)" },
	{ "alternator_enable", "Alternator", "on (charging path closed)",
	  "off (charging path open)" },
};

static int sbc_fuse_unset(const struct sbc_state *st)
{
	return st->local && !strcmp(st->fuse, "unset");
}

long sbc_percent(const struct sbc_meas *m)
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
const char *sbc_word(const char *s, char *w, size_t len)
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

/* Whether a space-separated list holds the word w. */
static int sbc_has_word(const char *list, const char *w)
{
	const char *p = list;
	char x[32];

	while ((p = sbc_word(p, x, sizeof(x))))
		if (!strcmp(x, w))
			return 1;
	return 0;
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

/* monitor_sync_reason in words (BMS-MON-4) */
static const char *sbc_sync_why(const char *why)
{
	static const char * const texts[][2] = {
		{ "install", "no saved state of charge (first start)" },
		{ "restored", "restored after a downtime of unknown length" },
		{ "empty", "set to empty at low voltage (A-B11)" },
		{ "gap", "the battery current went unmeasured for a while" },
		{ "no-battery", "the board describes no battery capacity (monitored-battery)" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!strcmp(why, texts[i][0]))
			return texts[i][1];
	return why[0] ? why : "reason unknown";
}

/* "6 h 57 min", "2 d 3 h", "12 min" */
static void sbc_duration(FILE *f, long s)
{
	if (s >= 86400)
		fprintf(f, "%ld d %ld h", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		fprintf(f, "%ld h %ld min", s / 3600, s % 3600 / 60);
	else
		fprintf(f, "%ld min", s / 60);
}

/* The battery monitor's lines; none on a board without one. */
static void sbc_print_battery(FILE *f, const struct sbc_battery *b)
{
	int known = b->have & SBC_BAT_SOC;

	if (!b->present)
		return;
	fprintf(f, "%-22s ", "Battery current");
	if (b->have & SBC_BAT_CURRENT) {
		sbc_fixed(f, b->current_ua, 1000000);
		fprintf(f, " A\n");
	} else {
		fprintf(f, "unknown\n");
	}
	fprintf(f, "%-22s ", "State of charge");
	if (known)
		fprintf(f, "%ld %%\n", b->soc_pct);
	else if (!strcmp(b->why, "no-battery"))
		fprintf(f, "unknown: %s\n", sbc_sync_why(b->why));
	else
		fprintf(f, "unknown until the first full charge\n");
	fprintf(f, "%-22s ", "Consumed");
	if ((b->have & (SBC_BAT_CHARGE | SBC_BAT_FULL)) == (SBC_BAT_CHARGE | SBC_BAT_FULL)) {
		sbc_fixed(f, b->full_uah - b->charge_uah, 1000000);
		fprintf(f, " Ah of ");
		sbc_fixed(f, b->full_uah, 1000000);
		fprintf(f, " Ah\n");
	} else {
		fprintf(f, "unknown\n");
	}
	fprintf(f, "%-22s ", "Time to go");
	if (b->have & SBC_BAT_TTE)
		sbc_duration(f, b->tte_s);
	else
		fprintf(f, "%s", known ? "not discharging" : "unknown");
	fprintf(f, "\n%-22s ", "Time to full");
	if (b->have & SBC_BAT_TTF)
		sbc_duration(f, b->ttf_s);
	else
		fprintf(f, "%s", known ? "not charging" : "unknown");
	fprintf(f, "\n%-22s ", "Monitor");
	if (!strcmp(b->sync, "synchronised"))
		fprintf(f, "synchronised\n");
	else if (!strcmp(b->sync, "not-synchronised"))
		fprintf(f, "not synchronised: %s\n", sbc_sync_why(b->why));
	else
		fprintf(f, "%s: %s\n", b->sync[0] ? b->sync : "unknown", sbc_sync_why(b->why));
}

void sbc_print_text(FILE *f, const struct sbc_state *st)
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
	if (m->have & SBC_HAVE_ALTTEMP) {
		fprintf(f, "%-22s ", "BMS temperature");
		sbc_fixed(f, m->alt_temp_dc, 10);
		fprintf(f, " C\n");
	} else if (m->have & SBC_HAVE_TEMP) {
		fprintf(f, "%-22s ", "BMS temperature");
		sbc_fixed(f, m->temp_mc, 1000);
		fprintf(f, " C\n");
	}
	if (m->have & SBC_HAVE_PSYTEMP) {
		fprintf(f, "%-22s ", "Battery temperature");
		sbc_fixed(f, m->psy_temp_dc, 10);
		fprintf(f, " C\n");
	}
	if (!st->local) {
		fprintf(f, "(remote: measurements only; outputs, codes and settings "
			"are read from the board's sysfs)\n");
		return;
	}
	sbc_print_battery(f, &st->bat);
	fprintf(f, "%-22s %s\n", "Remote (combined)", st->remote[0] ? st->remote : "unknown");
	fprintf(f, "%-22s %s\n", "Fuse", st->fuse[0] ? st->fuse : "unknown");
	for (i = 0; i < SBC_OUT_NUM; i++)
		fprintf(f, "%-22s %s\n", sbc_outputs[i].label,
			st->out[i] < 0 ? "unknown" :
			st->out[i] ? sbc_outputs[i].high : sbc_outputs[i].low);
	if (st->status[0] || st->health[0])
		fprintf(f, "%-22s %s / %s\n", "Status / health",
			st->status[0] ? st->status : "-", st->health[0] ? st->health : "-");
	if (st->faults[0]) {
		const char *p;
		char w[32];

		fprintf(f, "%-22s %s\n", "Sensor faults", st->faults);
		/* the probable cause of each (BMS-OUT-6) */
		for (p = st->faults; (p = sbc_word(p, w, sizeof(w))); )
			fprintf(f, "  %s: %s\n", w, sbc_has_word(st->implausible, w) ?
				"reads outside a 12 V system's range: check the "
				"front end description (divider, shunt, transducer "
				"in the device tree) and the calibration "
				"(smartbmsctl calibrate)" :
				"cannot be read (I/O errors for 1 s): check the ADC, "
				"its bus and its wiring");
	}

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

/* "battery": the monitor's values, null where unknown; null without one */
static void sbc_json_battery(FILE *f, const struct sbc_battery *b)
{
	const unsigned int both = SBC_BAT_CHARGE | SBC_BAT_FULL;

	fprintf(f, ",\"battery\":");
	if (!b->present) {
		fprintf(f, "null");
		return;
	}
	fprintf(f, "{\"sync\":");
	if (b->sync[0])
		sbc_json_str(f, b->sync);
	else
		fprintf(f, "null");
	sbc_json_field(f, "sync_reason", b->why, 1);
	sbc_json_num(f, "current_ua", b->have & SBC_BAT_CURRENT, b->current_ua, 1);
	sbc_json_num(f, "soc_pct", b->have & SBC_BAT_SOC, b->soc_pct, 1);
	sbc_json_num(f, "consumed_uah", (b->have & both) == both,
		     b->full_uah - b->charge_uah, 1);
	sbc_json_num(f, "charge_full_uah", b->have & SBC_BAT_FULL, b->full_uah, 1);
	sbc_json_num(f, "time_to_empty_s", b->have & SBC_BAT_TTE, b->tte_s, 1);
	sbc_json_num(f, "time_to_full_s", b->have & SBC_BAT_TTF, b->ttf_s, 1);
	fprintf(f, "}");
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
	fprintf(f, "],\"sensor_implausible\":[");
	first = 1;
	for (p = st->implausible; (p = sbc_word(p, w, sizeof(w))); first = 0) {
		fprintf(f, "%s", first ? "" : ",");
		sbc_json_str(f, w);
	}
	fprintf(f, "]");
}

void sbc_print_json(FILE *f, const struct sbc_state *st, const char *source)
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
	if (m->have & SBC_HAVE_ALTTEMP)
		sbc_json_num(f, "temperature_c", 1, m->alt_temp_dc, 10);
	else
		sbc_json_num(f, "temperature_c", m->have & SBC_HAVE_TEMP, m->temp_mc, 1000);
	sbc_json_num(f, "battery_temperature_c", m->have & SBC_HAVE_PSYTEMP,
		     m->psy_temp_dc, 10);
	sbc_json_battery(f, &st->bat);
	sbc_json_field(f, "fuse", st->fuse, st->local);
	fprintf(f, ",\"fuse_set\":%s", !st->local ? "null" :
		sbc_fuse_unset(st) ? "false" : "true");
	if (st->local)
		sbc_json_lists(f, st);
	else
		fprintf(f, ",\"outputs\":null,\"status\":null,\"health\":null,"
			"\"codes\":null,\"sensor_faults\":null,\"sensor_implausible\":null");
	fprintf(f, ",\"prompt\":");
	if (sbc_fuse_unset(st))
		sbc_json_str(f, sbc_prompt);
	else
		fprintf(f, "null");
	fprintf(f, "}\n");
}
