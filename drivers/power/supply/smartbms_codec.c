// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms core, the codec half: the names of everything the rules use
 * (codes, reasons, channels, lines, settings words), the strict parsers
 * of BMS-SET-1 and the calibration and settings blobs. No rule lives
 * here; smartbms_rules.c decides, this file only translates.
 */

#include <linux/bits.h>
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#include "smartbms_compat.h"
#include "smartbms_core.h"

/*
 * Settings blob: magic, version, five u8 settings, the monitor's efficiency
 * and Peukert (u8 each), two u32, the monitor's charged voltage and time
 * (u16 each) and tail current (u8), zeros, CRC. A version 1 blob written
 * before the monitor existed has zeros there: the monitor's defaults.
 */
#define SMARTBMS_SET_MAGIC		"SBMS"
#define SMARTBMS_SET_VERSION		1
#define SMARTBMS_SET_CRC_OFF		(SMARTBMS_SETTINGS_BLOB_SIZE - 4)

static const char * const smartbms_fuse_names[SMARTBMS_FUSE_NUM] = {
	[SMARTBMS_FUSE_UNSET] = "unset",
	[SMARTBMS_FUSE_125] = "125",
	[SMARTBMS_FUSE_100] = "100",
	[SMARTBMS_FUSE_80] = "80",
	[SMARTBMS_FUSE_60] = "60",
	[SMARTBMS_FUSE_2X30] = "2x30",
	[SMARTBMS_FUSE_2X20] = "2x20",
	[SMARTBMS_FUSE_2X15] = "2x15",
	[SMARTBMS_FUSE_2X10] = "2x10",
	[SMARTBMS_FUSE_2X7_5] = "2x7.5",
};

static const char * const smartbms_code_names[SMARTBMS_CODE_NUM] = {
	[SMARTBMS_E_B30] = "E-B30",
	[SMARTBMS_E_B31] = "E-B31",
	[SMARTBMS_E_B32] = "E-B32",
	[SMARTBMS_E_B33] = "E-B33",
	[SMARTBMS_A_B11] = "A-B11",
	[SMARTBMS_A_B15] = "A-B15",
	[SMARTBMS_W_B12] = "W-B12",
};

static const char * const smartbms_reason_names[SMARTBMS_REASON_NUM] = {
	[SMARTBMS_REASON_NONE] = "none",
	[SMARTBMS_REASON_STARTUP] = "startup",
	[SMARTBMS_REASON_CALIBRATION] = "calibration",
	[SMARTBMS_REASON_REFERENCE] = "reference",
	[SMARTBMS_REASON_SENSOR] = "sensor",
	[SMARTBMS_REASON_ATD] = "atd",
	[SMARTBMS_REASON_ATC] = "atc",
	[SMARTBMS_REASON_CELL_UV] = "cell-undervoltage",
	[SMARTBMS_REASON_CELL_OV] = "cell-overvoltage",
	[SMARTBMS_REASON_CELL_TEMP] = "cell-temperature",
	[SMARTBMS_REASON_CHARGE_LIMIT] = "charge-limit",
	[SMARTBMS_REASON_REMOTE] = "remote",
	[SMARTBMS_REASON_OVERTEMP] = "overtemperature",
	[SMARTBMS_REASON_VSTART_LOW] = "vstart-low",
	[SMARTBMS_REASON_VSTART_BELOW_VBAT] = "vstart-below-vbat",
	[SMARTBMS_REASON_ALT_RESTART] = "alternator-restart",
	[SMARTBMS_REASON_OVERCURRENT] = "overcurrent",
	[SMARTBMS_REASON_PREALARM] = "prealarm",
	[SMARTBMS_REASON_CABLE] = "cable",
	[SMARTBMS_REASON_SETPOINT] = "setpoint",
};

static const char * const smartbms_output_names[SMARTBMS_OUT_NUM] = {
	[SMARTBMS_OUT_LOAD] = "load-disconnect",
	[SMARTBMS_OUT_CHARGE] = "charge-disconnect",
	[SMARTBMS_OUT_PREALARM] = "prealarm",
	[SMARTBMS_OUT_ALT] = "alternator-enable",
};

static const char * const smartbms_chan_names[SMARTBMS_CH_NUM] = {
	[SMARTBMS_CH_VBAT] = "vbat",
	[SMARTBMS_CH_VSTART] = "vstart",
	[SMARTBMS_CH_IALT] = "ialt",
	[SMARTBMS_CH_TEMP] = "temp",
	[SMARTBMS_CH_VREF] = "vref",
	[SMARTBMS_CH_TBAT] = "tbat",
	[SMARTBMS_CH_VCELL0] = "vcell0",
	[SMARTBMS_CH_VCELL1] = "vcell1",
	[SMARTBMS_CH_VCELL2] = "vcell2",
	[SMARTBMS_CH_VCELL3] = "vcell3",
};

/*
 * BMS-OUT-6: the ranges of a 12 V LiFePO4 system (SPEC, [ours]); a reading
 * outside is a miswired or misdescribed front end, not a battery:
 * - vbat 8..16 V: 2.0..4.0 V a cell; the cells are ruined below and the
 *   battery's own BMS has cut charging far below 16 V (3.65 V a cell), and
 *   the board runs from this bank, so it cannot read less and still run;
 *   pin volts (0..3.3 V) of an undescribed divider fall below;
 * - vstart 0..18 V: an absent or flat starter battery reads 0; no 12 V
 *   charging source regulates above 15 V;
 * - ialt -5..150 A: the path carries one way, a few amps of offset either
 *   side; the largest fuse (100 A) is limited to 90 A;
 * - temp -40..150 degC and tbat -40..100 degC: what the sensors read
 *   before they are destroyed; a battery above 100 degC is on fire;
 * - vref 0..5 V: its tolerance is E-B33's (2.5 V +- 5 %);
 * - vcell 1..4.5 V: a LiFePO4 cell is dead below 1 V (or its tap is off)
 *   and cannot reach 4.5 V.
 */
static const struct {
	s32 min;
	s32 max;
} smartbms_ranges[SMARTBMS_CH_NUM] = {
	[SMARTBMS_CH_VBAT] = { 8000, 16000 },
	[SMARTBMS_CH_VSTART] = { 0, 18000 },
	[SMARTBMS_CH_IALT] = { -5000, 150000 },
	[SMARTBMS_CH_TEMP] = { -40000, 150000 },
	[SMARTBMS_CH_VREF] = { 0, 5000 },
	[SMARTBMS_CH_TBAT] = { -40000, 100000 },
	[SMARTBMS_CH_VCELL0] = { 1000, 4500 },
	[SMARTBMS_CH_VCELL1] = { 1000, 4500 },
	[SMARTBMS_CH_VCELL2] = { 1000, 4500 },
	[SMARTBMS_CH_VCELL3] = { 1000, 4500 },
};

static const char * const smartbms_input_names[SMARTBMS_IN_NUM] = {
	[SMARTBMS_IN_ATC] = "allowed-to-charge",
	[SMARTBMS_IN_ATD] = "allowed-to-discharge",
	[SMARTBMS_IN_PREALARM] = "prealarm-in",
	[SMARTBMS_IN_CABLE] = "cable-detect",
	[SMARTBMS_IN_REMOTE_L] = "remote-l",
	[SMARTBMS_IN_REMOTE_H] = "remote-h",
};

static const char * const smartbms_usage_names[] = {
	[SMARTBMS_PREALARM_USE] = "use",
	[SMARTBMS_PREALARM_UNAVAILABLE] = "unavailable",
};

static const char * const smartbms_signal_names[] = {
	[SMARTBMS_SIGNAL_CONTINUOUS] = "continuous",
	[SMARTBMS_SIGNAL_INTERMITTENT] = "intermittent",
};

static const char * const smartbms_remote_fn_names[] = {
	[SMARTBMS_REMOTE_ALTERNATOR] = "alternator",
	[SMARTBMS_REMOTE_SYSTEM] = "system",
};

static const char *smartbms_name(const char * const *names, unsigned int n,
				 unsigned int idx)
{
	return idx < n ? names[idx] : NULL;
}

const char *smartbms_fuse_name(enum smartbms_fuse fuse)
{
	return smartbms_name(smartbms_fuse_names, SMARTBMS_FUSE_NUM, fuse);
}
EXPORT_SYMBOL_NS_GPL(smartbms_fuse_name, SMARTBMS);

const char *smartbms_code_name(enum smartbms_code code)
{
	return smartbms_name(smartbms_code_names, SMARTBMS_CODE_NUM, code);
}
EXPORT_SYMBOL_NS_GPL(smartbms_code_name, SMARTBMS);

const char *smartbms_reason_name(enum smartbms_reason reason)
{
	return smartbms_name(smartbms_reason_names, SMARTBMS_REASON_NUM,
			     reason);
}
EXPORT_SYMBOL_NS_GPL(smartbms_reason_name, SMARTBMS);

const char *smartbms_output_name(enum smartbms_output out)
{
	return smartbms_name(smartbms_output_names, SMARTBMS_OUT_NUM, out);
}
EXPORT_SYMBOL_NS_GPL(smartbms_output_name, SMARTBMS);

const char *smartbms_chan_name(enum smartbms_chan chan)
{
	return smartbms_name(smartbms_chan_names, SMARTBMS_CH_NUM, chan);
}
EXPORT_SYMBOL_NS_GPL(smartbms_chan_name, SMARTBMS);

/* in the channel's milli-unit; an unknown channel gets an empty range */
void smartbms_chan_range(enum smartbms_chan chan, s32 *min, s32 *max)
{
	if ((unsigned int)chan >= SMARTBMS_CH_NUM) {
		*min = 0;
		*max = -1;
		return;
	}
	*min = smartbms_ranges[chan].min;
	*max = smartbms_ranges[chan].max;
}
EXPORT_SYMBOL_NS_GPL(smartbms_chan_range, SMARTBMS);

const char *smartbms_input_name(enum smartbms_input in)
{
	return smartbms_name(smartbms_input_names, SMARTBMS_IN_NUM, in);
}
EXPORT_SYMBOL_NS_GPL(smartbms_input_name, SMARTBMS);

const char *smartbms_prealarm_usage_name(enum smartbms_prealarm_usage u)
{
	return smartbms_name(smartbms_usage_names,
			     ARRAY_SIZE(smartbms_usage_names), u);
}
EXPORT_SYMBOL_NS_GPL(smartbms_prealarm_usage_name, SMARTBMS);

const char *smartbms_prealarm_signal_name(enum smartbms_prealarm_signal s)
{
	return smartbms_name(smartbms_signal_names,
			     ARRAY_SIZE(smartbms_signal_names), s);
}
EXPORT_SYMBOL_NS_GPL(smartbms_prealarm_signal_name, SMARTBMS);

const char *smartbms_remote_fn_name(enum smartbms_remote_fn fn)
{
	return smartbms_name(smartbms_remote_fn_names,
			     ARRAY_SIZE(smartbms_remote_fn_names), fn);
}
EXPORT_SYMBOL_NS_GPL(smartbms_remote_fn_name, SMARTBMS);

/* ---- settings (SPEC section 6): defaults and limits ---- */

void smartbms_settings_default(struct smartbms_settings *set)
{
	memset(set, 0, sizeof(*set));
	set->fuse = SMARTBMS_FUSE_UNSET;
	set->prealarm_usage = SMARTBMS_PREALARM_USE;
	set->prealarm_signal = SMARTBMS_SIGNAL_CONTINUOUS;
	set->charge_limit_mv = SMARTBMS_CHARGE_LIMIT_DEF_MV;
	set->remote_fn = SMARTBMS_REMOTE_ALTERNATOR;
	set->switch_on = true;
	set->debounce_ms = SMARTBMS_DEBOUNCE_DEF_MS;
	smartbms_mon_settings_default(&set->mon);
}
EXPORT_SYMBOL_NS_GPL(smartbms_settings_default, SMARTBMS);

/* BMS-MON-2 */
void smartbms_mon_settings_default(struct smartbms_mon_settings *m)
{
	m->charged_mv = SMARTBMS_MON_CHARGED_DEF_MV;
	m->tail_permille = SMARTBMS_MON_TAIL_DEF;
	m->charged_s = SMARTBMS_MON_CHARGED_DEF_S;
	m->efficiency_pct = SMARTBMS_MON_EFF_DEF_PCT;
	m->peukert_centi = SMARTBMS_MON_PEUKERT_DEF;
}
EXPORT_SYMBOL_NS_GPL(smartbms_mon_settings_default, SMARTBMS);

bool smartbms_mon_settings_valid(const struct smartbms_mon_settings *m)
{
	return m->charged_mv >= SMARTBMS_MON_CHARGED_MIN_MV &&
	       m->charged_mv <= SMARTBMS_MON_CHARGED_MAX_MV &&
	       m->tail_permille >= SMARTBMS_MON_TAIL_MIN &&
	       m->tail_permille <= SMARTBMS_MON_TAIL_MAX &&
	       m->charged_s >= SMARTBMS_MON_CHARGED_MIN_S &&
	       m->charged_s <= SMARTBMS_MON_CHARGED_MAX_S &&
	       m->efficiency_pct >= SMARTBMS_MON_EFF_MIN_PCT &&
	       m->efficiency_pct <= SMARTBMS_MON_EFF_MAX_PCT &&
	       m->peukert_centi >= SMARTBMS_MON_PEUKERT_MIN &&
	       m->peukert_centi <= SMARTBMS_MON_PEUKERT_MAX;
}
EXPORT_SYMBOL_NS_GPL(smartbms_mon_settings_valid, SMARTBMS);

/* BMS-SET-1: every field in range. */
bool smartbms_settings_valid(const struct smartbms_settings *set)
{
	return (unsigned int)set->fuse < SMARTBMS_FUSE_NUM &&
	       (unsigned int)set->prealarm_usage <=
			SMARTBMS_PREALARM_UNAVAILABLE &&
	       (unsigned int)set->prealarm_signal <=
			SMARTBMS_SIGNAL_INTERMITTENT &&
	       set->charge_limit_mv >= SMARTBMS_CHARGE_LIMIT_MIN_MV &&
	       set->charge_limit_mv <= SMARTBMS_CHARGE_LIMIT_MAX_MV &&
	       (unsigned int)set->remote_fn <= SMARTBMS_REMOTE_SYSTEM &&
	       set->debounce_ms <= SMARTBMS_DEBOUNCE_MAX_MS &&
	       smartbms_mon_settings_valid(&set->mon);
}
EXPORT_SYMBOL_NS_GPL(smartbms_settings_valid, SMARTBMS);

/* ---- parsers (BMS-SET-1) ---- */

/* Length of @buf without one trailing newline. */
static size_t smartbms_strip(const char *buf)
{
	size_t n = strlen(buf);

	if (n && buf[n - 1] == '\n')
		n--;
	return n;
}

int smartbms_parse_enum(const char *buf, const char * const *names,
			unsigned int n, unsigned int *idx)
{
	size_t len = smartbms_strip(buf);
	unsigned int i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (names[i] && strlen(names[i]) == len &&
		    !memcmp(buf, names[i], len)) {
			*idx = i;
			return 0;
		}
	}
	return -EINVAL;
}
EXPORT_SYMBOL_NS_GPL(smartbms_parse_enum, SMARTBMS);

static const char * const smartbms_switch_names[] = { "off", "on" };

static const struct {
	const char * const *names;
	unsigned int n;
} smartbms_words[SMARTBMS_WORD_NUM] = {
	[SMARTBMS_WORD_PREALARM_USAGE] = {
		smartbms_usage_names, ARRAY_SIZE(smartbms_usage_names) },
	[SMARTBMS_WORD_PREALARM_SIGNAL] = {
		smartbms_signal_names, ARRAY_SIZE(smartbms_signal_names) },
	[SMARTBMS_WORD_REMOTE_FN] = {
		smartbms_remote_fn_names, ARRAY_SIZE(smartbms_remote_fn_names) },
	[SMARTBMS_WORD_SWITCH] = {
		smartbms_switch_names, ARRAY_SIZE(smartbms_switch_names) },
};

static unsigned int smartbms_word_val(const struct smartbms_settings *set,
				      enum smartbms_word word)
{
	switch (word) {
	case SMARTBMS_WORD_PREALARM_USAGE:
		return set->prealarm_usage;
	case SMARTBMS_WORD_PREALARM_SIGNAL:
		return set->prealarm_signal;
	case SMARTBMS_WORD_REMOTE_FN:
		return set->remote_fn;
	default:
		return set->switch_on;
	}
}

const char *smartbms_word_get(const struct smartbms_settings *set,
			      enum smartbms_word word)
{
	if ((unsigned int)word >= SMARTBMS_WORD_NUM)
		return NULL;
	return smartbms_name(smartbms_words[word].names, smartbms_words[word].n,
			     smartbms_word_val(set, word));
}
EXPORT_SYMBOL_NS_GPL(smartbms_word_get, SMARTBMS);

int smartbms_word_set(struct smartbms_settings *set, enum smartbms_word word,
		      const char *buf)
{
	unsigned int v;
	int ret;

	if ((unsigned int)word >= SMARTBMS_WORD_NUM)
		return -EINVAL;
	ret = smartbms_parse_enum(buf, smartbms_words[word].names,
				  smartbms_words[word].n, &v);
	if (ret)
		return ret;

	switch (word) {
	case SMARTBMS_WORD_PREALARM_USAGE:
		set->prealarm_usage = v;
		break;
	case SMARTBMS_WORD_PREALARM_SIGNAL:
		set->prealarm_signal = v;
		break;
	case SMARTBMS_WORD_REMOTE_FN:
		set->remote_fn = v;
		break;
	default:
		set->switch_on = v;
		break;
	}
	return 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_word_set, SMARTBMS);

/* The nine rows of BMS-ALT-3; "unset" is shown but never written. */
int smartbms_parse_fuse(const char *buf, enum smartbms_fuse *fuse)
{
	unsigned int idx;

	if (smartbms_parse_enum(buf, smartbms_fuse_names + 1,
				SMARTBMS_FUSE_NUM - 1, &idx))
		return -EINVAL;
	*fuse = idx + 1;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_parse_fuse, SMARTBMS);

/*
 * A decimal number of units with at most three decimals, optional leading
 * '-', to milli-units: "14.2" -> 14200. Nothing else is accepted.
 */
int smartbms_parse_milli(const char *buf, s32 min, s32 max, s32 *val)
{
	size_t len = smartbms_strip(buf);
	size_t i = 0;
	unsigned int decimals = 0, digits = 0;
	bool neg = false, point = false;
	s64 v = 0;

	if (i < len && buf[i] == '-') {
		neg = true;
		i++;
	}
	for (; i < len; i++) {
		char ch = buf[i];

		if (ch == '.' && !point && digits) {
			point = true;
			continue;
		}
		if (ch < '0' || ch > '9')
			return -EINVAL;
		if (point && ++decimals > 3)
			return -EINVAL;
		digits++;
		v = v * 10 + (ch - '0');
		if (v > (s64)S32_MAX * 1000)
			return -EINVAL;
	}
	if (!digits || (point && !decimals))
		return -EINVAL;
	for (; decimals < 3; decimals++)
		v *= 10;
	if (neg)
		v = -v;
	if (v < min || v > max)
		return -EINVAL;
	*val = (s32)v;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_parse_milli, SMARTBMS);

/* ---- blobs ---- */

static u32 smartbms_crc(const u8 *p, size_t len)
{
	/* zlib / IEEE CRC-32 */
	return ~crc32_le(~0U, p, len);
}

static u32 smartbms_get_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static void smartbms_put_le32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static u16 smartbms_get_le16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static void smartbms_put_le16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

/* Calibration blob of CONTRACT.md: E-B30 when this fails. */
int smartbms_calibration_parse(const u8 *data, size_t len,
			       struct smartbms_calibration *cal)
{
	struct smartbms_calibration tmp;
	const u8 *p;
	unsigned int i;

	if (!data || len != SMARTBMS_CAL_BLOB_SIZE ||
	    memcmp(data, SMARTBMS_CAL_MAGIC, 4) ||
	    (data[4] | data[5] << 8) != SMARTBMS_CAL_VERSION ||
	    (data[6] | data[7] << 8) != SMARTBMS_CH_NUM ||
	    smartbms_get_le32(data + len - 4) != smartbms_crc(data, len - 4))
		return -EINVAL;
	for (i = 0, p = data + 8; i < SMARTBMS_CH_NUM; i++, p += 8) {
		tmp.chan[i].gain_micro = (s32)smartbms_get_le32(p);
		tmp.chan[i].offset = (s32)smartbms_get_le32(p + 4);
		/* a zero gain cannot be a calibration */
		if (!tmp.chan[i].gain_micro)
			return -EINVAL;
	}
	*cal = tmp;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_calibration_parse, SMARTBMS);

/* raw * gain_micro / 1000000 + offset, rounded, saturated to s32. */
s32 smartbms_calibrate(const struct smartbms_calibration *cal,
		       enum smartbms_chan chan, s32 val)
{
	s64 p;
	u64 m;

	if ((unsigned int)chan >= SMARTBMS_CH_NUM)
		return val;
	p = (s64)val * cal->chan[chan].gain_micro;
	m = p < 0 ? -(u64)p : (u64)p;
	m += 500000;
	do_div(m, 1000000);
	p = p < 0 ? -(s64)m : (s64)m;
	p += cal->chan[chan].offset;
	return (s32)clamp_t(s64, p, S32_MIN, S32_MAX);
}
EXPORT_SYMBOL_NS_GPL(smartbms_calibrate, SMARTBMS);

/*
 * Settings blob (NVMEM): "SBMS", u8 version, u8 fuse, u8 usage, u8 signal,
 * u8 remote function, u8 switch, u8 monitor efficiency %, u8 monitor
 * Peukert x100, le32 charge limit mV, le32 debounce ms, le16 monitor
 * charged mV, le16 monitor charged time s, u8 monitor tail permille, zeros,
 * le32 CRC-32 of the first 28 bytes.
 */
int smartbms_settings_pack(const struct smartbms_settings *set,
			   u8 *buf, size_t len)
{
	if (len < SMARTBMS_SETTINGS_BLOB_SIZE || !smartbms_settings_valid(set))
		return -EINVAL;
	memset(buf, 0, SMARTBMS_SETTINGS_BLOB_SIZE);
	memcpy(buf, SMARTBMS_SET_MAGIC, 4);
	buf[4] = SMARTBMS_SET_VERSION;
	buf[5] = set->fuse;
	buf[6] = set->prealarm_usage;
	buf[7] = set->prealarm_signal;
	buf[8] = set->remote_fn;
	buf[9] = set->switch_on;
	smartbms_put_le32(buf + 12, set->charge_limit_mv);
	smartbms_put_le32(buf + 16, set->debounce_ms);
	/* the monitor's (BMS-MON-2); all zero in a blob from before it */
	buf[10] = set->mon.efficiency_pct;
	buf[11] = set->mon.peukert_centi;
	smartbms_put_le16(buf + 20, set->mon.charged_mv);
	smartbms_put_le16(buf + 22, set->mon.charged_s);
	buf[24] = set->mon.tail_permille;
	smartbms_put_le32(buf + SMARTBMS_SET_CRC_OFF,
			  smartbms_crc(buf, SMARTBMS_SET_CRC_OFF));
	return 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_settings_pack, SMARTBMS);

int smartbms_settings_unpack(const u8 *buf, size_t len,
			     struct smartbms_settings *set)
{
	struct smartbms_settings tmp;

	if (!buf || len != SMARTBMS_SETTINGS_BLOB_SIZE ||
	    memcmp(buf, SMARTBMS_SET_MAGIC, 4) ||
	    buf[4] != SMARTBMS_SET_VERSION || buf[9] > 1 ||
	    smartbms_get_le32(buf + SMARTBMS_SET_CRC_OFF) !=
	    smartbms_crc(buf, SMARTBMS_SET_CRC_OFF))
		return -EINVAL;
	tmp.fuse = buf[5];
	tmp.prealarm_usage = buf[6];
	tmp.prealarm_signal = buf[7];
	tmp.remote_fn = buf[8];
	tmp.switch_on = buf[9];
	tmp.charge_limit_mv = smartbms_get_le32(buf + 12);
	tmp.debounce_ms = smartbms_get_le32(buf + 16);
	tmp.mon.efficiency_pct = buf[10];
	tmp.mon.peukert_centi = buf[11];
	tmp.mon.charged_mv = smartbms_get_le16(buf + 20);
	tmp.mon.charged_s = smartbms_get_le16(buf + 22);
	tmp.mon.tail_permille = buf[24];
	if (!buf[10] && !buf[11] && !buf[20] && !buf[21] && !buf[22] &&
	    !buf[23] && !buf[24])
		smartbms_mon_settings_default(&tmp.mon);
	if (!smartbms_settings_valid(&tmp))
		return -EINVAL;
	*set = tmp;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_settings_unpack, SMARTBMS);

/*
 * The monitor's saved state (BMS-MON-5): magic, version, flags, the charge
 * and the capacity it was counted against (u32 mAh), the time of the save
 * (s64 seconds, CLOCK_REALTIME), zeros, CRC.
 */
#define SMARTBMS_SOC_MAGIC		"SBSC"
#define SMARTBMS_SOC_VERSION		1
#define SMARTBMS_SOC_CRC_OFF		(SMARTBMS_SOC_BLOB_SIZE - 4)
#define SMARTBMS_SOC_FLAGS		(SMARTBMS_SOC_FLAG_SYNCED | \
					 SMARTBMS_SOC_FLAG_FINAL)

int smartbms_soc_pack(const struct smartbms_soc_saved *s, u8 *buf, size_t len)
{
	if (len < SMARTBMS_SOC_BLOB_SIZE || s->charge_mah > s->full_mah ||
	    (s->flags & ~SMARTBMS_SOC_FLAGS))
		return -EINVAL;
	memset(buf, 0, SMARTBMS_SOC_BLOB_SIZE);
	memcpy(buf, SMARTBMS_SOC_MAGIC, 4);
	buf[4] = SMARTBMS_SOC_VERSION;
	buf[5] = s->flags;
	smartbms_put_le32(buf + 8, s->charge_mah);
	smartbms_put_le32(buf + 12, s->full_mah);
	smartbms_put_le32(buf + 16, (u64)s->time_s);
	smartbms_put_le32(buf + 20, (u64)s->time_s >> 32);
	smartbms_put_le32(buf + SMARTBMS_SOC_CRC_OFF,
			  smartbms_crc(buf, SMARTBMS_SOC_CRC_OFF));
	return 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_soc_pack, SMARTBMS);

int smartbms_soc_unpack(const u8 *buf, size_t len, struct smartbms_soc_saved *s)
{
	struct smartbms_soc_saved tmp;

	if (!buf || len != SMARTBMS_SOC_BLOB_SIZE ||
	    memcmp(buf, SMARTBMS_SOC_MAGIC, 4) ||
	    buf[4] != SMARTBMS_SOC_VERSION ||
	    (buf[5] & ~SMARTBMS_SOC_FLAGS) ||
	    smartbms_get_le32(buf + SMARTBMS_SOC_CRC_OFF) !=
	    smartbms_crc(buf, SMARTBMS_SOC_CRC_OFF))
		return -EINVAL;
	tmp.flags = buf[5];
	tmp.charge_mah = smartbms_get_le32(buf + 8);
	tmp.full_mah = smartbms_get_le32(buf + 12);
	tmp.time_s = (s64)(smartbms_get_le32(buf + 16) |
			   (u64)smartbms_get_le32(buf + 20) << 32);
	if (tmp.charge_mah > tmp.full_mah)
		return -EINVAL;
	*s = tmp;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_soc_unpack, SMARTBMS);
