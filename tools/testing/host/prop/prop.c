// SPDX-License-Identifier: GPL-2.0
/*
 * Property tests of the smartbms core: seeded random input sequences of
 * PROP_STEPS steps each, invariants checked at every step.
 *
 *   prop [seed]     (default: time-based seed; the seed is printed)
 */
#include <inttypes.h>
#include <time.h>

#include "../rig.h"

#define PROP_STEPS	20000

static int prop_fail(const char *name, u64 seed, u64 step, u64 t,
		     const char *what)
{
	printf("FAIL %s seed=%" PRIu64 " step=%" PRIu64 " t=%" PRIu64
	       ": %s\n", name, seed, step, t, what);
	return 1;
}

static int prop_next_ok(const struct rig *g)
{
	return g->r.next_ms > g->s.now_ms;
}

/*
 * BMS-OUT-3 (usage `use`, also `unavailable`): Load Disconnect never
 * drops for undervoltage without >= 30 s of pre-alarm right before, and
 * the pre-alarm goes low at that moment.
 */
static int prop_prealarm_30s(u64 seed)
{
	struct rig g;
	u64 st = seed | 1, t = 0, pa_since = 0, i;
	bool prev_load = false, prev_pa = false, prev_started = false;
	struct smartbms_settings set;

	rig_init(&g, RIG_CELLS | BIT(SMARTBMS_CH_VREF),
		 BIT(SMARTBMS_IN_PREALARM), false);
	for (i = 0; i < PROP_STEPS; i++) {
		int k;

		t += rnd_range(&st, 1, 700);
		if (!rnd_below(&st, 40))
			g.s.in[SMARTBMS_IN_ATD] = !g.s.in[SMARTBMS_IN_ATD];
		if (!rnd_below(&st, 40))
			g.s.in[SMARTBMS_IN_ATC] = !g.s.in[SMARTBMS_IN_ATC];
		if (!rnd_below(&st, 30))
			g.s.in[SMARTBMS_IN_PREALARM] =
				!g.s.in[SMARTBMS_IN_PREALARM];
		for (k = SMARTBMS_CH_VCELL0; k <= SMARTBMS_CH_VCELL3; k++)
			if (!rnd_below(&st, 20))
				g.s.val[k] = rnd_range(&st, 2600, 3500);
		if (!rnd_below(&st, 500))
			g.s.val[SMARTBMS_CH_VREF] = rnd_below(&st, 4) ?
						    2500 : 2000;
		if (!rnd_below(&st, 200))
			g.s.chan_ok ^= BIT(SMARTBMS_CH_VCELL2);
		if (!rnd_below(&st, 2000)) {
			set = g.c.set;
			set.prealarm_usage = rnd_below(&st, 2);
			set.debounce_ms = rnd_below(&st, 100);
			smartbms_core_set(&g.c, &set);
		}
		rig_step(&g, t);
		if (!prop_next_ok(&g))
			return prop_fail(__func__, seed, i, t, "next_ms <= now");
		if (prev_load && !g.r.out[SMARTBMS_OUT_LOAD] &&
		    (g.r.codes & BIT(SMARTBMS_A_B11)) &&
		    g.r.reason[SMARTBMS_OUT_LOAD] != SMARTBMS_REASON_REFERENCE &&
		    g.r.reason[SMARTBMS_OUT_LOAD] != SMARTBMS_REASON_REMOTE) {
			if (!prev_pa || t - pa_since < 30000)
				return prop_fail(__func__, seed, i, t,
						 "loads dropped without 30 s pre-alarm");
			if (g.r.out[SMARTBMS_OUT_PREALARM])
				return prop_fail(__func__, seed, i, t,
						 "pre-alarm still up at the drop");
		}
		if (g.r.out[SMARTBMS_OUT_PREALARM] && !prev_pa)
			pa_since = t;
		prev_pa = g.r.out[SMARTBMS_OUT_PREALARM];
		prev_load = g.r.out[SMARTBMS_OUT_LOAD];
		prev_started = prev_started || prev_load;
	}
	return 0;
}

/*
 * BMS-ALT-1/2: the path is never on while vstart <= vbat, and never
 * switched on while vstart <= 13.0 V.
 */
static int prop_alternator(u64 seed)
{
	struct rig g;
	u64 st = seed | 1, t = 0, i;
	bool prev = false;

	rig_init(&g, 0, BIT(SMARTBMS_IN_REMOTE_L), rnd_below(&st, 2));
	g.s.val[SMARTBMS_CH_VSTART] = 14000;
	for (i = 0; i < PROP_STEPS; i++) {
		s32 vs, vb;

		t += rnd_range(&st, 1, 1500);
		if (!rnd_below(&st, 3))
			g.s.val[SMARTBMS_CH_VSTART] +=
				rnd_range(&st, -400, 400);
		if (!rnd_below(&st, 3))
			g.s.val[SMARTBMS_CH_VBAT] += rnd_range(&st, -200, 200);
		g.s.val[SMARTBMS_CH_VSTART] =
			clamp(g.s.val[SMARTBMS_CH_VSTART], 11000, 15500);
		g.s.val[SMARTBMS_CH_VBAT] =
			clamp(g.s.val[SMARTBMS_CH_VBAT], 12000, 14500);
		g.s.val[SMARTBMS_CH_IALT] = rnd_range(&st, -1000, 120000);
		if (!rnd_below(&st, 50))
			g.s.val[SMARTBMS_CH_TEMP] = rnd_range(&st, 20000,
							      95000);
		if (!rnd_below(&st, 50))
			g.s.in[SMARTBMS_IN_ATC] = !g.s.in[SMARTBMS_IN_ATC];
		if (!rnd_below(&st, 50))
			g.s.in[SMARTBMS_IN_REMOTE_L] =
				!g.s.in[SMARTBMS_IN_REMOTE_L];
		if (!rnd_below(&st, 100))
			g.s.chan_ok ^= BIT(SMARTBMS_CH_IALT);
		rig_step(&g, t);
		vs = g.s.val[SMARTBMS_CH_VSTART];
		vb = g.s.val[SMARTBMS_CH_VBAT];
		if (!prop_next_ok(&g))
			return prop_fail(__func__, seed, i, t, "next_ms <= now");
		if (g.r.out[SMARTBMS_OUT_ALT] && vs <= vb)
			return prop_fail(__func__, seed, i, t,
					 "alternator on with vstart <= vbat");
		if (g.r.out[SMARTBMS_OUT_ALT] && !prev && vs <= 13000)
			return prop_fail(__func__, seed, i, t,
					 "alternator switched on at <= 13 V");
		if (g.r.out[SMARTBMS_OUT_ALT] && !g.r.out[SMARTBMS_OUT_CHARGE])
			return prop_fail(__func__, seed, i, t,
					 "alternator on without charge permission");
		prev = g.r.out[SMARTBMS_OUT_ALT];
	}
	return 0;
}

/*
 * Twin cores for the BMS-IN-1 properties: every input, engine running, a
 * random debounce of 2..@deb_max ms and pre-alarm signal, and their first
 * sample taken clean at t = 1 (it sets the initial levels).
 */
static struct smartbms_settings prop_twins(struct rig *a, struct rig *b,
					   u64 *st, u32 deb_max,
					   const char *name)
{
	u32 inputs = BIT(SMARTBMS_IN_PREALARM) | BIT(SMARTBMS_IN_CABLE) |
		     BIT(SMARTBMS_IN_REMOTE_L) | BIT(SMARTBMS_IN_REMOTE_H);
	struct smartbms_settings set;

	rig_init(a, 0, inputs, false);
	rig_init(b, 0, inputs, false);
	a->s.val[SMARTBMS_CH_VSTART] = b->s.val[SMARTBMS_CH_VSTART] = 14000;
	set = a->c.set;
	set.debounce_ms = rnd_range(st, 2, deb_max);
	set.prealarm_signal = rnd_below(st, 2);
	smartbms_core_set(&a->c, &set);
	smartbms_core_set(&b->c, &set);
	printf("  %s: debounce %u ms\n", name, set.debounce_ms);
	rig_step(a, 1);
	rig_step(b, 1);
	return set;
}

/*
 * BMS-IN-1: a core fed glitches shorter than the debounce time drives
 * exactly the outputs of a twin fed the clean lines.
 */
static int prop_glitch(u64 seed)
{
	struct rig a, b;
	u64 st = seed | 1, t = 1, i = 0;
	struct smartbms_settings set;
	int o;

	set = prop_twins(&a, &b, &st, 1000, "glitch");
	t += set.debounce_ms + 1;

	while (i < PROP_STEPS) {
		int in = rnd_below(&st, SMARTBMS_IN_NUM);
		u64 end, width;

		if (!rnd_below(&st, 8)) {
			/* a lasting change, acting on both */
			a.s.in[in] = b.s.in[in] = !b.s.in[in];
			end = t + set.debounce_ms + rnd_below(&st, 3000);
		} else {
			/* a glitch on a only */
			width = rnd_range(&st, 1, set.debounce_ms - 1);
			a.s.in[in] = !b.s.in[in];
			end = t + width;
		}
		while (t < end && i < PROP_STEPS) {
			rig_step(&a, t);
			rig_step(&b, t);
			i++;
			for (o = 0; o < SMARTBMS_OUT_NUM; o++)
				if (a.r.out[o] != b.r.out[o])
					return prop_fail(__func__, seed, i, t,
							 "a glitch moved an output");
			t += rnd_range(&st, 1, 1 + set.debounce_ms / 3);
		}
		/* glitch over: back to the clean level, then a quiet gap */
		a.s.in[in] = b.s.in[in];
		t = end;
		rig_step(&a, t);
		rig_step(&b, t);
		t += set.debounce_ms + 1;
		rig_step(&a, t);
		rig_step(&b, t);
		i += 2;
		for (o = 0; o < SMARTBMS_OUT_NUM; o++)
			if (a.r.out[o] != b.r.out[o])
				return prop_fail(__func__, seed, i, t,
						 "a glitch moved an output");
		t += 1;
	}
	return 0;
}

/* The twins agree: outputs, codes and every debounced input. */
static bool prop_twins_agree(const struct rig *a, const struct rig *b)
{
	int k;

	for (k = 0; k < SMARTBMS_OUT_NUM; k++)
		if (a->r.out[k] != b->r.out[k])
			return false;
	for (k = 0; k < SMARTBMS_IN_NUM; k++)
		if (a->c.in[k].stable != b->c.in[k].stable)
			return false;
	return a->r.codes == b->r.codes;
}

/*
 * BMS-IN-1 under chatter, sampled late: bursts of pulses, each shorter
 * than the debounce time, sampled at random times up to three debounce
 * times apart. A sample can land in two pulses and miss the clean level
 * between them; the edges since the last sample, which the driver's IRQ
 * counts, are all the core is told of that. A core fed this has the
 * debounced inputs, codes and outputs of a twin that samples the clean
 * line at the same times.
 */
static int prop_chatter(u64 seed)
{
	struct rig a, b;
	u64 st = seed | 1, t = 1, i = 0;
	struct smartbms_settings set;

	set = prop_twins(&a, &b, &st, 200, "chatter");
	t += set.debounce_ms + 1;

	while (i < PROP_STEPS) {
		int in = rnd_below(&st, SMARTBMS_IN_NUM);
		bool clean = b.s.in[in];
		u64 burst = t + rnd_range(&st, set.debounce_ms, 20 * set.debounce_ms);
		u64 p_start = t, p_end = t, last = t;

		if (!rnd_below(&st, 6)) {
			/* a lasting change, seen by both with its edge */
			a.s.in[in] = b.s.in[in] = !clean;
			a.s.in_edges = b.s.in_edges = BIT(in);
			rig_step(&a, t);
			rig_step(&b, t);
			a.s.in_edges = b.s.in_edges = 0;
			t += set.debounce_ms + 1 + rnd_below(&st, 1000);
			rig_step(&a, t);
			rig_step(&b, t);
			i += 2;
			goto compare;
		}
		/* pulses of 1..debounce-1 ms with gaps of 1..debounce ms */
		while (t < burst && i < PROP_STEPS) {
			u64 next = t + rnd_range(&st, 1, 3 * set.debounce_ms);
			bool edge = false;

			/* the pulses and gaps up to the next sample, and their edges */
			while (p_end <= next) {
				edge |= p_start > last || p_end > last;
				p_start = p_end + rnd_range(&st, 1, set.debounce_ms);
				p_end = p_start + rnd_range(&st, 1, set.debounce_ms - 1);
			}
			edge |= p_start > last && p_start <= next;
			t = next;
			a.s.in[in] = (t >= p_start && t < p_end) ? !clean : clean;
			a.s.in_edges = edge ? BIT(in) : 0;
			last = t;
			rig_step(&a, t);
			rig_step(&b, t);
			a.s.in_edges = 0;
			i++;
			if (!prop_twins_agree(&a, &b))
				return prop_fail(__func__, seed, i, t,
						 "chatter moved an input or an output");
		}
		/* burst over: clean again, then a quiet gap */
		a.s.in[in] = clean;
		a.s.in_edges = BIT(in);
		t += 1;
		rig_step(&a, t);
		rig_step(&b, t);
		a.s.in_edges = 0;
		t += set.debounce_ms + 1;
		rig_step(&a, t);
		rig_step(&b, t);
		i += 2;
compare:
		if (!prop_twins_agree(&a, &b))
			return prop_fail(__func__, seed, i, t,
					 "chatter moved an input or an output");
		t += 1;
	}
	return 0;
}

/* BMS-OUT-5: every permission output low while E-B30 or E-B33. */
static int prop_failsafe(u64 seed)
{
	struct rig g;
	u64 st = seed | 1, t = 0, i;
	u32 fatal = BIT(SMARTBMS_E_B30) | BIT(SMARTBMS_E_B33);

	rig_init(&g, BIT(SMARTBMS_CH_VREF) | BIT(SMARTBMS_CH_TBAT) | RIG_CELLS,
		 BIT(SMARTBMS_IN_REMOTE_L) | BIT(SMARTBMS_IN_PREALARM), true);
	for (i = 0; i < PROP_STEPS; i++) {
		int k = rnd_below(&st, SMARTBMS_CH_NUM);

		t += rnd_range(&st, 1, 1000);
		if (!rnd_below(&st, 4))
			g.s.val[k] += rnd_range(&st, -300, 300);
		if (!rnd_below(&st, 60))
			g.s.val[SMARTBMS_CH_VREF] = rnd_range(&st, 2300, 2700);
		if (!rnd_below(&st, 100))
			g.s.calibration_ok = !g.s.calibration_ok;
		if (!rnd_below(&st, 100))
			g.s.chan_ok ^= BIT(rnd_below(&st, SMARTBMS_CH_NUM));
		if (!rnd_below(&st, 20))
			g.s.in[rnd_below(&st, SMARTBMS_IN_NUM)] ^= 1;
		if (!rnd_below(&st, 30))
			g.s.val[SMARTBMS_CH_VSTART] = rnd_range(&st, 12000,
								15000);
		rig_step(&g, t);
		if (!prop_next_ok(&g))
			return prop_fail(__func__, seed, i, t, "next_ms <= now");
		if ((g.r.codes & fatal) && (g.r.out[SMARTBMS_OUT_LOAD] ||
					    g.r.out[SMARTBMS_OUT_CHARGE] ||
					    g.r.out[SMARTBMS_OUT_ALT]))
			return prop_fail(__func__, seed, i, t,
					 "permission output high with E-B30/E-B33");
		if (!g.s.calibration_ok && !(g.r.codes & BIT(SMARTBMS_E_B30)))
			return prop_fail(__func__, seed, i, t, "E-B30 missing");
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(u64 seed);
	} props[] = {
		{ "BMS-OUT-3 prealarm 30 s", prop_prealarm_30s },
		{ "BMS-ALT-1/2 alternator", prop_alternator },
		{ "BMS-IN-1 glitch", prop_glitch },
		{ "BMS-IN-1 chatter sampled late", prop_chatter },
		{ "BMS-OUT-5 fail-safe", prop_failsafe },
	};
	u64 seed = argc > 1 ? strtoull(argv[1], NULL, 0) :
		   (u64)time(NULL);
	unsigned int i, failed = 0;

	printf("prop: seed %" PRIu64 " (rerun: prop %" PRIu64 "), %d steps each\n",
	       seed, seed, PROP_STEPS);
	for (i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		int f = props[i].fn(seed + i);

		printf("%s %s\n", f ? "FAILED" : "PASSED", props[i].name);
		failed += f;
	}
	printf("RESULT prop passed=%u failed=%u\n", i - failed, failed);
	return failed ? 1 : 0;
}
