// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms protection core: the rules of the smartbms specification
 * (SPEC.md) as a pure state machine. Time is passed in, never read; all
 * state lives in struct smartbms_core.
 *
 * Choices where the specification leaves room, in one place:
 * - BMS-OUT-5: the first complete evaluation is the first step where
 *   calibration is ok and every present channel (vbat, vstart, ialt and
 *   temp always) holds a good reading. If discharge is not allowed at that
 *   moment the loads simply stay off: they never went on, so there is no
 *   drop to warn about. The same holds while a fatal error forces the
 *   outputs low. In fail-safe all four outputs are low, pre-alarm included
 *   (the level of a removed driver).
 * - BMS-OUT-6: a read error lasting SMARTBMS_SENSOR_MS or a reading outside
 *   smartbms_chan_range() (at once) is a fault; it clears after
 *   SMARTBMS_SENSOR_MS of good readings. Within the first second of read
 *   errors the last good reading is used. A vref fault is a reference fault
 *   (E-B33); a vcell or tbat fault stops charging and counts as
 *   "discharge not allowed" (pre-alarm, then loads off 30 s later).
 * - BMS-REM-1: the board decodes the terminals; remote-l = 1 means L is
 *   pulled to minus (also when joined to H), remote-h = 1 means H is high.
 * - BMS-ALT-1/2: the path (re)starts after vstart > 13.0 V and > vbat for
 *   5 s, also the first time; it stops when vstart < 12.8 V or
 *   vstart <= vbat.
 * - BMS-ALT-3 without a setpoint output: off when ialt > limit, retried
 *   SMARTBMS_OC_RETRY_MS later. With one: an integrating regulator trims a
 *   feed-forward setpoint (the limit) by at most +-25 %; a current above
 *   what that can correct (limit + 25 %) for SMARTBMS_OC_HOLD_MS opens the
 *   path the same way.
 * - E-B32 without cable-detect: ATC and ATD fall (debounced) within
 *   SMARTBMS_CABLE_WINDOW_MS of each other while no pre-alarm was up;
 *   lines low at the first sample count as falling then. Clears as soon
 *   as either line is high: a high line proves the loop closed, and a
 *   flat battery (ATC high, ATD low) must be able to recharge.
 * - E-B33: vref out of tolerance, unreadable or faulty for
 *   SMARTBMS_VREF_HOLD_MS raises it; then it is latched until the driver
 *   is rebound (smartbms_core_init). Shorter excursions change nothing.
 * - BMS-ALT-5: a setpoint write that failed (smartbms_sample.setpoint_fault)
 *   opens the path; while it is open for that reason the core asks for
 *   the fuse limit, so the driver retries a write every step, and the path
 *   closes on the first write that succeeds.
 * - BMS-IN-2 is the driver's: it samples every input and channel at least
 *   once per sampling period; the core only needs each step's snapshot.
 * - A-B11 is up while the loads are off because discharge is not allowed;
 *   W-B12 while the pre-alarm is raised (the whole period, also in the low
 *   phases of the intermittent signal).
 */

#include <linux/bits.h>
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/types.h>

#include "smartbms_compat.h"
#include "smartbms_core.h"
#include "smartbms_rules.h"

#define SMARTBMS_PREALARM_MS		30000	/* BMS-OUT-3 */
#define SMARTBMS_BLINK_MS		800	/* BMS-OUT-4 */
#define SMARTBMS_SENSOR_MS		1000	/* BMS-OUT-6 */
#define SMARTBMS_CHG_HYST_MV		500	/* BMS-CHG-1 */
#define SMARTBMS_CHG_REENABLE_MS	10000	/* BMS-CHG-1 */
#define SMARTBMS_OVERTEMP_MC		85000	/* BMS-TMP-1 */
#define SMARTBMS_OVERTEMP_CLEAR_MC	75000	/* BMS-TMP-1 */
#define SMARTBMS_VREF_NOMINAL_MV	2500	/* E-B33 */
#define SMARTBMS_VREF_TOL_MV		125	/* 5 % */
#define SMARTBMS_VREF_HOLD_MS		1000	/* E-B33 */
#define SMARTBMS_CABLE_WINDOW_MS	100	/* E-B32 */
#define SMARTBMS_CELL_DELAY_MS		500	/* BMS-CELL-2 */
#define SMARTBMS_CELL_UV_MV		2800	/* BMS-CELL-1 */
#define SMARTBMS_CELL_UV_CLEAR_MV	3200
#define SMARTBMS_CELL_PA_MV		3100
#define SMARTBMS_CELL_PA_CLEAR_MV	3150
#define SMARTBMS_CELL_OV_MV		3750
#define SMARTBMS_CELL_OV_CLEAR_MV	3600
#define SMARTBMS_TBAT_LOW_MC		5000
#define SMARTBMS_TBAT_HIGH_MC		50000
#define SMARTBMS_TBAT_HYST_MC		2000

#define SMARTBMS_CH_VCELLS	(BIT(SMARTBMS_CH_VCELL0) | \
				 BIT(SMARTBMS_CH_VCELL1) | \
				 BIT(SMARTBMS_CH_VCELL2) | \
				 BIT(SMARTBMS_CH_VCELL3))
#define SMARTBMS_CH_MANDATORY	(BIT(SMARTBMS_CH_VBAT) | \
				 BIT(SMARTBMS_CH_VSTART) | \
				 BIT(SMARTBMS_CH_IALT) | \
				 BIT(SMARTBMS_CH_TEMP))
#define SMARTBMS_IN_MANDATORY	(BIT(SMARTBMS_IN_ATC) | BIT(SMARTBMS_IN_ATD))

static const u32 smartbms_fuse_limits[SMARTBMS_FUSE_NUM] = {
	[SMARTBMS_FUSE_UNSET] = 90000,
	[SMARTBMS_FUSE_125] = 100000,
	[SMARTBMS_FUSE_100] = 90000,
	[SMARTBMS_FUSE_80] = 60000,
	[SMARTBMS_FUSE_60] = 50000,
	[SMARTBMS_FUSE_2X30] = 40000,
	[SMARTBMS_FUSE_2X20] = 25000,
	[SMARTBMS_FUSE_2X15] = 20000,
	[SMARTBMS_FUSE_2X10] = 12000,
	[SMARTBMS_FUSE_2X7_5] = 9000,
};

u32 smartbms_fuse_limit_ma(enum smartbms_fuse fuse)
{
	return (unsigned int)fuse < SMARTBMS_FUSE_NUM ?
		smartbms_fuse_limits[fuse] : 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_fuse_limit_ma, SMARTBMS);

/* ---- settings (SPEC section 6) ---- */

/* Invalid or missing settings fall back to the defaults. */
void smartbms_core_init(struct smartbms_core *c,
			const struct smartbms_board *board,
			const struct smartbms_settings *set)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->board = *board;
	c->board.chan_present |= SMARTBMS_CH_MANDATORY;
	c->board.input_present |= SMARTBMS_IN_MANDATORY;
	if (set && smartbms_settings_valid(set))
		c->set = *set;
	else
		smartbms_settings_default(&c->set);

	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		c->ch[i].bad_since_ms = SMARTBMS_NEVER;
		c->ch[i].good_since_ms = SMARTBMS_NEVER;
	}
	c->pa_since_ms = SMARTBMS_NEVER;
	c->pa_toggle_ms = SMARTBMS_NEVER;
	c->dis_reason = SMARTBMS_REASON_NONE;
	c->atc_fall_ms = SMARTBMS_NEVER;
	c->atd_fall_ms = SMARTBMS_NEVER;
	c->chg_below_since_ms = SMARTBMS_NEVER;
	c->cell_uv.since_ms = SMARTBMS_NEVER;
	c->cell_pa.since_ms = SMARTBMS_NEVER;
	c->cell_ov.since_ms = SMARTBMS_NEVER;
	c->cell_temp.since_ms = SMARTBMS_NEVER;
	c->alt_good_since_ms = SMARTBMS_NEVER;
	c->alt_oc_since_ms = SMARTBMS_NEVER;
	c->alt_over_since_ms = SMARTBMS_NEVER;
	c->vref_bad_since_ms = SMARTBMS_NEVER;
	smartbms_monitor_init(c);
}
EXPORT_SYMBOL_NS_GPL(smartbms_core_init, SMARTBMS);

int smartbms_core_set(struct smartbms_core *c,
		      const struct smartbms_settings *set)
{
	if (!smartbms_settings_valid(set))
		return -EINVAL;
	/* BMS-ALT-3: a new fuse row is a new target, the trim starts over */
	if (set->fuse != c->set.fuse)
		c->alt_trim_ua = 0;
	c->set = *set;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_core_set, SMARTBMS);

/* ---- rule families ---- */

/*
 * BMS-IN-1: a raw level that differs from the debounced one is taken
 * once it has lasted the debounce time; a shorter change is dropped.
 * An edge since the last sample means the level did not last, whatever
 * the two samples read: a driver late to sample chatter can read the
 * changed level in two of its pulses and miss the clean level between.
 * The wait starts again from this sample.
 */
static void smartbms_debounce(struct smartbms_core *c,
			      const struct smartbms_sample *s,
			      struct smartbms_eval *e)
{
	bool atc_was = c->seen ? c->in[SMARTBMS_IN_ATC].stable : true;
	bool atd_was = c->seen ? c->in[SMARTBMS_IN_ATD].stable : true;
	bool pa_up;
	unsigned int i;

	for (i = 0; i < SMARTBMS_IN_NUM; i++) {
		struct smartbms_debounce *d = &c->in[i];

		if (!smartbms_has_in(c, i)) {
			d->stable = false;
			d->pending = false;
			continue;
		}
		if (!c->seen || s->in[i] == d->stable) {
			d->stable = s->in[i];
			d->pending = false;
			continue;
		}
		if (!d->pending || (s->in_edges & BIT(i))) {
			d->pending = true;
			d->since_ms = e->now;
		}
		if (smartbms_elapsed(e->now, d->since_ms) >= c->set.debounce_ms) {
			d->stable = s->in[i];
			d->pending = false;
		} else {
			smartbms_wake(e, d->since_ms + c->set.debounce_ms);
		}
	}
	c->seen = true;

	/* falls of ATC/ATD for E-B32, and whether a pre-alarm was up */
	pa_up = c->pa_active || (smartbms_has_in(c, SMARTBMS_IN_PREALARM) &&
				 smartbms_in(c, SMARTBMS_IN_PREALARM));
	if (atc_was && !smartbms_in(c, SMARTBMS_IN_ATC)) {
		c->atc_fall_ms = e->now;
		c->atc_fall_pa = pa_up;
	}
	if (atd_was && !smartbms_in(c, SMARTBMS_IN_ATD)) {
		c->atd_fall_ms = e->now;
		c->atd_fall_pa = pa_up;
	}
}

/*
 * BMS-OUT-6: sensor faults; BMS-OUT-5: first complete evaluation.
 */
static void smartbms_sensors(struct smartbms_core *c,
			     const struct smartbms_sample *s,
			     struct smartbms_eval *e)
{
	bool complete = s->calibration_ok;
	unsigned int i;

	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		struct smartbms_chan_state *ch = &c->ch[i];
		bool read_ok = s->chan_ok & BIT(i);
		s32 v = s->val[i], min, max;

		if (!(c->board.chan_present & BIT(i)))
			continue;
		smartbms_chan_range(i, &min, &max);
		if (!read_ok) {
			ch->good_since_ms = SMARTBMS_NEVER;
			if (smartbms_held(e, true, &ch->bad_since_ms,
					  SMARTBMS_SENSOR_MS)) {
				ch->fault = true;
				ch->implausible = false;
			}
		} else if (v < min || v > max) {
			/*
			 * No reading of a 12 V system: the front end or its
			 * description (a divider left out, a wrong ratio) or
			 * the calibration, not the battery.
			 */
			ch->bad_since_ms = SMARTBMS_NEVER;
			ch->good_since_ms = SMARTBMS_NEVER;
			ch->fault = true;
			ch->implausible = true;
		} else {
			ch->bad_since_ms = SMARTBMS_NEVER;
			ch->val = v;
			ch->have_val = true;
			if (ch->fault &&
			    smartbms_held(e, true, &ch->good_since_ms,
					  SMARTBMS_SENSOR_MS)) {
				ch->fault = false;
				ch->implausible = false;
				ch->good_since_ms = SMARTBMS_NEVER;
			}
		}
		if (!ch->have_val)
			complete = false;
	}
	if (complete && !c->started) {
		c->started = true;
		e->first = true;
	}
}

/*
 * E-B33: the reference out of tolerance (or unreadable) for 1 s raises it,
 * latched until the driver is rebound; shorter excursions change nothing.
 */
static void smartbms_reference(struct smartbms_core *c,
			       struct smartbms_eval *e)
{
	const struct smartbms_chan_state *ch = &c->ch[SMARTBMS_CH_VREF];
	bool bad;

	if (!(c->board.chan_present & BIT(SMARTBMS_CH_VREF)))
		return;
	/* a reference that cannot be read cannot be trusted either */
	bad = ch->fault || ch->bad_since_ms != SMARTBMS_NEVER ||
	      (ch->have_val &&
	       abs(ch->val - SMARTBMS_VREF_NOMINAL_MV) > SMARTBMS_VREF_TOL_MV);
	if (!c->vref_latched &&
	    smartbms_held(e, bad, &c->vref_bad_since_ms, SMARTBMS_VREF_HOLD_MS))
		c->vref_latched = true;
	if (c->vref_latched)
		e->codes |= BIT(SMARTBMS_E_B33);
}

/* BMS-OUT-5, E-B30, E-B33: fail-safe. */
static void smartbms_failsafe(struct smartbms_core *c,
			      const struct smartbms_sample *s,
			      struct smartbms_eval *e)
{
	if (!s->calibration_ok)
		e->codes |= BIT(SMARTBMS_E_B30);
	if (!s->config_ok)
		e->codes |= BIT(SMARTBMS_E_B31);

	smartbms_reference(c, e);

	if (!c->started) {
		e->failsafe = true;
		e->fs_reason = SMARTBMS_REASON_STARTUP;
	} else if (e->codes & BIT(SMARTBMS_E_B30)) {
		e->failsafe = true;
		e->fs_reason = SMARTBMS_REASON_CALIBRATION;
	} else if (e->codes & BIT(SMARTBMS_E_B33)) {
		e->failsafe = true;
		e->fs_reason = SMARTBMS_REASON_REFERENCE;
	}
}

/* BMS-REM-1, BMS-REM-3: remote terminals and software switch. */
static void smartbms_remote(struct smartbms_core *c, struct smartbms_eval *e)
{
	bool has_l = smartbms_has_in(c, SMARTBMS_IN_REMOTE_L);
	bool has_h = smartbms_has_in(c, SMARTBMS_IN_REMOTE_H);
	bool hw_on;

	if (!has_l && !has_h)
		hw_on = true;
	else
		hw_on = (has_l && smartbms_in(c, SMARTBMS_IN_REMOTE_L)) ||
			(has_h && smartbms_in(c, SMARTBMS_IN_REMOTE_H));
	e->remote_on = hw_on && c->set.switch_on;
}

/* BMS-TMP-1: BMS over-temperature with hysteresis (A-B15). */
static void smartbms_temperature(struct smartbms_core *c,
				 struct smartbms_eval *e)
{
	s32 t = c->ch[SMARTBMS_CH_TEMP].val;

	if (smartbms_usable(c, SMARTBMS_CH_TEMP)) {
		if (t > SMARTBMS_OVERTEMP_MC)
			c->overtemp = true;
		else if (t < SMARTBMS_OVERTEMP_CLEAR_MC)
			c->overtemp = false;
	}
	if (c->started && c->overtemp)
		e->codes |= BIT(SMARTBMS_A_B15);
}

/* BMS-CELL-2: trip after @delay of @trip, reset after @delay of @reset. */
static void smartbms_hyst_update(struct smartbms_hyst *h,
				 struct smartbms_eval *e,
				 bool trip, bool reset)
{
	bool want = h->on ? reset : trip;

	if (smartbms_held(e, want, &h->since_ms, SMARTBMS_CELL_DELAY_MS)) {
		h->on = !h->on;
		h->since_ms = SMARTBMS_NEVER;
	}
}

/* BMS-CELL-1: battery temperature; returns whether its channel is faulty. */
static bool smartbms_cell_temp(struct smartbms_core *c, struct smartbms_eval *e)
{
	s32 t = c->ch[SMARTBMS_CH_TBAT].val;

	if (!(c->board.chan_present & BIT(SMARTBMS_CH_TBAT)))
		return false;
	if (!smartbms_usable(c, SMARTBMS_CH_TBAT)) {
		c->cell_temp.since_ms = SMARTBMS_NEVER;
		return true;
	}
	smartbms_hyst_update(&c->cell_temp, e,
			     t < SMARTBMS_TBAT_LOW_MC || t > SMARTBMS_TBAT_HIGH_MC,
			     t >= SMARTBMS_TBAT_LOW_MC + SMARTBMS_TBAT_HYST_MC &&
			     t <= SMARTBMS_TBAT_HIGH_MC - SMARTBMS_TBAT_HYST_MC);
	return false;
}

/*
 * BMS-CELL-1/2: local cell monitoring. A faulty cell or battery
 * temperature channel counts as not allowed (fail safe).
 */
static void smartbms_cells(struct smartbms_core *c, struct smartbms_eval *e,
			   bool *cell_fault, bool *tbat_fault)
{
	u32 cells = c->board.chan_present & SMARTBMS_CH_VCELLS;
	s32 vmin = S32_MAX, vmax = S32_MIN;
	unsigned int i;

	*cell_fault = false;
	if (cells) {
		for (i = SMARTBMS_CH_VCELL0; i <= SMARTBMS_CH_VCELL3; i++) {
			if (!(cells & BIT(i)))
				continue;
			if (!smartbms_usable(c, i)) {
				*cell_fault = true;
				c->cell_uv.since_ms = SMARTBMS_NEVER;
				c->cell_pa.since_ms = SMARTBMS_NEVER;
				c->cell_ov.since_ms = SMARTBMS_NEVER;
				continue;
			}
			vmin = min(vmin, c->ch[i].val);
			vmax = max(vmax, c->ch[i].val);
		}
		if (!*cell_fault) {
			smartbms_hyst_update(&c->cell_uv, e,
					     vmin < SMARTBMS_CELL_UV_MV,
					     vmin >= SMARTBMS_CELL_UV_CLEAR_MV);
			smartbms_hyst_update(&c->cell_pa, e,
					     vmin < SMARTBMS_CELL_PA_MV,
					     vmin >= SMARTBMS_CELL_PA_CLEAR_MV);
			smartbms_hyst_update(&c->cell_ov, e,
					     vmax > SMARTBMS_CELL_OV_MV,
					     vmax < SMARTBMS_CELL_OV_CLEAR_MV);
		}
	}
	*tbat_fault = smartbms_cell_temp(c, e);
}

/*
 * BMS-CHG-1: charge limit reached at vbat >= limit; re-enabled after vbat
 * stayed <= limit - 0.5 V for 10 s.
 */
static void smartbms_charge_limit(struct smartbms_core *c,
				  struct smartbms_eval *e)
{
	s32 vbat = c->ch[SMARTBMS_CH_VBAT].val;
	s32 limit = c->set.charge_limit_mv;

	if (!smartbms_usable(c, SMARTBMS_CH_VBAT)) {
		c->chg_below_since_ms = SMARTBMS_NEVER;
		return;
	}
	if (vbat >= limit) {
		c->chg_limit = true;
		c->chg_below_since_ms = SMARTBMS_NEVER;
	} else if (c->chg_limit &&
		   smartbms_held(e, vbat <= limit - SMARTBMS_CHG_HYST_MV,
				 &c->chg_below_since_ms,
				 SMARTBMS_CHG_REENABLE_MS)) {
		c->chg_limit = false;
		c->chg_below_since_ms = SMARTBMS_NEVER;
	}
}

/*
 * E-B32 (prealarm usage `use` only): cable-detect low, or without it ATC
 * and ATD falling within 100 ms of each other with no pre-alarm before.
 */
static void smartbms_cable(struct smartbms_core *c, struct smartbms_eval *e)
{
	bool atc = smartbms_in(c, SMARTBMS_IN_ATC);
	bool atd = smartbms_in(c, SMARTBMS_IN_ATD);

	if (c->set.prealarm_usage != SMARTBMS_PREALARM_USE) {
		c->cable_fault = false;
	} else if (smartbms_has_in(c, SMARTBMS_IN_CABLE)) {
		c->cable_fault = !smartbms_in(c, SMARTBMS_IN_CABLE);
	} else if (atc || atd) {
		/* a high line proves the loop closed */
		c->cable_fault = false;
	} else if (!atc && !atd && !c->cable_fault) {
		bool atc_first = c->atc_fall_ms <= c->atd_fall_ms;
		u64 gap = atc_first ? c->atd_fall_ms - c->atc_fall_ms :
				      c->atc_fall_ms - c->atd_fall_ms;
		/* the pre-alarm state at the earlier of the two falls */
		bool pa = !gap ? c->atc_fall_pa && c->atd_fall_pa :
			  atc_first ? c->atc_fall_pa : c->atd_fall_pa;

		if (c->atc_fall_ms != SMARTBMS_NEVER &&
		    c->atd_fall_ms != SMARTBMS_NEVER &&
		    gap <= SMARTBMS_CABLE_WINDOW_MS && !pa)
			c->cable_fault = true;
	}
	if (atc)
		c->atc_fall_ms = SMARTBMS_NEVER;
	if (atd)
		c->atd_fall_ms = SMARTBMS_NEVER;
	if (c->cable_fault && c->started)
		e->codes |= BIT(SMARTBMS_E_B32);
}

/*
 * Discharge permission from the battery (ATD, E-B32) and the cells
 * (BMS-CELL-1), and the pre-alarm request (BMS-OUT-3, BMS-SET-3).
 */
static void smartbms_discharge(struct smartbms_core *c,
			       struct smartbms_eval *e, bool cell_fault)
{
	bool cells = c->board.chan_present & SMARTBMS_CH_VCELLS;

	e->dis_na = true;
	if (c->cable_fault)
		c->dis_reason = SMARTBMS_REASON_CABLE;
	else if (!smartbms_in(c, SMARTBMS_IN_ATD))
		c->dis_reason = SMARTBMS_REASON_ATD;
	else if (cells && cell_fault)
		c->dis_reason = SMARTBMS_REASON_SENSOR;
	else if (cells && c->cell_uv.on)
		c->dis_reason = SMARTBMS_REASON_CELL_UV;
	else
		e->dis_na = false;

	e->pa_req = (cells && c->cell_pa.on) ||
		    (c->set.prealarm_usage == SMARTBMS_PREALARM_USE &&
		     smartbms_has_in(c, SMARTBMS_IN_PREALARM) &&
		     smartbms_in(c, SMARTBMS_IN_PREALARM));
}

/*
 * BMS-OUT-1/3/4, BMS-SET-3: the pre-alarm goes up on request or when
 * discharge becomes not allowed; Load Disconnect drops only after 30 s of
 * pre-alarm, and the pre-alarm goes down at that moment.
 */
static void smartbms_prealarm(struct smartbms_core *c,
			      struct smartbms_eval *e)
{
	if (e->failsafe || e->first) {
		/* outputs were low: stay off without a warning */
		c->load_uv_off = e->dis_na;
		c->pa_active = false;
	} else if (c->load_uv_off && !e->dis_na) {
		c->load_uv_off = false;
	}
	if (e->failsafe || e->first || c->load_uv_off) {
		/* no pre-alarm while the loads are off (BMS-OUT-3) */
	} else if (e->pa_req || e->dis_na) {
		if (!c->pa_active) {
			c->pa_active = true;
			c->pa_since_ms = e->now;
			c->pa_blink = true;
			c->pa_toggle_ms = e->now + SMARTBMS_BLINK_MS;
		}
	} else {
		c->pa_active = false;
	}
	if (c->pa_active && e->dis_na) {
		u64 at = c->pa_since_ms + SMARTBMS_PREALARM_MS;

		if (e->now >= at) {
			c->load_uv_off = true;
			c->pa_active = false;
		} else {
			smartbms_wake(e, at);
		}
	}
	if (c->pa_active && c->set.prealarm_signal ==
	    SMARTBMS_SIGNAL_INTERMITTENT) {
		if (e->now >= c->pa_toggle_ms) {
			c->pa_blink = !c->pa_blink;
			c->pa_toggle_ms += SMARTBMS_BLINK_MS;
			if (e->now >= c->pa_toggle_ms)
				c->pa_toggle_ms = e->now + SMARTBMS_BLINK_MS;
		}
		smartbms_wake(e, c->pa_toggle_ms);
	}
	if (c->pa_active)
		e->codes |= BIT(SMARTBMS_W_B12);
	if (c->load_uv_off && c->started)
		e->codes |= BIT(SMARTBMS_A_B11);
}

/*
 * BMS-OUT-2, BMS-REM-2 (system), BMS-OUT-6: charge permission. BMS
 * over-temperature does not drop it (BMS-TMP-1).
 */
static void smartbms_charge(struct smartbms_core *c, struct smartbms_eval *e,
			    bool cell_fault, bool tbat_fault)
{
	bool cells = c->board.chan_present & SMARTBMS_CH_VCELLS;
	enum smartbms_reason r = SMARTBMS_REASON_NONE;

	if (e->failsafe)
		r = e->fs_reason;
	else if (c->cable_fault)
		r = SMARTBMS_REASON_CABLE;
	else if (!e->remote_on && c->set.remote_fn == SMARTBMS_REMOTE_SYSTEM)
		r = SMARTBMS_REASON_REMOTE;
	else if (!smartbms_usable(c, SMARTBMS_CH_VBAT) ||
		 (cells && cell_fault) || tbat_fault)
		r = SMARTBMS_REASON_SENSOR;
	else if (!smartbms_in(c, SMARTBMS_IN_ATC))
		r = SMARTBMS_REASON_ATC;
	else if (cells && c->cell_ov.on)
		r = SMARTBMS_REASON_CELL_OV;
	else if (c->cell_temp.on)
		r = SMARTBMS_REASON_CELL_TEMP;
	else if (c->chg_limit)
		r = SMARTBMS_REASON_CHARGE_LIMIT;
	e->chg_reason = r;
	e->chg_out = r == SMARTBMS_REASON_NONE;
}

/* The codes of SPEC section 7 not raised by a rule family above. */
static void smartbms_codes(struct smartbms_core *c, struct smartbms_eval *e,
			   struct smartbms_result *r)
{
	unsigned int i;

	r->codes = e->codes;
	r->sensor_fault = 0;
	r->sensor_implausible = 0;
	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		if (c->ch[i].fault)
			r->sensor_fault |= BIT(i);
		if (c->ch[i].fault && c->ch[i].implausible)
			r->sensor_implausible |= BIT(i);
	}
}

/* BMS-OUT-1..4, BMS-REM-2: Load Disconnect, Charge Disconnect, pre-alarm. */
static void smartbms_outputs(const struct smartbms_core *c,
			     const struct smartbms_eval *e,
			     struct smartbms_result *r)
{
	bool pa_out;

	/* Load Disconnect: BMS-OUT-1, BMS-REM-2 */
	if (e->failsafe)
		r->reason[SMARTBMS_OUT_LOAD] = e->fs_reason;
	else if (!e->remote_on && c->set.remote_fn == SMARTBMS_REMOTE_SYSTEM)
		r->reason[SMARTBMS_OUT_LOAD] = SMARTBMS_REASON_REMOTE;
	else if (c->load_uv_off)
		r->reason[SMARTBMS_OUT_LOAD] = c->dis_reason;
	r->out[SMARTBMS_OUT_LOAD] =
		r->reason[SMARTBMS_OUT_LOAD] == SMARTBMS_REASON_NONE;

	r->reason[SMARTBMS_OUT_CHARGE] = e->chg_reason;
	r->out[SMARTBMS_OUT_CHARGE] = e->chg_out;

	pa_out = c->pa_active &&
		 (c->set.prealarm_signal == SMARTBMS_SIGNAL_CONTINUOUS ||
		  c->pa_blink);
	r->out[SMARTBMS_OUT_PREALARM] = !e->failsafe && pa_out;
	if (e->failsafe)
		r->reason[SMARTBMS_OUT_PREALARM] = e->fs_reason;
	else if (c->pa_active)
		r->reason[SMARTBMS_OUT_PREALARM] = SMARTBMS_REASON_PREALARM;
}

void smartbms_core_step(struct smartbms_core *c,
			const struct smartbms_sample *s,
			struct smartbms_result *r)
{
	struct smartbms_eval e = {
		.now = s->now_ms,
		.next = SMARTBMS_NEVER,
	};
	u32 limit = smartbms_fuse_limit_ma(c->set.fuse);
	bool cell_fault, tbat_fault;
	u64 dt = c->seen ? smartbms_elapsed(s->now_ms, c->last_ms) : 0;

	memset(r, 0, sizeof(*r));
	smartbms_debounce(c, s, &e);
	smartbms_sensors(c, s, &e);
	smartbms_failsafe(c, s, &e);
	smartbms_remote(c, &e);
	smartbms_temperature(c, &e);
	smartbms_cells(c, &e, &cell_fault, &tbat_fault);
	smartbms_charge_limit(c, &e);
	smartbms_cable(c, &e);
	smartbms_discharge(c, &e, cell_fault);
	smartbms_prealarm(c, &e);
	smartbms_charge(c, &e, cell_fault, tbat_fault);
	r->reason[SMARTBMS_OUT_ALT] =
		smartbms_alternator(c, s, &e, dt, limit, &r->setpoint_ma);
	smartbms_codes(c, &e, r);
	smartbms_monitor_step(c, s, &e, dt);

	smartbms_outputs(c, &e, r);
	r->out[SMARTBMS_OUT_ALT] = c->alt_on;
	r->alt_limit_ma = limit;
	r->remote_on = e.remote_on;
	r->started = c->started;
	r->first = e.first;
	r->next_ms = e.next;
	c->last_ms = s->now_ms;
}
EXPORT_SYMBOL_NS_GPL(smartbms_core_step, SMARTBMS);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("smartbms protection core");
