// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms battery monitor (BMS-MON-*, Documentation/power/smartbms-monitor.rst):
 * a coulomb counter stepped by smartbms_core_step() on the virtual clock.
 *
 * Choices, in one place:
 * - The reading of a step covers the interval that ends at it. A failed
 *   read is counted with the last good reading for SMARTBMS_MON_GAP_MS;
 *   longer, or a step interval longer than that, is a gap: nothing is
 *   counted for it and a synchronised counter becomes not synchronised.
 * - Charging counts I x efficiency; discharging counts the Peukert-effective
 *   current I x (I / I20)^(n - 1), with I20 the 20-hour rate (capacity / 20 h).
 * - Full (100 %, synchronised): vbat >= charged voltage and |ibat| < tail
 *   current for the detection time, or the charge limit (BMS-CHG-1) reached.
 * - Empty [ours]: A-B11 for undervoltage (ATD low or a local cell below
 *   its minimum) sets the charge to 0, not synchronised: the battery says
 *   it is empty, but a voltage disconnect under load is no exact zero.
 * - Without a value (UNKNOWN: first start, nothing restored) nothing is
 *   counted and nothing is reported; the first full charge or A-B11 gives
 *   the counter its first value.
 * - Overflow: the charge is held within 0..capacity (at most 2147 Ah, 7.7e12
 *   uAs); one step adds at most |I| x SMARTBMS_MON_GAP_MS, so s64 holds any
 *   current the ADC can report, however long the counter runs.
 */

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/types.h>

#include "smartbms_compat.h"
#include "smartbms_core.h"
#include "smartbms_rules.h"

#define SMARTBMS_MS_PER_H		3600000LL
/* 2^(2^-i) for i = 1..16, Q30 */
static const u32 smartbms_exp2_frac[16] = {
	1518500250, 1276901417, 1170923762, 1121280436,
	1097253708, 1085434106, 1079572136, 1076653033,
	1075196443, 1074468888, 1074105294, 1073923544,
	1073832680, 1073787251, 1073764537, 1073753181,
};

/* ---- fixed point: log2 and exp2 in Q16 (Peukert) ---- */

static int smartbms_msb64(u64 x)
{
	int n = 0, s;

	for (s = 32; s; s >>= 1) {
		if (x >> s) {
			x >>= s;
			n += s;
		}
	}
	return n;
}

/* log2(x / 2^16) in Q16, x > 0 */
static s32 smartbms_log2_q16(u64 x)
{
	int msb = smartbms_msb64(x), i;
	s32 res = (msb - 16) * 65536;
	u64 y = msb >= 30 ? x >> (msb - 30) : x << (30 - msb);	/* [1, 2) Q30 */

	for (i = 15; i >= 0; i--) {
		y = (y * y) >> 30;
		if (y >= (2ULL << 30)) {
			y >>= 1;
			res += 1 << i;
		}
	}
	return res;
}

/* 2^(e / 2^16) in Q16, for e within +-16 << 16 */
static u64 smartbms_exp2_q16(s32 e)
{
	s32 ip = e >> 16;		/* floor */
	u32 frac = e & 0xffff;
	u64 r = 1ULL << 30;
	int i;

	for (i = 0; i < 16; i++)
		if (frac & BIT(15 - i))
			r = (r * smartbms_exp2_frac[i]) >> 30;
	return ip <= 14 ? r >> (14 - ip) : r << (ip - 14);
}

/*
 * The Peukert-effective magnitude of a discharge current (mA):
 * |I| x (|I| / I20)^(n - 1).
 */
static s64 smartbms_mon_peukert(const struct smartbms_core *c, s32 ma)
{
	u64 i = abs((s64)ma), i20 = c->board.capacity_mah / 20;
	u32 k = c->set.mon.peukert_centi - 100;
	s32 e;

	if (!k || !i || !i20)
		return i;
	e = div_s64((s64)smartbms_log2_q16(div64_u64(i << 16, i20)) * k, 100);
	return (i * smartbms_exp2_q16(e)) >> 16;
}

/* ---- the rule family ---- */

static s64 smartbms_mon_full_uas(const struct smartbms_core *c)
{
	return (s64)c->board.capacity_mah * SMARTBMS_MS_PER_H;
}

static u32 smartbms_mon_permille(const struct smartbms_core *c)
{
	s64 full = smartbms_mon_full_uas(c);

	return div64_s64(c->mon.charge_uas * 1000 + full / 2, full);
}

static void smartbms_mon_set(struct smartbms_monitor *m, s64 uas,
			     enum smartbms_mon_sync sync,
			     enum smartbms_mon_why why)
{
	m->charge_uas = uas;
	m->sync = sync;
	m->why = why;
}

/* The charge the last @dt ms moved (uAs), efficiency and Peukert applied. */
static s64 smartbms_mon_delta(const struct smartbms_core *c, s32 ma, u64 dt)
{
	if (ma >= 0)
		return div_s64((s64)ma * (s64)dt * c->set.mon.efficiency_pct, 100);
	return -smartbms_mon_peukert(c, ma) * (s64)dt;
}

/* BMS-MON-3: integrate, average and keep within 0..capacity. */
static void smartbms_mon_count(struct smartbms_core *c,
			       struct smartbms_eval *e, bool fresh, u64 dt)
{
	struct smartbms_monitor *m = &c->mon;
	s64 full = smartbms_mon_full_uas(c);
	s32 ma = m->ibat_ma;
	bool gap = dt > SMARTBMS_MON_GAP_MS ||
		   (!fresh && smartbms_elapsed(e->now, m->ibat_bad_since_ms) >=
			      SMARTBMS_MON_GAP_MS);

	if (gap) {
		if (m->sync == SMARTBMS_MON_SYNCED)
			smartbms_mon_set(m, m->charge_uas,
					 SMARTBMS_MON_NOT_SYNCED,
					 SMARTBMS_MON_WHY_GAP);
		return;
	}
	if (!m->have_avg) {
		/* called with a fresh reading the first time */
		m->avg_q8 = (s64)ma * 256;
		m->have_avg = true;
	} else {
		m->avg_q8 += div64_s64(((s64)ma * 256 - m->avg_q8) * (s64)dt,
				       SMARTBMS_MON_AVG_MS);
	}
	if (m->sync == SMARTBMS_MON_UNKNOWN)
		return;
	m->charge_uas = clamp_t(s64, m->charge_uas + smartbms_mon_delta(c, ma, dt),
				0, full);
}

/* BMS-MON-3: the two synchronisations to full, and the one to empty. */
static void smartbms_mon_sync(struct smartbms_core *c, struct smartbms_eval *e)
{
	struct smartbms_monitor *m = &c->mon;
	const struct smartbms_mon_settings *ms = &c->set.mon;
	s64 tail = div_s64((s64)c->board.capacity_mah * ms->tail_permille, 1000);
	bool empty = c->load_uv_off &&
		     (c->dis_reason == SMARTBMS_REASON_ATD ||
		      c->dis_reason == SMARTBMS_REASON_CELL_UV);
	bool charged = m->ibat_valid && smartbms_usable(c, SMARTBMS_CH_VBAT) &&
		       c->ch[SMARTBMS_CH_VBAT].val >= (s32)ms->charged_mv &&
		       abs((s64)m->ibat_ma) < tail;

	if (smartbms_held(e, charged, &m->full_since_ms,
			  (u64)ms->charged_s * 1000) ||
	    (c->chg_limit && !m->was_limit))
		smartbms_mon_set(m, smartbms_mon_full_uas(c),
				 SMARTBMS_MON_SYNCED, SMARTBMS_MON_WHY_NONE);
	else if (empty && !m->was_empty)
		smartbms_mon_set(m, 0, SMARTBMS_MON_NOT_SYNCED,
				 SMARTBMS_MON_WHY_EMPTY);
	m->was_limit = c->chg_limit;
	m->was_empty = empty;
}

void smartbms_monitor_init(struct smartbms_core *c)
{
	struct smartbms_monitor *m = &c->mon;

	memset(m, 0, sizeof(*m));
	m->sync = SMARTBMS_MON_UNKNOWN;
	m->why = SMARTBMS_MON_WHY_INSTALL;
	m->full_since_ms = SMARTBMS_NEVER;
	m->ibat_bad_since_ms = SMARTBMS_NEVER;
	m->saved_ms = SMARTBMS_NEVER;
	m->saved_sync = SMARTBMS_MON_UNKNOWN;
}

int smartbms_mon_set_capacity(struct smartbms_core *c, u32 mah)
{
	if (mah && (mah < SMARTBMS_MON_CAP_MIN_MAH ||
		    mah > SMARTBMS_MON_CAP_MAX_MAH))
		return -EINVAL;
	c->board.capacity_mah = mah;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_mon_set_capacity, SMARTBMS);

void smartbms_monitor_step(struct smartbms_core *c,
			   const struct smartbms_sample *s,
			   struct smartbms_eval *e, u64 dt)
{
	struct smartbms_monitor *m = &c->mon;

	if (!c->board.has_ibat)
		return;
	m->ibat_valid = s->ibat_ok;
	if (s->ibat_ok) {
		m->ibat_ma = s->ibat_ma;
		m->ibat_bad_since_ms = SMARTBMS_NEVER;
	} else if (m->ibat_bad_since_ms == SMARTBMS_NEVER) {
		m->ibat_bad_since_ms = e->now;
	}
	if (!c->board.capacity_mah)
		return;
	/* nothing to count before the first reading */
	if (dt && (s->ibat_ok || m->have_avg))
		smartbms_mon_count(c, e, s->ibat_ok, dt);
	smartbms_mon_sync(c, e);
}

/* ---- what it reports ---- */

int smartbms_mon_read(const struct smartbms_core *c,
		      struct smartbms_mon_state *st)
{
	const struct smartbms_monitor *m = &c->mon;
	s64 full = smartbms_mon_full_uas(c), avg, eff;

	if (!c->board.has_ibat)
		return -ENODEV;
	memset(st, 0, sizeof(*st));
	st->have_current = m->ibat_valid;
	st->ibat_ma = m->ibat_ma;
	st->avg_ma = div_s64(m->avg_q8, 256);
	st->full_mah = c->board.capacity_mah;
	st->ttg_s = -1;
	st->ttf_s = -1;
	st->sync = c->board.capacity_mah ? m->sync : SMARTBMS_MON_UNKNOWN;
	st->why = c->board.capacity_mah ? m->why : SMARTBMS_MON_WHY_NO_BATTERY;
	if (st->sync == SMARTBMS_MON_UNKNOWN)
		return 0;
	st->charge_mah = div_s64(m->charge_uas, SMARTBMS_MS_PER_H);
	st->soc_permille = smartbms_mon_permille(c);
	avg = st->avg_ma;
	/* never 0 above the idle current at any capacity; checked anyway */
	eff = avg < -SMARTBMS_MON_IDLE_MA ? smartbms_mon_peukert(c, avg) : 0;
	if (eff > 0)
		st->ttg_s = div64_s64(m->charge_uas, eff * 1000);
	else if (avg > SMARTBMS_MON_IDLE_MA)
		st->ttf_s = div64_s64((full - m->charge_uas) * 100,
				      avg * c->set.mon.efficiency_pct * 1000);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_mon_read, SMARTBMS);

int smartbms_mon_restore(struct smartbms_core *c, u32 charge_mah, bool synced)
{
	if (!c->board.has_ibat || !c->board.capacity_mah)
		return -ENODEV;
	if (charge_mah > c->board.capacity_mah)
		return -EINVAL;
	if (c->mon.sync != SMARTBMS_MON_UNKNOWN)
		return -EBUSY;
	smartbms_mon_set(&c->mon, (s64)charge_mah * SMARTBMS_MS_PER_H,
			 synced ? SMARTBMS_MON_SYNCED : SMARTBMS_MON_NOT_SYNCED,
			 synced ? SMARTBMS_MON_WHY_NONE :
				  SMARTBMS_MON_WHY_RESTORED);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_mon_restore, SMARTBMS);

bool smartbms_mon_save_due(const struct smartbms_core *c, u64 now_ms)
{
	const struct smartbms_monitor *m = &c->mon;
	u32 pm;

	if (!c->board.has_ibat || !c->board.capacity_mah ||
	    m->sync == SMARTBMS_MON_UNKNOWN)
		return false;
	if (m->saved_ms != SMARTBMS_NEVER &&
	    smartbms_elapsed(now_ms, m->saved_ms) < SMARTBMS_MON_SAVE_MIN_MS)
		return false;
	pm = smartbms_mon_permille(c);
	return m->sync != m->saved_sync ||
	       abs((s32)pm - (s32)m->saved_permille) >= SMARTBMS_MON_SAVE_STEP;
}
EXPORT_SYMBOL_NS_GPL(smartbms_mon_save_due, SMARTBMS);

void smartbms_mon_mark_saved(struct smartbms_core *c, u64 now_ms)
{
	c->mon.saved_ms = now_ms;
	c->mon.saved_sync = c->mon.sync;
	c->mon.saved_permille = smartbms_mon_permille(c);
}
EXPORT_SYMBOL_NS_GPL(smartbms_mon_mark_saved, SMARTBMS);

int smartbms_mon_saved(const struct smartbms_core *c, s64 time_s, bool final,
		       struct smartbms_soc_saved *saved)
{
	if (!c->board.has_ibat || !c->board.capacity_mah ||
	    c->mon.sync == SMARTBMS_MON_UNKNOWN)
		return -ENODATA;
	saved->charge_mah = div_s64(c->mon.charge_uas, SMARTBMS_MS_PER_H);
	saved->full_mah = c->board.capacity_mah;
	saved->flags = (c->mon.sync == SMARTBMS_MON_SYNCED ?
			SMARTBMS_SOC_FLAG_SYNCED : 0) |
		       (final ? SMARTBMS_SOC_FLAG_FINAL : 0);
	saved->time_s = time_s;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(smartbms_mon_saved, SMARTBMS);

int smartbms_mon_restore_saved(struct smartbms_core *c,
			       const struct smartbms_soc_saved *saved,
			       s64 now_s)
{
	u32 both = SMARTBMS_SOC_FLAG_SYNCED | SMARTBMS_SOC_FLAG_FINAL;
	bool known = (saved->flags & both) == both &&
		     now_s >= saved->time_s &&
		     now_s - saved->time_s <= SMARTBMS_MON_DOWNTIME_MAX_S;

	/* counted against another battery: worth nothing here */
	if (saved->full_mah != c->board.capacity_mah)
		return -EINVAL;
	return smartbms_mon_restore(c, saved->charge_mah, known);
}
EXPORT_SYMBOL_NS_GPL(smartbms_mon_restore_saved, SMARTBMS);

static const char * const smartbms_mon_sync_names[] = {
	[SMARTBMS_MON_UNKNOWN] = "unknown",
	[SMARTBMS_MON_NOT_SYNCED] = "not-synchronised",
	[SMARTBMS_MON_SYNCED] = "synchronised",
};

static const char * const smartbms_mon_why_names[] = {
	[SMARTBMS_MON_WHY_NONE] = "none",
	[SMARTBMS_MON_WHY_INSTALL] = "install",
	[SMARTBMS_MON_WHY_RESTORED] = "restored",
	[SMARTBMS_MON_WHY_EMPTY] = "empty",
	[SMARTBMS_MON_WHY_GAP] = "gap",
	[SMARTBMS_MON_WHY_NO_BATTERY] = "no-battery",
};

const char *smartbms_mon_sync_name(enum smartbms_mon_sync sync)
{
	return (unsigned int)sync < ARRAY_SIZE(smartbms_mon_sync_names) ?
		smartbms_mon_sync_names[sync] : "?";
}
EXPORT_SYMBOL_NS_GPL(smartbms_mon_sync_name, SMARTBMS);

const char *smartbms_mon_why_name(enum smartbms_mon_why why)
{
	return (unsigned int)why < ARRAY_SIZE(smartbms_mon_why_names) ?
		smartbms_mon_why_names[why] : "?";
}
EXPORT_SYMBOL_NS_GPL(smartbms_mon_why_name, SMARTBMS);
