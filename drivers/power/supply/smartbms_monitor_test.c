// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the smartbms battery monitor (BMS-MON-1..5), on the rig
 * of smartbms_test_rig.h: a 100 Ah bank on the core's virtual clock. The
 * host build (tools/testing/host) runs the same cases under cmocka.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "smartbms_compat.h"
#include "smartbms_core.h"
#include "smartbms_test_rig.h"

#define T_CAP_MAH	100000
#define T_H		3600000ULL	/* one hour in ms */
#define T_UAS_PER_MAH	3600000LL

static struct smartbms_rig *smartbms_mon_rig(struct kunit *test,
					     u32 peukert_centi)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);
	struct smartbms_settings set = g->c.set;

	g->c.board.has_ibat = true;
	KUNIT_ASSERT_EQ(test, smartbms_mon_set_capacity(&g->c, T_CAP_MAH), 0);
	set.mon.peukert_centi = peukert_centi;
	KUNIT_ASSERT_EQ(test, smartbms_core_set(&g->c, &set), 0);
	g->s.ibat_ok = true;
	return g;
}

static struct smartbms_mon_state smartbms_mon_st(struct kunit *test,
						 struct smartbms_rig *g)
{
	struct smartbms_mon_state st;

	KUNIT_ASSERT_EQ(test, smartbms_mon_read(&g->c, &st), 0);
	return st;
}

/* remaining charge in uAs, straight from the counter */
static s64 smartbms_mon_uas(struct smartbms_rig *g)
{
	return g->c.mon.charge_uas;
}

/* ---- BMS-MON-3: integration ---- */

static void smartbms_test_mon_integrate(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_mon_rig(test, 100);
	struct smartbms_mon_state st;

	KUNIT_ASSERT_EQ(test, smartbms_mon_restore(&g->c, T_CAP_MAH, true), 0);
	g->s.ibat_ma = -10000;
	smartbms_rig_run(g, 0, T_H, 100);
	/* 10 A for one hour, Peukert off: exactly 10 Ah */
	KUNIT_EXPECT_EQ(test, smartbms_mon_uas(g), 90000 * T_UAS_PER_MAH);
	st = smartbms_mon_st(test, g);
	KUNIT_EXPECT_EQ(test, st.charge_mah, 90000U);
	KUNIT_EXPECT_EQ(test, st.soc_permille, 900U);
	KUNIT_EXPECT_EQ(test, st.sync, SMARTBMS_MON_SYNCED);
	KUNIT_EXPECT_EQ(test, st.ibat_ma, -10000);
}

static void smartbms_test_mon_efficiency(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_mon_rig(test, 100);

	KUNIT_ASSERT_EQ(test, smartbms_mon_restore(&g->c, 50000, false), 0);
	g->s.ibat_ma = 10000;
	smartbms_rig_run(g, 0, T_H, 100);
	/* 10 Ah in at 99 %: 9.9 Ah stored */
	KUNIT_EXPECT_EQ(test, smartbms_mon_uas(g), 59900 * T_UAS_PER_MAH);
}

/* ---- BMS-MON-3: Peukert, |I| x (|I| / I20)^(n - 1), I20 = 5 A ---- */

struct smartbms_peukert_case {
	s32 ma;
	u32 centi;
	u32 want_mah;	/* effective Ah of one hour: |I| x factor */
};

static const struct smartbms_peukert_case smartbms_peukert_cases[] = {
	{ -5000, 105, 5000 },		/* the 20-hour rate: factor 1 */
	{ -10000, 105, 10353 },		/* 2^0.05 = 1.03526 */
	{ -50000, 105, 56101 },		/* 10^0.05 = 1.12202 */
	{ -1000, 105, 923 },		/* 0.2^0.05 = 0.92270 */
	{ -50000, 125, 88914 },		/* 10^0.25 = 1.77828 */
	{ -100000, 150, 447214 },	/* 20^0.5 = 4.47214 */
};

static void smartbms_peukert_desc(const struct smartbms_peukert_case *p,
				  char *d)
{
	snprintf(d, KUNIT_PARAM_DESC_SIZE, "%d mA, n = %u.%02u", p->ma,
		 p->centi / 100, p->centi % 100);
}

KUNIT_ARRAY_PARAM(smartbms_peukert, smartbms_peukert_cases,
		  smartbms_peukert_desc);

static void smartbms_test_mon_peukert(struct kunit *test)
{
	const struct smartbms_peukert_case *p = test->param_value;
	struct smartbms_rig *g = smartbms_mon_rig(test, p->centi);
	s64 used, want = (s64)p->want_mah * T_UAS_PER_MAH;

	/* full at the start; I20 stays 5 A */
	KUNIT_ASSERT_EQ(test, smartbms_mon_restore(&g->c, T_CAP_MAH, true), 0);
	g->s.ibat_ma = p->ma;
	/* at 100 A and n = 1.5 the hour would empty it: count 10 min x 6 */
	smartbms_rig_run(g, 0, T_H / 6, 100);
	used = (T_CAP_MAH * T_UAS_PER_MAH - smartbms_mon_uas(g)) * 6;
	/* within 0.05 % of the exact factor (fixed-point log2/exp2) */
	KUNIT_EXPECT_LE(test, abs(used - want), want / 2000 + T_UAS_PER_MAH);
}

/* ---- BMS-MON-3: synchronisation ---- */

static void smartbms_test_mon_sync_tail(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_mon_rig(test, 105);

	KUNIT_ASSERT_EQ(test, smartbms_mon_restore(&g->c, 80000, false), 0);
	/* charged voltage 14.0 V, tail 4 % = 4 A, 180 s */
	g->s.val[SMARTBMS_CH_VBAT] = 14000;
	g->s.ibat_ma = 3999;
	smartbms_rig_run(g, 0, 179900, 100);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync,
			SMARTBMS_MON_NOT_SYNCED);
	smartbms_rig_step(g, 180000);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync,
			SMARTBMS_MON_SYNCED);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).soc_permille, 1000U);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).why, SMARTBMS_MON_WHY_NONE);
}

struct smartbms_tail_case {
	s32 vbat;
	s32 ma;
};

/* one condition missed by the smallest step: never synchronised */
static const struct smartbms_tail_case smartbms_tail_miss_cases[] = {
	{ 13999, 1000 }, { 14000, 4000 }, { 14000, -4000 }, { 14100, 5000 },
};

static void smartbms_tail_desc(const struct smartbms_tail_case *p, char *d)
{
	snprintf(d, KUNIT_PARAM_DESC_SIZE, "vbat %d ibat %d", p->vbat, p->ma);
}

KUNIT_ARRAY_PARAM(smartbms_tail_miss, smartbms_tail_miss_cases,
		  smartbms_tail_desc);

static void smartbms_test_mon_sync_tail_miss(struct kunit *test)
{
	const struct smartbms_tail_case *p = test->param_value;
	struct smartbms_rig *g = smartbms_mon_rig(test, 105);

	KUNIT_ASSERT_EQ(test, smartbms_mon_restore(&g->c, 50000, false), 0);
	g->s.val[SMARTBMS_CH_VBAT] = p->vbat;
	g->s.ibat_ma = p->ma;
	smartbms_rig_run(g, 0, 600000, 1000);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync,
			SMARTBMS_MON_NOT_SYNCED);
}

static void smartbms_test_mon_sync_interrupted(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_mon_rig(test, 105);

	KUNIT_ASSERT_EQ(test, smartbms_mon_restore(&g->c, 80000, false), 0);
	g->s.val[SMARTBMS_CH_VBAT] = 14000;
	g->s.ibat_ma = 2000;
	smartbms_rig_run(g, 0, 170000, 100);
	g->s.ibat_ma = 20000;		/* a load step: the run starts over */
	smartbms_rig_step(g, 170100);
	g->s.ibat_ma = 2000;
	smartbms_rig_run(g, 170200, 350100, 100);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync,
			SMARTBMS_MON_NOT_SYNCED);
	smartbms_rig_step(g, 350200);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync,
			SMARTBMS_MON_SYNCED);
}

static void smartbms_test_mon_sync_charge_limit(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_mon_rig(test, 105);

	/* from nothing known: the BMS's own charge limit is full */
	g->s.ibat_ma = 30000;
	smartbms_rig_step(g, 0);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync, SMARTBMS_MON_UNKNOWN);
	g->s.val[SMARTBMS_CH_VBAT] = 14200;
	smartbms_rig_step(g, 100);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync,
			SMARTBMS_MON_SYNCED);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).charge_mah, 100000U);
}

/* ---- BMS-MON-4: the unsynchronised states ---- */

static void smartbms_test_mon_unknown(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_mon_rig(test, 105);
	struct smartbms_mon_state st;

	g->s.ibat_ma = -20000;
	smartbms_rig_run(g, 0, 600000, 100);
	st = smartbms_mon_st(test, g);
	KUNIT_EXPECT_EQ(test, st.sync, SMARTBMS_MON_UNKNOWN);
	KUNIT_EXPECT_EQ(test, st.why, SMARTBMS_MON_WHY_INSTALL);
	KUNIT_EXPECT_EQ(test, st.ttg_s, -1LL);
	/* the current is reported all the same */
	KUNIT_EXPECT_TRUE(test, st.have_current);
	KUNIT_EXPECT_EQ(test, st.ibat_ma, -20000);
	KUNIT_EXPECT_FALSE(test, smartbms_mon_save_due(&g->c, 600000));
}

static void smartbms_test_mon_empty(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_mon_rig(test, 105);
	struct smartbms_mon_state st;

	KUNIT_ASSERT_EQ(test, smartbms_mon_restore(&g->c, 60000, true), 0);
	g->s.ibat_ma = -5000;
	smartbms_rig_run(g, 0, 1000, 100);
	/* ATD low: pre-alarm, and the loads off 30 s later (A-B11) */
	g->s.in[SMARTBMS_IN_ATD] = false;
	smartbms_rig_run(g, 1100, 31200, 100);
	KUNIT_EXPECT_TRUE(test, CODE(g, A_B11));
	st = smartbms_mon_st(test, g);
	KUNIT_EXPECT_EQ(test, st.charge_mah, 0U);
	KUNIT_EXPECT_EQ(test, st.sync, SMARTBMS_MON_NOT_SYNCED);
	KUNIT_EXPECT_EQ(test, st.why, SMARTBMS_MON_WHY_EMPTY);
	/* charging from empty counts up again */
	g->s.in[SMARTBMS_IN_ATD] = true;
	g->s.ibat_ma = 10000;
	smartbms_rig_run(g, 31300, 31300 + T_H, 100);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).charge_mah, 9900U);
}

static void smartbms_test_mon_gap(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_mon_rig(test, 100);

	KUNIT_ASSERT_EQ(test, smartbms_mon_restore(&g->c, 50000, true), 0);
	g->s.ibat_ma = -36000;
	smartbms_rig_run(g, 0, 1000, 100);
	/* read errors shorter than the gap: counted with the last reading */
	g->s.ibat_ok = false;
	g->s.ibat_ma = 0;
	smartbms_rig_run(g, 1100, 6000, 100);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync, SMARTBMS_MON_SYNCED);
	KUNIT_EXPECT_FALSE(test, smartbms_mon_st(test, g).have_current);
	/* 6 s at 36 A = 60 mAh */
	KUNIT_EXPECT_EQ(test, smartbms_mon_uas(g), 49940 * T_UAS_PER_MAH);
	smartbms_rig_step(g, 6100);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync,
			SMARTBMS_MON_NOT_SYNCED);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).why, SMARTBMS_MON_WHY_GAP);
	KUNIT_EXPECT_EQ(test, smartbms_mon_uas(g), 49940 * T_UAS_PER_MAH);

	/* a step interval longer than the gap: not counted, not synchronised */
	g = smartbms_mon_rig(test, 100);
	KUNIT_ASSERT_EQ(test, smartbms_mon_restore(&g->c, 50000, true), 0);
	g->s.ibat_ma = -36000;
	smartbms_rig_step(g, 0);
	smartbms_rig_step(g, 5001);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync,
			SMARTBMS_MON_NOT_SYNCED);
	KUNIT_EXPECT_EQ(test, smartbms_mon_uas(g), 50000 * T_UAS_PER_MAH);
}

/* ---- time to go, time to full ---- */

static void smartbms_test_mon_ttg(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_mon_rig(test, 100);
	struct smartbms_mon_state st;

	KUNIT_ASSERT_EQ(test, smartbms_mon_restore(&g->c, 60000, false), 0);
	g->s.ibat_ma = -10000;
	/* 30 min: 5 Ah out, the 3-minute average has settled */
	smartbms_rig_run(g, 0, T_H / 2, 100);
	st = smartbms_mon_st(test, g);
	KUNIT_EXPECT_EQ(test, st.charge_mah, 55000U);
	KUNIT_EXPECT_EQ(test, st.ttf_s, -1LL);
	/* 55 Ah at 10 A: 5.5 h, within 0.1 % */
	KUNIT_EXPECT_LE(test, abs(st.ttg_s - 19800), 20LL);

	g->s.ibat_ma = 10000;
	smartbms_rig_run(g, T_H / 2 + 100, T_H, 100);
	st = smartbms_mon_st(test, g);
	KUNIT_EXPECT_EQ(test, st.ttg_s, -1LL);
	/* 100 - 55 - 4.95 (a 99 % half hour, less the 3-minute average's lag) */
	KUNIT_EXPECT_LE(test, abs(st.ttf_s - 40050 * 3600 / 9900), 40LL);
}

/* ---- overflow: a year at 100 A, the current reversing every 6 h ---- */

static void smartbms_test_mon_year(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_mon_rig(test, 150);
	u64 t, step = 5000, year = 365ULL * 24 * T_H;
	struct smartbms_mon_state st;

	KUNIT_ASSERT_EQ(test, smartbms_mon_restore(&g->c, 50000, false), 0);
	for (t = 0; t < year; t += step) {
		g->s.ibat_ma = (t / (6 * T_H)) % 2 ? 100000 : -100000;
		smartbms_rig_step(g, t);
		if (smartbms_mon_uas(g) < 0 ||
		    smartbms_mon_uas(g) > T_CAP_MAH * T_UAS_PER_MAH)
			break;
	}
	KUNIT_EXPECT_EQ(test, t, year);
	st = smartbms_mon_st(test, g);
	/* the last 6 h charged at 100 A from empty: full */
	KUNIT_EXPECT_EQ(test, st.charge_mah, (u32)T_CAP_MAH);
	/* and the ADC's extremes do not wrap either */
	g->s.ibat_ma = S32_MIN;
	smartbms_rig_step(g, t);
	KUNIT_EXPECT_EQ(test, smartbms_mon_uas(g), 0LL);
	g->s.ibat_ma = S32_MAX;
	smartbms_rig_step(g, t + step);
	KUNIT_EXPECT_EQ(test, smartbms_mon_uas(g), T_CAP_MAH * T_UAS_PER_MAH);
}

/* ---- BMS-MON-5: save and restore ---- */

static void smartbms_test_mon_restore(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_mon_rig(test, 105);
	struct smartbms_soc_saved sv = {
		.charge_mah = 70000, .full_mah = T_CAP_MAH,
		.flags = SMARTBMS_SOC_FLAG_SYNCED | SMARTBMS_SOC_FLAG_FINAL,
		.time_s = 1000000,
	};

	KUNIT_EXPECT_EQ(test, smartbms_mon_restore(&g->c, T_CAP_MAH + 1, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync, SMARTBMS_MON_UNKNOWN);
	/* a reboot of 10 minutes after a final save: still synchronised */
	KUNIT_EXPECT_EQ(test, smartbms_mon_restore_saved(&g->c, &sv, 1000600), 0);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync, SMARTBMS_MON_SYNCED);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).charge_mah, 70000U);
	/* only once: a counter with a value is not overwritten */
	KUNIT_EXPECT_EQ(test, smartbms_mon_restore_saved(&g->c, &sv, 1000600),
			-EBUSY);

	g = smartbms_mon_rig(test, 105);
	KUNIT_EXPECT_EQ(test, smartbms_mon_restore_saved(&g->c, &sv, 1000601), 0);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync,
			SMARTBMS_MON_NOT_SYNCED);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).why,
			SMARTBMS_MON_WHY_RESTORED);
	/* a clock that went back: the downtime is not known */
	g = smartbms_mon_rig(test, 105);
	KUNIT_EXPECT_EQ(test, smartbms_mon_restore_saved(&g->c, &sv, 999999), 0);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync,
			SMARTBMS_MON_NOT_SYNCED);
	/* a save while running: not final */
	g = smartbms_mon_rig(test, 105);
	sv.flags = SMARTBMS_SOC_FLAG_SYNCED;
	KUNIT_EXPECT_EQ(test, smartbms_mon_restore_saved(&g->c, &sv, 1000001), 0);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync,
			SMARTBMS_MON_NOT_SYNCED);
	/* counted against another battery */
	g = smartbms_mon_rig(test, 105);
	sv.full_mah = 200000;
	KUNIT_EXPECT_EQ(test, smartbms_mon_restore_saved(&g->c, &sv, 1000001),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smartbms_mon_st(test, g).sync, SMARTBMS_MON_UNKNOWN);
}

static void smartbms_test_mon_save_rate(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_mon_rig(test, 100);
	struct smartbms_soc_saved sv, back;
	u8 blob[SMARTBMS_SOC_BLOB_SIZE];
	u64 t;
	int saves = 0;

	KUNIT_ASSERT_EQ(test, smartbms_mon_restore(&g->c, T_CAP_MAH, true), 0);
	/*
	 * 100 A out of 100 Ah: 1 % per 36 s, but at most one save a minute,
	 * after the first at once (the state became known)
	 */
	g->s.ibat_ma = -100000;
	for (t = 0; t <= 600000; t += 100) {
		smartbms_rig_step(g, t);
		if (smartbms_mon_save_due(&g->c, t)) {
			smartbms_mon_mark_saved(&g->c, t);
			saves++;
		}
	}
	KUNIT_EXPECT_EQ(test, saves, 11);
	/* 1 A: 1 % per 60 min, a save every hour */
	g->s.ibat_ma = -1000;
	saves = 0;
	for (t = 600000; t <= 600000 + 4 * T_H; t += 1000) {
		smartbms_rig_step(g, t);
		if (smartbms_mon_save_due(&g->c, t)) {
			smartbms_mon_mark_saved(&g->c, t);
			saves++;
		}
	}
	KUNIT_EXPECT_EQ(test, saves, 4);

	KUNIT_ASSERT_EQ(test, smartbms_mon_saved(&g->c, 1234, true, &sv), 0);
	KUNIT_EXPECT_EQ(test, sv.flags, (u32)(SMARTBMS_SOC_FLAG_SYNCED |
					      SMARTBMS_SOC_FLAG_FINAL));
	KUNIT_ASSERT_EQ(test, smartbms_soc_pack(&sv, blob, sizeof(blob)), 0);
	KUNIT_ASSERT_EQ(test, smartbms_soc_unpack(blob, sizeof(blob), &back), 0);
	KUNIT_EXPECT_EQ(test, back.charge_mah, sv.charge_mah);
	KUNIT_EXPECT_EQ(test, back.full_mah, (u32)T_CAP_MAH);
	KUNIT_EXPECT_EQ(test, back.time_s, 1234LL);
	blob[9] ^= 1;
	KUNIT_EXPECT_EQ(test, smartbms_soc_unpack(blob, sizeof(blob), &back),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smartbms_soc_unpack(blob, sizeof(blob) - 1, &back),
			-EINVAL);
}

/* ---- BMS-MON-2: settings ---- */

static void smartbms_test_mon_settings(struct kunit *test)
{
	struct smartbms_settings set, back;
	u8 blob[SMARTBMS_SETTINGS_BLOB_SIZE];

	smartbms_settings_default(&set);
	KUNIT_EXPECT_EQ(test, set.mon.charged_mv, 14000U);
	KUNIT_EXPECT_EQ(test, set.mon.tail_permille, 40U);
	KUNIT_EXPECT_EQ(test, set.mon.charged_s, 180U);
	KUNIT_EXPECT_EQ(test, set.mon.efficiency_pct, 99U);
	KUNIT_EXPECT_EQ(test, set.mon.peukert_centi, 105U);
	set.mon.peukert_centi = 151;
	KUNIT_EXPECT_FALSE(test, smartbms_settings_valid(&set));
	set.mon.peukert_centi = 125;
	set.mon.efficiency_pct = 49;
	KUNIT_EXPECT_FALSE(test, smartbms_settings_valid(&set));
	set.mon.efficiency_pct = 95;
	set.mon.charged_mv = 13500;
	set.mon.charged_s = 3000;
	set.mon.tail_permille = 5;
	KUNIT_ASSERT_EQ(test, smartbms_settings_pack(&set, blob, sizeof(blob)), 0);
	KUNIT_ASSERT_EQ(test, smartbms_settings_unpack(blob, sizeof(blob), &back), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&back.mon, &set.mon, sizeof(set.mon)), 0);
}

/* ---- BMS-MON-4: what status and capacity level say ---- */

static void smartbms_test_mon_report(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_mon_rig(test, 100);
	struct smartbms_report rep;

	g->s.ibat_ma = 150;
	smartbms_rig_step(g, 0);
	smartbms_core_report(&g->c, &g->r, &rep);
	KUNIT_EXPECT_EQ(test, rep.status, SMARTBMS_STATUS_CHARGING);
	/* unknown: the level follows the alarms only */
	KUNIT_EXPECT_EQ(test, rep.level, SMARTBMS_LEVEL_NORMAL);
	g->s.ibat_ma = -150;
	smartbms_rig_step(g, 100);
	smartbms_core_report(&g->c, &g->r, &rep);
	KUNIT_EXPECT_EQ(test, rep.status, SMARTBMS_STATUS_DISCHARGING);
	g->s.ibat_ma = 100;
	smartbms_rig_step(g, 200);
	smartbms_core_report(&g->c, &g->r, &rep);
	KUNIT_EXPECT_EQ(test, rep.status, SMARTBMS_STATUS_NOT_CHARGING);

	/* 9.9 %: critical; 19.9 %: low; 20 %: normal */
	KUNIT_ASSERT_EQ(test, smartbms_mon_restore(&g->c, 9900, false), 0);
	smartbms_rig_step(g, 300);
	smartbms_core_report(&g->c, &g->r, &rep);
	KUNIT_EXPECT_EQ(test, rep.level, SMARTBMS_LEVEL_CRITICAL);
	g->c.mon.charge_uas = 19900 * T_UAS_PER_MAH;
	smartbms_rig_step(g, 400);
	smartbms_core_report(&g->c, &g->r, &rep);
	KUNIT_EXPECT_EQ(test, rep.level, SMARTBMS_LEVEL_LOW);
	g->c.mon.charge_uas = 20000 * T_UAS_PER_MAH;
	smartbms_rig_step(g, 500);
	smartbms_core_report(&g->c, &g->r, &rep);
	KUNIT_EXPECT_EQ(test, rep.level, SMARTBMS_LEVEL_NORMAL);

	/* full at a synchronised 100 % at rest, unless charging is not allowed */
	g->c.mon.charge_uas = T_CAP_MAH * T_UAS_PER_MAH;
	g->c.mon.sync = SMARTBMS_MON_SYNCED;
	smartbms_rig_step(g, 600);
	smartbms_core_report(&g->c, &g->r, &rep);
	KUNIT_EXPECT_EQ(test, rep.status, SMARTBMS_STATUS_FULL);
	KUNIT_EXPECT_EQ(test, rep.level, SMARTBMS_LEVEL_FULL);
	g->s.in[SMARTBMS_IN_ATC] = false;
	smartbms_rig_run(g, 700, 1000, 100);
	smartbms_core_report(&g->c, &g->r, &rep);
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_EQ(test, rep.status, SMARTBMS_STATUS_NOT_CHARGING);
}

static struct kunit_case smartbms_monitor_test_cases[] = {
	KUNIT_CASE(smartbms_test_mon_integrate),
	KUNIT_CASE(smartbms_test_mon_efficiency),
	KUNIT_CASE_PARAM(smartbms_test_mon_peukert, smartbms_peukert_gen_params),
	KUNIT_CASE(smartbms_test_mon_sync_tail),
	KUNIT_CASE_PARAM(smartbms_test_mon_sync_tail_miss,
			 smartbms_tail_miss_gen_params),
	KUNIT_CASE(smartbms_test_mon_sync_interrupted),
	KUNIT_CASE(smartbms_test_mon_sync_charge_limit),
	KUNIT_CASE(smartbms_test_mon_unknown),
	KUNIT_CASE(smartbms_test_mon_empty),
	KUNIT_CASE(smartbms_test_mon_gap),
	KUNIT_CASE(smartbms_test_mon_ttg),
#ifdef KUNIT_CASE_SLOW
	KUNIT_CASE_SLOW(smartbms_test_mon_year),	/* seconds: a year of samples */
#else
	KUNIT_CASE(smartbms_test_mon_year),
#endif
	KUNIT_CASE(smartbms_test_mon_restore),
	KUNIT_CASE(smartbms_test_mon_save_rate),
	KUNIT_CASE(smartbms_test_mon_settings),
	KUNIT_CASE(smartbms_test_mon_report),
	{}
};

static struct kunit_suite smartbms_monitor_test_suite = {
	.name = "smartbms_monitor",
	.test_cases = smartbms_monitor_test_cases,
};

kunit_test_suite(smartbms_monitor_test_suite);

MODULE_IMPORT_NS(SMARTBMS);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the smartbms battery monitor");
