/* SPDX-License-Identifier: GPL-2.0 */
/* Host helpers shared by the property, plant and bench programs. */
#ifndef _SMARTBMS_HOST_RIG_H
#define _SMARTBMS_HOST_RIG_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bits.h>
#include <linux/kernel.h>

#include "smartbms_core.h"

#define RIG_MANDATORY	(BIT(SMARTBMS_CH_VBAT) | BIT(SMARTBMS_CH_VSTART) | \
			 BIT(SMARTBMS_CH_IALT) | BIT(SMARTBMS_CH_TEMP))
#define RIG_CELLS	(BIT(SMARTBMS_CH_VCELL0) | BIT(SMARTBMS_CH_VCELL1) | \
			 BIT(SMARTBMS_CH_VCELL2) | BIT(SMARTBMS_CH_VCELL3))

struct rig {
	struct smartbms_core c;
	struct smartbms_sample s;
	struct smartbms_result r;
};

static inline void rig_init(struct rig *g, u32 chans, u32 inputs,
			    bool setpoint)
{
	struct smartbms_board b = {
		.chan_present = RIG_MANDATORY | chans,
		.input_present = BIT(SMARTBMS_IN_ATC) | BIT(SMARTBMS_IN_ATD) |
				 inputs,
		.has_setpoint = setpoint,
	};
	int i;

	memset(g, 0, sizeof(*g));
	smartbms_core_init(&g->c, &b, NULL);
	g->s.val[SMARTBMS_CH_VBAT] = 13300;
	g->s.val[SMARTBMS_CH_VSTART] = 12500;
	g->s.val[SMARTBMS_CH_TEMP] = 25000;
	g->s.val[SMARTBMS_CH_VREF] = 2500;
	g->s.val[SMARTBMS_CH_TBAT] = 20000;
	for (i = SMARTBMS_CH_VCELL0; i <= SMARTBMS_CH_VCELL3; i++)
		g->s.val[i] = 3300;
	g->s.chan_ok = (1U << SMARTBMS_CH_NUM) - 1;
	g->s.in[SMARTBMS_IN_ATC] = true;
	g->s.in[SMARTBMS_IN_ATD] = true;
	g->s.in[SMARTBMS_IN_CABLE] = true;
	g->s.in[SMARTBMS_IN_REMOTE_L] = true;
	g->s.calibration_ok = true;
	g->s.config_ok = true;
}

static inline void rig_step(struct rig *g, u64 t)
{
	g->s.now_ms = t;
	smartbms_core_step(&g->c, &g->s, &g->r);
}

/* xorshift64*: deterministic, seedable. */
static inline u64 rnd_next(u64 *st)
{
	u64 x = *st;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*st = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static inline u32 rnd_below(u64 *st, u32 n)
{
	return (u32)((rnd_next(st) >> 32) % n);
}

static inline s32 rnd_range(u64 *st, s32 lo, s32 hi)
{
	return lo + (s32)rnd_below(st, (u32)(hi - lo + 1));
}

/* LiFePO4 4S open-circuit voltage by state of charge (mV). */
static inline double rig_lfp_ocv(double soc)
{
	static const double pts[][2] = {
		{ 0.00, 10000 }, { 0.05, 12400 }, { 0.10, 12900 },
		{ 0.20, 13050 }, { 0.50, 13200 }, { 0.80, 13300 },
		{ 0.95, 13400 }, { 1.00, 14000 },
	};
	unsigned int i;

	for (i = 1; i < sizeof(pts) / sizeof(pts[0]); i++)
		if (soc <= pts[i][0])
			return pts[i - 1][1] + (soc - pts[i - 1][0]) *
			       (pts[i][1] - pts[i - 1][1]) /
			       (pts[i][0] - pts[i - 1][0]);
	return pts[i - 1][1];
}

#endif
