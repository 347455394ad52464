// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms - a 12 V LiFePO4 battery management controller built from an
 * IIO analog front end and GPIO lines, modelled on the Victron Smart BMS
 * CL 12-100.
 *
 * Every protection rule lives in the hardware-free core (smartbms_rules.c)
 * and so does what a result means (smartbms_report.c). This part of the
 * driver gets the board's resources, samples the IIO channels and every
 * input line from a delayed work at least once per sampling period
 * (BMS-IN-2), follows input edges through threaded IRQs so that a
 * reaction comes sooner, hands each snapshot to the core and drives the
 * output lines, the alternator setpoint, the LED triggers, tracepoints and
 * uevents from what it decides.
 *
 * Outputs are requested low and stay low until the core's first complete
 * evaluation; on remove, and on a probe that fails after requesting them,
 * they are driven low again before release.
 */
#include <linux/devm-helpers.h>
#include <linux/device.h>
#include <linux/gpio/consumer.h>
#include <linux/iio/consumer.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/leds.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/power_supply.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "smartbms_compat.h"
#include "smartbms.h"

#define CREATE_TRACE_POINTS
#include "smartbms_trace.h"

/* every output, every code, and a state-of-charge save */
#define SMARTBMS_MAX_EVENTS		(SMARTBMS_OUT_NUM + SMARTBMS_CODE_NUM + 1)

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
 * without bms->lock: the channels are fixed after probe (the calibration
 * is copied under it), and an ADC read may be slow (a bus transfer),
 * which must not hold up the IRQ thread's reaction to an input edge.
 */
static void smartbms_read_analog(struct smartbms *bms, s32 *val, u32 *ok)
{
	struct smartbms_calibration cal;
	int i, ret, v;

	smartbms_cal_get(bms, &cal);
	*ok = 0;
	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		if (!bms->chan[i])
			continue;
		ret = iio_read_channel_processed(bms->chan[i], &v);
		if (ret < 0)
			continue;
		val[i] = smartbms_calibrate(&cal, i, v);
		*ok |= BIT(i);
	}
}

/* boot time: a suspend counts (a gap for the battery monitor) */
static u64 smartbms_now_ms(void)
{
	return ktime_to_ms(ktime_get_boottime());
}

/*
 * Every input line, every time: an IRQ only makes a reaction faster.
 * Then the edges marked since the last read (BMS-IN-1), and the time.
 * Taken after the levels, an edge is never lost: one that falls between
 * a level and the marks restarts a debounce that did not need it, which
 * is safe. The line is known to be quiet only between two takings of the
 * marks, so the sample's time is stamped with them, with no preemption
 * between: a later stamp would lengthen the quiet time the core measures.
 * The marks add up until a step tells them: no step follows the read at
 * probe.
 */
static void smartbms_read_inputs(struct smartbms *bms)
{
	int i, ret;

	lockdep_assert_held(&bms->lock);
	for (i = 0; i < SMARTBMS_IN_NUM; i++) {
		if (!bms->in[i])
			continue;
		ret = gpiod_get_value_cansleep(bms->in[i]);
		/* an unreadable line is a line that does not allow */
		bms->sample.in[i] = ret > 0;
	}
	preempt_disable();
	bms->sample.in_edges |= (u32)xchg(&bms->in_edges, 0);
	bms->sample.now_ms = smartbms_now_ms();
	preempt_enable();
	bms->inputs_read = true;
}

static void smartbms_update_leds(struct smartbms *bms, u32 leds)
{
	u32 changed = leds ^ bms->leds;
	int i;

	for (i = 0; i < SMARTBMS_LED_NUM; i++)
		if (changed & BIT(i))
			led_trigger_event(&bms->led[i], leds & BIT(i) ?
					  LED_FULL : LED_OFF);
	bms->leds = leds;
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
 * BMS-ALT-5: write the setpoint the core asks for, before the path may
 * close on it. A write that fails is an input of the core (the path opens)
 * and is retried on every evaluation until one succeeds.
 */
static void smartbms_write_setpoint(struct smartbms *bms)
{
	u32 ma = bms->res.setpoint_ma;
	int ret;

	if (!bms->setpoint || (bms->setpoint_ok && ma == bms->setpoint_ma))
		return;
	ret = iio_write_channel_raw(bms->setpoint, ma);
	if (ret < 0) {
		if (!bms->sample.setpoint_fault)
			dev_err(bms->dev,
				"alternator setpoint %u mA not written (%d): path open until a write succeeds\n",
				ma, ret);
		bms->sample.setpoint_fault = true;
		bms->setpoint_ok = false;
		return;
	}
	if (bms->sample.setpoint_fault)
		dev_info(bms->dev, "alternator setpoint written again (%u mA)\n",
			 ma);
	bms->sample.setpoint_fault = false;
	bms->setpoint_ma = ma;
	bms->setpoint_ok = true;
}

/* The codes raised and cleared between two results, as events. */
static int smartbms_code_events(const struct smartbms_result *old,
				const struct smartbms_result *r,
				struct smartbms_event *ev)
{
	u32 raised = r->codes & ~old->codes, cleared = old->codes & ~r->codes;
	int i, n = 0;

	for (i = 0; i < SMARTBMS_CODE_NUM; i++) {
		if (!((raised | cleared) & BIT(i)))
			continue;
		ev[n].event = raised & BIT(i) ? "code-raised" : "code-cleared";
		ev[n++].reason = smartbms_code_name(i);
	}
	return n;
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
	struct smartbms_report rep;
	bool fault = s->setpoint_fault, first, now;
	int i, n;

	lockdep_assert_held(&bms->lock);
	/* after a read of the lines, the time of that read */
	if (!bms->inputs_read)
		s->now_ms = smartbms_now_ms();
	bms->inputs_read = false;
	smartbms_core_step(&bms->core, s, r);
	/* the edges are told once: a later step without a read has none */
	s->in_edges = 0;
	first = r->first;
	if (r->started) {
		smartbms_write_setpoint(bms);
		/* the write's outcome is news for the core, at the same time */
		if (s->setpoint_fault != fault)
			smartbms_core_step(&bms->core, s, r);
	}

	/* Codes are news from probe on: E-B30 at probe is announced too. */
	n = smartbms_code_events(&old, r, ev);
	/* Until the first complete evaluation every line stays low. */
	for (i = 0; r->started && i < SMARTBMS_OUT_NUM; i++) {
		if (first || r->out[i] != old.out[i])
			gpiod_set_value_cansleep(bms->out[i], r->out[i]);
		now = smartbms_out_state(r, i);
		/* from low at probe: only what went high is news */
		if (first ? !now : now == smartbms_out_state(&old, i))
			continue;
		ev[n].event = smartbms_out_event[i][now];
		ev[n++].reason = smartbms_event_reason(r, i);
	}

	for (i = 0; i < n; i++)
		trace_smartbms_decision(ev[i].event, ev[i].reason,
					s->val[SMARTBMS_CH_VBAT],
					s->val[SMARTBMS_CH_VSTART],
					s->val[SMARTBMS_CH_IALT],
					s->val[SMARTBMS_CH_TEMP],
					smartbms_input_mask(s), r->codes);
	smartbms_core_report(&bms->core, r, &rep);
	smartbms_update_leds(bms, rep.leds);
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

/*
 * BMS-IN-2: queue the sampling work to run within @delay jiffies. A queued
 * run only ever moves earlier, so no edge rate can push it back for ever.
 */
void smartbms_schedule(struct smartbms *bms, unsigned long delay)
{
	unsigned long at = jiffies + delay;

	lockdep_assert_held(&bms->lock);
	if (!bms->running)
		return;
	if (delayed_work_pending(&bms->work) && time_before_eq(bms->due, at))
		return;
	bms->due = at;
	mod_delayed_work(system_freezable_wq, &bms->work, delay);
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
	s32 val[SMARTBMS_CH_NUM], ibat;
	bool ibat_ok;
	u32 ok;
	int i, n;

	smartbms_read_analog(bms, val, &ok);
	smartbms_mon_read_ibat(bms, &ibat, &ibat_ok);
	mutex_lock(&bms->lock);
	if (bms->stopped) {
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
	bms->sample.ibat_ma = ibat;
	bms->sample.ibat_ok = ibat_ok;
	smartbms_read_inputs(bms);
	n = smartbms_evaluate_locked(bms, ev);
	if (smartbms_mon_save_locked(bms)) {
		ev[n].event = "soc-save";
		ev[n++].reason = "unsaved";
	}
	smartbms_iio_push(bms);
	smartbms_schedule(bms, smartbms_next_delay(bms));
	mutex_unlock(&bms->lock);

	smartbms_announce(bms, ev, n);
}

/*
 * An input edge, in hard IRQ context: mark its line, however late the
 * thread runs. A thread starved of CPU still learns that the line moved.
 */
static irqreturn_t smartbms_irq_edge(int irq, void *data)
{
	struct smartbms_in_irq *l = data;

	set_bit(l->in, &l->bms->in_edges);
	WRITE_ONCE(l->hard, true);
	return IRQ_WAKE_THREAD;
}

/* An input edge: re-read the lines and decide now, on the last analog sample. */
static irqreturn_t smartbms_irq_thread(int irq, void *data)
{
	struct smartbms_in_irq *l = data;
	struct smartbms *bms = l->bms;
	struct smartbms_event ev[SMARTBMS_MAX_EVENTS];
	int n;

	/*
	 * A nested IRQ (a GPIO expander on a bus) has no hard handler: the
	 * thread marks the edge. Elsewhere the hard handler did, and marking
	 * again here would restart a debounce as late as the thread runs.
	 */
	if (!READ_ONCE(l->hard))
		set_bit(l->in, &bms->in_edges);
	mutex_lock(&bms->lock);
	if (bms->stopped) {
		mutex_unlock(&bms->lock);
		return IRQ_HANDLED;
	}
	smartbms_read_inputs(bms);
	n = smartbms_evaluate_locked(bms, ev);
	/* a debounce now pending is looked at when it expires, not later */
	smartbms_schedule(bms, smartbms_next_delay(bms));
	mutex_unlock(&bms->lock);

	smartbms_announce(bms, ev, n);
	return IRQ_HANDLED;
}

/*
 * Resources: channels, lines, calibration, settings. A channel that is
 * described must work: only one that is absent (-ENODEV) is optional.
 */
static struct iio_channel *smartbms_get_channel(struct smartbms *bms,
						const char *name, bool required)
{
	struct device *dev = bms->dev;
	struct iio_channel *ch;
	int err;

	ch = devm_iio_channel_get(dev, name);
	if (!IS_ERR(ch))
		return ch;
	err = PTR_ERR(ch);
	if (err == -ENODEV && !required)
		return NULL;
	/* on a board without DT, a late ADC looks absent */
	if (err == -ENODEV || err == -EPROBE_DEFER)
		err = -EPROBE_DEFER;
	return ERR_PTR(dev_err_probe(dev, err, "channel %s %s\n", name,
				     required ? "not available" :
				     "described but unusable"));
}

static int smartbms_get_channels(struct smartbms *bms)
{
	struct iio_channel *ch;
	int i;

	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		ch = smartbms_get_channel(bms, smartbms_chan_name(i),
					  i <= SMARTBMS_CH_TEMP);
		if (IS_ERR(ch))
			return PTR_ERR(ch);
		bms->chan[i] = ch;
	}
	ch = smartbms_get_channel(bms, "alternator-setpoint", false);
	if (IS_ERR(ch))
		return PTR_ERR(ch);
	bms->setpoint = ch;
	return 0;
}

static struct gpio_desc *smartbms_get_line(struct smartbms *bms,
					   const char *line, bool optional,
					   enum gpiod_flags flags)
{
	struct device *dev = bms->dev;
	struct gpio_desc *d;
	char *name;

	d = optional ? devm_gpiod_get_optional(dev, line, flags) :
		       devm_gpiod_get(dev, line, flags);
	if (IS_ERR(d)) {
		dev_err_probe(dev, PTR_ERR(d), "%s line\n", line);
		return d;
	}
	if (!d)
		return NULL;
	name = devm_kasprintf(dev, GFP_KERNEL, "%s:%s", bms->name, line);
	if (!name)
		return ERR_PTR(-ENOMEM);
	gpiod_set_consumer_name(d, name);
	return d;
}

static int smartbms_get_lines(struct smartbms *bms)
{
	struct gpio_desc *d;
	int i;

	/* Outputs first, low: nothing is allowed before the first evaluation. */
	for (i = 0; i < SMARTBMS_OUT_NUM; i++) {
		d = smartbms_get_line(bms, smartbms_output_name(i), false,
				      GPIOD_OUT_LOW);
		if (IS_ERR(d))
			return PTR_ERR(d);
		bms->out[i] = d;
	}
	for (i = 0; i < SMARTBMS_IN_NUM; i++) {
		d = smartbms_get_line(bms, smartbms_input_name(i),
				      i > SMARTBMS_IN_ATD, GPIOD_IN);
		if (IS_ERR(d))
			return PTR_ERR(d);
		bms->in[i] = d;
	}
	return 0;
}

/*
 * Input edges through threaded IRQs on both edges. The sampling work reads
 * every line anyway; a line without an IRQ, or whose IRQ cannot be had,
 * only reacts on the next sampling round, and the log says so.
 */
static int smartbms_request_irqs(struct smartbms *bms)
{
	struct device *dev = bms->dev;
	int i, irq, ret;

	for (i = 0; i < SMARTBMS_IN_NUM; i++) {
		if (!bms->in[i])
			continue;
		irq = gpiod_to_irq(bms->in[i]);
		if (irq <= 0) {
			dev_info(dev, "%s: no IRQ (%d), sampled every %u ms\n",
				 smartbms_input_name(i), irq, bms->poll_ms);
			continue;
		}
		/*
		 * Edge triggered, with a hard handler that only marks the
		 * line: not IRQF_ONESHOT, so that no edge goes unmarked while
		 * the thread runs or waits for the lock, and IRQF_NO_THREAD,
		 * so that with threadirqs or PREEMPT_RT the marking is not
		 * starved with the thread. It only sets a bit.
		 */
		bms->in_irq[i].bms = bms;
		bms->in_irq[i].in = i;
		ret = devm_request_threaded_irq(dev, irq, smartbms_irq_edge,
						smartbms_irq_thread,
						IRQF_TRIGGER_RISING |
						IRQF_TRIGGER_FALLING |
						IRQF_NO_THREAD,
						smartbms_input_name(i),
						&bms->in_irq[i]);
		if (ret == -EPROBE_DEFER)
			return ret;
		if (ret)
			dev_warn(dev, "%s: IRQ %d not available (%d), sampled every %u ms\n",
				 smartbms_input_name(i), irq, ret, bms->poll_ms);
	}
	return 0;
}

static int smartbms_register_leds(struct smartbms *bms)
{
	struct device *dev = bms->dev;
	int i, ret;

	for (i = 0; i < SMARTBMS_LED_NUM; i++) {
		bms->led[i].name = devm_kasprintf(dev, GFP_KERNEL, "%s-%s",
						  bms->name,
						  smartbms_led_name(i));
		if (!bms->led[i].name)
			return -ENOMEM;
		ret = devm_led_trigger_register(dev, &bms->led[i]);
		if (ret)
			return dev_err_probe(dev, ret, "LED trigger %s\n",
					     bms->led[i].name);
	}
	return 0;
}

/*
 * BMS-OUT-5: leaving (remove, or a probe that failed once the lines were
 * held), every permission line low and nothing runs any more. Registered
 * twice: after the lines are held, and after the supplies and the IIO
 * device, so that on remove it runs before they go. The second run finds
 * nothing left to do.
 */
static void smartbms_shutdown_lines(void *data)
{
	struct smartbms *bms = data;
	int i;

	mutex_lock(&bms->lock);
	bms->running = false;
	bms->stopped = true;
	for (i = 0; i < SMARTBMS_OUT_NUM; i++)
		gpiod_set_value_cansleep(bms->out[i], 0);
	if (bms->setpoint && iio_write_channel_raw(bms->setpoint, 0) < 0)
		dev_warn(bms->dev, "alternator setpoint not set to 0 on remove\n");
	mutex_unlock(&bms->lock);
	cancel_delayed_work_sync(&bms->work);
}

/*
 * BMS-OUT-5 at reboot, poweroff and halt, where the kernel calls shutdown
 * and not remove: every permission line low and nothing runs any more
 * (a halted board may stay powered with nothing protecting). The lines
 * are read back, so that the log says what the hardware was left at.
 */
static void smartbms_shutdown(struct platform_device *pdev)
{
	struct smartbms *bms = platform_get_drvdata(pdev);
	char level[SMARTBMS_OUT_NUM + 1];
	int i, v;

	smartbms_shutdown_lines(bms);
	smartbms_mon_final_save(bms);
	for (i = 0; i < SMARTBMS_OUT_NUM; i++) {
		v = gpiod_get_value_cansleep(bms->out[i]);
		level[i] = v < 0 ? '?' : '0' + !!v;
	}
	level[i] = '\0';
	dev_warn(bms->dev, "shutdown: outputs %s (load, charge, pre-alarm, alternator): loads and chargers off until the driver binds again\n",
		 level);
}

static void smartbms_init_core(struct smartbms *bms,
			       const struct smartbms_settings *set)
{
	struct smartbms_board board = { };
	int i;

	for (i = 0; i < SMARTBMS_CH_NUM; i++)
		if (bms->chan[i])
			board.chan_present |= BIT(i);
	for (i = 0; i < SMARTBMS_IN_NUM; i++)
		if (bms->in[i])
			board.input_present |= BIT(i);
	board.has_setpoint = bms->setpoint;
	board.has_ibat = bms->ibat;
	smartbms_core_init(&bms->core, &board, set);
}

static int smartbms_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct smartbms_settings set;
	struct smartbms *bms;
	int ret;

	bms = devm_kzalloc(dev, sizeof(*bms), GFP_KERNEL);
	if (!bms)
		return -ENOMEM;
	bms->dev = dev;
	platform_set_drvdata(pdev, bms);
	mutex_init(&bms->lock);
	mutex_init(&bms->settings_lock);
	/* cancelled before bms is freed, whatever fails later */
	ret = devm_delayed_work_autocancel(dev, &bms->work, smartbms_work);
	if (ret)
		return ret;

	bms->name = "smartbms";
	device_property_read_string(dev, "label", &bms->name);
	if (!*bms->name || strchr(bms->name, '/'))
		return dev_err_probe(dev, -EINVAL, "bad label \"%s\"\n",
				     bms->name);

	ret = smartbms_read_defaults(bms);
	if (ret)
		return ret;
	ret = smartbms_get_channels(bms) ?: smartbms_mon_get_channel(bms);
	if (ret)
		return ret;
	ret = smartbms_get_lines(bms);
	if (ret)
		return ret;
	/* from here on a failing probe drives the lines low before release */
	ret = devm_add_action_or_reset(dev, smartbms_shutdown_lines, bms);
	if (ret)
		return ret;
	ret = smartbms_load_settings(bms, &set);
	if (ret)
		return ret;
	ret = smartbms_cal_load(bms);
	if (ret)
		return ret;
	smartbms_init_core(bms, &set);

	ret = smartbms_register_leds(bms);
	if (ret)
		return ret;
	ret = smartbms_psy_register(bms) ?: smartbms_mon_probe(bms);
	if (ret)
		return ret;
	ret = smartbms_iio_register(bms);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register IIO device\n");
	/* again, so that on remove it runs before the supplies and IIO go */
	ret = devm_add_action_or_reset(dev, smartbms_shutdown_lines, bms);
	if (ret)
		return ret;
	ret = smartbms_request_irqs(bms);
	if (ret)
		return ret;

	mutex_lock(&bms->lock);
	smartbms_read_inputs(bms);
	bms->running = true;
	smartbms_schedule(bms, 0);
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
	.shutdown = smartbms_shutdown,
	.id_table = smartbms_id,
};
module_platform_driver(smartbms_driver);

MODULE_DESCRIPTION("smartbms 12 V LiFePO4 battery management controller");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SMARTBMS);
