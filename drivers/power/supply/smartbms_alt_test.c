// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the smartbms core's alternator rules (BMS-ALT-1..5,
 * BMS-TMP-1), on the rig of smartbms_test_rig.h. The host build
 * (tools/testing/host) runs the same cases under cmocka.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "smartbms_compat.h"
#include "smartbms_core.h"
#include "smartbms_test_rig.h"

/* ---- BMS-ALT-1, BMS-ALT-2 ---- */

struct smartbms_alt_case {
	s32 vstart;
	s32 vbat;
	bool on;
};

static const struct smartbms_alt_case smartbms_alt_start_cases[] = {
	{ 13000, 12000, false }, { 13001, 12000, true },
	{ 13500, 13500, false }, { 13500, 13499, true },
	{ 14000, 14100, false },
};

static void smartbms_alt_desc(const struct smartbms_alt_case *p, char *d)
{
	snprintf(d, KUNIT_PARAM_DESC_SIZE, "vstart %d vbat %d", p->vstart,
		 p->vbat);
}

KUNIT_ARRAY_PARAM(smartbms_alt_start, smartbms_alt_start_cases,
		  smartbms_alt_desc);

static void smartbms_test_alt_1_start(struct kunit *test)
{
	const struct smartbms_alt_case *p = test->param_value;
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	g->s.val[SMARTBMS_CH_VSTART] = p->vstart;
	g->s.val[SMARTBMS_CH_VBAT] = p->vbat;
	smartbms_rig_step(g, 0);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	if (p->on)
		KUNIT_EXPECT_EQ(test, g->r.next_ms, 5000ULL);
	smartbms_rig_step(g, 4999);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_ALT],
			p->on ? SMARTBMS_REASON_ALT_RESTART :
			p->vstart <= p->vbat ?
			SMARTBMS_REASON_VSTART_BELOW_VBAT :
			SMARTBMS_REASON_VSTART_LOW);
	smartbms_rig_step(g, 5000);
	KUNIT_EXPECT_EQ(test, OUT(g, ALT), p->on);
}

static const struct smartbms_alt_case smartbms_alt_stop_cases[] = {
	{ 12800, 12000, true }, { 12799, 12000, false },
	{ 13500, 13500, false }, { 13500, 13499, true },
};

KUNIT_ARRAY_PARAM(smartbms_alt_stop, smartbms_alt_stop_cases,
		  smartbms_alt_desc);

static void smartbms_test_alt_2_stop_restart(struct kunit *test)
{
	const struct smartbms_alt_case *p = test->param_value;
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	smartbms_rig_engine(g, 0);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	g->s.val[SMARTBMS_CH_VSTART] = p->vstart;
	g->s.val[SMARTBMS_CH_VBAT] = p->vbat;
	smartbms_rig_step(g, 6000);
	KUNIT_EXPECT_EQ(test, OUT(g, ALT), p->on);
	if (p->on)
		return;
	/* restart only after vstart > 13.0 V for 5 s */
	g->s.val[SMARTBMS_CH_VSTART] = 14000;
	g->s.val[SMARTBMS_CH_VBAT] = 13300;
	smartbms_rig_step(g, 7000);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_ALT],
			SMARTBMS_REASON_ALT_RESTART);
	KUNIT_EXPECT_EQ(test, g->r.next_ms, 12000ULL);
	smartbms_rig_step(g, 11999);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	smartbms_rig_step(g, 12000);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
}

/* A dip of vstart to 13.0 V interrupts the 5 s qualification. */
static void smartbms_test_alt_2_restart_interrupted(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	g->s.val[SMARTBMS_CH_VSTART] = 14000;
	smartbms_rig_step(g, 0);
	g->s.val[SMARTBMS_CH_VSTART] = 13000;
	smartbms_rig_step(g, 3000);
	g->s.val[SMARTBMS_CH_VSTART] = 14000;
	smartbms_rig_step(g, 3100);
	smartbms_rig_step(g, 8099);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	smartbms_rig_step(g, 8100);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
}

/* ---- BMS-ALT-3 ---- */

struct smartbms_fuse_case {
	enum smartbms_fuse fuse;
	const char *name;
	u32 limit;
};

static const struct smartbms_fuse_case smartbms_fuse_cases[] = {
	{ SMARTBMS_FUSE_UNSET, "unset", 90000 },
	{ SMARTBMS_FUSE_125, "125", 100000 },
	{ SMARTBMS_FUSE_100, "100", 90000 },
	{ SMARTBMS_FUSE_80, "80", 60000 },
	{ SMARTBMS_FUSE_60, "60", 50000 },
	{ SMARTBMS_FUSE_2X30, "2x30", 40000 },
	{ SMARTBMS_FUSE_2X20, "2x20", 25000 },
	{ SMARTBMS_FUSE_2X15, "2x15", 20000 },
	{ SMARTBMS_FUSE_2X10, "2x10", 12000 },
	{ SMARTBMS_FUSE_2X7_5, "2x7.5", 9000 },
};

static void smartbms_fuse_desc(const struct smartbms_fuse_case *p, char *d)
{
	snprintf(d, KUNIT_PARAM_DESC_SIZE, "fuse %s", p->name);
}

KUNIT_ARRAY_PARAM(smartbms_fuse, smartbms_fuse_cases, smartbms_fuse_desc);

static void smartbms_test_alt_3_fuse_table(struct kunit *test)
{
	const struct smartbms_fuse_case *p = test->param_value;
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);
	struct smartbms_settings set = g->c.set;
	enum smartbms_fuse parsed = SMARTBMS_FUSE_NUM;

	KUNIT_EXPECT_EQ(test, smartbms_fuse_limit_ma(p->fuse), p->limit);
	KUNIT_EXPECT_STREQ(test, smartbms_fuse_name(p->fuse), p->name);
	if (p->fuse == SMARTBMS_FUSE_UNSET) {
		KUNIT_EXPECT_EQ(test, smartbms_parse_fuse(p->name, &parsed),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, parsed, SMARTBMS_FUSE_NUM);
	} else {
		KUNIT_EXPECT_EQ(test, smartbms_parse_fuse(p->name, &parsed), 0);
		KUNIT_EXPECT_EQ(test, parsed, p->fuse);
	}

	/* no setpoint: off just above the limit, retried 5 s later */
	set.fuse = p->fuse;
	KUNIT_EXPECT_EQ(test, smartbms_core_set(&g->c, &set), 0);
	smartbms_rig_engine(g, 0);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	KUNIT_EXPECT_EQ(test, g->r.alt_limit_ma, p->limit);
	g->s.val[SMARTBMS_CH_IALT] = p->limit;
	smartbms_rig_step(g, 6000);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	g->s.val[SMARTBMS_CH_IALT] = p->limit + 1;
	smartbms_rig_step(g, 6100);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_ALT],
			SMARTBMS_REASON_OVERCURRENT);
	KUNIT_EXPECT_EQ(test, g->r.next_ms, 11100ULL);
	g->s.val[SMARTBMS_CH_IALT] = 0;
	smartbms_rig_step(g, 11099);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	smartbms_rig_step(g, 11100);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
}

/* With a setpoint output the current is regulated to the limit. */
static void smartbms_test_alt_3_setpoint(struct kunit *test)
{
	const struct smartbms_fuse_case *p = test->param_value;
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, true);
	struct smartbms_settings set = g->c.set;
	u32 sp;

	set.fuse = p->fuse;
	KUNIT_EXPECT_EQ(test, smartbms_core_set(&g->c, &set), 0);
	smartbms_rig_engine(g, 0);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	KUNIT_EXPECT_EQ(test, g->r.setpoint_ma, p->limit);
	KUNIT_EXPECT_EQ(test, g->r.next_ms, 5020ULL);
	/* measured above the limit: the setpoint goes down, not off */
	g->s.val[SMARTBMS_CH_IALT] = p->limit + p->limit / 10;
	smartbms_rig_step(g, 5020);
	sp = g->r.setpoint_ma;
	KUNIT_EXPECT_LT(test, sp, p->limit);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	g->s.val[SMARTBMS_CH_IALT] = p->limit - p->limit / 10;
	smartbms_rig_run(g, 5040, 15000, 20);
	KUNIT_EXPECT_GT(test, g->r.setpoint_ma, p->limit);
	KUNIT_EXPECT_LE(test, g->r.setpoint_ma, p->limit + p->limit / 4);
	/* another fuse row: regulation starts over from its limit */
	set.fuse = p->fuse == SMARTBMS_FUSE_125 ? SMARTBMS_FUSE_100 :
						 SMARTBMS_FUSE_125;
	KUNIT_EXPECT_EQ(test, smartbms_core_set(&g->c, &set), 0);
	g->s.val[SMARTBMS_CH_IALT] = smartbms_fuse_limit_ma(set.fuse);
	smartbms_rig_step(g, 15000);
	KUNIT_EXPECT_EQ(test, g->r.setpoint_ma, smartbms_fuse_limit_ma(set.fuse));
	g->s.in[SMARTBMS_IN_ATC] = false;
	smartbms_rig_step(g, 15100);
	smartbms_rig_step(g, 15120);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	KUNIT_EXPECT_EQ(test, g->r.setpoint_ma, 0U);
}

/*
 * BMS-ALT-3 with a setpoint: a power stage that does not follow it (above
 * the limit plus the regulator's 25 % authority for 500 ms) opens the
 * path, retried 5 s later; a shorter excursion does not.
 */
static void smartbms_test_alt_3_setpoint_trip(struct kunit *test)
{
	const struct smartbms_fuse_case *p = test->param_value;
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, true);
	struct smartbms_settings set = g->c.set;
	u32 trip = p->limit / 100 * 125;

	set.fuse = p->fuse;
	KUNIT_EXPECT_EQ(test, smartbms_core_set(&g->c, &set), 0);
	smartbms_rig_engine(g, 0);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	/* exactly at the trip level: regulated, never opened */
	g->s.val[SMARTBMS_CH_IALT] = trip;
	smartbms_rig_run(g, 5020, 7000, 20);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	/* 1 mA above it for 480 ms, then back: still on */
	g->s.val[SMARTBMS_CH_IALT] = trip + 1;
	smartbms_rig_run(g, 7020, 7500, 20);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	g->s.val[SMARTBMS_CH_IALT] = p->limit;
	smartbms_rig_step(g, 7520);
	/* above it for 500 ms: off with the over-current reason */
	g->s.val[SMARTBMS_CH_IALT] = trip + 1;
	smartbms_rig_run(g, 7540, 8020, 20);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	smartbms_rig_step(g, 8040);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_ALT],
			SMARTBMS_REASON_OVERCURRENT);
	KUNIT_EXPECT_EQ(test, g->r.setpoint_ma, 0U);
	/* retried exactly 5 s later */
	g->s.val[SMARTBMS_CH_IALT] = 0;
	smartbms_rig_step(g, 13039);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	smartbms_rig_step(g, 13040);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
}

/* ---- BMS-ALT-5 ---- */

/*
 * BMS-ALT-5: a setpoint that cannot be written opens the path, the limit
 * is offered again on every step, and the path closes once it is taken.
 */
static void smartbms_test_alt_5_setpoint_fault(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, true);
	u32 limit = smartbms_fuse_limit_ma(g->c.set.fuse);

	g->s.val[SMARTBMS_CH_IALT] = limit;
	smartbms_rig_engine(g, 0);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	g->s.setpoint_fault = true;
	smartbms_rig_step(g, 5100);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_ALT],
			SMARTBMS_REASON_SETPOINT);
	KUNIT_EXPECT_EQ(test, g->r.setpoint_ma, limit);
	KUNIT_EXPECT_STREQ(test, smartbms_event_reason(&g->r, SMARTBMS_OUT_ALT),
			   "setpoint");
	smartbms_rig_run(g, 5200, 9000, 100);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	/* charging on System+ is not the alternator's business */
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	g->s.setpoint_fault = false;
	smartbms_rig_step(g, 9100);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_ALT],
			SMARTBMS_REASON_NONE);
}

/* ---- BMS-ALT-4, BMS-TMP-1 ---- */

static void smartbms_test_alt_4_blockers(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0,
						  BIT(SMARTBMS_IN_REMOTE_L),
						  false);
	struct smartbms_settings set = g->c.set;

	smartbms_rig_debounce(g, 0);
	smartbms_rig_engine(g, 0);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	/* remote off, function alternator: only the alternator stops */
	g->s.in[SMARTBMS_IN_REMOTE_L] = false;
	smartbms_rig_step(g, 6000);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_ALT],
			SMARTBMS_REASON_REMOTE);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	g->s.in[SMARTBMS_IN_REMOTE_L] = true;
	smartbms_rig_step(g, 6100);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	/* charge limit reached */
	g->s.val[SMARTBMS_CH_VBAT] = 14200;
	smartbms_rig_step(g, 6200);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_ALT],
			SMARTBMS_REASON_CHARGE_LIMIT);
	g->s.val[SMARTBMS_CH_VBAT] = 13300;
	smartbms_rig_run(g, 6300, 16300, 100);
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
	/* software switch off */
	set = g->c.set;
	set.switch_on = false;
	KUNIT_EXPECT_EQ(test, smartbms_core_set(&g->c, &set), 0);
	smartbms_rig_step(g, 16400);
	KUNIT_EXPECT_FALSE(test, OUT(g, ALT));
	KUNIT_EXPECT_FALSE(test, g->r.remote_on);
}

struct smartbms_temp_case {
	s32 mc;
	bool hot;
};

static const struct smartbms_temp_case smartbms_temp_cases[] = {
	{ 85000, false }, { 85001, true }, { 120000, true },
};

static void smartbms_temp_desc(const struct smartbms_temp_case *p, char *d)
{
	snprintf(d, KUNIT_PARAM_DESC_SIZE, "temp %d mC", p->mc);
}

KUNIT_ARRAY_PARAM(smartbms_temp, smartbms_temp_cases, smartbms_temp_desc);

static void smartbms_test_tmp_1_overtemp(struct kunit *test)
{
	const struct smartbms_temp_case *p = test->param_value;
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);

	smartbms_rig_engine(g, 0);
	g->s.val[SMARTBMS_CH_TEMP] = p->mc;
	smartbms_rig_step(g, 6000);
	KUNIT_EXPECT_EQ(test, CODE(g, A_B15), p->hot);
	KUNIT_EXPECT_EQ(test, OUT(g, ALT), !p->hot);
	KUNIT_EXPECT_TRUE(test, OUT(g, CHARGE));
	KUNIT_EXPECT_TRUE(test, OUT(g, LOAD));
	if (!p->hot)
		return;
	KUNIT_EXPECT_EQ(test, g->r.reason[SMARTBMS_OUT_ALT],
			SMARTBMS_REASON_OVERTEMP);
	g->s.val[SMARTBMS_CH_TEMP] = 75000;
	smartbms_rig_step(g, 7000);
	KUNIT_EXPECT_TRUE(test, CODE(g, A_B15));
	g->s.val[SMARTBMS_CH_TEMP] = 74999;
	smartbms_rig_step(g, 8000);
	KUNIT_EXPECT_FALSE(test, CODE(g, A_B15));
	KUNIT_EXPECT_TRUE(test, OUT(g, ALT));
}

static struct kunit_case smartbms_alt_test_cases[] = {
	KUNIT_CASE_PARAM(smartbms_test_alt_1_start,
			 smartbms_alt_start_gen_params),
	KUNIT_CASE_PARAM(smartbms_test_alt_2_stop_restart,
			 smartbms_alt_stop_gen_params),
	KUNIT_CASE(smartbms_test_alt_2_restart_interrupted),
	KUNIT_CASE_PARAM(smartbms_test_alt_3_fuse_table,
			 smartbms_fuse_gen_params),
	KUNIT_CASE_PARAM(smartbms_test_alt_3_setpoint,
			 smartbms_fuse_gen_params),
	KUNIT_CASE_PARAM(smartbms_test_alt_3_setpoint_trip,
			 smartbms_fuse_gen_params),
	KUNIT_CASE(smartbms_test_alt_4_blockers),
	KUNIT_CASE(smartbms_test_alt_5_setpoint_fault),
	KUNIT_CASE_PARAM(smartbms_test_tmp_1_overtemp, smartbms_temp_gen_params),
	{}
};

static struct kunit_suite smartbms_alt_test_suite = {
	.name = "smartbms_alternator",
	.test_cases = smartbms_alt_test_cases,
};

kunit_test_suite(smartbms_alt_test_suite);

MODULE_IMPORT_NS(SMARTBMS);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the smartbms alternator rules");
