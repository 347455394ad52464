// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms - a 12 V LiFePO4 battery management controller built from an
 * IIO analog front end and GPIO lines, modelled on the Victron Smart BMS
 * CL 12-100.
 *
 * Every protection rule lives in the hardware-free core (smartbms_core.c).
 * This driver only adapts it: it samples the IIO channels from a delayed
 * work, follows the GPIO inputs through threaded IRQs (or polls lines
 * without one), hands each snapshot to the core and drives the output
 * lines, the alternator setpoint, power_supply, LED triggers, the IIO
 * re-export, tracepoints and uevents from what the core decides.
 *
 * Outputs are requested low and stay low until the core's first complete
 * evaluation; on remove they are driven low again before release.
 */
#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/firmware.h>
#include <linux/gpio/consumer.h>
#include <linux/iio/buffer.h>
#include <linux/iio/consumer.h>
#include <linux/iio/iio.h>
#include <linux/iio/kfifo_buf.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/leds.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nvmem-consumer.h>
#include <linux/platform_device.h>
#include <linux/power_supply.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "smartbms_compat.h"
#include "smartbms_core.h"

#define CREATE_TRACE_POINTS
#include "smartbms_trace.h"

#define SMARTBMS_POLL_DEFAULT_MS	100
#define SMARTBMS_POLL_MIN_MS		10
#define SMARTBMS_POLL_MAX_MS		10000
#define SMARTBMS_FW_DEFAULT		"smartbms/calibration.bin"
/* 4S LiFePO4: 2.5 V to 3.65 V per cell */
#define SMARTBMS_VMIN_DESIGN_UV		10000000
#define SMARTBMS_VMAX_DESIGN_UV		14600000
#define SMARTBMS_CHARGE_MIN_UV		13000000
#define SMARTBMS_CHARGE_MAX_UV		15300000
/* the alternator counts as charging above this current */
#define SMARTBMS_CHARGING_MA		500
#define SMARTBMS_MAX_EVENTS		(SMARTBMS_OUT_NUM + SMARTBMS_CODE_NUM)

enum smartbms_led {
	SMARTBMS_LED_ACTIVE,
	SMARTBMS_LED_LINK,
	SMARTBMS_LED_OVERTEMP,
	SMARTBMS_LED_CHARGE,
	SMARTBMS_LED_LOAD,
	SMARTBMS_LED_ALT,
	SMARTBMS_LED_NUM
};

static const char * const smartbms_led_names[SMARTBMS_LED_NUM] = {
	"smartbms-active", "smartbms-link", "smartbms-overtemp",
	"smartbms-charge", "smartbms-load", "smartbms-alternator",
};

/* Events named for what happened to the line: index [output][level]. */
static const char * const smartbms_out_event[SMARTBMS_OUT_NUM][2] = {
	{ "load-disconnect", "load-reconnect" },
	{ "charge-disconnect", "charge-reconnect" },
	{ "prealarm-off", "prealarm-on" },
	{ "alternator-off", "alternator-on" },
};

struct smartbms_event {
	const char *event;
	const char *reason;
};

struct smartbms {
	struct device *dev;
	/* guards core, sample, res, settings, cal and the output lines */
	struct mutex lock;
	struct smartbms_core core;
	struct smartbms_settings defaults;	/* table + firmware node */
	struct smartbms_sample sample;
	struct smartbms_result res;
	struct smartbms_calibration cal;
	bool evaluated;
	bool removing;
	u32 poll_ms;
	u32 poll_default_ms;			/* the board's, for factory reset */

	struct iio_channel *chan[SMARTBMS_CH_NUM];
	struct iio_channel *setpoint;
	struct gpio_desc *in[SMARTBMS_IN_NUM];
	struct gpio_desc *out[SMARTBMS_OUT_NUM];
	u32 polled_inputs;			/* inputs without an IRQ */
	struct nvmem_cell *settings_cell;

	struct delayed_work work;
	struct power_supply *psy;
	struct power_supply *alt_psy;
	struct led_trigger led[SMARTBMS_LED_NUM];
	struct iio_dev *indio;
};

/* Codes and reasons, as userspace sees them (uevents, traces). */
static const char *smartbms_reason_text(const struct smartbms_result *r,
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

static u32 smartbms_input_mask(const struct smartbms_sample *s)
{
	u32 mask = 0;
	int i;

	for (i = 0; i < SMARTBMS_IN_NUM; i++)
		if (s->in[i])
			mask |= BIT(i);
	return mask;
}

/*
 * Read the analog channels; errors leave their bit of @ok clear. Called
 * without bms->lock: the channels and the calibration are fixed after
 * probe, and an ADC read may be slow (a bus transfer), which must not
 * hold up the IRQ thread's reaction to an input edge.
 */
static void smartbms_read_analog(struct smartbms *bms, s32 *val, u32 *ok)
{
	int i, ret, v;

	*ok = 0;
	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		if (!bms->chan[i])
			continue;
		ret = iio_read_channel_processed(bms->chan[i], &v);
		if (ret < 0)
			continue;
		val[i] = smartbms_calibrate(&bms->cal, i, v);
		*ok |= BIT(i);
	}
}

static void smartbms_read_inputs(struct smartbms *bms, u32 mask)
{
	int i, ret;

	for (i = 0; i < SMARTBMS_IN_NUM; i++) {
		if (!bms->in[i] || !(mask & BIT(i)))
			continue;
		ret = gpiod_get_value_cansleep(bms->in[i]);
		/* an unreadable line is a line that does not allow */
		bms->sample.in[i] = ret > 0;
	}
}

static void smartbms_update_leds(struct smartbms *bms)
{
	const struct smartbms_result *r = &bms->res;

	led_trigger_event(&bms->led[SMARTBMS_LED_ACTIVE],
			  bms->evaluated ? LED_FULL : LED_OFF);
	/* the link to the batteries: the BMS cable loop is closed */
	led_trigger_event(&bms->led[SMARTBMS_LED_LINK],
			  bms->evaluated && !(r->codes & BIT(SMARTBMS_E_B32)) ?
			  LED_FULL : LED_OFF);
	led_trigger_event(&bms->led[SMARTBMS_LED_OVERTEMP],
			  r->codes & BIT(SMARTBMS_A_B15) ? LED_FULL : LED_OFF);
	led_trigger_event(&bms->led[SMARTBMS_LED_CHARGE],
			  r->out[SMARTBMS_OUT_CHARGE] ? LED_FULL : LED_OFF);
	led_trigger_event(&bms->led[SMARTBMS_LED_LOAD],
			  r->out[SMARTBMS_OUT_LOAD] ? LED_FULL : LED_OFF);
	led_trigger_event(&bms->led[SMARTBMS_LED_ALT],
			  r->out[SMARTBMS_OUT_ALT] ? LED_FULL : LED_OFF);
}

/*
 * The state an output's events follow: its level, except the pre-alarm,
 * whose intermittent signal blinks while the alarm stays on (BMS-OUT-4).
 */
static bool smartbms_out_state(const struct smartbms_result *r,
			       enum smartbms_output out)
{
	if (out == SMARTBMS_OUT_PREALARM)
		return r->out[out] ||
		       r->reason[out] == SMARTBMS_REASON_PREALARM;
	return r->out[out];
}

/*
 * Run the core on the current sample and apply its result. Collects the
 * decisions in @ev for the caller to announce once the lock is dropped
 * (a uevent reads properties, which takes the lock). Returns their number.
 */
static int smartbms_evaluate_locked(struct smartbms *bms,
				    struct smartbms_event *ev)
{
	struct smartbms_result old = bms->res, *r = &bms->res;
	struct smartbms_sample *s = &bms->sample;
	bool first = false, now;
	u32 raised, cleared;
	int i, n = 0;

	s->now_ms = ktime_to_ms(ktime_get());
	smartbms_core_step(&bms->core, s, r);

	/* Codes are news from the first evaluation on, E-B30 at probe too. */
	raised = r->codes & ~old.codes;
	cleared = old.codes & ~r->codes;
	for (i = 0; i < SMARTBMS_CODE_NUM; i++) {
		if (raised & BIT(i)) {
			ev[n].event = "code-raised";
			ev[n++].reason = smartbms_code_name(i);
		} else if (cleared & BIT(i)) {
			ev[n].event = "code-cleared";
			ev[n++].reason = smartbms_code_name(i);
		}
	}

	/* Until the first complete evaluation every line stays low. */
	if (!bms->evaluated) {
		for (i = 0; i < SMARTBMS_OUT_NUM; i++)
			if (r->reason[i] != SMARTBMS_REASON_STARTUP)
				first = true;
		bms->evaluated = first;
	}

	if (bms->evaluated) {
		for (i = 0; i < SMARTBMS_OUT_NUM; i++) {
			if (first || r->out[i] != old.out[i])
				gpiod_set_value_cansleep(bms->out[i], r->out[i]);
			now = smartbms_out_state(r, i);
			/* from low at probe: only what went high is news */
			if (first ? !now : now == smartbms_out_state(&old, i))
				continue;
			ev[n].event = smartbms_out_event[i][now];
			ev[n++].reason = smartbms_reason_text(r, i);
		}
		if (bms->setpoint && (first || r->setpoint_ma != old.setpoint_ma))
			iio_write_channel_raw(bms->setpoint, r->setpoint_ma);
	}

	for (i = 0; i < n; i++)
		trace_smartbms_decision(ev[i].event, ev[i].reason,
					s->val[SMARTBMS_CH_VBAT],
					s->val[SMARTBMS_CH_VSTART],
					s->val[SMARTBMS_CH_IALT],
					s->val[SMARTBMS_CH_TEMP],
					smartbms_input_mask(s), r->codes);
	if (n || first)
		smartbms_update_leds(bms);
	return n;
}

static void smartbms_announce(struct smartbms *bms,
			      const struct smartbms_event *ev, int n)
{
	char event[48], reason[48];
	char *envp[3];
	int i;

	if (!n)
		return;
	envp[0] = event;
	envp[1] = reason;
	envp[2] = NULL;
	for (i = 0; i < n; i++) {
		snprintf(event, sizeof(event), "SMARTBMS_EVENT=%s", ev[i].event);
		snprintf(reason, sizeof(reason), "SMARTBMS_REASON=%s",
			 ev[i].reason);
		kobject_uevent_env(&bms->psy->dev.kobj, KOBJ_CHANGE, envp);
	}
	power_supply_changed(bms->psy);
	power_supply_changed(bms->alt_psy);
}

/* IIO re-export of the processed measurements, with a buffer. */
#define SMARTBMS_IIO_CHAN(_type, _idx, _si, _src) {			\
	.type = (_type),						\
	.indexed = 1,							\
	.channel = (_idx),						\
	.address = (_src),						\
	.info_mask_separate = BIT(IIO_CHAN_INFO_RAW) |			\
			      BIT(IIO_CHAN_INFO_SCALE),			\
	.scan_index = (_si),						\
	.scan_type = {							\
		.sign = 's',						\
		.realbits = 32,						\
		.storagebits = 32,					\
		.endianness = IIO_CPU,					\
	},								\
}

static const struct iio_chan_spec smartbms_iio_channels[] = {
	SMARTBMS_IIO_CHAN(IIO_VOLTAGE, 0, 0, SMARTBMS_CH_VBAT),
	SMARTBMS_IIO_CHAN(IIO_VOLTAGE, 1, 1, SMARTBMS_CH_VSTART),
	SMARTBMS_IIO_CHAN(IIO_CURRENT, 0, 2, SMARTBMS_CH_IALT),
	SMARTBMS_IIO_CHAN(IIO_TEMP, 0, 3, SMARTBMS_CH_TEMP),
	IIO_CHAN_SOFT_TIMESTAMP(4),
};

static int smartbms_iio_read_raw(struct iio_dev *indio_dev,
				 const struct iio_chan_spec *chan,
				 int *val, int *val2, long mask)
{
	struct smartbms *bms = iio_device_get_drvdata(indio_dev);

	switch (mask) {
	case IIO_CHAN_INFO_RAW:
		mutex_lock(&bms->lock);
		*val = bms->sample.val[chan->address];
		mutex_unlock(&bms->lock);
		return IIO_VAL_INT;
	case IIO_CHAN_INFO_SCALE:
		/* raw is already mV, mA and milli-degC */
		*val = 1;
		return IIO_VAL_INT;
	default:
		return -EINVAL;
	}
}

static int smartbms_iio_read_label(struct iio_dev *indio_dev,
				   const struct iio_chan_spec *chan, char *label)
{
	return sysfs_emit(label, "%s\n", smartbms_chan_name(chan->address));
}

static const struct iio_info smartbms_iio_info = {
	.read_raw = smartbms_iio_read_raw,
	.read_label = smartbms_iio_read_label,
};

/* One scan per evaluation into the buffer, when userspace streams. */
struct smartbms_scan {
	s32 val[4];
	aligned_u64 ts;		/* the IIO core writes the timestamp */
};

static void smartbms_iio_push(struct smartbms *bms)
{
	struct iio_dev *indio = bms->indio;
	struct smartbms_scan scan = { };
	int i, j = 0;

	lockdep_assert_held(&bms->lock);
	if (!indio || !iio_buffer_enabled(indio))
		return;
	for_each_set_bit(i, indio->active_scan_mask, ARRAY_SIZE(scan.val))
		scan.val[j++] = bms->sample.val[smartbms_iio_channels[i].address];
	iio_push_to_buffers_with_timestamp(indio, &scan, iio_get_time_ns(indio));
}

/* When the core wants to run again, bounded by the sampling period. */
static unsigned long smartbms_next_delay(struct smartbms *bms)
{
	u64 now = bms->sample.now_ms, next = now + bms->poll_ms;

	if (bms->res.next_ms < next)
		next = bms->res.next_ms;
	return next > now ? msecs_to_jiffies(next - now) : 0;
}

static void smartbms_work(struct work_struct *work)
{
	struct smartbms *bms = container_of(to_delayed_work(work),
					    struct smartbms, work);
	struct smartbms_event ev[SMARTBMS_MAX_EVENTS];
	s32 val[SMARTBMS_CH_NUM];
	u32 ok;
	int i, n;

	smartbms_read_analog(bms, val, &ok);
	mutex_lock(&bms->lock);
	if (bms->removing) {
		mutex_unlock(&bms->lock);
		return;
	}
	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		if (!bms->chan[i])
			continue;
		if (ok & BIT(i)) {
			bms->sample.val[i] = val[i];
			bms->sample.chan_ok |= BIT(i);
		} else {
			bms->sample.chan_ok &= ~BIT(i);
		}
	}
	smartbms_read_inputs(bms, bms->polled_inputs);
	n = smartbms_evaluate_locked(bms, ev);
	smartbms_iio_push(bms);
	queue_delayed_work(system_freezable_wq, &bms->work,
			   smartbms_next_delay(bms));
	mutex_unlock(&bms->lock);

	smartbms_announce(bms, ev, n);
}

/* An input edge: re-read the lines and decide now, on the last analog sample. */
static irqreturn_t smartbms_irq_thread(int irq, void *data)
{
	struct smartbms *bms = data;
	struct smartbms_event ev[SMARTBMS_MAX_EVENTS];
	int n;

	mutex_lock(&bms->lock);
	if (bms->removing || !bms->evaluated) {
		mutex_unlock(&bms->lock);
		return IRQ_HANDLED;
	}
	smartbms_read_inputs(bms, ~0U);
	n = smartbms_evaluate_locked(bms, ev);
	/* a debounce now pending must be looked at when it expires */
	mod_delayed_work(system_freezable_wq, &bms->work,
			 smartbms_next_delay(bms));
	mutex_unlock(&bms->lock);

	smartbms_announce(bms, ev, n);
	return IRQ_HANDLED;
}

/* Settings: validate in the core, persist, and re-evaluate at once. */
static int smartbms_apply_settings(struct smartbms *bms,
				   const struct smartbms_settings *set)
{
	u8 blob[SMARTBMS_SETTINGS_BLOB_SIZE];
	int ret;

	lockdep_assert_held(&bms->lock);
	ret = smartbms_core_set(&bms->core, set);
	if (ret)
		return ret;
	if (bms->settings_cell &&
	    !smartbms_settings_pack(set, blob, sizeof(blob))) {
		ret = nvmem_cell_write(bms->settings_cell, blob, sizeof(blob));
		if (ret < 0)
			dev_warn(bms->dev, "cannot save settings: %d\n", ret);
	}
	if (!bms->removing)
		mod_delayed_work(system_freezable_wq, &bms->work, 0);
	return 0;
}

static int smartbms_get_property(struct power_supply *psy,
				 enum power_supply_property psp,
				 union power_supply_propval *val)
{
	struct smartbms *bms = power_supply_get_drvdata(psy);
	const struct smartbms_result *r = &bms->res;
	const struct smartbms_sample *s = &bms->sample;
	int ret = 0;

	mutex_lock(&bms->lock);
	switch (psp) {
	case POWER_SUPPLY_PROP_STATUS:
		if (r->reason[SMARTBMS_OUT_CHARGE] == SMARTBMS_REASON_CHARGE_LIMIT)
			val->intval = POWER_SUPPLY_STATUS_FULL;
		else if (r->out[SMARTBMS_OUT_ALT] &&
			 s->val[SMARTBMS_CH_IALT] > SMARTBMS_CHARGING_MA)
			val->intval = POWER_SUPPLY_STATUS_CHARGING;
		else if (!r->out[SMARTBMS_OUT_CHARGE])
			val->intval = POWER_SUPPLY_STATUS_NOT_CHARGING;
		else
			val->intval = POWER_SUPPLY_STATUS_DISCHARGING;
		break;
	case POWER_SUPPLY_PROP_HEALTH:
		if (r->codes & BIT(SMARTBMS_E_B30))
			val->intval = POWER_SUPPLY_HEALTH_CALIBRATION_REQUIRED;
		else if (r->codes & (BIT(SMARTBMS_E_B33) | BIT(SMARTBMS_E_B32)))
			val->intval = POWER_SUPPLY_HEALTH_UNSPEC_FAILURE;
		else if (r->codes & BIT(SMARTBMS_A_B15))
			val->intval = POWER_SUPPLY_HEALTH_OVERHEAT;
		else if (r->reason[SMARTBMS_OUT_CHARGE] == SMARTBMS_REASON_CELL_OV)
			val->intval = POWER_SUPPLY_HEALTH_OVERVOLTAGE;
		else if (r->reason[SMARTBMS_OUT_CHARGE] == SMARTBMS_REASON_CELL_TEMP)
			val->intval = s->val[SMARTBMS_CH_TBAT] < 20000 ?
				      POWER_SUPPLY_HEALTH_COLD :
				      POWER_SUPPLY_HEALTH_HOT;
		else if (r->sensor_fault)
			val->intval = POWER_SUPPLY_HEALTH_UNSPEC_FAILURE;
		else
			val->intval = POWER_SUPPLY_HEALTH_GOOD;
		break;
	case POWER_SUPPLY_PROP_PRESENT:
		val->intval = 1;
		break;
	case POWER_SUPPLY_PROP_TECHNOLOGY:
		val->intval = POWER_SUPPLY_TECHNOLOGY_LiFe;
		break;
	case POWER_SUPPLY_PROP_SCOPE:
		val->intval = POWER_SUPPLY_SCOPE_SYSTEM;
		break;
	case POWER_SUPPLY_PROP_VOLTAGE_NOW:
		/* the last reading; a fault shows in health and sensor_faults */
		val->intval = s->val[SMARTBMS_CH_VBAT] * 1000;
		break;
	case POWER_SUPPLY_PROP_CURRENT_NOW:
		val->intval = s->val[SMARTBMS_CH_IALT] * 1000;
		break;
	case POWER_SUPPLY_PROP_TEMP:
		/* tenths of a degree: the battery's where it is measured */
		if (bms->chan[SMARTBMS_CH_TBAT])
			val->intval = s->val[SMARTBMS_CH_TBAT] / 100;
		else
			val->intval = s->val[SMARTBMS_CH_TEMP] / 100;
		break;
	case POWER_SUPPLY_PROP_CAPACITY_LEVEL:
		if (!r->out[SMARTBMS_OUT_LOAD] &&
		    (r->codes & BIT(SMARTBMS_A_B11)))
			val->intval = POWER_SUPPLY_CAPACITY_LEVEL_CRITICAL;
		else if (r->codes & BIT(SMARTBMS_W_B12))
			val->intval = POWER_SUPPLY_CAPACITY_LEVEL_LOW;
		else if (r->reason[SMARTBMS_OUT_CHARGE] ==
			 SMARTBMS_REASON_CHARGE_LIMIT)
			val->intval = POWER_SUPPLY_CAPACITY_LEVEL_FULL;
		else
			val->intval = POWER_SUPPLY_CAPACITY_LEVEL_NORMAL;
		break;
	case POWER_SUPPLY_PROP_VOLTAGE_MAX_DESIGN:
		val->intval = SMARTBMS_VMAX_DESIGN_UV;
		break;
	case POWER_SUPPLY_PROP_VOLTAGE_MIN_DESIGN:
		val->intval = SMARTBMS_VMIN_DESIGN_UV;
		break;
	case POWER_SUPPLY_PROP_CONSTANT_CHARGE_VOLTAGE:
		val->intval = bms->core.set.charge_limit_mv * 1000;
		break;
	case POWER_SUPPLY_PROP_CONSTANT_CHARGE_VOLTAGE_MAX:
		val->intval = SMARTBMS_CHARGE_MAX_UV;
		break;
	case POWER_SUPPLY_PROP_MODEL_NAME:
		val->strval = "smartbms";
		break;
	case POWER_SUPPLY_PROP_MANUFACTURER:
		val->strval = "smartbms";
		break;
	default:
		ret = -EINVAL;
		break;
	}
	mutex_unlock(&bms->lock);
	return ret;
}

static int smartbms_set_property(struct power_supply *psy,
				 enum power_supply_property psp,
				 const union power_supply_propval *val)
{
	struct smartbms *bms = power_supply_get_drvdata(psy);
	struct smartbms_settings set;
	int ret;

	if (psp != POWER_SUPPLY_PROP_CONSTANT_CHARGE_VOLTAGE)
		return -EINVAL;
	/* whole millivolts only, within BMS-CHG-1's range */
	if (val->intval < SMARTBMS_CHARGE_MIN_UV ||
	    val->intval > SMARTBMS_CHARGE_MAX_UV || val->intval % 1000)
		return -EINVAL;

	mutex_lock(&bms->lock);
	set = bms->core.set;
	set.charge_limit_mv = val->intval / 1000;
	ret = smartbms_apply_settings(bms, &set);
	mutex_unlock(&bms->lock);
	return ret;
}

static int smartbms_property_is_writeable(struct power_supply *psy,
					  enum power_supply_property psp)
{
	return psp == POWER_SUPPLY_PROP_CONSTANT_CHARGE_VOLTAGE;
}

static const enum power_supply_property smartbms_props[] = {
	POWER_SUPPLY_PROP_STATUS,
	POWER_SUPPLY_PROP_HEALTH,
	POWER_SUPPLY_PROP_PRESENT,
	POWER_SUPPLY_PROP_TECHNOLOGY,
	POWER_SUPPLY_PROP_SCOPE,
	POWER_SUPPLY_PROP_VOLTAGE_NOW,
	POWER_SUPPLY_PROP_CURRENT_NOW,
	POWER_SUPPLY_PROP_TEMP,
	POWER_SUPPLY_PROP_CAPACITY_LEVEL,
	POWER_SUPPLY_PROP_VOLTAGE_MAX_DESIGN,
	POWER_SUPPLY_PROP_VOLTAGE_MIN_DESIGN,
	POWER_SUPPLY_PROP_CONSTANT_CHARGE_VOLTAGE,
	POWER_SUPPLY_PROP_CONSTANT_CHARGE_VOLTAGE_MAX,
	POWER_SUPPLY_PROP_MODEL_NAME,
	POWER_SUPPLY_PROP_MANUFACTURER,
};

static const struct power_supply_desc smartbms_desc = {
	.name = "smartbms",
	.type = POWER_SUPPLY_TYPE_BATTERY,
	.properties = smartbms_props,
	.num_properties = ARRAY_SIZE(smartbms_props),
	.get_property = smartbms_get_property,
	.set_property = smartbms_set_property,
	.property_is_writeable = smartbms_property_is_writeable,
};

static int smartbms_alt_get_property(struct power_supply *psy,
				     enum power_supply_property psp,
				     union power_supply_propval *val)
{
	struct smartbms *bms = power_supply_get_drvdata(psy);
	int ret = 0;

	mutex_lock(&bms->lock);
	switch (psp) {
	case POWER_SUPPLY_PROP_ONLINE:
		val->intval = bms->res.out[SMARTBMS_OUT_ALT];
		break;
	case POWER_SUPPLY_PROP_VOLTAGE_NOW:
		val->intval = bms->sample.val[SMARTBMS_CH_VSTART] * 1000;
		break;
	case POWER_SUPPLY_PROP_CURRENT_NOW:
		val->intval = bms->sample.val[SMARTBMS_CH_IALT] * 1000;
		break;
	case POWER_SUPPLY_PROP_INPUT_CURRENT_LIMIT:
		val->intval = smartbms_fuse_limit_ma(bms->core.set.fuse) * 1000;
		break;
	default:
		ret = -EINVAL;
		break;
	}
	mutex_unlock(&bms->lock);
	return ret;
}

static const enum power_supply_property smartbms_alt_props[] = {
	POWER_SUPPLY_PROP_ONLINE,
	POWER_SUPPLY_PROP_VOLTAGE_NOW,
	POWER_SUPPLY_PROP_CURRENT_NOW,
	POWER_SUPPLY_PROP_INPUT_CURRENT_LIMIT,
};

static const struct power_supply_desc smartbms_alt_desc = {
	.name = "smartbms-alternator",
	.type = POWER_SUPPLY_TYPE_MAINS,
	.properties = smartbms_alt_props,
	.num_properties = ARRAY_SIZE(smartbms_alt_props),
	.get_property = smartbms_alt_get_property,
};

static char *smartbms_supplied_to[] = { "smartbms" };

/* sysfs: the settings of SPEC section 6, the outputs and the codes */
static struct smartbms *smartbms_from_dev(struct device *dev)
{
	return power_supply_get_drvdata(to_power_supply(dev));
}

static ssize_t smartbms_emit_list(char *buf, u32 mask, unsigned int n,
				  const char *(*name)(unsigned int))
{
	ssize_t len = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (mask & BIT(i))
			len += sysfs_emit_at(buf, len, "%s%s", len ? " " : "",
					     name(i));
	return len + sysfs_emit_at(buf, len, "\n");
}

static const char *smartbms_code_str(unsigned int i)
{
	return smartbms_code_name(i);
}

static const char *smartbms_chan_str(unsigned int i)
{
	return smartbms_chan_name(i);
}

static ssize_t codes_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	u32 codes;

	mutex_lock(&bms->lock);
	codes = bms->res.codes;
	mutex_unlock(&bms->lock);
	return smartbms_emit_list(buf, codes, SMARTBMS_CODE_NUM,
				  smartbms_code_str);
}
static DEVICE_ATTR_RO(codes);

static ssize_t sensor_faults_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	u32 faults;

	mutex_lock(&bms->lock);
	faults = bms->res.sensor_fault;
	mutex_unlock(&bms->lock);
	return smartbms_emit_list(buf, faults, SMARTBMS_CH_NUM,
				  smartbms_chan_str);
}
static DEVICE_ATTR_RO(sensor_faults);

static ssize_t remote_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	bool on;

	mutex_lock(&bms->lock);
	on = bms->res.remote_on;
	mutex_unlock(&bms->lock);
	return sysfs_emit(buf, "%s\n", on ? "on" : "off");
}
static DEVICE_ATTR_RO(remote);

/* The four output lines, read back as levels. */
struct smartbms_out_attr {
	struct device_attribute attr;
	enum smartbms_output out;
};

static ssize_t smartbms_out_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	struct smartbms_out_attr *oa = container_of(attr, struct smartbms_out_attr,
						    attr);
	bool level;

	mutex_lock(&bms->lock);
	level = bms->evaluated && bms->res.out[oa->out];
	mutex_unlock(&bms->lock);
	return sysfs_emit(buf, "%d\n", level);
}

#define SMARTBMS_OUT_ATTR(_name, _out)					\
	struct smartbms_out_attr dev_attr_##_name = {			\
		.attr = __ATTR(_name, 0444, smartbms_out_show, NULL),	\
		.out = (_out),						\
	}

static SMARTBMS_OUT_ATTR(load_disconnect, SMARTBMS_OUT_LOAD);
static SMARTBMS_OUT_ATTR(charge_disconnect, SMARTBMS_OUT_CHARGE);
static SMARTBMS_OUT_ATTR(prealarm, SMARTBMS_OUT_PREALARM);
static SMARTBMS_OUT_ATTR(alternator_enable, SMARTBMS_OUT_ALT);

/* The one-word settings: one show/store pair, the words live in the core. */
struct smartbms_word_attr {
	struct device_attribute attr;
	enum smartbms_word word;
};

static ssize_t smartbms_word_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	struct smartbms_word_attr *wa = container_of(attr,
						     struct smartbms_word_attr,
						     attr);
	const char *word;

	mutex_lock(&bms->lock);
	word = smartbms_word_get(&bms->core.set, wa->word);
	mutex_unlock(&bms->lock);
	return sysfs_emit(buf, "%s\n", word);
}

static ssize_t smartbms_word_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t len)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	struct smartbms_word_attr *wa = container_of(attr,
						     struct smartbms_word_attr,
						     attr);
	struct smartbms_settings set;
	int ret;

	mutex_lock(&bms->lock);
	set = bms->core.set;
	ret = smartbms_word_set(&set, wa->word, buf);
	if (!ret)
		ret = smartbms_apply_settings(bms, &set);
	mutex_unlock(&bms->lock);
	return ret ?: len;
}

#define SMARTBMS_WORD_ATTR(_name, _word)				\
	struct smartbms_word_attr dev_attr_##_name = {			\
		.attr = __ATTR(_name, 0644, smartbms_word_show,		\
			       smartbms_word_store),			\
		.word = (_word),					\
	}

static SMARTBMS_WORD_ATTR(prealarm_usage, SMARTBMS_WORD_PREALARM_USAGE);
static SMARTBMS_WORD_ATTR(prealarm_signal, SMARTBMS_WORD_PREALARM_SIGNAL);
static SMARTBMS_WORD_ATTR(remote_function, SMARTBMS_WORD_REMOTE_FN);
static SMARTBMS_WORD_ATTR(software_switch, SMARTBMS_WORD_SWITCH);

static ssize_t fuse_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	enum smartbms_fuse fuse;

	mutex_lock(&bms->lock);
	fuse = bms->core.set.fuse;
	mutex_unlock(&bms->lock);
	return sysfs_emit(buf, "%s\n", smartbms_fuse_name(fuse));
}

static ssize_t fuse_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t len)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	struct smartbms_settings set;
	enum smartbms_fuse fuse;
	int ret;

	ret = smartbms_parse_fuse(buf, &fuse);
	if (ret)
		return ret;
	if (fuse == SMARTBMS_FUSE_UNSET)
		return -EINVAL;

	mutex_lock(&bms->lock);
	set = bms->core.set;
	set.fuse = fuse;
	ret = smartbms_apply_settings(bms, &set);
	mutex_unlock(&bms->lock);
	return ret ?: len;
}
static DEVICE_ATTR_RW(fuse);

static ssize_t debounce_ms_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	u32 ms;

	mutex_lock(&bms->lock);
	ms = bms->core.set.debounce_ms;
	mutex_unlock(&bms->lock);
	return sysfs_emit(buf, "%u\n", ms);
}

static ssize_t debounce_ms_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t len)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	struct smartbms_settings set;
	u32 ms;
	int ret;

	ret = kstrtou32(buf, 10, &ms);
	if (ret)
		return -EINVAL;

	/* the range (BMS-IN-1) is the core's to check, with the rest */
	mutex_lock(&bms->lock);
	set = bms->core.set;
	set.debounce_ms = ms;
	ret = smartbms_apply_settings(bms, &set);
	mutex_unlock(&bms->lock);
	return ret ?: len;
}
static DEVICE_ATTR_RW(debounce_ms);

static ssize_t poll_interval_ms_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(bms->poll_ms));
}

static ssize_t poll_interval_ms_store(struct device *dev,
				      struct device_attribute *attr,
				      const char *buf, size_t len)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	u32 ms;
	int ret;

	ret = kstrtou32(buf, 10, &ms);
	if (ret || ms < SMARTBMS_POLL_MIN_MS || ms > SMARTBMS_POLL_MAX_MS)
		return -EINVAL;

	mutex_lock(&bms->lock);
	WRITE_ONCE(bms->poll_ms, ms);
	if (!bms->removing)
		mod_delayed_work(system_freezable_wq, &bms->work, 0);
	mutex_unlock(&bms->lock);
	return len;
}
static DEVICE_ATTR_RW(poll_interval_ms);

static ssize_t factory_reset_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t len)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	int ret;

	if (!sysfs_streq(buf, "1"))
		return -EINVAL;

	mutex_lock(&bms->lock);
	ret = smartbms_apply_settings(bms, &bms->defaults);
	if (!ret) {
		bms->sample.config_ok = true;	/* clears E-B31 */
		WRITE_ONCE(bms->poll_ms, bms->poll_default_ms);
	}
	mutex_unlock(&bms->lock);
	return ret ?: len;
}
static DEVICE_ATTR_WO(factory_reset);

static struct attribute *smartbms_attrs[] = {
	&dev_attr_fuse.attr,
	&dev_attr_prealarm_usage.attr.attr,
	&dev_attr_prealarm_signal.attr.attr,
	&dev_attr_remote_function.attr.attr,
	&dev_attr_software_switch.attr.attr,
	&dev_attr_debounce_ms.attr,
	&dev_attr_poll_interval_ms.attr,
	&dev_attr_factory_reset.attr,
	&dev_attr_load_disconnect.attr.attr,
	&dev_attr_charge_disconnect.attr.attr,
	&dev_attr_prealarm.attr.attr,
	&dev_attr_alternator_enable.attr.attr,
	&dev_attr_remote.attr,
	&dev_attr_codes.attr,
	&dev_attr_sensor_faults.attr,
	NULL
};

static const struct attribute_group smartbms_group = {
	.attrs = smartbms_attrs,
};

static const struct attribute_group *smartbms_groups[] = {
	&smartbms_group,
	NULL
};

static int smartbms_iio_register(struct smartbms *bms)
{
	struct device *dev = bms->dev;
	struct iio_dev *indio;
	int ret;

	indio = devm_iio_device_alloc(dev, 0);
	if (!indio)
		return -ENOMEM;

	iio_device_set_drvdata(indio, bms);
	indio->name = "smartbms";
	indio->info = &smartbms_iio_info;
	indio->modes = INDIO_DIRECT_MODE;
	indio->channels = smartbms_iio_channels;
	indio->num_channels = ARRAY_SIZE(smartbms_iio_channels);

	/*
	 * The sampling work pushes one scan per evaluation: a software
	 * buffer, no trigger to pin the module while it is bound.
	 */
	ret = devm_iio_kfifo_buffer_setup(dev, indio, NULL);
	if (ret)
		return ret;

	bms->indio = indio;
	return devm_iio_device_register(dev, indio);
}

/* Resources: channels, lines, calibration, settings. */
static int smartbms_get_channels(struct smartbms *bms)
{
	struct device *dev = bms->dev;
	struct iio_channel *ch;
	int i;

	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		bool required = i <= SMARTBMS_CH_TEMP;

		ch = devm_iio_channel_get(dev, smartbms_chan_name(i));
		if (IS_ERR(ch)) {
			int err = PTR_ERR(ch);

			if (err == -EPROBE_DEFER ||
			    (required && err == -ENODEV))
				/* on a board without DT, a late ADC looks absent */
				return dev_err_probe(dev, -EPROBE_DEFER,
						     "channel %s not available\n",
						     smartbms_chan_name(i));
			if (required)
				return dev_err_probe(dev, err, "channel %s\n",
						     smartbms_chan_name(i));
			continue;
		}
		bms->chan[i] = ch;
	}

	ch = devm_iio_channel_get(dev, "alternator-setpoint");
	if (IS_ERR(ch)) {
		if (PTR_ERR(ch) == -EPROBE_DEFER)
			return -EPROBE_DEFER;
	} else {
		bms->setpoint = ch;
	}
	return 0;
}

static int smartbms_get_lines(struct smartbms *bms)
{
	struct device *dev = bms->dev;
	struct gpio_desc *d;
	char *name;
	int i;

	/* Outputs first, low: nothing is allowed before the first evaluation. */
	for (i = 0; i < SMARTBMS_OUT_NUM; i++) {
		d = devm_gpiod_get(dev, smartbms_output_name(i), GPIOD_OUT_LOW);
		if (IS_ERR(d))
			return dev_err_probe(dev, PTR_ERR(d), "%s line\n",
					     smartbms_output_name(i));
		name = devm_kasprintf(dev, GFP_KERNEL, "smartbms:%s",
				      smartbms_output_name(i));
		if (name)
			gpiod_set_consumer_name(d, name);
		bms->out[i] = d;
	}

	for (i = 0; i < SMARTBMS_IN_NUM; i++) {
		bool required = i <= SMARTBMS_IN_ATD;

		if (required)
			d = devm_gpiod_get(dev, smartbms_input_name(i), GPIOD_IN);
		else
			d = devm_gpiod_get_optional(dev, smartbms_input_name(i),
						    GPIOD_IN);
		if (IS_ERR(d))
			return dev_err_probe(dev, PTR_ERR(d), "%s line\n",
					     smartbms_input_name(i));
		if (!d)
			continue;
		name = devm_kasprintf(dev, GFP_KERNEL, "smartbms:%s",
				      smartbms_input_name(i));
		if (name)
			gpiod_set_consumer_name(d, name);
		bms->in[i] = d;
	}
	return 0;
}

/*
 * Input edges through threaded IRQs on both edges; a line without an IRQ
 * is read by the sampling work instead. Requested after everything the
 * handler touches, so they are freed first on remove.
 */
static void smartbms_request_irqs(struct smartbms *bms)
{
	struct device *dev = bms->dev;
	int i, irq, ret;

	for (i = 0; i < SMARTBMS_IN_NUM; i++) {
		if (!bms->in[i])
			continue;
		irq = gpiod_to_irq(bms->in[i]);
		ret = irq;
		if (irq > 0)
			ret = devm_request_threaded_irq(dev, irq, NULL,
							smartbms_irq_thread,
							IRQF_TRIGGER_RISING |
							IRQF_TRIGGER_FALLING |
							IRQF_ONESHOT,
							smartbms_input_name(i), bms);
		if (ret < 0) {
			dev_info(dev, "%s: no IRQ (%d), polling it\n",
				 smartbms_input_name(i), ret);
			bms->polled_inputs |= BIT(i);
		}
	}
}

static void smartbms_load_calibration(struct smartbms *bms)
{
	struct smartbms_calibration cal;
	const char *name = SMARTBMS_FW_DEFAULT;
	const struct firmware *fw;
	int i, ret;

	/* Uncalibrated readings are still shown; E-B30 holds the outputs. */
	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		bms->cal.chan[i].gain_micro = 1000000;
		bms->cal.chan[i].offset = 0;
	}

	device_property_read_string(bms->dev, "firmware-name", &name);
	ret = request_firmware(&fw, name, bms->dev);
	if (ret) {
		dev_err(bms->dev, "calibration %s missing (%d): E-B30, outputs held off\n",
			name, ret);
		return;
	}
	ret = smartbms_calibration_parse(fw->data, fw->size, &cal);
	release_firmware(fw);
	if (ret) {
		dev_err(bms->dev, "calibration %s corrupt (%d): E-B30, outputs held off\n",
			name, ret);
		return;
	}
	bms->cal = cal;
	bms->sample.calibration_ok = true;
}

/* The board's defaults: the table of SPEC section 6, then the firmware node. */
static int smartbms_read_defaults(struct smartbms *bms)
{
	static const char * const smartbms_word_props[] = {
		[SMARTBMS_WORD_PREALARM_USAGE] = "smartbms,prealarm-usage",
		[SMARTBMS_WORD_PREALARM_SIGNAL] = "smartbms,prealarm-signal",
		[SMARTBMS_WORD_REMOTE_FN] = "smartbms,remote-function",
	};
	struct smartbms_settings *set = &bms->defaults;
	struct device *dev = bms->dev;
	const char *str;
	unsigned int i;
	u32 v;

	smartbms_settings_default(set);
	if (!device_property_read_string(dev, "smartbms,fuse", &str) &&
	    smartbms_parse_fuse(str, &set->fuse))
		return dev_err_probe(dev, -EINVAL, "bad smartbms,fuse \"%s\"\n",
				     str);
	if (!device_property_read_u32(dev, "smartbms,charge-limit-microvolt", &v))
		set->charge_limit_mv = v / 1000;
	for (i = 0; i < ARRAY_SIZE(smartbms_word_props); i++) {
		if (device_property_read_string(dev, smartbms_word_props[i], &str))
			continue;
		if (smartbms_word_set(set, i, str))
			return dev_err_probe(dev, -EINVAL, "bad %s \"%s\"\n",
					     smartbms_word_props[i], str);
	}
	if (!device_property_read_u32(dev, "smartbms,debounce-ms", &v))
		set->debounce_ms = v;

	bms->poll_ms = SMARTBMS_POLL_DEFAULT_MS;
	device_property_read_u32(dev, "smartbms,poll-interval-ms", &bms->poll_ms);
	if (bms->poll_ms < SMARTBMS_POLL_MIN_MS ||
	    bms->poll_ms > SMARTBMS_POLL_MAX_MS)
		return dev_err_probe(dev, -EINVAL, "bad smartbms,poll-interval-ms\n");
	bms->poll_default_ms = bms->poll_ms;

	if (!smartbms_settings_valid(set))
		return dev_err_probe(dev, -EINVAL,
				     "settings defaults out of range (charge limit %u mV, debounce %u ms)\n",
				     set->charge_limit_mv, set->debounce_ms);
	return 0;
}

/*
 * Settings: the board's defaults, replaced by the NVMEM copy when there is
 * a good one; a bad one raises E-B31 until a factory reset.
 */
static int smartbms_load_settings(struct smartbms *bms,
				  struct smartbms_settings *set)
{
	struct device *dev = bms->dev;
	struct nvmem_cell *cell;
	size_t len;
	void *buf;

	*set = bms->defaults;
	bms->sample.config_ok = true;

	cell = devm_nvmem_cell_get(dev, "settings");
	if (IS_ERR(cell)) {
		if (PTR_ERR(cell) == -EPROBE_DEFER)
			return -EPROBE_DEFER;
		return 0;	/* no NVMEM on this board: defaults */
	}
	bms->settings_cell = cell;

	buf = nvmem_cell_read(cell, &len);
	if (IS_ERR(buf) || smartbms_settings_unpack(buf, len, set)) {
		dev_warn(dev, "stored settings missing or corrupt: E-B31, defaults loaded\n");
		*set = bms->defaults;
		bms->sample.config_ok = false;
	}
	if (!IS_ERR(buf))
		kfree(buf);
	return 0;
}

static void smartbms_shutdown_lines(void *data)
{
	struct smartbms *bms = data;
	int i;

	/* BMS-OUT-5: leaving, every permission line goes low */
	mutex_lock(&bms->lock);
	bms->removing = true;
	for (i = 0; i < SMARTBMS_OUT_NUM; i++)
		gpiod_set_value_cansleep(bms->out[i], 0);
	if (bms->setpoint)
		iio_write_channel_raw(bms->setpoint, 0);
	mutex_unlock(&bms->lock);
	cancel_delayed_work_sync(&bms->work);
}

static int smartbms_probe(struct platform_device *pdev)
{
	struct power_supply_config cfg = { }, alt_cfg = { };
	struct device *dev = &pdev->dev;
	struct smartbms_settings set;
	struct smartbms_board board = { };
	struct smartbms *bms;
	int i, ret;

	bms = devm_kzalloc(dev, sizeof(*bms), GFP_KERNEL);
	if (!bms)
		return -ENOMEM;
	bms->dev = dev;
	mutex_init(&bms->lock);
	INIT_DELAYED_WORK(&bms->work, smartbms_work);

	ret = smartbms_read_defaults(bms);
	if (ret)
		return ret;
	ret = smartbms_get_channels(bms);
	if (ret)
		return ret;
	ret = smartbms_get_lines(bms);
	if (ret)
		return ret;
	ret = smartbms_load_settings(bms, &set);
	if (ret)
		return ret;
	smartbms_load_calibration(bms);

	for (i = 0; i < SMARTBMS_CH_NUM; i++)
		if (bms->chan[i])
			board.chan_present |= BIT(i);
	for (i = 0; i < SMARTBMS_IN_NUM; i++)
		if (bms->in[i])
			board.input_present |= BIT(i);
	board.has_setpoint = bms->setpoint;
	smartbms_core_init(&bms->core, &board, &set);

	for (i = 0; i < SMARTBMS_LED_NUM; i++) {
		bms->led[i].name = smartbms_led_names[i];
		ret = devm_led_trigger_register(dev, &bms->led[i]);
		if (ret)
			return dev_err_probe(dev, ret, "LED trigger %s\n",
					     smartbms_led_names[i]);
	}

	cfg.drv_data = bms;
	cfg.fwnode = dev_fwnode(dev);
	cfg.attr_grp = smartbms_groups;
	bms->psy = devm_power_supply_register(dev, &smartbms_desc, &cfg);
	if (IS_ERR(bms->psy))
		return dev_err_probe(dev, PTR_ERR(bms->psy),
				     "cannot register power supply\n");

	alt_cfg.drv_data = bms;
	alt_cfg.supplied_to = smartbms_supplied_to;
	alt_cfg.num_supplicants = ARRAY_SIZE(smartbms_supplied_to);
	bms->alt_psy = devm_power_supply_register(dev, &smartbms_alt_desc,
						  &alt_cfg);
	if (IS_ERR(bms->alt_psy))
		return dev_err_probe(dev, PTR_ERR(bms->alt_psy),
				     "cannot register alternator supply\n");

	ret = smartbms_iio_register(bms);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register IIO device\n");

	/* Runs before the supplies and the IIO device go on remove. */
	ret = devm_add_action_or_reset(dev, smartbms_shutdown_lines, bms);
	if (ret)
		return ret;
	smartbms_request_irqs(bms);

	mutex_lock(&bms->lock);
	smartbms_read_inputs(bms, ~0U);
	queue_delayed_work(system_freezable_wq, &bms->work, 0);
	mutex_unlock(&bms->lock);
	return 0;
}

static const struct of_device_id smartbms_of_match[] = {
	{ .compatible = "smartbms,bms" },
	{ }
};
MODULE_DEVICE_TABLE(of, smartbms_of_match);

static const struct platform_device_id smartbms_id[] = {
	{ "smartbms" },
	{ }
};
MODULE_DEVICE_TABLE(platform, smartbms_id);

static struct platform_driver smartbms_driver = {
	.driver = {
		.name = "smartbms",
		.of_match_table = smartbms_of_match,
	},
	.probe = smartbms_probe,
	.id_table = smartbms_id,
};
module_platform_driver(smartbms_driver);

MODULE_DESCRIPTION("smartbms 12 V LiFePO4 battery management controller");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SMARTBMS);
