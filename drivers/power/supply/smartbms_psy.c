// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms - the two power supplies and the sysfs settings.
 *
 * "smartbms" (or the node's label) is the battery: what the core reports
 * mapped one to one to the power_supply ABI, its temp the battery's own
 * (tbat) where the board measures it. "<name>-alternator" is the starter
 * battery / alternator input with the current limiter's temperature. The
 * settings of SPEC section 6 are attributes of the battery supply; every
 * store is validated by the core and saved before it applies.
 */
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/power_supply.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "smartbms_compat.h"
#include "smartbms.h"

/* 4S LiFePO4: 2.5 V to 3.65 V per cell */
#define SMARTBMS_VMIN_DESIGN_UV		10000000
#define SMARTBMS_VMAX_DESIGN_UV		14600000

static const int smartbms_psy_status[] = {
	[SMARTBMS_STATUS_DISCHARGING] = POWER_SUPPLY_STATUS_DISCHARGING,
	[SMARTBMS_STATUS_CHARGING] = POWER_SUPPLY_STATUS_CHARGING,
	[SMARTBMS_STATUS_NOT_CHARGING] = POWER_SUPPLY_STATUS_NOT_CHARGING,
	[SMARTBMS_STATUS_FULL] = POWER_SUPPLY_STATUS_FULL,
};

static const int smartbms_psy_health[] = {
	[SMARTBMS_HEALTH_GOOD] = POWER_SUPPLY_HEALTH_GOOD,
	[SMARTBMS_HEALTH_CALIBRATION_REQUIRED] =
		POWER_SUPPLY_HEALTH_CALIBRATION_REQUIRED,
	[SMARTBMS_HEALTH_FAILURE] = POWER_SUPPLY_HEALTH_UNSPEC_FAILURE,
	[SMARTBMS_HEALTH_OVERHEAT] = POWER_SUPPLY_HEALTH_OVERHEAT,
	[SMARTBMS_HEALTH_OVERVOLTAGE] = POWER_SUPPLY_HEALTH_OVERVOLTAGE,
	[SMARTBMS_HEALTH_COLD] = POWER_SUPPLY_HEALTH_COLD,
	[SMARTBMS_HEALTH_HOT] = POWER_SUPPLY_HEALTH_HOT,
};

static const int smartbms_psy_level[] = {
	[SMARTBMS_LEVEL_NORMAL] = POWER_SUPPLY_CAPACITY_LEVEL_NORMAL,
	[SMARTBMS_LEVEL_CRITICAL] = POWER_SUPPLY_CAPACITY_LEVEL_CRITICAL,
	[SMARTBMS_LEVEL_LOW] = POWER_SUPPLY_CAPACITY_LEVEL_LOW,
	[SMARTBMS_LEVEL_FULL] = POWER_SUPPLY_CAPACITY_LEVEL_FULL,
};

static int smartbms_get_property(struct power_supply *psy,
				 enum power_supply_property psp,
				 union power_supply_propval *val)
{
	struct smartbms *bms = power_supply_get_drvdata(psy);
	const struct smartbms_sample *s = &bms->sample;
	struct smartbms_report rep;
	int ret = 0;

	mutex_lock(&bms->lock);
	smartbms_core_report(&bms->core, &bms->res, &rep);
	switch (psp) {
	case POWER_SUPPLY_PROP_STATUS:
		val->intval = smartbms_psy_status[rep.status];
		break;
	case POWER_SUPPLY_PROP_HEALTH:
		val->intval = smartbms_psy_health[rep.health];
		break;
	case POWER_SUPPLY_PROP_CAPACITY_LEVEL:
		val->intval = smartbms_psy_level[rep.level];
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
		val->intval = smartbms_milli_to_micro(s->val[SMARTBMS_CH_VBAT]);
		break;
	case POWER_SUPPLY_PROP_CURRENT_NOW:
		if (bms->ibat)
			ret = smartbms_mon_get_property(bms, psp, val);
		else	/* no battery shunt: the current the alternator delivers */
			val->intval = smartbms_milli_to_micro(s->val[SMARTBMS_CH_IALT]);
		break;
	case POWER_SUPPLY_PROP_CAPACITY:
	case POWER_SUPPLY_PROP_CHARGE_NOW:
	case POWER_SUPPLY_PROP_CHARGE_FULL:
	case POWER_SUPPLY_PROP_CHARGE_FULL_DESIGN:
	case POWER_SUPPLY_PROP_TIME_TO_EMPTY_NOW:
	case POWER_SUPPLY_PROP_TIME_TO_FULL_NOW:
		ret = smartbms_mon_get_property(bms, psp, val);
		break;
	case POWER_SUPPLY_PROP_TEMP:
		/* tenths of a degree: the battery's own (tbat) */
		val->intval = s->val[SMARTBMS_CH_TBAT] / 100;
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
		val->intval = SMARTBMS_CHARGE_LIMIT_MAX_MV * 1000;
		break;
	case POWER_SUPPLY_PROP_MODEL_NAME:
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

	if (psp != POWER_SUPPLY_PROP_CONSTANT_CHARGE_VOLTAGE)
		return -EINVAL;
	/* whole millivolts only; the range (BMS-CHG-1) is the core's */
	if (val->intval <= 0 || val->intval % 1000)
		return -EINVAL;

	smartbms_settings_begin(bms, &set);
	set.charge_limit_mv = val->intval / 1000;
	return smartbms_settings_commit(bms, &psy->dev, &set, 0, false);
}

static int smartbms_property_is_writeable(struct power_supply *psy,
					  enum power_supply_property psp)
{
	return psp == POWER_SUPPLY_PROP_CONSTANT_CHARGE_VOLTAGE;
}

/*
 * The monitor's (smartbms_mon_props) follow where the board has a battery
 * current; TEMP last: a board without tbat leaves it out.
 */
static const enum power_supply_property smartbms_props[] = {
	POWER_SUPPLY_PROP_STATUS,
	POWER_SUPPLY_PROP_HEALTH,
	POWER_SUPPLY_PROP_PRESENT,
	POWER_SUPPLY_PROP_TECHNOLOGY,
	POWER_SUPPLY_PROP_SCOPE,
	POWER_SUPPLY_PROP_VOLTAGE_NOW,
	POWER_SUPPLY_PROP_CURRENT_NOW,
	POWER_SUPPLY_PROP_CAPACITY_LEVEL,
	POWER_SUPPLY_PROP_VOLTAGE_MAX_DESIGN,
	POWER_SUPPLY_PROP_VOLTAGE_MIN_DESIGN,
	POWER_SUPPLY_PROP_CONSTANT_CHARGE_VOLTAGE,
	POWER_SUPPLY_PROP_CONSTANT_CHARGE_VOLTAGE_MAX,
	POWER_SUPPLY_PROP_MODEL_NAME,
	POWER_SUPPLY_PROP_MANUFACTURER,
	POWER_SUPPLY_PROP_TEMP,
};

static int smartbms_alt_get_property(struct power_supply *psy,
				     enum power_supply_property psp,
				     union power_supply_propval *val)
{
	struct smartbms *bms = power_supply_get_drvdata(psy);
	const struct smartbms_sample *s = &bms->sample;
	int ret = 0;

	mutex_lock(&bms->lock);
	switch (psp) {
	case POWER_SUPPLY_PROP_ONLINE:
		val->intval = bms->res.out[SMARTBMS_OUT_ALT];
		break;
	case POWER_SUPPLY_PROP_VOLTAGE_NOW:
		val->intval = smartbms_milli_to_micro(s->val[SMARTBMS_CH_VSTART]);
		break;
	case POWER_SUPPLY_PROP_CURRENT_NOW:
		val->intval = smartbms_milli_to_micro(s->val[SMARTBMS_CH_IALT]);
		break;
	case POWER_SUPPLY_PROP_INPUT_CURRENT_LIMIT:
		val->intval = smartbms_milli_to_micro(smartbms_fuse_limit_ma(bms->core.set.fuse));
		break;
	case POWER_SUPPLY_PROP_TEMP:
		/* tenths of a degree: the current limiter's (temp) */
		val->intval = s->val[SMARTBMS_CH_TEMP] / 100;
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
	POWER_SUPPLY_PROP_TEMP,
};

/* sysfs: the settings of SPEC section 6, the outputs and the codes */
struct smartbms *smartbms_from_dev(struct device *dev)
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

/* the channels in sensor fault, or those of them read out of range */
static ssize_t smartbms_show_faults(struct device *dev, char *buf,
				    bool implausible)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	u32 faults;

	mutex_lock(&bms->lock);
	faults = implausible ? bms->res.sensor_implausible :
			       bms->res.sensor_fault;
	mutex_unlock(&bms->lock);
	return smartbms_emit_list(buf, faults, SMARTBMS_CH_NUM,
				  smartbms_chan_str);
}

static ssize_t sensor_faults_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return smartbms_show_faults(dev, buf, false);
}
static DEVICE_ATTR_RO(sensor_faults);

static ssize_t sensor_implausible_show(struct device *dev,
				       struct device_attribute *attr,
				       char *buf)
{
	return smartbms_show_faults(dev, buf, true);
}
static DEVICE_ATTR_RO(sensor_implausible);

static const char *smartbms_input_str(unsigned int i)
{
	return smartbms_input_name(i);
}

/*
 * The input lines the board describes whose logical level (after
 * active-low) was high at the last reading: what the rules saw, before
 * the debounce. The kernel does not let userspace read a line a driver
 * holds, so this is where "smartbmsctl lines" takes the level from.
 */
static ssize_t inputs_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	u32 high = 0;
	int i;

	mutex_lock(&bms->lock);
	for (i = 0; i < SMARTBMS_IN_NUM; i++)
		if (bms->in[i] && bms->sample.in[i])
			high |= BIT(i);
	mutex_unlock(&bms->lock);
	return smartbms_emit_list(buf, high, SMARTBMS_IN_NUM,
				  smartbms_input_str);
}
static DEVICE_ATTR_RO(inputs);

/* Where the settings are kept: "nvmem", or "none" (userspace saves them). */
static ssize_t settings_store_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);

	return sysfs_emit(buf, "%s\n", bms->settings_cell ? "nvmem" : "none");
}
static DEVICE_ATTR_RO(settings_store);

static ssize_t calibration_store_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	return smartbms_cal_store_show(smartbms_from_dev(dev), buf);
}
static DEVICE_ATTR_RO(calibration_store);

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
	level = bms->res.out[oa->out];
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

	smartbms_settings_begin(bms, &set);
	ret = smartbms_word_set(&set, wa->word, buf);
	ret = smartbms_settings_commit(bms, dev, &set, ret, false);
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
	int ret;

	/* "unset" is shown, never written: the parser knows only the rows */
	smartbms_settings_begin(bms, &set);
	ret = smartbms_parse_fuse(buf, &set.fuse);
	ret = smartbms_settings_commit(bms, dev, &set, ret, false);
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
	int ret;

	/* the range (BMS-IN-1) is the core's to check, with the rest */
	smartbms_settings_begin(bms, &set);
	ret = kstrtou32(buf, 10, &set.debounce_ms) ? -EINVAL : 0;
	ret = smartbms_settings_commit(bms, dev, &set, ret, false);
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
	if (ret || ms < SMARTBMS_POLL_MIN_MS ||
	    ms > smartbms_poll_max_ms(bms->ibat))
		return -EINVAL;

	mutex_lock(&bms->lock);
	WRITE_ONCE(bms->poll_ms, ms);
	smartbms_schedule(bms, 0);
	mutex_unlock(&bms->lock);
	return len;
}
static DEVICE_ATTR_RW(poll_interval_ms);

static ssize_t factory_reset_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t len)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	struct smartbms_settings set;
	int ret;

	smartbms_settings_begin(bms, &set);
	set = bms->defaults;
	ret = smartbms_settings_commit(bms, dev, &set,
				       sysfs_streq(buf, "1") ? 0 : -EINVAL,
				       true);
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
	&dev_attr_inputs.attr,
	&dev_attr_codes.attr,
	&dev_attr_sensor_faults.attr,
	&dev_attr_sensor_implausible.attr,
	&dev_attr_calibration_store.attr,
	&dev_attr_settings_store.attr,
	NULL
};

static struct bin_attribute *smartbms_bin_attrs[] = {
	&smartbms_bin_attr_calibration,
	NULL
};

static const struct attribute_group smartbms_group = {
	.attrs = smartbms_attrs,
	.bin_attrs = smartbms_bin_attrs,
};

static const struct attribute_group *smartbms_groups[] = {
	&smartbms_group,
	&smartbms_mon_group,
	NULL
};

/*
 * Both supplies, named after the instance. The alternator supply comes
 * first: once the battery's attributes exist, a store may run, and
 * everything it reaches must be there.
 */
int smartbms_psy_register(struct smartbms *bms)
{
	struct power_supply_config cfg = { }, alt_cfg = { };
	struct power_supply_desc *desc, *alt_desc;
	struct device *dev = bms->dev;
	size_t nbase = ARRAY_SIZE(smartbms_props) - 1, n = nbase;
	enum power_supply_property *props;
	char **supplied_to;

	alt_desc = devm_kzalloc(dev, sizeof(*alt_desc), GFP_KERNEL);
	desc = devm_kzalloc(dev, sizeof(*desc), GFP_KERNEL);
	supplied_to = devm_kcalloc(dev, 1, sizeof(*supplied_to), GFP_KERNEL);
	props = devm_kcalloc(dev, nbase + SMARTBMS_MON_NPROPS + 1,
			     sizeof(*props), GFP_KERNEL);
	if (!alt_desc || !desc || !supplied_to || !props)
		return -ENOMEM;
	memcpy(props, smartbms_props, nbase * sizeof(*props));
	if (bms->ibat) {
		memcpy(props + n, smartbms_mon_props, sizeof(smartbms_mon_props));
		n += SMARTBMS_MON_NPROPS;
	}
	/* the battery's temp is the battery's, or absent */
	if (bms->chan[SMARTBMS_CH_TBAT])
		props[n++] = POWER_SUPPLY_PROP_TEMP;

	alt_desc->name = devm_kasprintf(dev, GFP_KERNEL, "%s-alternator",
					bms->name);
	if (!alt_desc->name)
		return -ENOMEM;
	alt_desc->type = POWER_SUPPLY_TYPE_MAINS;
	alt_desc->properties = smartbms_alt_props;
	alt_desc->num_properties = ARRAY_SIZE(smartbms_alt_props);
	alt_desc->get_property = smartbms_alt_get_property;
	supplied_to[0] = (char *)bms->name;
	alt_cfg.drv_data = bms;
	alt_cfg.supplied_to = supplied_to;
	alt_cfg.num_supplicants = 1;
	bms->alt_psy = devm_power_supply_register(dev, alt_desc, &alt_cfg);
	if (IS_ERR(bms->alt_psy))
		return dev_err_probe(dev, PTR_ERR(bms->alt_psy),
				     "cannot register %s\n", alt_desc->name);

	desc->name = bms->name;
	desc->type = POWER_SUPPLY_TYPE_BATTERY;
	desc->properties = props;
	desc->num_properties = n;
	desc->get_property = smartbms_get_property;
	desc->set_property = smartbms_set_property;
	desc->property_is_writeable = smartbms_property_is_writeable;
	cfg.drv_data = bms;
	cfg.fwnode = dev_fwnode(dev);
	cfg.attr_grp = smartbms_groups;
	bms->psy = devm_power_supply_register(dev, desc, &cfg);
	if (IS_ERR(bms->psy))
		return dev_err_probe(dev, PTR_ERR(bms->psy),
				     "cannot register %s\n", desc->name);
	return 0;
}
