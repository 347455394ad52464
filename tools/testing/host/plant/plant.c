// SPDX-License-Identifier: GPL-2.0
/*
 * Plant test of BMS-ALT-3: the core's regulator in closed loop with a
 * model of the board.
 *
 * - alternator: EMF ALT_EMF_MV, internal resistance ALT_R_MOHM, current
 *   ceiling ALT_CEIL_MA;
 * - power stage: follows the setpoint with a gain error and an offset
 *   (the reason for closed loop) and a first-order lag STAGE_TAU_MS;
 * - LiFePO4 bank: 100 Ah, OCV curve by state of charge, internal
 *   resistance BAT_R_MOHM.
 *
 * The plant runs at 1 ms; the core is stepped at the driver's poll
 * interval or earlier when next_ms asks. For each fuse row: settling time
 * (last time outside +-2 % of the limit, from the path switching on),
 * overshoot and steady-state error. Goal: settle < 1 s, overshoot <= 5 %,
 * |steady-state error| <= 2 %; a row missing it fails.
 */
#include <math.h>

#include "../rig.h"

#define ALT_EMF_MV	14800.0
#define ALT_R_MOHM	5.0
#define ALT_CEIL_MA	150000.0
#define STAGE_GAIN	0.92
#define STAGE_OFFSET_MA	150.0
#define STAGE_TAU_MS	30.0
#define BAT_R_MOHM	4.0
#define BAT_CAP_MAS	(100.0 * 3600.0 * 1000.0)	/* 100 Ah in mA*s */
#define POLL_MS		20
#define RUN_MS		10000

static int plant_row(enum smartbms_fuse fuse)
{
	struct rig g;
	struct smartbms_settings set;
	double limit, i_ma = 0, soc = 0.5, overshoot = 0, sse = 0;
	double vbat = rig_lfp_ocv(soc), vstart = ALT_EMF_MV;
	u64 t, next = 0, on_at = 0, last_out = 0;
	unsigned int nsse = 0;
	bool ok;

	rig_init(&g, 0, 0, true);
	set = g.c.set;
	set.fuse = fuse;
	smartbms_core_set(&g.c, &set);
	limit = smartbms_fuse_limit_ma(fuse);

	for (t = 0; t <= RUN_MS; t++) {
		double avail, target;

		if (t >= next) {
			g.s.val[SMARTBMS_CH_VBAT] = (s32)lround(vbat);
			g.s.val[SMARTBMS_CH_VSTART] = (s32)lround(vstart);
			g.s.val[SMARTBMS_CH_IALT] = (s32)lround(i_ma / 10) * 10;
			rig_step(&g, t);
			next = t + POLL_MS;
			if (g.r.next_ms < next)
				next = g.r.next_ms;
			if (g.r.out[SMARTBMS_OUT_ALT] && !on_at)
				on_at = t;
		}
		/* the plant, 1 ms */
		avail = (ALT_EMF_MV - rig_lfp_ocv(soc)) /
			(ALT_R_MOHM + BAT_R_MOHM) * 1000.0;
		target = 0;
		if (g.r.out[SMARTBMS_OUT_ALT]) {
			target = STAGE_GAIN * g.r.setpoint_ma + STAGE_OFFSET_MA;
			target = fmin(target, fmin(avail, ALT_CEIL_MA));
			target = fmax(target, 0);
		}
		i_ma += (target - i_ma) / STAGE_TAU_MS;
		soc += i_ma / 1000.0 / BAT_CAP_MAS;	/* 1 ms of i_ma */
		vbat = rig_lfp_ocv(soc) + i_ma * BAT_R_MOHM / 1000.0;
		vstart = ALT_EMF_MV - i_ma * ALT_R_MOHM / 1000.0;

		if (on_at) {
			if (fabs(i_ma - limit) > 0.02 * limit)
				last_out = t;
			overshoot = fmax(overshoot, (i_ma - limit) / limit);
			if (t > RUN_MS - 1000) {
				sse += (i_ma - limit) / limit;
				nsse++;
			}
		}
	}
	if (!on_at) {
		printf("  fuse %-6s alternator never switched on: FAIL\n",
		       smartbms_fuse_name(fuse));
		return 1;
	}
	sse = nsse ? sse / nsse : 1;
	ok = last_out - on_at < 1000 && overshoot <= 0.05 && fabs(sse) <= 0.02;
	printf("  fuse %-6s limit %6.0f mA  settling %4llu ms  overshoot %5.2f %%  steady-state error %+6.3f %%  %s\n",
	       smartbms_fuse_name(fuse), limit,
	       (unsigned long long)(last_out - on_at), overshoot * 100,
	       sse * 100, ok ? "ok" : "FAIL");
	return !ok;
}

int main(void)
{
	unsigned int f, failed = 0, n = 0;

	printf("plant: closed loop, stage gain %.2f offset %.0f mA tau %.0f ms, poll %d ms\n",
	       STAGE_GAIN, STAGE_OFFSET_MA, STAGE_TAU_MS, POLL_MS);
	for (f = SMARTBMS_FUSE_125; f < SMARTBMS_FUSE_NUM; f++, n++)
		failed += plant_row(f);
	printf("RESULT plant passed=%u failed=%u\n", n - failed, failed);
	return failed ? 1 : 0;
}
