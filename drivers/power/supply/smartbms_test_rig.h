/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test rig of the smartbms KUnit suites (smartbms_core_test.c,
 * smartbms_alt_test.c, smartbms_report_test.c): a healthy board on the
 * core's virtual clock, stepped by the tests.
 */
#ifndef _SMARTBMS_TEST_RIG_H
#define _SMARTBMS_TEST_RIG_H

#include <kunit/test.h>
#include <linux/kernel.h>

#include "smartbms_core.h"

#define SMARTBMS_T_CELLS	(BIT(SMARTBMS_CH_VCELL0) | BIT(SMARTBMS_CH_VCELL1) | \
				 BIT(SMARTBMS_CH_VCELL2) | BIT(SMARTBMS_CH_VCELL3))
#define SMARTBMS_T_NEVER	U64_MAX

struct smartbms_rig {
	struct smartbms_core c;
	struct smartbms_sample s;
	struct smartbms_result r;
};

/* A healthy board: engine off, battery resting, lines allowing all. */
static inline struct smartbms_rig *smartbms_rig_new(struct kunit *test, u32 chans,
						    u32 inputs, bool setpoint)
{
	struct smartbms_rig *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);
	struct smartbms_board board = {
		.chan_present = BIT(SMARTBMS_CH_VBAT) | BIT(SMARTBMS_CH_VSTART) |
				BIT(SMARTBMS_CH_IALT) | BIT(SMARTBMS_CH_TEMP) |
				chans,
		.input_present = BIT(SMARTBMS_IN_ATC) | BIT(SMARTBMS_IN_ATD) |
				 inputs,
		.has_setpoint = setpoint,
	};
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, g);
	smartbms_core_init(&g->c, &board, NULL);
	g->s.val[SMARTBMS_CH_VBAT] = 13300;
	g->s.val[SMARTBMS_CH_VSTART] = 12500;
	g->s.val[SMARTBMS_CH_IALT] = 0;
	g->s.val[SMARTBMS_CH_TEMP] = 25000;
	g->s.val[SMARTBMS_CH_VREF] = 2500;
	g->s.val[SMARTBMS_CH_TBAT] = 20000;
	for (i = SMARTBMS_CH_VCELL0; i <= SMARTBMS_CH_VCELL3; i++)
		g->s.val[i] = 3300;
	g->s.chan_ok = GENMASK(SMARTBMS_CH_NUM - 1, 0);
	g->s.in[SMARTBMS_IN_ATC] = true;
	g->s.in[SMARTBMS_IN_ATD] = true;
	g->s.in[SMARTBMS_IN_CABLE] = true;
	g->s.in[SMARTBMS_IN_REMOTE_L] = true;
	g->s.in[SMARTBMS_IN_REMOTE_H] = false;
	g->s.calibration_ok = true;
	g->s.config_ok = true;
	return g;
}

static inline void smartbms_rig_step(struct smartbms_rig *g, u64 t)
{
	g->s.now_ms = t;
	smartbms_core_step(&g->c, &g->s, &g->r);
}

/* Step every @period ms from @from to @to inclusive. */
static inline void smartbms_rig_run(struct smartbms_rig *g, u64 from, u64 to,
				    u64 period)
{
	u64 t;

	for (t = from; t <= to; t += period)
		smartbms_rig_step(g, t);
}

static inline void smartbms_rig_debounce(struct smartbms_rig *g, u32 ms)
{
	struct smartbms_settings set = g->c.set;

	set.debounce_ms = ms;
	smartbms_core_set(&g->c, &set);
}

/* Engine running: vstart high enough, path on after 5 s. */
static inline void smartbms_rig_engine(struct smartbms_rig *g, u64 t)
{
	g->s.val[SMARTBMS_CH_VSTART] = 14000;
	smartbms_rig_run(g, t, t + 5000, 100);
}

#define OUT(g, o)	((g)->r.out[SMARTBMS_OUT_##o])
#define CODE(g, c)	(!!((g)->r.codes & BIT(SMARTBMS_##c)))

#endif /* _SMARTBMS_TEST_RIG_H */
