// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms - the battery monitor's driver side (BMS-MON-*): the optional
 * "ibat" IIO channel, the capacity from the "monitored-battery" node
 * (simple-battery), the properties and attributes that report it, and the
 * saved state of charge in the NVMEM cell "soc" or, without one, in the
 * file smartbmsctl keeps through the "monitor_state" attribute. The
 * counting and every decision are the core's (smartbms_monitor.c).
 */
#include <linux/device.h>
#include <linux/devm-helpers.h>
#include <linux/iio/consumer.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/nvmem-consumer.h>
#include <linux/power_supply.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>

#include "smartbms_compat.h"
#include "smartbms.h"

int smartbms_mon_get_channel(struct smartbms *bms)
{
	struct iio_channel *ch;

	ch = devm_iio_channel_get(bms->dev, "ibat");
	if (IS_ERR(ch)) {
		if (PTR_ERR(ch) == -ENODEV)
			return 0;	/* no battery current on this board */
		return dev_err_probe(bms->dev, PTR_ERR(ch), "channel ibat\n");
	}
	bms->ibat = ch;
	if (bms->poll_ms > smartbms_poll_max_ms(true))
		return dev_err_probe(bms->dev, -EINVAL,
				     "smartbms,poll-interval-ms %u: at most %u with a battery current (longer is a gap in the count)\n",
				     bms->poll_ms, smartbms_poll_max_ms(true));
	return 0;
}

/* Without bms->lock, as the other channels (a bus transfer may be slow). */
void smartbms_mon_read_ibat(struct smartbms *bms, s32 *ma, bool *ok)
{
	int v;

	*ok = bms->ibat && iio_read_channel_processed(bms->ibat, &v) >= 0;
	*ma = *ok ? v : 0;
}

static void smartbms_mon_write_cell(struct smartbms *bms, u8 *blob)
{
	int ret = nvmem_cell_write(bms->soc_cell, blob, SMARTBMS_SOC_BLOB_SIZE);

	if (ret != SMARTBMS_SOC_BLOB_SIZE)
		dev_warn_ratelimited(bms->dev, "state of charge not saved (%d)\n",
				     ret);
}

static void smartbms_mon_save_work(struct work_struct *work)
{
	struct smartbms *bms = container_of(work, struct smartbms, soc_work);
	u8 blob[SMARTBMS_SOC_BLOB_SIZE];

	mutex_lock(&bms->lock);
	memcpy(blob, bms->soc_blob, sizeof(blob));
	mutex_unlock(&bms->lock);
	smartbms_mon_write_cell(bms, blob);
}

/*
 * After a step, under bms->lock: save when the core says it is due. With a
 * cell the work writes it (an EEPROM write must not run under the lock);
 * without one, true: announce it, for smartbmsctl to save the file.
 */
bool smartbms_mon_save_locked(struct smartbms *bms)
{
	struct smartbms_soc_saved sv;
	u64 now = bms->sample.now_ms;

	lockdep_assert_held(&bms->lock);
	if (!smartbms_mon_save_due(&bms->core, now) ||
	    smartbms_mon_saved(&bms->core, ktime_get_real_seconds(), false, &sv))
		return false;
	smartbms_mon_mark_saved(&bms->core, now);
	if (!bms->soc_cell)
		return true;
	if (!smartbms_soc_pack(&sv, bms->soc_blob, sizeof(bms->soc_blob)))
		schedule_work(&bms->soc_work);
	return false;
}

/* At unbind and shutdown, the sampling stopped: a final save. */
void smartbms_mon_final_save(struct smartbms *bms)
{
	struct smartbms_soc_saved sv;
	u8 blob[SMARTBMS_SOC_BLOB_SIZE];
	int ret;

	if (!bms->soc_cell)
		return;
	cancel_work_sync(&bms->soc_work);
	mutex_lock(&bms->lock);
	ret = smartbms_mon_saved(&bms->core, ktime_get_real_seconds(), true,
				 &sv) ?: smartbms_soc_pack(&sv, blob, sizeof(blob));
	mutex_unlock(&bms->lock);
	if (!ret)
		smartbms_mon_write_cell(bms, blob);
}

static void smartbms_mon_final_save_action(void *data)
{
	smartbms_mon_final_save(data);
}

static void smartbms_mon_restore_blob(struct smartbms *bms, const u8 *buf,
				      size_t len)
{
	struct smartbms_soc_saved sv;
	int ret;

	if (!memchr_inv(buf, 0xff, len)) {
		dev_info(bms->dev, "no saved state of charge: unknown until the first full charge\n");
		return;
	}
	ret = smartbms_soc_unpack(buf, len, &sv);
	if (!ret) {
		mutex_lock(&bms->lock);
		ret = smartbms_mon_restore_saved(&bms->core, &sv,
						 ktime_get_real_seconds());
		mutex_unlock(&bms->lock);
	}
	if (ret)
		dev_warn(bms->dev, "saved state of charge unusable (%d): unknown until the next full charge\n",
			 ret);
}

/*
 * After the supplies are registered (the battery's description is the
 * supply's): the capacity, then the saved state of charge.
 */
int smartbms_mon_probe(struct smartbms *bms)
{
	struct power_supply_battery_info *info;
	struct device *dev = bms->dev;
	struct nvmem_cell *cell;
	size_t len;
	void *buf;
	int ret;

	if (!bms->ibat)
		return 0;
	ret = power_supply_get_battery_info(bms->psy, &info);
	if (ret == -ENOENT || ret == -ENODEV || ret == -EINVAL) {
		dev_info(dev, "battery current without monitored-battery: no state of charge\n");
		return 0;
	}
	if (ret)
		return dev_err_probe(dev, ret, "monitored-battery\n");
	mutex_lock(&bms->lock);
	ret = info->charge_full_design_uah > 0 ?
	      smartbms_mon_set_capacity(&bms->core,
					info->charge_full_design_uah / 1000) :
	      -EINVAL;
	mutex_unlock(&bms->lock);
	if (ret)
		return dev_err_probe(dev, ret,
				     "monitored-battery: charge-full-design-microamp-hours %d outside 1..2147 Ah\n",
				     info->charge_full_design_uah);

	ret = devm_work_autocancel(dev, &bms->soc_work, smartbms_mon_save_work);
	if (ret)
		return ret;
	cell = devm_nvmem_cell_get(dev, "soc");
	if (IS_ERR(cell)) {
		if (PTR_ERR(cell) == -ENOENT || PTR_ERR(cell) == -ENODEV ||
		    PTR_ERR(cell) == -EOPNOTSUPP)
			return 0;	/* smartbmsctl keeps it in a file */
		return dev_err_probe(dev, PTR_ERR(cell), "soc cell\n");
	}
	bms->soc_cell = cell;
	buf = nvmem_cell_read(cell, &len);
	if (IS_ERR(buf)) {
		dev_warn(dev, "soc cell unreadable (%ld): state of charge unknown until the next full charge\n",
			 PTR_ERR(buf));
	} else {
		smartbms_mon_restore_blob(bms, buf, len);
		kfree(buf);
	}
	return devm_add_action_or_reset(dev, smartbms_mon_final_save_action,
					bms);
}

/* ---- power_supply properties that mean the battery (BMS-MON-4) ---- */

const enum power_supply_property smartbms_mon_props[SMARTBMS_MON_NPROPS] = {
	POWER_SUPPLY_PROP_CAPACITY,
	POWER_SUPPLY_PROP_CHARGE_NOW,
	POWER_SUPPLY_PROP_CHARGE_FULL,
	POWER_SUPPLY_PROP_CHARGE_FULL_DESIGN,
	POWER_SUPPLY_PROP_TIME_TO_EMPTY_NOW,
	POWER_SUPPLY_PROP_TIME_TO_FULL_NOW,
};

/*
 * Under bms->lock. -ENODATA for what is not known: the current when the
 * last read failed, the charge before the first synchronisation, the
 * times while the battery is not being discharged / charged.
 */
int smartbms_mon_get_property(struct smartbms *bms,
			      enum power_supply_property psp,
			      union power_supply_propval *val)
{
	struct smartbms_mon_state st;
	bool known;

	if (smartbms_mon_read(&bms->core, &st))
		return -ENODATA;
	known = st.sync != SMARTBMS_MON_UNKNOWN;
	switch (psp) {
	case POWER_SUPPLY_PROP_CURRENT_NOW:
		if (!st.have_current)
			return -ENODATA;
		val->intval = smartbms_milli_to_micro(st.ibat_ma);
		return 0;
	case POWER_SUPPLY_PROP_CAPACITY:
		if (!known)
			return -ENODATA;
		val->intval = DIV_ROUND_CLOSEST(st.soc_permille, 10);
		return 0;
	case POWER_SUPPLY_PROP_CHARGE_NOW:
		if (!known)
			return -ENODATA;
		val->intval = st.charge_mah * 1000;
		return 0;
	case POWER_SUPPLY_PROP_CHARGE_FULL:
	case POWER_SUPPLY_PROP_CHARGE_FULL_DESIGN:
		if (!st.full_mah)
			return -ENODATA;
		val->intval = st.full_mah * 1000;
		return 0;
	case POWER_SUPPLY_PROP_TIME_TO_EMPTY_NOW:
		if (st.ttg_s < 0)
			return -ENODATA;
		val->intval = min_t(s64, st.ttg_s, INT_MAX);
		return 0;
	case POWER_SUPPLY_PROP_TIME_TO_FULL_NOW:
		if (st.ttf_s < 0)
			return -ENODATA;
		val->intval = min_t(s64, st.ttf_s, INT_MAX);
		return 0;
	default:
		return -EINVAL;
	}
}

/* ---- sysfs: the monitor's state and settings (BMS-MON-2) ---- */

static ssize_t monitor_sync_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	struct smartbms_mon_state st = { };

	mutex_lock(&bms->lock);
	smartbms_mon_read(&bms->core, &st);
	mutex_unlock(&bms->lock);
	return sysfs_emit(buf, "%s\n", smartbms_mon_sync_name(st.sync));
}
static DEVICE_ATTR_RO(monitor_sync);

static ssize_t monitor_sync_reason_show(struct device *dev,
					struct device_attribute *attr,
					char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	struct smartbms_mon_state st = { };

	mutex_lock(&bms->lock);
	smartbms_mon_read(&bms->core, &st);
	mutex_unlock(&bms->lock);
	return sysfs_emit(buf, "%s\n", smartbms_mon_why_name(st.why));
}
static DEVICE_ATTR_RO(monitor_sync_reason);

/*
 * Where the state of charge is kept across a reboot: "nvmem" (the "soc"
 * cell, written by the driver), or "none" (smartbmsctl keeps a file).
 */
static ssize_t monitor_store_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);

	return sysfs_emit(buf, "%s\n", bms->soc_cell ? "nvmem" : "none");
}
static DEVICE_ATTR_RO(monitor_store);

enum smartbms_mon_attr {
	SMARTBMS_MON_ATTR_CHARGED_VOLTAGE,	/* uV */
	SMARTBMS_MON_ATTR_TAIL_CURRENT,		/* percent, one decimal */
	SMARTBMS_MON_ATTR_CHARGED_TIME,		/* s */
	SMARTBMS_MON_ATTR_EFFICIENCY,		/* percent */
	SMARTBMS_MON_ATTR_PEUKERT,		/* two decimals */
};

struct smartbms_mon_attribute {
	struct device_attribute attr;
	enum smartbms_mon_attr which;
};

static ssize_t smartbms_mon_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	enum smartbms_mon_attr which =
		container_of(attr, struct smartbms_mon_attribute, attr)->which;
	struct smartbms_mon_settings m;

	mutex_lock(&bms->lock);
	m = bms->core.set.mon;
	mutex_unlock(&bms->lock);
	switch (which) {
	case SMARTBMS_MON_ATTR_CHARGED_VOLTAGE:
		return sysfs_emit(buf, "%u\n", m.charged_mv * 1000);
	case SMARTBMS_MON_ATTR_TAIL_CURRENT:
		return sysfs_emit(buf, "%u.%u\n", m.tail_permille / 10,
				  m.tail_permille % 10);
	case SMARTBMS_MON_ATTR_CHARGED_TIME:
		return sysfs_emit(buf, "%u\n", m.charged_s);
	case SMARTBMS_MON_ATTR_EFFICIENCY:
		return sysfs_emit(buf, "%u\n", m.efficiency_pct);
	default:
		return sysfs_emit(buf, "%u.%02u\n", m.peukert_centi / 100,
				  m.peukert_centi % 100);
	}
}

/* Parse @buf into @m; the ranges are the core's, checked on commit. */
static int smartbms_mon_parse(enum smartbms_mon_attr which, const char *buf,
			      struct smartbms_mon_settings *m)
{
	s32 milli;
	u32 v;

	switch (which) {
	case SMARTBMS_MON_ATTR_CHARGED_VOLTAGE:
		if (kstrtou32(buf, 10, &v) || v % 1000)
			return -EINVAL;
		m->charged_mv = v / 1000;
		return 0;
	case SMARTBMS_MON_ATTR_TAIL_CURRENT:
		/* "4" or "4.0" percent, in steps of 0.1 */
		if (smartbms_parse_milli(buf, 0, 100000, &milli) || milli % 100)
			return -EINVAL;
		m->tail_permille = milli / 100;
		return 0;
	case SMARTBMS_MON_ATTR_CHARGED_TIME:
		return kstrtou32(buf, 10, &m->charged_s) ? -EINVAL : 0;
	case SMARTBMS_MON_ATTR_EFFICIENCY:
		return kstrtou32(buf, 10, &m->efficiency_pct) ? -EINVAL : 0;
	default:
		/* "1.05", in steps of 0.01 */
		if (smartbms_parse_milli(buf, 0, 10000, &milli) || milli % 10)
			return -EINVAL;
		m->peukert_centi = milli / 10;
		return 0;
	}
}

static ssize_t smartbms_mon_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t len)
{
	struct smartbms *bms = smartbms_from_dev(dev);
	enum smartbms_mon_attr which =
		container_of(attr, struct smartbms_mon_attribute, attr)->which;
	struct smartbms_settings set;
	int ret;

	smartbms_settings_begin(bms, &set);
	ret = smartbms_mon_parse(which, buf, &set.mon);
	ret = smartbms_settings_commit(bms, dev, &set, ret, false);
	return ret ?: len;
}

#define SMARTBMS_MON_ATTR(_name, _which)				\
	struct smartbms_mon_attribute dev_attr_##_name = {		\
		.attr = __ATTR(_name, 0644, smartbms_mon_show,		\
			       smartbms_mon_store),			\
		.which = (_which),					\
	}

static SMARTBMS_MON_ATTR(monitor_charged_voltage,
			 SMARTBMS_MON_ATTR_CHARGED_VOLTAGE);
static SMARTBMS_MON_ATTR(monitor_tail_current, SMARTBMS_MON_ATTR_TAIL_CURRENT);
static SMARTBMS_MON_ATTR(monitor_charged_time, SMARTBMS_MON_ATTR_CHARGED_TIME);
static SMARTBMS_MON_ATTR(monitor_charge_efficiency,
			 SMARTBMS_MON_ATTR_EFFICIENCY);
static SMARTBMS_MON_ATTR(monitor_peukert, SMARTBMS_MON_ATTR_PEUKERT);

/*
 * The saved state, for smartbmsctl to keep in a file where the board has
 * no "soc" cell: read, the state now (never final); written at boot, the
 * file's, restored once while the state of charge is unknown (-EBUSY after).
 */
static ssize_t monitor_state_read(struct file *filp, struct kobject *kobj,
				  struct bin_attribute *attr, char *buf,
				  loff_t off, size_t count)
{
	struct smartbms *bms = smartbms_from_dev(kobj_to_dev(kobj));
	struct smartbms_soc_saved sv;
	u8 blob[SMARTBMS_SOC_BLOB_SIZE];
	int ret;

	mutex_lock(&bms->lock);
	ret = smartbms_mon_saved(&bms->core, ktime_get_real_seconds(), false,
				 &sv);
	mutex_unlock(&bms->lock);
	if (ret)
		return ret;
	ret = smartbms_soc_pack(&sv, blob, sizeof(blob));
	if (ret)
		return ret;
	return memory_read_from_buffer(buf, count, &off, blob, sizeof(blob));
}

static ssize_t monitor_state_write(struct file *filp, struct kobject *kobj,
				   struct bin_attribute *attr, char *buf,
				   loff_t off, size_t count)
{
	struct smartbms *bms = smartbms_from_dev(kobj_to_dev(kobj));
	struct smartbms_soc_saved sv;
	int ret;

	/* one whole blob in one write */
	if (off || count != SMARTBMS_SOC_BLOB_SIZE ||
	    smartbms_soc_unpack((u8 *)buf, count, &sv))
		return -EINVAL;
	mutex_lock(&bms->lock);
	ret = smartbms_mon_restore_saved(&bms->core, &sv,
					 ktime_get_real_seconds());
	mutex_unlock(&bms->lock);
	if (ret)
		return ret;
	power_supply_changed(bms->psy);
	return count;
}

static BIN_ATTR_RW(monitor_state, SMARTBMS_SOC_BLOB_SIZE);

static struct attribute *smartbms_mon_attrs[] = {
	&dev_attr_monitor_sync.attr,
	&dev_attr_monitor_sync_reason.attr,
	&dev_attr_monitor_store.attr,
	&dev_attr_monitor_charged_voltage.attr.attr,
	&dev_attr_monitor_tail_current.attr.attr,
	&dev_attr_monitor_charged_time.attr.attr,
	&dev_attr_monitor_charge_efficiency.attr.attr,
	&dev_attr_monitor_peukert.attr.attr,
	NULL
};

static struct bin_attribute *smartbms_mon_bin_attrs[] = {
	&bin_attr_monitor_state,
	NULL
};

/* Only a board with a battery current has a monitor to show. */
static umode_t smartbms_mon_visible(struct kobject *kobj, struct attribute *a,
				    int n)
{
	return smartbms_from_dev(kobj_to_dev(kobj))->ibat ? a->mode : 0;
}

static umode_t smartbms_mon_bin_visible(struct kobject *kobj,
					struct bin_attribute *a, int n)
{
	return smartbms_from_dev(kobj_to_dev(kobj))->ibat ? a->attr.mode : 0;
}

const struct attribute_group smartbms_mon_group = {
	.attrs = smartbms_mon_attrs,
	.bin_attrs = smartbms_mon_bin_attrs,
	.is_visible = smartbms_mon_visible,
	.is_bin_visible = smartbms_mon_bin_visible,
};
