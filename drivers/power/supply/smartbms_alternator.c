// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms core: the alternator / starter input, BMS-ALT-1..5. Whether the
 * path may close (vstart, charge permission, remote, heat, sensors, the
 * setpoint), its restart timer, the over-current trip and the current
 * regulator, as one rule family of smartbms_core_step().
 */

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/types.h>

#include "smartbms_compat.h"
#include "smartbms_core.h"
#include "smartbms_rules.h"

#define SMARTBMS_ALT_START_MV		13000	/* BMS-ALT-1 */
#define SMARTBMS_ALT_STOP_MV		12800	/* BMS-ALT-2 */
#define SMARTBMS_ALT_RESTART_MS		5000	/* BMS-ALT-2 */
#define SMARTBMS_OC_RETRY_MS		5000	/* BMS-ALT-3 */
#define SMARTBMS_OC_HOLD_MS		500	/* BMS-ALT-3, with a setpoint */
#define SMARTBMS_REG_PERIOD_MS		20	/* BMS-ALT-3, regulator */
#define SMARTBMS_REG_DT_MAX_MS		100
#define SMARTBMS_REG_KI			5	/* 1/s, integral gain */
#define SMARTBMS_REG_TRIM_PCT		25

/*
 * BMS-ALT-3: the regulator. An integral term trims the feed-forward
 * setpoint (the limit) so that the measured ialt settles on the limit.
 */
static u32 smartbms_regulate(struct smartbms_core *c,
			     struct smartbms_eval *e, u32 limit, u64 dt)
{
	s32 err = (s32)limit - c->ch[SMARTBMS_CH_IALT].val;
	s32 trim_max = (s32)(limit / 100 * SMARTBMS_REG_TRIM_PCT * 1000);
	s32 sp;

	dt = min_t(u64, dt, SMARTBMS_REG_DT_MAX_MS);
	/*
	 * trim [uA] += Ki [1/s] * err [mA] * dt [ms], only near the limit:
	 * far from it (start-up, an alternator that cannot deliver) the
	 * feed-forward acts alone and the integral does not wind up.
	 */
	if (abs(err) <= trim_max / 1000)
		c->alt_trim_ua += SMARTBMS_REG_KI * err * (s32)dt;
	c->alt_trim_ua = clamp(c->alt_trim_ua, -trim_max, trim_max);
	sp = (s32)limit + c->alt_trim_ua / 1000;
	smartbms_wake(e, e->now + SMARTBMS_REG_PERIOD_MS);
	return max(sp, 0);
}

/* All four measurements the alternator path needs are usable. */
static bool smartbms_alt_meas(const struct smartbms_core *c)
{
	return smartbms_usable(c, SMARTBMS_CH_VBAT) &&
	       smartbms_usable(c, SMARTBMS_CH_VSTART) &&
	       smartbms_usable(c, SMARTBMS_CH_IALT) &&
	       smartbms_usable(c, SMARTBMS_CH_TEMP);
}

/*
 * BMS-ALT-1/2: the vstart state and its restart timer, kept up to date
 * whatever else holds the path: it allows the path after vstart > 13.0 V
 * and > vbat for 5 s, and stops allowing it below 12.8 V or at
 * vstart <= vbat.
 */
static void smartbms_alt_vstart(struct smartbms_core *c,
				struct smartbms_eval *e, bool meas)
{
	s32 vs = c->ch[SMARTBMS_CH_VSTART].val;
	s32 vb = c->ch[SMARTBMS_CH_VBAT].val;
	bool good;

	if (!meas) {
		c->alt_vs_ok = false;
		c->alt_good_since_ms = SMARTBMS_NEVER;
		return;
	}
	good = vs > SMARTBMS_ALT_START_MV && vs > vb;
	/* a path that is off switches on only past 13.0 V */
	if (vs < SMARTBMS_ALT_STOP_MV || vs <= vb || (!c->alt_on && !good))
		c->alt_vs_ok = false;
	if (smartbms_held(e, good, &c->alt_good_since_ms,
			  SMARTBMS_ALT_RESTART_MS))
		c->alt_vs_ok = true;
}

/*
 * BMS-ALT-1/2/4/5, BMS-TMP-1: why the path may not close, or NONE. Off
 * when charging is not allowed, the remote is off, a needed measurement is
 * faulty, the BMS is too hot, the setpoint could not be written, or
 * vstart does not allow it.
 */
static enum smartbms_reason smartbms_alt_permission(const struct smartbms_core *c,
						    const struct smartbms_sample *s,
						    const struct smartbms_eval *e,
						    bool meas)
{
	s32 vs = c->ch[SMARTBMS_CH_VSTART].val;
	s32 vb = c->ch[SMARTBMS_CH_VBAT].val;

	if (e->failsafe)
		return e->fs_reason;
	if (!e->chg_out)
		return e->chg_reason;
	if (!e->remote_on)
		return SMARTBMS_REASON_REMOTE;
	if (!meas)
		return SMARTBMS_REASON_SENSOR;
	if (c->overtemp)
		return SMARTBMS_REASON_OVERTEMP;
	if (c->board.has_setpoint && s->setpoint_fault)
		return SMARTBMS_REASON_SETPOINT;
	if (c->alt_vs_ok)
		return SMARTBMS_REASON_NONE;
	if (vs <= vb)
		return SMARTBMS_REASON_VSTART_BELOW_VBAT;
	if (vs <= SMARTBMS_ALT_START_MV)
		return SMARTBMS_REASON_VSTART_LOW;
	return SMARTBMS_REASON_ALT_RESTART;
}

/*
 * BMS-ALT-3: above what regulation can correct, the path opens and is
 * retried SMARTBMS_OC_RETRY_MS later. Without a setpoint output that is
 * the limit itself, at once; with one, the limit plus the regulator's
 * authority for SMARTBMS_OC_HOLD_MS (a power stage that does not follow
 * its setpoint). Returns whether the path is held open for it.
 */
static bool smartbms_alt_overcurrent(struct smartbms_core *c,
				     struct smartbms_eval *e, bool allowed,
				     u32 limit)
{
	u32 trip = limit;
	bool over;

	if (c->board.has_setpoint)
		trip = limit / 100 * (100 + SMARTBMS_REG_TRIM_PCT);
	over = allowed && c->alt_on &&
	       c->ch[SMARTBMS_CH_IALT].val > (s32)trip;
	if (smartbms_held(e, over, &c->alt_over_since_ms,
			  c->board.has_setpoint ? SMARTBMS_OC_HOLD_MS : 0)) {
		c->alt_oc_off = true;
		c->alt_oc_since_ms = e->now;
		c->alt_over_since_ms = SMARTBMS_NEVER;
	}
	if (c->alt_oc_off) {
		u64 at = c->alt_oc_since_ms + SMARTBMS_OC_RETRY_MS;

		if (e->now >= at)
			c->alt_oc_off = false;
		else
			smartbms_wake(e, at);
	}
	return c->alt_oc_off;
}

/*
 * BMS-ALT-1..5: the alternator path and its current. Returns why it is
 * open (NONE when closed) and sets the setpoint to write: the regulated
 * value while closed, the limit while a failed write is being retried
 * (BMS-ALT-5), 0 otherwise.
 */
enum smartbms_reason smartbms_alternator(struct smartbms_core *c,
					 const struct smartbms_sample *s,
					 struct smartbms_eval *e,
					 u64 dt, u32 limit, u32 *setpoint)
{
	bool meas = smartbms_alt_meas(c);
	bool was_on = c->alt_on;
	enum smartbms_reason r;

	smartbms_alt_vstart(c, e, meas);
	r = smartbms_alt_permission(c, s, e, meas);
	if (smartbms_alt_overcurrent(c, e, r == SMARTBMS_REASON_NONE, limit) &&
	    r == SMARTBMS_REASON_NONE)
		r = SMARTBMS_REASON_OVERCURRENT;

	c->alt_on = r == SMARTBMS_REASON_NONE;
	*setpoint = 0;
	if (!c->alt_on)
		c->alt_trim_ua = 0;
	if (r == SMARTBMS_REASON_SETPOINT)
		*setpoint = limit;
	else if (c->alt_on && c->board.has_setpoint)
		*setpoint = smartbms_regulate(c, e, limit, was_on ? dt : 0);
	else if (c->alt_on)
		*setpoint = limit;
	return r;
}
