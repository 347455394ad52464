// SPDX-License-Identifier: GPL-2.0
/*
 * Callgrind benchmark: instructions per smartbms_core_step on a busy
 * board (cells, vref, setpoint regulation, lines moving). The Makefile
 * runs it under callgrind collecting smartbms_core_step only and divides
 * by BENCH_STEPS.
 */
#include "../rig.h"

#define BENCH_STEPS	10000

int main(void)
{
	static struct rig g;
	u64 st = 42, t = 0;
	int i;

	rig_init(&g, RIG_CELLS | BIT(SMARTBMS_CH_VREF) | BIT(SMARTBMS_CH_TBAT),
		 BIT(SMARTBMS_IN_PREALARM) | BIT(SMARTBMS_IN_REMOTE_L), true);
	g.s.val[SMARTBMS_CH_VSTART] = 14200;
	for (i = 0; i < BENCH_STEPS; i++) {
		t += 20;
		g.s.val[SMARTBMS_CH_IALT] = 88000 + rnd_range(&st, -3000, 3000);
		g.s.val[SMARTBMS_CH_VCELL1] = 3300 + rnd_range(&st, -20, 20);
		if (!rnd_below(&st, 500))
			g.s.in[SMARTBMS_IN_PREALARM] ^= 1;
		rig_step(&g, t);
	}
	printf("bench: %d steps, alternator %s\n", BENCH_STEPS,
	       g.r.out[SMARTBMS_OUT_ALT] ? "on" : "off");
	return 0;
}
