/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbms protection core: every rule of the smartbms specification as a
 * pure, deterministic state machine. No I/O, no sleeping, no wall clock:
 * the caller passes a snapshot of the board and a monotonic time in
 * milliseconds, and gets back the output levels and the active codes.
 *
 * Units: voltages in mV, currents in mA, temperatures in milli-degrees
 * Celsius, time in ms.
 */
#ifndef _SMARTBMS_CORE_H
#define _SMARTBMS_CORE_H

#include <linux/types.h>

#include "smartbms_monitor.h"

/* Analog channels (SPEC section 1). */
enum smartbms_chan {
	SMARTBMS_CH_VBAT,
	SMARTBMS_CH_VSTART,
	SMARTBMS_CH_IALT,
	SMARTBMS_CH_TEMP,
	SMARTBMS_CH_VREF,
	SMARTBMS_CH_TBAT,
	SMARTBMS_CH_VCELL0,
	SMARTBMS_CH_VCELL1,
	SMARTBMS_CH_VCELL2,
	SMARTBMS_CH_VCELL3,
	SMARTBMS_CH_NUM
};

/* GPIO inputs (SPEC section 1). */
enum smartbms_input {
	SMARTBMS_IN_ATC,		/* allowed-to-charge */
	SMARTBMS_IN_ATD,		/* allowed-to-discharge */
	SMARTBMS_IN_PREALARM,		/* prealarm-in */
	SMARTBMS_IN_CABLE,		/* cable-detect */
	SMARTBMS_IN_REMOTE_L,		/* remote-l: 1 = L pulled to minus */
	SMARTBMS_IN_REMOTE_H,		/* remote-h: 1 = H high */
	SMARTBMS_IN_NUM
};

/* GPIO outputs (SPEC section 1); true = line driven high. */
enum smartbms_output {
	SMARTBMS_OUT_LOAD,		/* load-disconnect: high = loads allowed */
	SMARTBMS_OUT_CHARGE,		/* charge-disconnect: high = charging allowed */
	SMARTBMS_OUT_PREALARM,		/* prealarm: high = alarm */
	SMARTBMS_OUT_ALT,		/* alternator-enable */
	SMARTBMS_OUT_NUM
};

/* Codes of SPEC section 7, as bit numbers of smartbms_result.codes. */
enum smartbms_code {
	SMARTBMS_E_B30,			/* calibration data missing or corrupt */
	SMARTBMS_E_B31,			/* configuration data missing or corrupt */
	SMARTBMS_E_B32,			/* BMS cable missing or broken */
	SMARTBMS_E_B33,			/* reference voltage fault */
	SMARTBMS_A_B11,			/* undervoltage: loads off */
	SMARTBMS_A_B15,			/* BMS over-temperature */
	SMARTBMS_W_B12,			/* low voltage warning (pre-alarm) */
	SMARTBMS_CODE_NUM
};

/* Fuse rows of BMS-ALT-3. */
enum smartbms_fuse {
	SMARTBMS_FUSE_UNSET,		/* the factory-fitted 100 A row applies */
	SMARTBMS_FUSE_125,
	SMARTBMS_FUSE_100,
	SMARTBMS_FUSE_80,
	SMARTBMS_FUSE_60,
	SMARTBMS_FUSE_2X30,
	SMARTBMS_FUSE_2X20,
	SMARTBMS_FUSE_2X15,
	SMARTBMS_FUSE_2X10,
	SMARTBMS_FUSE_2X7_5,
	SMARTBMS_FUSE_NUM
};

enum smartbms_prealarm_usage {
	SMARTBMS_PREALARM_USE,
	SMARTBMS_PREALARM_UNAVAILABLE,
};

enum smartbms_prealarm_signal {
	SMARTBMS_SIGNAL_CONTINUOUS,
	SMARTBMS_SIGNAL_INTERMITTENT,
};

enum smartbms_remote_fn {
	SMARTBMS_REMOTE_ALTERNATOR,
	SMARTBMS_REMOTE_SYSTEM,
};

/* Why an output is in its current state (for traces and uevents). */
enum smartbms_reason {
	SMARTBMS_REASON_NONE,		/* normal state, nothing holds it */
	SMARTBMS_REASON_STARTUP,	/* no complete evaluation yet */
	SMARTBMS_REASON_CALIBRATION,	/* E-B30 */
	SMARTBMS_REASON_REFERENCE,	/* E-B33 */
	SMARTBMS_REASON_SENSOR,		/* a needed measurement is faulty */
	SMARTBMS_REASON_ATD,		/* discharge not allowed (battery) */
	SMARTBMS_REASON_ATC,		/* charge not allowed (battery) */
	SMARTBMS_REASON_CELL_UV,	/* local cell undervoltage */
	SMARTBMS_REASON_CELL_OV,	/* local cell overvoltage */
	SMARTBMS_REASON_CELL_TEMP,	/* battery temperature out of range */
	SMARTBMS_REASON_CHARGE_LIMIT,	/* vbat reached the charge limit */
	SMARTBMS_REASON_REMOTE,		/* remote or software switch off */
	SMARTBMS_REASON_OVERTEMP,	/* BMS over-temperature */
	SMARTBMS_REASON_VSTART_LOW,	/* vstart not above 13.0 V / 12.8 V */
	SMARTBMS_REASON_VSTART_BELOW_VBAT,
	SMARTBMS_REASON_ALT_RESTART,	/* waiting 5 s of vstart > 13.0 V */
	SMARTBMS_REASON_OVERCURRENT,	/* alternator above the fuse limit */
	SMARTBMS_REASON_PREALARM,	/* pre-alarm signalled or derived */
	SMARTBMS_REASON_CABLE,		/* E-B32 */
	SMARTBMS_REASON_SETPOINT,	/* setpoint not written, BMS-ALT-5 */
	SMARTBMS_REASON_NUM
};

struct smartbms_settings {
	enum smartbms_fuse fuse;
	enum smartbms_prealarm_usage prealarm_usage;
	enum smartbms_prealarm_signal prealarm_signal;
	u32 charge_limit_mv;		/* 13000..15300 */
	enum smartbms_remote_fn remote_fn;
	bool switch_on;			/* software switch, BMS-REM-3 */
	u32 debounce_ms;		/* BMS-IN-1, 0..SMARTBMS_DEBOUNCE_MAX_MS */
	struct smartbms_mon_settings mon;	/* BMS-MON-2 */
};

/* What the board has: fixed at probe. */
struct smartbms_board {
	u32 chan_present;		/* BIT(enum smartbms_chan) */
	u32 input_present;		/* BIT(enum smartbms_input) */
	bool has_setpoint;		/* alternator current setpoint output */
	bool has_ibat;			/* battery current channel (BMS-MON-1) */
	u32 capacity_mah;		/* monitored battery; 0 = none */
};

/* One snapshot, passed to every evaluation. */
struct smartbms_sample {
	u64 now_ms;			/* monotonic */
	s32 val[SMARTBMS_CH_NUM];	/* processed (calibrated) values */
	u32 chan_ok;			/* BIT(chan): read without error now */
	bool in[SMARTBMS_IN_NUM];	/* raw (undebounced) line levels */
	u32 in_edges;			/* BIT(in): an edge since the last sample */
	bool calibration_ok;		/* false: E-B30 */
	bool config_ok;			/* false: E-B31 until factory reset */
	bool setpoint_fault;		/* the last setpoint write failed */
	s32 ibat_ma;			/* battery current, + = into the battery */
	bool ibat_ok;			/* ibat_ma read without error now */
};

struct smartbms_result {
	bool out[SMARTBMS_OUT_NUM];
	enum smartbms_reason reason[SMARTBMS_OUT_NUM];
	u32 codes;			/* BIT(enum smartbms_code) */
	u32 sensor_fault;		/* BIT(enum smartbms_chan) */
	u32 sensor_implausible;		/* of those: read outside the range */
	u32 setpoint_ma;		/* alternator current setpoint */
	u32 alt_limit_ma;		/* current fuse row's limit */
	bool remote_on;			/* remote terminals and switch combined */
	bool started;			/* first complete evaluation done */
	bool first;			/* this step was that evaluation */
	u64 next_ms;			/* evaluate again no later than this */
};

/* Limits and defaults of the settings (SPEC section 6). */
#define SMARTBMS_CHARGE_LIMIT_MIN_MV	13000
#define SMARTBMS_CHARGE_LIMIT_MAX_MV	15300
#define SMARTBMS_CHARGE_LIMIT_DEF_MV	14200
#define SMARTBMS_DEBOUNCE_MAX_MS	1000
#define SMARTBMS_DEBOUNCE_DEF_MS	20
/* The driver's sampling period (poll_interval_ms), not a core setting. */
#define SMARTBMS_POLL_DEFAULT_MS	100
#define SMARTBMS_POLL_MIN_MS		10
#define SMARTBMS_POLL_MAX_MS		10000

/* The longest sampling period: shorter with a battery monitor (BMS-MON-3). */
static inline u32 smartbms_poll_max_ms(bool monitor)
{
	return monitor ? SMARTBMS_MON_POLL_MAX_MS : SMARTBMS_POLL_MAX_MS;
}

/* "No time recorded" / "nothing pending" for every *_ms field. */
#define SMARTBMS_NEVER			U64_MAX

/* BMS-IN-1: one debounced GPIO input. */
struct smartbms_debounce {
	bool stable;			/* debounced level */
	bool pending;			/* raw level differs from stable */
	u64 since_ms;			/* when the raw level started to differ */
};

/* BMS-OUT-6: one analog channel. */
struct smartbms_chan_state {
	s32 val;			/* last good (in range) reading */
	bool have_val;			/* val holds a reading */
	bool fault;			/* sensor fault reported */
	bool implausible;		/* the fault is a reading out of range */
	u64 bad_since_ms;		/* first failed read of a run */
	u64 good_since_ms;		/* first good read while faulted */
};

/* BMS-CELL-2: a threshold with trip, reset and a debounce delay. */
struct smartbms_hyst {
	bool on;			/* tripped */
	u64 since_ms;			/* the opposite condition holds since */
};

/*
 * All state of the core. Callers treat it as opaque; it lives in the
 * driver's private struct or on a test's stack.
 */
struct smartbms_core {
	struct smartbms_board board;
	struct smartbms_settings set;

	bool seen;			/* a sample was taken (inputs valid) */
	bool started;			/* first complete evaluation done */
	u64 last_ms;			/* time of the previous step */
	struct smartbms_debounce in[SMARTBMS_IN_NUM];
	struct smartbms_chan_state ch[SMARTBMS_CH_NUM];

	/* BMS-OUT-3/4, BMS-SET-3: pre-alarm and undervoltage disconnect */
	bool pa_active;			/* pre-alarm raised (W-B12) */
	u64 pa_since_ms;		/* when it was raised */
	bool pa_blink;			/* intermittent: output high phase */
	u64 pa_toggle_ms;		/* intermittent: next toggle */
	bool load_uv_off;		/* Load Disconnect low for undervoltage */
	enum smartbms_reason dis_reason;	/* why discharge is not allowed */

	/* E-B32 without cable-detect */
	bool cable_fault;
	u64 atc_fall_ms;		/* debounced ATC high->low, or NEVER */
	u64 atd_fall_ms;
	bool atc_fall_pa;		/* a pre-alarm was up at that fall */
	bool atd_fall_pa;

	/* BMS-CHG-1 */
	bool chg_limit;			/* charge limit reached */
	u64 chg_below_since_ms;		/* vbat <= limit - 0.5 V since */

	/* BMS-TMP-1 */
	bool overtemp;

	/* BMS-CELL-1/2 */
	struct smartbms_hyst cell_uv;
	struct smartbms_hyst cell_pa;
	struct smartbms_hyst cell_ov;
	struct smartbms_hyst cell_temp;

	/* E-B33 */
	u64 vref_bad_since_ms;		/* out of tolerance or unread since */
	bool vref_latched;		/* raised; held until core_init */

	/* BMS-ALT-1..4 */
	bool alt_vs_ok;			/* vstart allows the path */
	u64 alt_good_since_ms;		/* vstart > 13 V and > vbat since */
	bool alt_oc_off;		/* no setpoint: off for overcurrent */
	u64 alt_oc_since_ms;		/* when it went off */
	u64 alt_over_since_ms;		/* above the trip level since */
	bool alt_on;			/* alternator-enable level */
	s32 alt_trim_ua;		/* regulator integral, micro-amps */

	/* BMS-MON-1..5 */
	struct smartbms_monitor mon;
};

void smartbms_core_init(struct smartbms_core *c,
			const struct smartbms_board *board,
			const struct smartbms_settings *set);
void smartbms_settings_default(struct smartbms_settings *set);
/* Validate and apply; returns -EINVAL and changes nothing when bad. */
int smartbms_core_set(struct smartbms_core *c,
		      const struct smartbms_settings *set);
void smartbms_core_step(struct smartbms_core *c,
			const struct smartbms_sample *s,
			struct smartbms_result *r);

/*
 * What a result means to userspace (smartbms_report.c): the power_supply
 * status, health and capacity level, the indicators of BMS-LED-1 and the
 * reason an event names. The driver maps these one to one.
 */
enum smartbms_status {
	SMARTBMS_STATUS_DISCHARGING,
	SMARTBMS_STATUS_CHARGING,
	SMARTBMS_STATUS_NOT_CHARGING,
	SMARTBMS_STATUS_FULL,
};

enum smartbms_health {
	SMARTBMS_HEALTH_GOOD,
	SMARTBMS_HEALTH_CALIBRATION_REQUIRED,
	SMARTBMS_HEALTH_FAILURE,
	SMARTBMS_HEALTH_OVERHEAT,
	SMARTBMS_HEALTH_OVERVOLTAGE,
	SMARTBMS_HEALTH_COLD,
	SMARTBMS_HEALTH_HOT,
};

enum smartbms_level {
	SMARTBMS_LEVEL_NORMAL,
	SMARTBMS_LEVEL_CRITICAL,
	SMARTBMS_LEVEL_LOW,
	SMARTBMS_LEVEL_FULL,
};

/* BMS-LED-1: the six indicators, as bits of smartbms_report.leds. */
enum smartbms_led {
	SMARTBMS_LED_ACTIVE,		/* first complete evaluation done */
	SMARTBMS_LED_LINK,		/* the BMS cable loop is closed */
	SMARTBMS_LED_OVERTEMP,		/* A-B15 */
	SMARTBMS_LED_CHARGE,		/* Charge Disconnect high */
	SMARTBMS_LED_LOAD,		/* Load Disconnect high */
	SMARTBMS_LED_ALT,		/* alternator path closed */
	SMARTBMS_LED_NUM
};

struct smartbms_report {
	enum smartbms_status status;
	enum smartbms_health health;
	enum smartbms_level level;
	u32 leds;			/* BIT(enum smartbms_led): lit */
};

/* the alternator counts as charging above this current */
#define SMARTBMS_CHARGING_MA		500
/* a battery temperature fault below this is "cold", else "hot" */
#define SMARTBMS_COLD_MC		20000

void smartbms_core_report(const struct smartbms_core *c,
			  const struct smartbms_result *r,
			  struct smartbms_report *rep);
/* The code or reason an event on @out names ("A-B11", "charge-limit"). */
const char *smartbms_event_reason(const struct smartbms_result *r,
				  enum smartbms_output out);
const char *smartbms_led_name(enum smartbms_led led);	/* "active" */
/* milli-units to micro-units for userspace, saturated to s32 */
s32 smartbms_milli_to_micro(s32 milli);

/* Tables and names, shared by the driver, the tool and the tests. */
u32 smartbms_fuse_limit_ma(enum smartbms_fuse fuse);
const char *smartbms_fuse_name(enum smartbms_fuse fuse);	/* "2x7.5" */
const char *smartbms_code_name(enum smartbms_code code);	/* "E-B30" */
const char *smartbms_reason_name(enum smartbms_reason reason);
const char *smartbms_output_name(enum smartbms_output out);
const char *smartbms_chan_name(enum smartbms_chan chan);	/* "vbat" */
const char *smartbms_input_name(enum smartbms_input in);

/*
 * Parsers: strict, whole-string, refuse with -EINVAL and leave the
 * destination untouched. A single trailing newline is accepted (sysfs).
 */
int smartbms_parse_fuse(const char *buf, enum smartbms_fuse *fuse);
int smartbms_parse_milli(const char *buf, s32 min, s32 max, s32 *val);
int smartbms_parse_enum(const char *buf, const char * const *names,
			unsigned int n, unsigned int *idx);

/* Calibration blob (firmware/README.rst, CONTRACT.md). */
struct smartbms_cal_chan {
	s32 gain_micro;			/* multiply: 1000000 = 1.0 */
	s32 offset;			/* add after gain, in the channel's unit */
};

struct smartbms_calibration {
	struct smartbms_cal_chan chan[SMARTBMS_CH_NUM];
};

int smartbms_calibration_parse(const u8 *data, size_t len,
			       struct smartbms_calibration *cal);
s32 smartbms_calibrate(const struct smartbms_calibration *cal,
		       enum smartbms_chan chan, s32 val);

/* Persistent settings blob (NVMEM cell). */
#define SMARTBMS_SETTINGS_BLOB_SIZE	32
int smartbms_settings_pack(const struct smartbms_settings *set,
			   u8 *buf, size_t len);
int smartbms_settings_unpack(const u8 *buf, size_t len,
			     struct smartbms_settings *set);

/* Additions for the driver and the tests. */
bool smartbms_settings_valid(const struct smartbms_settings *set);
/*
 * The settings that take one word, for sysfs and firmware properties:
 * read as text, and written from text (-EINVAL and unchanged when bad).
 */
enum smartbms_word {
	SMARTBMS_WORD_PREALARM_USAGE,	/* use | unavailable */
	SMARTBMS_WORD_PREALARM_SIGNAL,	/* continuous | intermittent */
	SMARTBMS_WORD_REMOTE_FN,	/* alternator | system */
	SMARTBMS_WORD_SWITCH,		/* off | on */
	SMARTBMS_WORD_NUM
};

const char *smartbms_word_get(const struct smartbms_settings *set,
			      enum smartbms_word word);
int smartbms_word_set(struct smartbms_settings *set, enum smartbms_word word,
		      const char *buf);

const char *smartbms_prealarm_usage_name(enum smartbms_prealarm_usage u);
const char *smartbms_prealarm_signal_name(enum smartbms_prealarm_signal s);
const char *smartbms_remote_fn_name(enum smartbms_remote_fn fn);

/* BMS-OUT-6: physical range of a channel; outside it = sensor fault. */
void smartbms_chan_range(enum smartbms_chan chan, s32 *min, s32 *max);

/* Calibration blob layout (CONTRACT.md). */
#define SMARTBMS_CAL_MAGIC		"SBMC"
#define SMARTBMS_CAL_VERSION		1
#define SMARTBMS_CAL_BLOB_SIZE		(8 + SMARTBMS_CH_NUM * 8 + 4)

#endif /* _SMARTBMS_CORE_H */
