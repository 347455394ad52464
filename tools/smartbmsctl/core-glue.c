// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl: the kernel core's calibration parser and settings
 * parsers, built against the userspace shim (tools/testing/host/include)
 * so driver and tool share one parser and one set of limits. Only this
 * file sees the kernel headers.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "smartbms_core.h"
#include "cal.h"
#include "soc.h"

_Static_assert(SMARTBMS_CH_NUM == SBC_CAL_NCHAN, "channel count");
_Static_assert(SMARTBMS_SOC_BLOB_SIZE == SBC_SOC_SIZE, "soc blob size");
_Static_assert(SMARTBMS_SOC_FLAG_SYNCED == SBC_SOC_SYNCED &&
	       SMARTBMS_SOC_FLAG_FINAL == SBC_SOC_FINAL, "soc flags");

int sbc_cal_parse(const unsigned char *data, size_t len, struct sbc_cal *cal)
{
	struct smartbms_calibration kc;
	unsigned int i;
	int ret;

	ret = smartbms_calibration_parse(data, len, &kc);
	if (ret)
		return ret;
	for (i = 0; i < SBC_CAL_NCHAN; i++) {
		cal->gain_micro[i] = kc.chan[i].gain_micro;
		cal->offset[i] = kc.chan[i].offset;
	}
	return 0;
}

const char *sbc_cal_parser_name(void)
{
	return "core";
}

int sbc_core_soc_unpack(const unsigned char *buf, size_t len,
			struct sbc_soc *soc)
{
	struct smartbms_soc_saved sv;
	int ret;

	ret = smartbms_soc_unpack(buf, len, &sv);
	if (ret)
		return ret;
	soc->charge_mah = sv.charge_mah;
	soc->full_mah = sv.full_mah;
	soc->flags = sv.flags;
	soc->time_s = sv.time_s;
	return 0;
}

/* whole units (ms) through the core's decimal parser; 0, or 1 with why */
static int sbc_core_whole(const char *in, s32 *v, char *why, size_t wlen,
			  const char *unit)
{
	if (smartbms_parse_milli(in, -INT32_MAX, INT32_MAX, v) || *v % 1000) {
		snprintf(why, wlen, "whole %s only", unit);
		return 1;
	}
	*v /= 1000;
	return 0;
}

static int sbc_core_word(const char *name)
{
	static const struct {
		const char *name;
		enum smartbms_word word;
	} words[] = {
		{ "prealarm", SMARTBMS_WORD_PREALARM_SIGNAL },
		{ "prealarm-usage", SMARTBMS_WORD_PREALARM_USAGE },
		{ "remote-function", SMARTBMS_WORD_REMOTE_FN },
		{ "switch", SMARTBMS_WORD_SWITCH },
	};
	unsigned int i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(name, words[i].name))
			return words[i].word;
	return -1;
}

/* 1, with the reason in @why */
static int sbc_core_refuse(char *why, size_t wlen, const char *reason)
{
	snprintf(why, wlen, "%s", reason);
	return 1;
}

/*
 * The battery monitor's settings (BMS-MON-2) in the driver's sysfs form:
 * the same decimals its monitor_* attributes take and show.
 */
static int sbc_core_monitor(const char *name, const char *in, char *out,
			    size_t len, char *why, size_t wlen)
{
	struct smartbms_settings set;
	struct smartbms_mon_settings *m = &set.mon;
	s32 v;

	smartbms_settings_default(&set);
	if (smartbms_parse_milli(in, -INT32_MAX, INT32_MAX, &v))
		return sbc_core_refuse(why, wlen, strcmp(name, "monitor-charged-voltage") ?
				       "not a number with at most 3 decimals" :
				       "a number of volts with at most 3 decimals: the "
				       "driver takes whole millivolts");
	if (v < 0)
		return sbc_core_refuse(why, wlen, "outside the core's limits");
	if (!strcmp(name, "monitor-charged-voltage")) {
		m->charged_mv = v;	/* whole millivolts by the parser */
		snprintf(out, len, "%ld", (long)v * 1000);
	} else if (!strcmp(name, "monitor-tail-current")) {
		if (v % 100)
			return sbc_core_refuse(why, wlen, "one decimal at most");
		m->tail_permille = v / 100;
		snprintf(out, len, "%u.%u", m->tail_permille / 10, m->tail_permille % 10);
	} else if (!strcmp(name, "monitor-charged-time")) {
		if (v % 1000)
			return sbc_core_refuse(why, wlen, "whole seconds only");
		m->charged_s = v / 1000;
		snprintf(out, len, "%u", m->charged_s);
	} else if (!strcmp(name, "monitor-charge-efficiency")) {
		if (v % 1000)
			return sbc_core_refuse(why, wlen, "whole percent only");
		m->efficiency_pct = v / 1000;
		snprintf(out, len, "%u", m->efficiency_pct);
	} else if (!strcmp(name, "monitor-peukert")) {
		if (v % 10)
			return sbc_core_refuse(why, wlen, "two decimals at most");
		m->peukert_centi = v / 10;
		snprintf(out, len, "%u.%02u", m->peukert_centi / 100,
			 m->peukert_centi % 100);
	} else {
		return -1;
	}
	if (!smartbms_settings_valid(&set))
		return sbc_core_refuse(why, wlen, "outside the core's limits");
	return 0;
}

/*
 * A setting as the driver will take it, decided by the core's parsers and
 * limits (smartbms_codec.c): 0 with the sysfs form in @out, 1 refused with
 * the reason in @why, -1 when @name is none of these settings. @in is
 * already normalised (unit suffix off, decimal point).
 */
int sbc_core_setting(const char *name, const char *in, char *out, size_t len,
		     char *why, size_t wlen)
{
	struct smartbms_settings set;
	enum smartbms_fuse fuse;
	int word = sbc_core_word(name);
	s32 v;

	smartbms_settings_default(&set);
	if (!strcmp(name, "fuse")) {
		if (smartbms_parse_fuse(in, &fuse))
			return sbc_core_refuse(why, wlen, "not a fuse row");
		snprintf(out, len, "%s", smartbms_fuse_name(fuse));
		return 0;
	}
	if (word >= 0) {
		if (smartbms_word_set(&set, word, in))
			return sbc_core_refuse(why, wlen, "not a value of this setting");
		snprintf(out, len, "%s", smartbms_word_get(&set, word));
		return 0;
	}
	if (!strcmp(name, "charge-limit")) {
		if (smartbms_parse_milli(in, -INT32_MAX, INT32_MAX, &v))
			return sbc_core_refuse(why, wlen, "a number of volts with at most "
					       "3 decimals: the driver takes whole "
					       "millivolts");
		set.charge_limit_mv = v;
		if (!smartbms_settings_valid(&set))
			return sbc_core_refuse(why, wlen, "outside the core's limits");
		snprintf(out, len, "%ld", (long)v * 1000);
		return 0;
	}
	if (!strcmp(name, "debounce") || !strcmp(name, "poll-interval")) {
		int poll = name[0] == 'p';

		if (sbc_core_whole(in, &v, why, wlen, "milliseconds"))
			return 1;
		set.debounce_ms = (u32)v;
		if (v < 0 || (poll ? v < SMARTBMS_POLL_MIN_MS || v > SMARTBMS_POLL_MAX_MS :
			      !smartbms_settings_valid(&set)))
			return sbc_core_refuse(why, wlen, poll ? "outside the driver's limits" :
					       "outside the core's limits");
		snprintf(out, len, "%ld", (long)v);
		return 0;
	}
	if (!strncmp(name, "monitor-", 8))
		return sbc_core_monitor(name, in, out, len, why, wlen);
	return -1;
}

#ifdef SBC_CORE_PROBE
/* make's probe: does the core link on its own? */
int main(void)
{
	struct sbc_cal cal;

	return sbc_cal_parse((const unsigned char *)"", 0, &cal) ? 0 : 1;
}
#endif
