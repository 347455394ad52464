// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of what a result of the smartbms rules means to userspace
 * (smartbms_report.c): power_supply status, health and capacity level, the
 * indicators of BMS-LED-1, event reasons and saturated units.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "smartbms_compat.h"
#include "smartbms_core.h"
#include "smartbms_test_rig.h"

/* ---- what a result means to userspace (smartbms_report.c) ---- */

static void smartbms_rig_report(struct smartbms_rig *g,
				struct smartbms_report *rep)
{
	smartbms_core_report(&g->c, &g->r, rep);
}

static void smartbms_test_report_status(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);
	struct smartbms_report rep;

	smartbms_rig_step(g, 0);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.status, SMARTBMS_STATUS_DISCHARGING);
	KUNIT_EXPECT_EQ(test, rep.health, SMARTBMS_HEALTH_GOOD);
	KUNIT_EXPECT_EQ(test, rep.level, SMARTBMS_LEVEL_NORMAL);
	/* charging above 500 mA of alternator current, not at it */
	g->s.val[SMARTBMS_CH_IALT] = SMARTBMS_CHARGING_MA;
	smartbms_rig_engine(g, 100);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.status, SMARTBMS_STATUS_DISCHARGING);
	g->s.val[SMARTBMS_CH_IALT] = SMARTBMS_CHARGING_MA + 1;
	smartbms_rig_step(g, 5200);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.status, SMARTBMS_STATUS_CHARGING);
	/* the charge limit: full, and charging stops */
	g->s.val[SMARTBMS_CH_VBAT] = g->c.set.charge_limit_mv;
	smartbms_rig_step(g, 5300);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.status, SMARTBMS_STATUS_FULL);
	KUNIT_EXPECT_EQ(test, rep.level, SMARTBMS_LEVEL_FULL);
	/* the battery refuses charge: not charging */
	g->s.val[SMARTBMS_CH_VBAT] = 13300;
	g->s.in[SMARTBMS_IN_ATC] = false;
	smartbms_rig_run(g, 5400, 16000, 100);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.status, SMARTBMS_STATUS_NOT_CHARGING);
}

static void smartbms_test_report_health_level(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, BIT(SMARTBMS_CH_TBAT),
						  0, false);
	struct smartbms_report rep;

	smartbms_rig_debounce(g, 0);
	smartbms_rig_step(g, 0);
	/* battery temperature: cold below 20 degC, hot at and above it */
	g->s.val[SMARTBMS_CH_TBAT] = 4000;
	smartbms_rig_run(g, 100, 700, 100);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.health, SMARTBMS_HEALTH_COLD);
	g->s.val[SMARTBMS_CH_TBAT] = 51000;
	smartbms_rig_step(g, 800);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.health, SMARTBMS_HEALTH_HOT);
	g->s.val[SMARTBMS_CH_TBAT] = 20000;
	smartbms_rig_run(g, 900, 1500, 100);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.health, SMARTBMS_HEALTH_GOOD);
	/* heat of the BMS itself */
	g->s.val[SMARTBMS_CH_TEMP] = 90000;
	smartbms_rig_step(g, 1600);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.health, SMARTBMS_HEALTH_OVERHEAT);
	KUNIT_EXPECT_TRUE(test, rep.leds & BIT(SMARTBMS_LED_OVERTEMP));
	g->s.val[SMARTBMS_CH_TEMP] = 25000;
	/* pre-alarm: low; loads off for undervoltage: critical */
	g->s.in[SMARTBMS_IN_ATD] = false;
	smartbms_rig_step(g, 2000);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.level, SMARTBMS_LEVEL_LOW);
	KUNIT_EXPECT_STREQ(test,
			   smartbms_event_reason(&g->r, SMARTBMS_OUT_PREALARM),
			   "W-B12");
	smartbms_rig_step(g, 32000);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.level, SMARTBMS_LEVEL_CRITICAL);
	KUNIT_EXPECT_STREQ(test, smartbms_event_reason(&g->r, SMARTBMS_OUT_LOAD),
			   "A-B11");
	/* an uncalibrated board needs its calibration before anything */
	g->s.calibration_ok = false;
	smartbms_rig_step(g, 32100);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.health, SMARTBMS_HEALTH_CALIBRATION_REQUIRED);
	KUNIT_EXPECT_STREQ(test, smartbms_event_reason(&g->r, SMARTBMS_OUT_LOAD),
			   "E-B30");
}

/* BMS-LED-1: what each indicator means. */
static void smartbms_test_led_1(struct kunit *test)
{
	struct smartbms_rig *g = smartbms_rig_new(test, 0, 0, false);
	struct smartbms_report rep;

	g->s.chan_ok &= ~BIT(SMARTBMS_CH_VBAT);
	smartbms_rig_step(g, 0);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.leds, 0U);
	g->s.chan_ok |= BIT(SMARTBMS_CH_VBAT);
	smartbms_rig_step(g, 100);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_EQ(test, rep.leds, (u32)(BIT(SMARTBMS_LED_ACTIVE) |
			BIT(SMARTBMS_LED_LINK) | BIT(SMARTBMS_LED_CHARGE) |
			BIT(SMARTBMS_LED_LOAD)));
	smartbms_rig_engine(g, 200);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_TRUE(test, rep.leds & BIT(SMARTBMS_LED_ALT));
	/* the cable loop opens: no link */
	smartbms_rig_debounce(g, 0);
	g->s.in[SMARTBMS_IN_ATC] = false;
	g->s.in[SMARTBMS_IN_ATD] = false;
	smartbms_rig_step(g, 6000);
	smartbms_rig_report(g, &rep);
	KUNIT_EXPECT_TRUE(test, CODE(g, E_B32));
	KUNIT_EXPECT_FALSE(test, rep.leds & BIT(SMARTBMS_LED_LINK));
	KUNIT_EXPECT_TRUE(test, rep.leds & BIT(SMARTBMS_LED_ACTIVE));
	KUNIT_EXPECT_STREQ(test, smartbms_led_name(SMARTBMS_LED_LINK), "link");
	KUNIT_EXPECT_TRUE(test, !smartbms_led_name(SMARTBMS_LED_NUM));
}

/* Readings of any size reach userspace saturated, never wrapped. */
static void smartbms_test_report_units(struct kunit *test)
{
	struct smartbms_calibration cal = { };
	unsigned int i;

	KUNIT_EXPECT_EQ(test, smartbms_milli_to_micro(13200), 13200000);
	KUNIT_EXPECT_EQ(test, smartbms_milli_to_micro(-12500), -12500000);
	KUNIT_EXPECT_EQ(test, smartbms_milli_to_micro(2147483), 2147483000);
	KUNIT_EXPECT_EQ(test, smartbms_milli_to_micro(2147484), S32_MAX);
	KUNIT_EXPECT_EQ(test, smartbms_milli_to_micro(S32_MAX), S32_MAX);
	KUNIT_EXPECT_EQ(test, smartbms_milli_to_micro(-2147484), S32_MIN);
	KUNIT_EXPECT_EQ(test, smartbms_milli_to_micro(S32_MIN), S32_MIN);
	/* calibration of out-of-range readings: saturated too */
	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		cal.chan[i].gain_micro = S32_MAX;
		cal.chan[i].offset = S32_MAX;
	}
	KUNIT_EXPECT_EQ(test, smartbms_calibrate(&cal, SMARTBMS_CH_VBAT,
						 S32_MAX), S32_MAX);
	KUNIT_EXPECT_EQ(test, smartbms_calibrate(&cal, SMARTBMS_CH_VBAT,
						 S32_MIN), S32_MIN);
	cal.chan[SMARTBMS_CH_IALT].gain_micro = S32_MIN;
	cal.chan[SMARTBMS_CH_IALT].offset = S32_MIN;
	KUNIT_EXPECT_EQ(test, smartbms_calibrate(&cal, SMARTBMS_CH_IALT,
						 S32_MAX), S32_MIN);
	KUNIT_EXPECT_EQ(test, smartbms_calibrate(&cal, SMARTBMS_CH_IALT,
						 S32_MIN), S32_MAX);
}

static struct kunit_case smartbms_report_test_cases[] = {
	KUNIT_CASE(smartbms_test_report_status),
	KUNIT_CASE(smartbms_test_report_health_level),
	KUNIT_CASE(smartbms_test_led_1),
	KUNIT_CASE(smartbms_test_report_units),
	{}
};

static struct kunit_suite smartbms_report_test_suite = {
	.name = "smartbms_report",
	.test_cases = smartbms_report_test_cases,
};

kunit_test_suite(smartbms_report_test_suite);

MODULE_IMPORT_NS(SMARTBMS);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the smartbms core report");
