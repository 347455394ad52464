// SPDX-License-Identifier: GPL-2.0
/*
 * Plant test of the battery monitor (BMS-MON-3): the core's coulomb
 * counter against a model of a 100 Ah LiFePO4 bank in a van.
 *
 * - the bank: true charge counted with the same charge efficiency and
 *   Peukert exponent as the monitor's defaults, open-circuit voltage by
 *   state of charge, internal resistance BAT_R_MOHM;
 * - a day: a base load, a cycling fridge, evening inverter bursts, solar
 *   by day (less than the loads use); every third day a shore charger
 *   (CC, then CV at CHG_CV_MV with the current tapering) charges to full
 *   and drops to float;
 * - the shunt: the true current with a gain error (+-0.5 %), sampled every
 *   POLL_MS while the plant runs at PLANT_MS.
 *
 * The monitor starts from the true charge, restored not synchronised.
 * Goal, for each gain error: over DAYS days the monitor's state of charge
 * stays within 2 % of the plant's true one, and it synchronises on every
 * full charge. A miss fails.
 */
#include <math.h>

#include "../rig.h"

#define DAYS		24
#define CAP_MAH		100000.0
#define BAT_R_MOHM	4.0
#define EFF		0.99
#define PEUKERT		1.05
#define PLANT_MS	100
#define POLL_MS		1000
#define CHG_MA		30000.0		/* shore charger, bulk */
#define CHG_CV_MV	14100.0		/* its absorption voltage */
#define SOC_CV		0.95		/* where CV starts tapering */
#define DAY_MS		86400000ULL
#define H_MS		3600000ULL

/* loads (mA, negative) at time of day @tod (ms) */
static double soc_loads(u64 tod)
{
	double ma = -800;				/* base */

	if (tod % 1200000 < 400000)			/* fridge, 1/3 */
		ma -= 3000;
	if (tod >= 19 * H_MS && tod < 21 * H_MS && tod % 900000 < 300000)
		ma -= 25000;				/* inverter, evening */
	return ma;
}

/* solar (mA) by time of day: a sine from 8:00 to 17:00, 5 A peak */
static double soc_solar(u64 tod)
{
	if (tod < 8 * H_MS || tod >= 17 * H_MS)
		return 0;
	return 5000 * sin(M_PI * (tod - 8 * H_MS) / (9.0 * H_MS));
}

struct soc_run {
	double max_err;		/* |monitor - true|, percent */
	unsigned int syncs, fulls;
	double min_soc;
};

static void soc_plant(double gain, struct soc_run *out)
{
	struct rig g;
	struct smartbms_mon_state st;
	double soc = 0.90, i_ma = 0, vbat;
	bool shore = false;
	u64 shore_at = 0, full_at = 0;
	u64 t;

	rig_init(&g, 0, 0, false);
	g.c.board.has_ibat = true;
	smartbms_mon_set_capacity(&g.c, (u32)CAP_MAH);
	smartbms_mon_restore(&g.c, (u32)(soc * CAP_MAH), false);
	memset(out, 0, sizeof(*out));
	out->min_soc = 1;

	for (t = 0; t < DAYS * DAY_MS; t += PLANT_MS) {
		u64 day = t / DAY_MS, tod = t % DAY_MS;
		double load = soc_loads(tod), chg = soc_solar(tod), net, dq;

		/* every third day the shore charger from noon until full */
		if (day % 3 == 2 && tod == 12 * H_MS) {
			/* the last one synchronised the monitor */
			out->syncs += out->fulls && full_at >= shore_at;
			shore = true;
			shore_at = t;
			out->fulls++;
		}
		if (shore) {
			chg = soc < SOC_CV ? CHG_MA :
			      CHG_MA * (1 - soc) / (1 - SOC_CV);
			if (chg < 500)		/* float: the charger holds */
				shore = false;
		}
		net = chg + load;
		vbat = shore && soc >= SOC_CV ? CHG_CV_MV :
		       rig_lfp_ocv(soc) + net * BAT_R_MOHM / 1000;

		/* the true charge */
		if (net >= 0)
			dq = net * EFF;
		else
			dq = -fabs(net) * pow(fabs(net) / (CAP_MAH / 20),
					      PEUKERT - 1);
		soc = fmin(1, soc + dq * PLANT_MS / (CAP_MAH * H_MS));
		out->min_soc = fmin(out->min_soc, soc);
		i_ma = net;

		if (t % POLL_MS)
			continue;
		g.s.val[SMARTBMS_CH_VBAT] = (s32)lround(vbat);
		g.s.ibat_ma = (s32)lround(i_ma * gain);
		g.s.ibat_ok = true;
		rig_step(&g, t);
		smartbms_mon_read(&g.c, &st);
		if (st.sync == SMARTBMS_MON_SYNCED && st.soc_permille == 1000)
			full_at = t;
		out->max_err = fmax(out->max_err,
				    fabs(st.soc_permille / 10.0 - soc * 100));
	}
	out->syncs += out->fulls && full_at >= shore_at;
}

int main(void)
{
	static const double gains[] = { 1.005, 0.995, 1.0 };
	unsigned int i, failed = 0;

	printf("soc plant: %d days, 100 Ah, shore charge every third day, shunt sampled every %d ms\n",
	       DAYS, POLL_MS);
	for (i = 0; i < sizeof(gains) / sizeof(gains[0]); i++) {
		struct soc_run r;
		bool ok;

		soc_plant(gains[i], &r);
		ok = r.max_err <= 2.0 && r.syncs == r.fulls && r.fulls == DAYS / 3;
		printf("  gain error %+5.1f %%  max |SOC error| %5.2f %%  synchronised %u of %u full charges  lowest true SOC %4.1f %%  %s\n",
		       (gains[i] - 1) * 100, r.max_err, r.syncs, r.fulls,
		       r.min_soc * 100, ok ? "ok" : "FAIL");
		failed += !ok;
	}
	printf("RESULT soc_plant passed=%u failed=%u\n", i - failed, failed);
	return failed ? 1 : 0;
}
