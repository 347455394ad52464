// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms - the settings' driver side (BMS-SET-*): the board's defaults
 * from the firmware node, the copy in the NVMEM cell "settings" at probe,
 * and every change, validated by the core, kept in the cell before it
 * applies and announced for userspace to save where there is no cell.
 * What a setting may be is the core's (smartbms_codec.c, smartbms_rules.c).
 */
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/nvmem-consumer.h>
#include <linux/property.h>
#include <linux/slab.h>

#include "smartbms_compat.h"
#include "smartbms.h"

/*
 * Settings changes: smartbms_settings_begin() takes the settings lock and
 * hands out a copy; the caller edits it, and smartbms_settings_commit()
 * validates it in the core, writes it to the EEPROM without the lock the
 * IRQ threads wait on, and only then applies it (BMS-SET-1/4). A change
 * the EEPROM did not keep fails and changes nothing.
 */
void smartbms_settings_begin(struct smartbms *bms,
			     struct smartbms_settings *set)
{
	mutex_lock(&bms->settings_lock);
	mutex_lock(&bms->lock);
	*set = bms->core.set;
	mutex_unlock(&bms->lock);
}

/*
 * BMS-SET-4: a settings change is announced, so that where no NVMEM cell
 * keeps the settings userspace saves them at once ("unsaved"), whoever
 * made the change (smartbmsctl saves by itself; "smartbmsctl log --save"
 * catches an echo into sysfs). @psy_dev is the supply the change came
 * through: bms->psy is not set yet while probe registers it.
 */
static void smartbms_settings_announce(struct smartbms *bms,
				       struct device *psy_dev)
{
	char event[] = "SMARTBMS_EVENT=settings-changed";
	char reason[32];
	char *envp[3];

	envp[0] = event;
	envp[1] = reason;
	envp[2] = NULL;
	snprintf(reason, sizeof(reason), "SMARTBMS_REASON=%s",
		 bms->settings_cell ? "nvmem" : "unsaved");
	kobject_uevent_env(&psy_dev->kobj, KOBJ_CHANGE, envp);
}

int smartbms_settings_commit(struct smartbms *bms, struct device *psy_dev,
			     const struct smartbms_settings *set, int err,
			     bool factory_reset)
{
	u8 blob[SMARTBMS_SETTINGS_BLOB_SIZE];
	int ret = err;

	if (ret)
		goto out;
	ret = smartbms_settings_pack(set, blob, sizeof(blob));
	if (ret)
		goto out;
	if (bms->settings_cell) {
		ret = nvmem_cell_write(bms->settings_cell, blob, sizeof(blob));
		if (ret != sizeof(blob)) {
			dev_err(bms->dev, "settings not saved (%d): not applied\n",
				ret);
			ret = ret < 0 ? ret : -EIO;
			goto out;
		}
	}
	mutex_lock(&bms->lock);
	ret = smartbms_core_set(&bms->core, set);
	if (!ret && factory_reset) {
		bms->sample.config_ok = true;	/* clears E-B31 */
		WRITE_ONCE(bms->poll_ms, bms->poll_default_ms);
	}
	smartbms_schedule(bms, 0);
	mutex_unlock(&bms->lock);
out:
	mutex_unlock(&bms->settings_lock);
	if (!ret)
		smartbms_settings_announce(bms, psy_dev);
	return ret;
}

/* The board's defaults: the table of SPEC section 6, then the firmware node. */
int smartbms_read_defaults(struct smartbms *bms)
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
	if (!device_property_read_u32(dev, "smartbms,charge-limit-microvolt", &v)) {
		if (v % 1000)
			return dev_err_probe(dev, -EINVAL,
					     "smartbms,charge-limit-microvolt %u is not whole mV\n",
					     v);
		set->charge_limit_mv = v / 1000;
	}
	for (i = 0; i < ARRAY_SIZE(smartbms_word_props); i++) {
		if (device_property_read_string(dev, smartbms_word_props[i], &str))
			continue;
		if (smartbms_word_set(set, i, str))
			return dev_err_probe(dev, -EINVAL, "bad %s \"%s\"\n",
					     smartbms_word_props[i], str);
	}
	device_property_read_u32(dev, "smartbms,debounce-ms", &set->debounce_ms);

	bms->poll_ms = SMARTBMS_POLL_DEFAULT_MS;
	device_property_read_u32(dev, "smartbms,poll-interval-ms", &bms->poll_ms);
	if (bms->poll_ms < SMARTBMS_POLL_MIN_MS ||
	    bms->poll_ms > SMARTBMS_POLL_MAX_MS)
		return dev_err_probe(dev, -EINVAL,
				     "smartbms,poll-interval-ms %u out of %u..%u\n",
				     bms->poll_ms, SMARTBMS_POLL_MIN_MS,
				     SMARTBMS_POLL_MAX_MS);
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
int smartbms_load_settings(struct smartbms *bms, struct smartbms_settings *set)
{
	struct device *dev = bms->dev;
	struct nvmem_cell *cell;
	size_t len;
	void *buf;

	*set = bms->defaults;
	bms->sample.config_ok = true;

	cell = devm_nvmem_cell_get(dev, "settings");
	if (IS_ERR(cell)) {
		if (PTR_ERR(cell) == -ENOENT || PTR_ERR(cell) == -ENODEV ||
		    PTR_ERR(cell) == -EOPNOTSUPP)
			return 0;	/* no NVMEM on this board: defaults */
		return dev_err_probe(dev, PTR_ERR(cell), "settings cell\n");
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
