// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the smartbms protection core. Every case names the SPEC
 * ID it checks; the host build (tools/testing/host) runs the very same
 * cases under cmocka through a small <kunit/test.h> shim.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "smartbms_compat.h"
#include "smartbms_core.h"
#include "smartbms_test_rig.h"

static bool smartbms_settings_eq(const struct smartbms_settings *a,
				 const struct smartbms_settings *b)
{
	return a->fuse == b->fuse && a->prealarm_usage == b->prealarm_usage &&
	       a->prealarm_signal == b->prealarm_signal &&
	       a->charge_limit_mv == b->charge_limit_mv &&
	       a->remote_fn == b->remote_fn && a->switch_on == b->switch_on &&
	       a->debounce_ms == b->debounce_ms;
}

/* ---- BMS-OUT-5 ---- */

static void smartbms_test_out_5_startup(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);
	unsigned int o;

	g->s.chan_ok &= ~BIT(SMARTBMS_CH_IALT);
	smartbms_rig_run(g, 0, 500, 10);
	for (o = 0; o < SMARTBMS_OUT_NUM; o++) {
		KUNIT_EXPECT_FALSE(test, g->r.out[o]);
		KUNIT_EXPECT_EQ(test, g->r.reason[o], SMARTBMS_REASON_STARTUP);
	}
	g->s.chan_ok |= BIT(SMARTBMS_CH_IALT);
	smartbms_rig_step(g, 510);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	KUNIT_EXPECT_EQ(test, g->r.codes, 0U);
}

/* Discharge not allowed at the first evaluation: loads never go on. */
static void smartbms_test_out_5_startup_atd_low(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	g->s.in[SMARTBMS_IN_ATD] = false;
	smartbms_rig_run(g, 0, 1000, 10);
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
	KUNIT_EXPECT_TRUE(test, CODE(g, A_B11));
	g->s.in[SMARTBMS_IN_ATD] = true;
	smartbms_rig_run(g, 1010, 1100, 10);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	KUNIT_EXPECT_FALSE(test, CODE(g, A_B11));
}

static void smartbms_test_out_5_e_b30(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);
	unsigned int o;

	g->s.calibration_ok = false;
	smartbms_rig_step(g, 0);
	KUNIT_EXPECT_TRUE(test, CODE(g, E_B30));
	for (o = 0; o < SMARTBMS_OUT_NUM; o++)
		KUNIT_EXPECT_FALSE(test, g->r.out[o]);
	g->s.calibration_ok = true;
	smartbms_rig_engine(g, 100);
	KUNIT_EXPECT_FALSE(test, CODE(g, E_B30));
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	g->s.calibration_ok = false;
	smartbms_rig_step(g, 6000);
	KUNIT_EXPECT_TRUE(test, CODE(g, E_B30));
	for (o = 0; o < SMARTBMS_OUT_NUM; o++) {
		KUNIT_EXPECT_FALSE(test, g->r.out[o]);
		KUNIT_EXPECT_EQ(test, g->r.reason[o],
				SMARTBMS_REASON_CALIBRATION);
	}
}

struct smartbms_vref_case {
	s32 mv;
	bool fault;
};

static const struct smartbms_vref_case smartbms_vref_cases[] = {
	{ 2374, true }, { 2375, false }, { 2500, false },
	{ 2625, false }, { 2626, true }, { 0, true },
};

static void smartbms_vref_desc(const struct smartbms_vref_case *p, char *d)
{
	snprintf(d, KUNIT_PARAM_DESC_SIZE, "vref %d mV", p->mv);
}

KUNIT_ARRAY_PARAM(smartbms_vref, smartbms_vref_cases, smartbms_vref_desc);

static void smartbms_test_out_5_e_b33(struct kunit *test)
{
	const struct smartbms_vref_case *p = test->param_value;
	struct smartbms_rig *g = smartbms_rig_new(test,
						  BIT(SMARTBMS_CH_VREF), 0,
						  false);

	smartbms_rig_step(g, 0);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	g->s.val[SMARTBMS_CH_VREF] = p->mv;
	smartbms_rig_run(g, 10, 1000, 10);
	/* out of tolerance since 10 ms: nothing yet at 1000 ms */
	KUNIT_EXPECT_FALSE(test, CODE(g, E_B33));
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	smartbms_rig_step(g, 1010);
	KUNIT_EXPECT_EQ(test, CODE(g, E_B33), p->fault);
	KUNIT_EXPECT_EQ(test, OUT(g, LOAD), !p->fault);
	KUNIT_EXPECT_EQ(test, OUT(g, CHARGE), !p->fault);
	if (p->fault)
		KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_LOAD],
				SMARTBMS_REASON_REFERENCE);
	/* latched: a good reference afterwards changes nothing */
	g->s.val[SMARTBMS_CH_VREF] = 2500;
	smartbms_rig_run(g, 1020, 5000, 10);
	KUNIT_EXPECT_EQ(test, CODE(g, E_B33), p->fault);
	KUNIT_EXPECT_EQ(test, OUT(g, LOAD), !p->fault);
}

/* E-B33: shorter excursions change nothing, however often they come. */
static void smartbms_test_code_e_b33_chatter(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test,
						  BIT(SMARTBMS_CH_VREF), 0,
						  false);
	bool load_dropped = false;
	u64 t;

	for (t = 0; t <= 20000; t += 10) {
		/* 990 ms out of tolerance, 10 ms in, again and again */
		g->s.val[SMARTBMS_CH_VREF] = t % 1000 ? 2000 : 2500;
		smartbms_rig_step(g, t);
		if (t && !OUT(g, LOAD))
			load_dropped = true;
	}
	KUNIT_EXPECT_FALSE(test, load_dropped);
	KUNIT_EXPECT_FALSE(test, CODE(g, E_B33));
}

/* E-B33: a reference that cannot be read counts from the first error. */
static void smartbms_test_code_e_b33_read_error(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test,
						  BIT(SMARTBMS_CH_VREF), 0,
						  false);

	smartbms_rig_step(g, 0);
	g->s.chan_ok &= ~BIT(SMARTBMS_CH_VREF);
	smartbms_rig_run(g, 100, 1090, 10);
	KUNIT_EXPECT_FALSE(test, CODE(g, E_B33));
	smartbms_rig_step(g, 1100);
	KUNIT_EXPECT_TRUE(test, CODE(g, E_B33));
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
}

/* E-B33: one bad reference sample does not cut the 30 s pre-alarm short. */
static void smartbms_test_code_e_b33_prealarm(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test,
						  BIT(SMARTBMS_CH_VREF), 0,
						  false);

	smartbms_rig_debounce(g, 0);
	smartbms_rig_step(g, 0);
	g->s.in[SMARTBMS_IN_ATD] = false;
	smartbms_rig_step(g, 1000);
	KUNIT_EXPECT_TRUE(test, OUT(g, PREALARM));
	g->s.val[SMARTBMS_CH_VREF] = 2000;
	smartbms_rig_step(g, 10000);
	g->s.val[SMARTBMS_CH_VREF] = 2500;
	smartbms_rig_step(g, 10100);
	smartbms_rig_step(g, 30999);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	KUNIT_EXPECT_TRUE(test, OUT(g, PREALARM));
	smartbms_rig_step(g, 31000);
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
	KUNIT_EXPECT_TRUE(test, CODE(g, A_B11));
}

/* ---- BMS-OUT-1, BMS-OUT-3, BMS-OUT-4 ---- */

static void smartbms_test_out_1_3_atd_30s(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	smartbms_rig_debounce(g, 0);
	smartbms_rig_step(g, 0);
	KUNIT_EXPECT_EQ(test, g->r.next_ms, SMARTBMS_T_NEVER);
	g->s.in[SMARTBMS_IN_ATD] = false;
	smartbms_rig_step(g, 1000);
	KUNIT_EXPECT_TRUE(test, OUT(g, PREALARM));
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	KUNIT_EXPECT_TRUE(test, CODE(g, W_B12));
	KUNIT_EXPECT_EQ(test, g->r.next_ms, 31000ULL);
	smartbms_rig_step(g, 30999);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	KUNIT_EXPECT_TRUE(test, OUT(g, PREALARM));
	smartbms_rig_step(g, 31000);
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_LOAD],
			SMARTBMS_REASON_ATD);
	KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
	KUNIT_EXPECT_TRUE(test, CODE(g, A_B11));
	KUNIT_EXPECT_FALSE(test, CODE(g, W_B12));
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	g->s.in[SMARTBMS_IN_ATD] = true;
	smartbms_rig_step(g, 40000);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	KUNIT_EXPECT_FALSE(test, CODE(g, A_B11));
	KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
}

/* A pre-alarm older than 30 s: loads drop with ATD at once. */
static void smartbms_test_out_3_prealarm_before(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0,
						  BIT(SMARTBMS_IN_PREALARM),
						  false);

	smartbms_rig_debounce(g, 0);
	smartbms_rig_step(g, 0);
	g->s.in[SMARTBMS_IN_PREALARM] = true;
	smartbms_rig_step(g, 1000);
	KUNIT_EXPECT_TRUE(test, OUT(g, PREALARM));
	KUNIT_EXPECT_TRUE(test, CODE(g, W_B12));
	KUNIT_EXPECT_EQ(test, g->r.next_ms, SMARTBMS_T_NEVER);
	g->s.in[SMARTBMS_IN_ATD] = false;
	smartbms_rig_step(g, 20000);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	KUNIT_EXPECT_EQ(test, g->r.next_ms, 31000ULL);
	smartbms_rig_step(g, 30999);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	smartbms_rig_step(g, 31000);
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
	KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
	KUNIT_EXPECT_FALSE(test, CODE(g, E_B32));
}

static void smartbms_test_out_3_prealarm_long_before(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0,
						  BIT(SMARTBMS_IN_PREALARM),
						  false);

	smartbms_rig_debounce(g, 0);
	smartbms_rig_step(g, 0);
	g->s.in[SMARTBMS_IN_PREALARM] = true;
	smartbms_rig_step(g, 1000);
	g->s.in[SMARTBMS_IN_ATD] = false;
	smartbms_rig_step(g, 41000);
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
	KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
	KUNIT_EXPECT_TRUE(test, CODE(g, A_B11));
}

static void smartbms_test_out_4_intermittent(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0,
						  BIT(SMARTBMS_IN_PREALARM),
						  false);
	struct smartbms_settings set = g->c.set;

	set.prealarm_signal = SMARTBMS_SIGNAL_INTERMITTENT;
	set.debounce_ms = 0;
	KUNIT_EXPECT_EQ(test, smartbms_core_set(&g->c, &set), 0);
	smartbms_rig_step(g, 0);
	g->s.in[SMARTBMS_IN_PREALARM] = true;
	smartbms_rig_step(g, 1000);
	KUNIT_EXPECT_TRUE(test, OUT(g, PREALARM));
	KUNIT_EXPECT_EQ(test, g->r.next_ms, 1800ULL);
	smartbms_rig_step(g, 1799);
	KUNIT_EXPECT_TRUE(test, OUT(g, PREALARM));
	smartbms_rig_step(g, 1800);
	KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
	KUNIT_EXPECT_TRUE(test, CODE(g, W_B12));
	KUNIT_EXPECT_EQ(test, g->r.next_ms, 2600ULL);
	smartbms_rig_step(g, 2599);
	KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
	smartbms_rig_step(g, 2600);
	KUNIT_EXPECT_TRUE(test, OUT(g, PREALARM));
	g->s.in[SMARTBMS_IN_PREALARM] = false;
	smartbms_rig_step(g, 2700);
	KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
	KUNIT_EXPECT_FALSE(test, CODE(g, W_B12));
	KUNIT_EXPECT_EQ(test, g->r.next_ms, SMARTBMS_T_NEVER);
}

/* ---- BMS-OUT-2 ---- */

static void smartbms_test_out_2_atc(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	smartbms_rig_debounce(g, 0);
	smartbms_rig_engine(g, 0);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	g->s.in[SMARTBMS_IN_ATC] = false;
	smartbms_rig_step(g, 6000);
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_CHARGE],
			SMARTBMS_REASON_ATC);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
	KUNIT_EXPECT_FALSE(test, CODE(g, E_B32));
	g->s.in[SMARTBMS_IN_ATC] = true;
	smartbms_rig_step(g, 7000);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
}

/* ---- BMS-OUT-6 ---- */

static void smartbms_test_out_6_read_error(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	smartbms_rig_engine(g, 0);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	g->s.chan_ok &= ~BIT(SMARTBMS_CH_VBAT);
	smartbms_rig_step(g, 10000);
	KUNIT_EXPECT_EQ(test, g->r.next_ms, 11000ULL);
	smartbms_rig_step(g, 10999);
	KUNIT_EXPECT_EQ(test, g->r.sensor_fault, 0U);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	smartbms_rig_step(g, 11000);
	KUNIT_EXPECT_EQ(test, g->r.sensor_fault, (u32)BIT(SMARTBMS_CH_VBAT));
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_CHARGE],
			SMARTBMS_REASON_SENSOR);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	g->s.chan_ok |= BIT(SMARTBMS_CH_VBAT);
	smartbms_rig_step(g, 12000);
	KUNIT_EXPECT_EQ(test, g->r.next_ms, 13000ULL);
	smartbms_rig_step(g, 12999);
	KUNIT_EXPECT_EQ(test, g->r.sensor_fault, (u32)BIT(SMARTBMS_CH_VBAT));
	smartbms_rig_step(g, 13000);
	KUNIT_EXPECT_EQ(test, g->r.sensor_fault, 0U);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
}

struct smartbms_range_case {
	enum smartbms_chan ch;
	s32 val;
	bool fault;
};

/* The ranges of a 12 V LiFePO4 system, one unit either side of each end. */
static const struct smartbms_range_case smartbms_range_cases[] = {
	{ SMARTBMS_CH_VBAT, 3000, true },	/* pin volts, no divider described */
	{ SMARTBMS_CH_VBAT, 7999, true }, { SMARTBMS_CH_VBAT, 8000, false },
	{ SMARTBMS_CH_VBAT, 16000, false }, { SMARTBMS_CH_VBAT, 16001, true },
	{ SMARTBMS_CH_VSTART, -1, true }, { SMARTBMS_CH_VSTART, 0, false },
	{ SMARTBMS_CH_VSTART, 18000, false }, { SMARTBMS_CH_VSTART, 18001, true },
	{ SMARTBMS_CH_IALT, -5001, true }, { SMARTBMS_CH_IALT, -5000, false },
	{ SMARTBMS_CH_IALT, 150000, false }, { SMARTBMS_CH_IALT, 150001, true },
	{ SMARTBMS_CH_TEMP, -40001, true }, { SMARTBMS_CH_TEMP, -40000, false },
	{ SMARTBMS_CH_TEMP, 150000, false }, { SMARTBMS_CH_TEMP, 150001, true },
	{ SMARTBMS_CH_TBAT, -40001, true }, { SMARTBMS_CH_TBAT, 100000, false },
	{ SMARTBMS_CH_TBAT, 100001, true },
	{ SMARTBMS_CH_VCELL2, 999, true }, { SMARTBMS_CH_VCELL2, 1000, false },
	{ SMARTBMS_CH_VCELL2, 4500, false }, { SMARTBMS_CH_VCELL2, 4501, true },
};

static void smartbms_range_desc(const struct smartbms_range_case *p, char *d)
{
	snprintf(d, KUNIT_PARAM_DESC_SIZE, "%s %d",
		 smartbms_chan_name(p->ch), p->val);
}

KUNIT_ARRAY_PARAM(smartbms_range, smartbms_range_cases, smartbms_range_desc);

static void smartbms_test_out_6_range(struct kunit *test)
{
	const struct smartbms_range_case *p = test->param_value;
	struct smartbms_rig *g = smartbms_rig_new(test, BIT(SMARTBMS_CH_TBAT) |
						  SMARTBMS_T_CELLS, 0, false);

	smartbms_rig_step(g, 0);
	g->s.val[p->ch] = p->val;
	smartbms_rig_step(g, 10);
	KUNIT_EXPECT_EQ(test, !!(g->r.sensor_fault & BIT(p->ch)), p->fault);
	/* the cause is told apart from an unreadable channel */
	KUNIT_EXPECT_EQ(test, g->r.sensor_implausible, g->r.sensor_fault);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	if (p->fault && p->ch == SMARTBMS_CH_VBAT) {
		KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
		KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	}
}

/* An unreadable channel is a fault, but not an implausible reading. */
static void smartbms_test_out_6_cause(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	smartbms_rig_step(g, 0);
	g->s.val[SMARTBMS_CH_VBAT] = 3300;
	smartbms_rig_step(g, 10);
	KUNIT_EXPECT_EQ(test, g->r.sensor_implausible, (u32)BIT(SMARTBMS_CH_VBAT));
	/* then unreadable: still a fault, the cause now the read error */
	g->s.chan_ok &= ~BIT(SMARTBMS_CH_VBAT);
	smartbms_rig_step(g, 1010);
	smartbms_rig_step(g, 2010);
	KUNIT_EXPECT_EQ(test, g->r.sensor_fault, (u32)BIT(SMARTBMS_CH_VBAT));
	KUNIT_EXPECT_EQ(test, g->r.sensor_implausible, 0U);
	/* back in range: the fault clears after 1 s of good readings */
	g->s.chan_ok |= BIT(SMARTBMS_CH_VBAT);
	g->s.val[SMARTBMS_CH_VBAT] = 13200;
	smartbms_rig_step(g, 2020);
	smartbms_rig_step(g, 3020);
	KUNIT_EXPECT_EQ(test, g->r.sensor_fault, 0U);
	KUNIT_EXPECT_EQ(test, g->r.sensor_implausible, 0U);
}

/* ---- BMS-IN-1 ---- */

static void smartbms_test_in_1_debounce(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	smartbms_rig_step(g, 0);
	/* a 19 ms glitch on ATC is ignored */
	g->s.in[SMARTBMS_IN_ATC] = false;
	smartbms_rig_step(g, 1000);
	KUNIT_EXPECT_EQ(test, g->r.next_ms, 1020ULL);
	smartbms_rig_step(g, 1019);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	g->s.in[SMARTBMS_IN_ATC] = true;
	smartbms_rig_step(g, 1019);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_EQ(test, g->r.next_ms, SMARTBMS_T_NEVER);
	/* a lasting change acts at 20 ms */
	g->s.in[SMARTBMS_IN_ATC] = false;
	smartbms_rig_step(g, 2000);
	smartbms_rig_step(g, 2019);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	smartbms_rig_step(g, 2020);
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	/* debounce 0: at once */
	smartbms_rig_debounce(g, 0);
	g->s.in[SMARTBMS_IN_ATC] = true;
	smartbms_rig_step(g, 3000);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
}

/*
 * BMS-IN-1 under chatter: a driver late to sample can read the line twice
 * in the changed level, a debounce time apart, and miss the phases in
 * between. The edges its IRQ saw say the level did not last: the debounce
 * starts again from the last one.
 */
static void smartbms_test_in_1_chatter_edges(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	smartbms_rig_step(g, 0);
	g->s.in[SMARTBMS_IN_ATC] = false;
	smartbms_rig_step(g, 1000);
	/* low again 20 ms later, with edges in between: not a lasting low */
	g->s.in_edges = BIT(SMARTBMS_IN_ATC);
	smartbms_rig_step(g, 1020);
	g->s.in_edges = 0;
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_EQ(test, g->r.next_ms, 1040ULL);
	/* an edge on another line does not restart this one */
	g->s.in_edges = BIT(SMARTBMS_IN_ATD);
	smartbms_rig_step(g, 1039);
	g->s.in_edges = 0;
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	/* no edge for 20 ms: the low lasted, it acts */
	smartbms_rig_step(g, 1040);
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	/* at the stable level, edges change nothing */
	g->s.in_edges = BIT(SMARTBMS_IN_ATC);
	smartbms_rig_step(g, 2000);
	g->s.in_edges = 0;
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_EQ(test, g->r.next_ms, SMARTBMS_T_NEVER);
}

/* ---- BMS-CHG-1 ---- */

static void smartbms_test_chg_1_limit(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	smartbms_rig_step(g, 0);
	g->s.val[SMARTBMS_CH_VBAT] = 14199;
	smartbms_rig_step(g, 1000);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	g->s.val[SMARTBMS_CH_VBAT] = 14200;
	smartbms_rig_step(g, 2000);
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_CHARGE],
			SMARTBMS_REASON_CHARGE_LIMIT);
	/* 0.499 V below: never re-enabled */
	g->s.val[SMARTBMS_CH_VBAT] = 13701;
	smartbms_rig_run(g, 3000, 30000, 1000);
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_EQ(test, g->r.next_ms, SMARTBMS_T_NEVER);
	/* 0.5 V below for 10 s, interrupted once */
	g->s.val[SMARTBMS_CH_VBAT] = 13700;
	smartbms_rig_step(g, 31000);
	KUNIT_EXPECT_EQ(test, g->r.next_ms, 41000ULL);
	g->s.val[SMARTBMS_CH_VBAT] = 13701;
	smartbms_rig_step(g, 35000);
	g->s.val[SMARTBMS_CH_VBAT] = 13700;
	smartbms_rig_step(g, 36000);
	smartbms_rig_step(g, 45999);
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	smartbms_rig_step(g, 46000);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
}

/* ---- BMS-REM-1..3 ---- */

struct smartbms_remote_case {
	bool has_l, has_h, l, h, on;
};

static const struct smartbms_remote_case smartbms_remote_cases[] = {
	{ false, false, false, false, true },
	{ true, true, true, false, true },
	{ true, true, false, true, true },
	{ true, true, true, true, true },
	{ true, true, false, false, false },
	{ true, false, false, false, false },
	{ true, false, true, false, true },
	{ false, true, false, true, true },
	{ false, true, false, false, false },
};

static void smartbms_remote_desc(const struct smartbms_remote_case *p,
				 char *d)
{
	snprintf(d, KUNIT_PARAM_DESC_SIZE, "L%s=%d H%s=%d",
		 p->has_l ? "" : "(none)", p->l, p->has_h ? "" : "(none)",
		 p->h);
}

KUNIT_ARRAY_PARAM(smartbms_remote, smartbms_remote_cases,
		  smartbms_remote_desc);

static void smartbms_test_rem_1_terminals(struct kunit *test)
{
	const struct smartbms_remote_case *p = test->param_value;
	u32 in = (p->has_l ? BIT(SMARTBMS_IN_REMOTE_L) : 0) |
		 (p->has_h ? BIT(SMARTBMS_IN_REMOTE_H) : 0);
	struct smartbms_rig *g = smartbms_rig_new(test, 0, in, false);

	g->s.in[SMARTBMS_IN_REMOTE_L] = p->l;
	g->s.in[SMARTBMS_IN_REMOTE_H] = p->h;
	smartbms_rig_engine(g, 0);
	KUNIT_EXPECT_EQ(test, g->r.remote_on, p->on);
	KUNIT_EXPECT_EQ(test, OUT(g, ALT), p->on);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
}

static void smartbms_test_rem_2_system(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0,
						  BIT(SMARTBMS_IN_REMOTE_L),
						  false);
	struct smartbms_settings set = g->c.set;

	set.remote_fn = SMARTBMS_REMOTE_SYSTEM;
	set.debounce_ms = 0;
	KUNIT_EXPECT_EQ(test, smartbms_core_set(&g->c, &set), 0);
	smartbms_rig_engine(g, 0);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	g->s.in[SMARTBMS_IN_REMOTE_L] = false;
	smartbms_rig_step(g, 6000);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_LOAD],
			SMARTBMS_REASON_REMOTE);
	KUNIT_EXPECT_FALSE(test, CODE(g, A_B11));
	g->s.in[SMARTBMS_IN_REMOTE_L] = true;
	smartbms_rig_step(g, 6100);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
}

static void smartbms_test_rem_3_software(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0,
						  BIT(SMARTBMS_IN_REMOTE_L),
						  false);
	struct smartbms_settings set = g->c.set;

	set.remote_fn = SMARTBMS_REMOTE_SYSTEM;
	set.switch_on = false;
	KUNIT_EXPECT_EQ(test, smartbms_core_set(&g->c, &set), 0);
	smartbms_rig_step(g, 0);
	KUNIT_EXPECT_FALSE(test, g->r.remote_on);
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
	set.switch_on = true;
	KUNIT_EXPECT_EQ(test, smartbms_core_set(&g->c, &set), 0);
	smartbms_rig_step(g, 100);
	KUNIT_EXPECT_TRUE(test, g->r.remote_on);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	/* both must be on */
	g->s.in[SMARTBMS_IN_REMOTE_L] = false;
	smartbms_rig_run(g, 200, 300, 10);
	KUNIT_EXPECT_FALSE(test, g->r.remote_on);
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
}

/* ---- BMS-CELL-1, BMS-CELL-2 ---- */

enum smartbms_cell_kind { CELL_UV, CELL_PA, CELL_OV, CELL_TLOW, CELL_THIGH };

struct smartbms_cell_case {
	enum smartbms_cell_kind kind;
	s32 val;
	bool trip;
};

static const struct smartbms_cell_case smartbms_cell_cases[] = {
	{ CELL_UV, 2799, true }, { CELL_UV, 2800, false },
	{ CELL_PA, 3099, true }, { CELL_PA, 3100, false },
	{ CELL_OV, 3751, true }, { CELL_OV, 3750, false },
	{ CELL_TLOW, 4999, true }, { CELL_TLOW, 5000, false },
	{ CELL_THIGH, 50001, true }, { CELL_THIGH, 50000, false },
};

static void smartbms_cell_desc(const struct smartbms_cell_case *p, char *d)
{
	static const char * const k[] = { "uv", "pa", "ov", "tlow", "thigh" };

	snprintf(d, KUNIT_PARAM_DESC_SIZE, "%s %d", k[p->kind], p->val);
}

KUNIT_ARRAY_PARAM(smartbms_cell, smartbms_cell_cases, smartbms_cell_desc);

static void smartbms_test_cell_1_thresholds(struct kunit *test)
{
	const struct smartbms_cell_case *p = test->param_value;
	struct smartbms_rig *g = smartbms_rig_new(test, SMARTBMS_T_CELLS |
						  BIT(SMARTBMS_CH_TBAT), 0,
						  false);
	bool temp = p->kind == CELL_TLOW || p->kind == CELL_THIGH;

	smartbms_rig_step(g, 0);
	if (temp)
		g->s.val[SMARTBMS_CH_TBAT] = p->val;
	else
		g->s.val[SMARTBMS_CH_VCELL1] = p->val;
	smartbms_rig_step(g, 1000);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
	smartbms_rig_step(g, 1499);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
	smartbms_rig_step(g, 1500);
	switch (p->kind) {
	case CELL_UV:
	case CELL_PA:
		/* every undervoltage value is below the pre-alarm too */
		KUNIT_EXPECT_EQ(test, OUT(g, PREALARM),
				p->trip || p->kind == CELL_UV);
		KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
		KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
		smartbms_rig_step(g, 31499);
		KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
		smartbms_rig_step(g, 31500);
		KUNIT_EXPECT_EQ(test, OUT(g, LOAD),
				!(p->trip && p->kind == CELL_UV));
		break;
	case CELL_OV:
		KUNIT_EXPECT_EQ(test, OUT(g, CHARGE), !p->trip);
		if (p->trip)
			KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_CHARGE],
					SMARTBMS_REASON_CELL_OV);
		break;
	default:
		KUNIT_EXPECT_EQ(test, OUT(g, CHARGE), !p->trip);
		if (p->trip)
			KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_CHARGE],
					SMARTBMS_REASON_CELL_TEMP);
		break;
	}
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD) || p->kind == CELL_UV);
}

/* Resets: every cell >= 3.20 V for UV, < 3.60 V for OV. */
static void smartbms_test_cell_1_reset(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, SMARTBMS_T_CELLS, 0,
						  false);

	smartbms_rig_step(g, 0);
	g->s.val[SMARTBMS_CH_VCELL0] = 2700;
	smartbms_rig_run(g, 100, 40000, 100);
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_LOAD],
			SMARTBMS_REASON_CELL_UV);
	KUNIT_EXPECT_TRUE(test, CODE(g, A_B11));
	g->s.val[SMARTBMS_CH_VCELL0] = 3199;
	smartbms_rig_run(g, 40100, 42000, 100);
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
	g->s.val[SMARTBMS_CH_VCELL0] = 3200;
	smartbms_rig_step(g, 42100);
	smartbms_rig_step(g, 42599);
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
	smartbms_rig_step(g, 42600);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	KUNIT_EXPECT_FALSE(test, CODE(g, A_B11));

	g->s.val[SMARTBMS_CH_VCELL3] = 3800;
	smartbms_rig_run(g, 43000, 44000, 100);
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	g->s.val[SMARTBMS_CH_VCELL3] = 3600;
	smartbms_rig_run(g, 44100, 46000, 100);
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	g->s.val[SMARTBMS_CH_VCELL3] = 3599;
	smartbms_rig_run(g, 46100, 46700, 100);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
}

static void smartbms_test_cell_2_noise(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, SMARTBMS_T_CELLS |
						  BIT(SMARTBMS_CH_TBAT), 0,
						  false);
	u64 t;

	smartbms_rig_step(g, 0);
	for (t = 100; t < 20000; t += 100) {
		bool spike = (t / 100) % 2;

		g->s.val[SMARTBMS_CH_VCELL0] = spike ? 2000 : 3300;
		g->s.val[SMARTBMS_CH_VCELL1] = spike ? 4000 : 3300;
		g->s.val[SMARTBMS_CH_TBAT] = spike ? -10000 : 20000;
		smartbms_rig_step(g, t);
		KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
		KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
		KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
	}
}

/* ---- BMS-SET-1, BMS-SET-3 ---- */

enum smartbms_set_field { SET_FUSE, SET_USAGE, SET_SIGNAL, SET_LIMIT,
			  SET_REMOTE, SET_DEBOUNCE };

struct smartbms_set_case {
	enum smartbms_set_field field;
	u32 val;
	bool ok;
};

static const struct smartbms_set_case smartbms_set_cases[] = {
	{ SET_LIMIT, 12999, false }, { SET_LIMIT, 13000, true },
	{ SET_LIMIT, 15300, true }, { SET_LIMIT, 15301, false },
	{ SET_DEBOUNCE, 0, true }, { SET_DEBOUNCE, 1000, true },
	{ SET_DEBOUNCE, 1001, false },
	{ SET_FUSE, SMARTBMS_FUSE_2X7_5, true },
	{ SET_FUSE, SMARTBMS_FUSE_NUM, false },
	{ SET_USAGE, SMARTBMS_PREALARM_UNAVAILABLE, true },
	{ SET_USAGE, 2, false },
	{ SET_SIGNAL, SMARTBMS_SIGNAL_INTERMITTENT, true },
	{ SET_SIGNAL, 2, false },
	{ SET_REMOTE, SMARTBMS_REMOTE_SYSTEM, true },
	{ SET_REMOTE, 2, false },
};

static void smartbms_set_desc(const struct smartbms_set_case *p, char *d)
{
	static const char * const f[] = { "fuse", "usage", "signal", "limit",
					  "remote", "debounce" };

	snprintf(d, KUNIT_PARAM_DESC_SIZE, "%s %u", f[p->field], p->val);
}

KUNIT_ARRAY_PARAM(smartbms_set, smartbms_set_cases, smartbms_set_desc);

static void smartbms_test_set_1_validate(struct kunit *test)
{
	const struct smartbms_set_case *p = test->param_value;
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);
	struct smartbms_settings before = g->c.set, set = g->c.set;

	switch (p->field) {
	case SET_FUSE:
		set.fuse = p->val;
		break;
	case SET_USAGE:
		set.prealarm_usage = p->val;
		break;
	case SET_SIGNAL:
		set.prealarm_signal = p->val;
		break;
	case SET_LIMIT:
		set.charge_limit_mv = p->val;
		break;
	case SET_REMOTE:
		set.remote_fn = p->val;
		break;
	case SET_DEBOUNCE:
		set.debounce_ms = p->val;
		break;
	}
	KUNIT_EXPECT_EQ(test, smartbms_core_set(&g->c, &set),
			p->ok ? 0 : -EINVAL);
	KUNIT_EXPECT_EQ(test, smartbms_settings_valid(&set), p->ok);
	KUNIT_EXPECT_TRUE(test, smartbms_settings_eq(&g->c.set,
						     p->ok ? &set : &before));
}

static void smartbms_test_set_1_defaults(struct kunit *test)
{
	struct smartbms_settings set;

	smartbms_settings_default(&set);
	KUNIT_EXPECT_EQ(test, set.fuse, SMARTBMS_FUSE_UNSET);
	KUNIT_EXPECT_EQ(test, set.prealarm_usage, SMARTBMS_PREALARM_USE);
	KUNIT_EXPECT_EQ(test, set.prealarm_signal, SMARTBMS_SIGNAL_CONTINUOUS);
	KUNIT_EXPECT_EQ(test, set.charge_limit_mv, 14200U);
	KUNIT_EXPECT_EQ(test, set.remote_fn, SMARTBMS_REMOTE_ALTERNATOR);
	KUNIT_EXPECT_TRUE(test, set.switch_on);
	KUNIT_EXPECT_EQ(test, set.debounce_ms, 20U);
}

static void smartbms_test_set_3_unavailable(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0,
						  BIT(SMARTBMS_IN_PREALARM),
						  false);
	struct smartbms_settings set = g->c.set;

	set.prealarm_usage = SMARTBMS_PREALARM_UNAVAILABLE;
	set.debounce_ms = 0;
	KUNIT_EXPECT_EQ(test, smartbms_core_set(&g->c, &set), 0);
	smartbms_rig_step(g, 0);
	/* the battery's signal is ignored */
	g->s.in[SMARTBMS_IN_PREALARM] = true;
	smartbms_rig_step(g, 1000);
	KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
	/* derived from ATD, 30 s rule kept; no E-B32 either */
	g->s.in[SMARTBMS_IN_ATD] = false;
	g->s.in[SMARTBMS_IN_ATC] = false;
	smartbms_rig_step(g, 2000);
	KUNIT_EXPECT_TRUE(test, OUT(g, PREALARM));
	KUNIT_EXPECT_FALSE(test, CODE(g, E_B32));
	smartbms_rig_step(g, 31999);
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	smartbms_rig_step(g, 32000);
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
	KUNIT_EXPECT_FALSE(test, OUT(g, PREALARM));
}

/* ---- codes of SPEC section 7 ---- */

static void smartbms_test_code_e_b31(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	g->s.config_ok = false;
	smartbms_rig_step(g, 0);
	KUNIT_EXPECT_TRUE(test, CODE(g, E_B31));
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	g->s.config_ok = true;
	smartbms_rig_step(g, 100);
	KUNIT_EXPECT_FALSE(test, CODE(g, E_B31));
}

static void smartbms_test_code_e_b32_cable_detect(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0,
						  BIT(SMARTBMS_IN_CABLE),
						  false);

	smartbms_rig_debounce(g, 0);
	smartbms_rig_step(g, 0);
	KUNIT_EXPECT_FALSE(test, CODE(g, E_B32));
	g->s.in[SMARTBMS_IN_CABLE] = false;
	smartbms_rig_step(g, 1000);
	KUNIT_EXPECT_TRUE(test, CODE(g, E_B32));
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_CHARGE],
			SMARTBMS_REASON_CABLE);
	KUNIT_EXPECT_TRUE(test, OUT(g, PREALARM));
	smartbms_rig_step(g, 31000);
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_LOAD],
			SMARTBMS_REASON_CABLE);
	g->s.in[SMARTBMS_IN_CABLE] = true;
	smartbms_rig_step(g, 32000);
	KUNIT_EXPECT_FALSE(test, CODE(g, E_B32));
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
}

struct smartbms_cable_case {
	u32 gap_ms;
	bool prealarm;
	bool raised;
};

static const struct smartbms_cable_case smartbms_cable_cases[] = {
	{ 0, false, true }, { 100, false, true }, { 101, false, false },
	{ 0, true, false }, { 50, true, false },
};

static void smartbms_cable_desc(const struct smartbms_cable_case *p,
				char *d)
{
	snprintf(d, KUNIT_PARAM_DESC_SIZE, "gap %u ms%s", p->gap_ms,
		 p->prealarm ? " after pre-alarm" : "");
}

KUNIT_ARRAY_PARAM(smartbms_cable, smartbms_cable_cases, smartbms_cable_desc);

static void smartbms_test_code_e_b32_lines(struct kunit *test)
{
	const struct smartbms_cable_case *p = test->param_value;
	struct smartbms_rig *g = smartbms_rig_new(test, 0,
						  BIT(SMARTBMS_IN_PREALARM),
						  false);

	smartbms_rig_debounce(g, 0);
	smartbms_rig_step(g, 0);
	if (p->prealarm) {
		g->s.in[SMARTBMS_IN_PREALARM] = true;
		smartbms_rig_step(g, 500);
	}
	g->s.in[SMARTBMS_IN_ATD] = false;
	smartbms_rig_step(g, 1000);
	g->s.in[SMARTBMS_IN_ATC] = false;
	smartbms_rig_step(g, 1000 + p->gap_ms);
	smartbms_rig_step(g, 1200);
	KUNIT_EXPECT_EQ(test, CODE(g, E_B32), p->raised);
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	if (!p->raised)
		return;
	/* a high line proves the loop closed (SPEC section 7) */
	g->s.in[SMARTBMS_IN_ATC] = true;
	smartbms_rig_step(g, 2000);
	KUNIT_EXPECT_FALSE(test, CODE(g, E_B32));
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
}

/*
 * E-B32: booted with the BMS cable unplugged (both lines low), then
 * plugged into a flat battery (ATC high, ATD low). The fault clears and
 * the battery can recharge from the alternator and System+.
 */
static void smartbms_test_code_e_b32_replug_flat(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	smartbms_rig_debounce(g, 0);
	g->s.in[SMARTBMS_IN_ATC] = false;
	g->s.in[SMARTBMS_IN_ATD] = false;
	smartbms_rig_run(g, 0, 1000, 10);
	KUNIT_EXPECT_TRUE(test, CODE(g, E_B32));
	KUNIT_EXPECT_FALSE(test, OUT(g, CHARGE));
	g->s.in[SMARTBMS_IN_ATC] = true;
	smartbms_rig_step(g, 2000);
	KUNIT_EXPECT_FALSE(test, CODE(g, E_B32));
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_LOAD],
			SMARTBMS_REASON_ATD);
	smartbms_rig_engine(g, 2100);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	/* ATD high as well later: nothing comes back as a cable fault */
	g->s.in[SMARTBMS_IN_ATD] = true;
	smartbms_rig_step(g, 8000);
	KUNIT_EXPECT_FALSE(test, CODE(g, E_B32));
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
}

/* Raise and clear of the alarms and the warning, by code name. */
static void smartbms_test_code_a_b11_w_b12(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	smartbms_rig_debounce(g, 0);
	smartbms_rig_step(g, 0);
	KUNIT_EXPECT_FALSE(test, CODE(g, W_B12));
	g->s.in[SMARTBMS_IN_ATD] = false;
	smartbms_rig_step(g, 100);
	KUNIT_EXPECT_TRUE(test, CODE(g, W_B12));
	KUNIT_EXPECT_FALSE(test, CODE(g, A_B11));
	smartbms_rig_step(g, 30100);
	KUNIT_EXPECT_FALSE(test, CODE(g, W_B12));
	KUNIT_EXPECT_TRUE(test, CODE(g, A_B11));
	g->s.in[SMARTBMS_IN_ATD] = true;
	smartbms_rig_step(g, 30200);
	KUNIT_EXPECT_FALSE(test, CODE(g, A_B11));
	KUNIT_EXPECT_FALSE(test, CODE(g, W_B12));
}

static void smartbms_test_code_a_b15_e_b30_e_b33(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test,
						  BIT(SMARTBMS_CH_VREF), 0,
						  false);

	smartbms_rig_step(g, 0);
	KUNIT_EXPECT_EQ(test, g->r.codes, 0U);
	g->s.val[SMARTBMS_CH_TEMP] = 90000;
	g->s.val[SMARTBMS_CH_VREF] = 2000;
	g->s.calibration_ok = false;
	smartbms_rig_step(g, 100);
	smartbms_rig_step(g, 1100);
	KUNIT_EXPECT_EQ(test, g->r.codes, (u32)(BIT(SMARTBMS_A_B15) |
			BIT(SMARTBMS_E_B30) | BIT(SMARTBMS_E_B33)));
	g->s.val[SMARTBMS_CH_TEMP] = 25000;
	g->s.val[SMARTBMS_CH_VREF] = 2500;
	g->s.calibration_ok = true;
	smartbms_rig_step(g, 1200);
	/* E-B33 is latched until the driver is rebound */
	KUNIT_EXPECT_EQ(test, g->r.codes, (u32)BIT(SMARTBMS_E_B33));
	KUNIT_EXPECT_FALSE(test, OUT(g, LOAD));
}

static struct kunit_case smartbms_core_test_cases[] = {
	KUNIT_CASE(smartbms_test_out_5_startup),
	KUNIT_CASE(smartbms_test_out_5_startup_atd_low),
	KUNIT_CASE(smartbms_test_out_5_e_b30),
	KUNIT_CASE_PARAM(smartbms_test_out_5_e_b33, smartbms_vref_gen_params),
	KUNIT_CASE(smartbms_test_out_1_3_atd_30s),
	KUNIT_CASE(smartbms_test_out_3_prealarm_before),
	KUNIT_CASE(smartbms_test_out_3_prealarm_long_before),
	KUNIT_CASE(smartbms_test_out_4_intermittent),
	KUNIT_CASE(smartbms_test_out_2_atc),
	KUNIT_CASE(smartbms_test_out_6_read_error),
	KUNIT_CASE_PARAM(smartbms_test_out_6_range, smartbms_range_gen_params),
	KUNIT_CASE(smartbms_test_out_6_cause),
	KUNIT_CASE(smartbms_test_in_1_debounce),
	KUNIT_CASE(smartbms_test_in_1_chatter_edges),
	KUNIT_CASE(smartbms_test_chg_1_limit),
	KUNIT_CASE_PARAM(smartbms_test_rem_1_terminals,
			 smartbms_remote_gen_params),
	KUNIT_CASE(smartbms_test_rem_2_system),
	KUNIT_CASE(smartbms_test_rem_3_software),
	KUNIT_CASE_PARAM(smartbms_test_cell_1_thresholds,
			 smartbms_cell_gen_params),
	KUNIT_CASE(smartbms_test_cell_1_reset),
	KUNIT_CASE(smartbms_test_cell_2_noise),
	KUNIT_CASE_PARAM(smartbms_test_set_1_validate, smartbms_set_gen_params),
	KUNIT_CASE(smartbms_test_set_1_defaults),
	KUNIT_CASE(smartbms_test_set_3_unavailable),
	KUNIT_CASE(smartbms_test_code_e_b31),
	KUNIT_CASE(smartbms_test_code_e_b32_cable_detect),
	KUNIT_CASE_PARAM(smartbms_test_code_e_b32_lines,
			 smartbms_cable_gen_params),
	KUNIT_CASE(smartbms_test_code_a_b11_w_b12),
	KUNIT_CASE(smartbms_test_code_a_b15_e_b30_e_b33),
	KUNIT_CASE(smartbms_test_code_e_b33_chatter),
	KUNIT_CASE(smartbms_test_code_e_b33_read_error),
	KUNIT_CASE(smartbms_test_code_e_b33_prealarm),
	KUNIT_CASE(smartbms_test_code_e_b32_replug_flat),
	{}
};

static struct kunit_suite smartbms_core_test_suite = {
	.name = "smartbms_core",
	.test_cases = smartbms_core_test_cases,
};

kunit_test_suite(smartbms_core_test_suite);

MODULE_IMPORT_NS(SMARTBMS);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the smartbms protection core");
