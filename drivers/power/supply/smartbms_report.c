// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms core, the report half: what a result of the rules means to
 * userspace. The power_supply status, health and capacity level, the six
 * indicators of BMS-LED-1 and the code or reason an event names are
 * decided here, so that the driver only maps them one to one.
 */

#include <linux/bits.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/types.h>

#include "smartbms_compat.h"
#include "smartbms_core.h"

/* capacity level from the state of charge, permille [ours] */
#define SMARTBMS_SOC_CRITICAL		100
#define SMARTBMS_SOC_LOW		200

static const char * const smartbms_led_names[SMARTBMS_LED_NUM] = {
	[SMARTBMS_LED_ACTIVE] = "active",
	[SMARTBMS_LED_LINK] = "link",
	[SMARTBMS_LED_OVERTEMP] = "overtemp",
	[SMARTBMS_LED_CHARGE] = "charge",
	[SMARTBMS_LED_LOAD] = "load",
	[SMARTBMS_LED_ALT] = "alternator",
};

const char *smartbms_led_name(enum smartbms_led led)
{
	return (unsigned int)led < SMARTBMS_LED_NUM ? smartbms_led_names[led] :
						       NULL;
}
EXPORT_SYMBOL_NS_GPL(smartbms_led_name, SMARTBMS);

/*
 * Battery status: full at the charge limit. With a battery current
 * (BMS-MON-1) its sign decides; at rest a synchronised 100 % is full
 * unless charging is not allowed (then "not charging" says more).
 * Without one: charging while the alternator delivers, not charging while
 * charging is not allowed, discharging otherwise.
 */
static enum smartbms_status smartbms_status(const struct smartbms_core *c,
					    const struct smartbms_result *r)
{
	struct smartbms_mon_state m;

	if (r->reason[SMARTBMS_OUT_CHARGE] == SMARTBMS_REASON_CHARGE_LIMIT)
		return SMARTBMS_STATUS_FULL;
	if (!smartbms_mon_read(c, &m) && m.have_current) {
		if (m.ibat_ma > SMARTBMS_MON_IDLE_MA)
			return SMARTBMS_STATUS_CHARGING;
		if (m.ibat_ma < -SMARTBMS_MON_IDLE_MA)
			return SMARTBMS_STATUS_DISCHARGING;
		if (r->out[SMARTBMS_OUT_CHARGE] &&
		    m.sync == SMARTBMS_MON_SYNCED && m.soc_permille >= 1000)
			return SMARTBMS_STATUS_FULL;
		return SMARTBMS_STATUS_NOT_CHARGING;
	}
	if (r->out[SMARTBMS_OUT_ALT] &&
	    c->ch[SMARTBMS_CH_IALT].val > SMARTBMS_CHARGING_MA)
		return SMARTBMS_STATUS_CHARGING;
	if (!r->out[SMARTBMS_OUT_CHARGE])
		return SMARTBMS_STATUS_NOT_CHARGING;
	return SMARTBMS_STATUS_DISCHARGING;
}

/* The worst condition first: fatal codes, heat, cells, sensors. */
static enum smartbms_health smartbms_health(const struct smartbms_core *c,
					    const struct smartbms_result *r)
{
	enum smartbms_reason chg = r->reason[SMARTBMS_OUT_CHARGE];

	if (r->codes & BIT(SMARTBMS_E_B30))
		return SMARTBMS_HEALTH_CALIBRATION_REQUIRED;
	if (r->codes & (BIT(SMARTBMS_E_B33) | BIT(SMARTBMS_E_B32)))
		return SMARTBMS_HEALTH_FAILURE;
	if (r->codes & BIT(SMARTBMS_A_B15))
		return SMARTBMS_HEALTH_OVERHEAT;
	if (chg == SMARTBMS_REASON_CELL_OV)
		return SMARTBMS_HEALTH_OVERVOLTAGE;
	if (chg == SMARTBMS_REASON_CELL_TEMP)
		return c->ch[SMARTBMS_CH_TBAT].val < SMARTBMS_COLD_MC ?
		       SMARTBMS_HEALTH_COLD : SMARTBMS_HEALTH_HOT;
	if (r->sensor_fault)
		return SMARTBMS_HEALTH_FAILURE;
	return SMARTBMS_HEALTH_GOOD;
}

/*
 * The level follows the alarms; with a state of charge (BMS-MON-4) also
 * the state of charge [ours]: critical below 10 %, low below 20 %, full
 * at a synchronised 100 %. The worse of the two counts.
 */
static enum smartbms_level smartbms_level(const struct smartbms_core *c,
					  const struct smartbms_result *r)
{
	struct smartbms_mon_state m;
	bool soc = !smartbms_mon_read(c, &m) && m.sync != SMARTBMS_MON_UNKNOWN;

	if ((!r->out[SMARTBMS_OUT_LOAD] && (r->codes & BIT(SMARTBMS_A_B11))) ||
	    (soc && m.soc_permille < SMARTBMS_SOC_CRITICAL))
		return SMARTBMS_LEVEL_CRITICAL;
	if ((r->codes & BIT(SMARTBMS_W_B12)) ||
	    (soc && m.soc_permille < SMARTBMS_SOC_LOW))
		return SMARTBMS_LEVEL_LOW;
	if (r->reason[SMARTBMS_OUT_CHARGE] == SMARTBMS_REASON_CHARGE_LIMIT ||
	    (soc && m.sync == SMARTBMS_MON_SYNCED && m.soc_permille >= 1000))
		return SMARTBMS_LEVEL_FULL;
	return SMARTBMS_LEVEL_NORMAL;
}

/* BMS-LED-1 */
static u32 smartbms_leds(const struct smartbms_result *r)
{
	u32 leds = 0;

	if (r->started)
		leds |= BIT(SMARTBMS_LED_ACTIVE);
	if (r->started && !(r->codes & BIT(SMARTBMS_E_B32)))
		leds |= BIT(SMARTBMS_LED_LINK);
	if (r->codes & BIT(SMARTBMS_A_B15))
		leds |= BIT(SMARTBMS_LED_OVERTEMP);
	if (r->out[SMARTBMS_OUT_CHARGE])
		leds |= BIT(SMARTBMS_LED_CHARGE);
	if (r->out[SMARTBMS_OUT_LOAD])
		leds |= BIT(SMARTBMS_LED_LOAD);
	if (r->out[SMARTBMS_OUT_ALT])
		leds |= BIT(SMARTBMS_LED_ALT);
	return leds;
}

void smartbms_core_report(const struct smartbms_core *c,
			  const struct smartbms_result *r,
			  struct smartbms_report *rep)
{
	rep->status = smartbms_status(c, r);
	rep->health = smartbms_health(c, r);
	rep->level = smartbms_level(c, r);
	rep->leds = smartbms_leds(r);
}
EXPORT_SYMBOL_NS_GPL(smartbms_core_report, SMARTBMS);

/*
 * The name an event on @out gives for its state: the code of section 7
 * where one stands for the reason (a fatal error, the cable, heat, the
 * undervoltage disconnect, the pre-alarm), the reason's own name otherwise.
 */
const char *smartbms_event_reason(const struct smartbms_result *r,
				  enum smartbms_output out)
{
	enum smartbms_reason reason = r->reason[out];

	switch (reason) {
	case SMARTBMS_REASON_CALIBRATION:
		return smartbms_code_name(SMARTBMS_E_B30);
	case SMARTBMS_REASON_REFERENCE:
		return smartbms_code_name(SMARTBMS_E_B33);
	case SMARTBMS_REASON_CABLE:
		return smartbms_code_name(SMARTBMS_E_B32);
	case SMARTBMS_REASON_OVERTEMP:
		return smartbms_code_name(SMARTBMS_A_B15);
	case SMARTBMS_REASON_ATD:
	case SMARTBMS_REASON_CELL_UV:
		if (out == SMARTBMS_OUT_LOAD && (r->codes & BIT(SMARTBMS_A_B11)))
			return smartbms_code_name(SMARTBMS_A_B11);
		break;
	case SMARTBMS_REASON_PREALARM:
		if (r->codes & BIT(SMARTBMS_W_B12))
			return smartbms_code_name(SMARTBMS_W_B12);
		break;
	default:
		break;
	}
	return smartbms_reason_name(reason);
}
EXPORT_SYMBOL_NS_GPL(smartbms_event_reason, SMARTBMS);

s32 smartbms_milli_to_micro(s32 milli)
{
	return (s32)clamp_t(s64, (s64)milli * 1000, S32_MIN, S32_MAX);
}
EXPORT_SYMBOL_NS_GPL(smartbms_milli_to_micro, SMARTBMS);
