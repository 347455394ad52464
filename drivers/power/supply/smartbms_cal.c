// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms - the calibration: a per-unit trim of each channel (gain and
 * offset), made at commissioning. Kept in the board's NVMEM cell
 * "calibration" where it has one, else in the firmware file
 * ("firmware-name", default smartbms/calibration.bin). Loaded at probe;
 * a new one written to the "calibration" attribute takes effect at once
 * (and is stored in the NVMEM cell first, where there is one). Without a
 * valid calibration the core raises E-B30 and holds the outputs.
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/firmware.h>
#include <linux/nvmem-consumer.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "smartbms.h"

#define SMARTBMS_FW_DEFAULT		"smartbms/calibration.bin"

static void smartbms_cal_identity(struct smartbms_calibration *cal)
{
	int i;

	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		cal->chan[i].gain_micro = 1000000;
		cal->chan[i].offset = 0;
	}
}

/*
 * At probe, before the work runs: the cell if the board has one, else the
 * firmware file. Uncalibrated readings are still shown; E-B30 holds the
 * outputs. -EPROBE_DEFER (the NVMEM provider not there yet) is returned;
 * a missing or corrupt calibration is not an error of the probe.
 */
int smartbms_cal_load(struct smartbms *bms)
{
	struct device *dev = bms->dev;
	struct smartbms_calibration cal;
	const struct firmware *fw = NULL;
	const u8 *data;
	size_t len;
	u8 *buf = NULL;
	int ret;

	smartbms_cal_identity(&bms->cal);
	bms->fw_name = SMARTBMS_FW_DEFAULT;
	device_property_read_string(dev, "firmware-name", &bms->fw_name);

	bms->cal_cell = devm_nvmem_cell_get(dev, "calibration");
	if (IS_ERR(bms->cal_cell)) {
		ret = PTR_ERR(bms->cal_cell);
		bms->cal_cell = NULL;
		/* none described, or no NVMEM in this kernel: the file */
		if (ret != -ENOENT && ret != -ENODEV && ret != -EOPNOTSUPP)
			return dev_err_probe(dev, ret, "calibration cell\n");
	}

	if (bms->cal_cell) {
		buf = nvmem_cell_read(bms->cal_cell, &len);
		if (IS_ERR(buf)) {
			dev_err(dev, "calibration cell unreadable (%ld): E-B30, outputs held off\n",
				PTR_ERR(buf));
			return 0;
		}
		if (len != SMARTBMS_CAL_BLOB_SIZE) {
			kfree(buf);
			/* a blob could never be stored there: the DT is wrong */
			return dev_err_probe(dev, -EINVAL,
					     "calibration cell is %zu bytes, not %d\n",
					     len, SMARTBMS_CAL_BLOB_SIZE);
		}
		data = buf;
	} else {
		ret = request_firmware(&fw, bms->fw_name, dev);
		if (ret) {
			dev_err(dev, "calibration %s missing (%d): E-B30, outputs held off; commission the board (smartbmsctl calibrate)\n",
				bms->fw_name, ret);
			return 0;
		}
		data = fw->data;
		len = fw->size;
	}

	ret = smartbms_calibration_parse(data, len, &cal);
	if (!ret) {
		memcpy(bms->cal_blob, data, SMARTBMS_CAL_BLOB_SIZE);
		bms->cal = cal;
		bms->sample.calibration_ok = true;
	}
	kfree(buf);
	release_firmware(fw);
	if (ret)
		dev_err(dev, "calibration in %s %s (%d): E-B30, outputs held off; commission the board (smartbmsctl calibrate)\n",
			bms->cal_cell ? "the NVMEM cell" : bms->fw_name,
			bms->cal_cell ? "blank or corrupt" : "corrupt", ret);
	return 0;
}

static ssize_t calibration_read(struct file *filp, struct kobject *kobj,
				struct bin_attribute *attr, char *buf,
				loff_t off, size_t count)
{
	struct smartbms *bms = smartbms_from_dev(kobj_to_dev(kobj));
	ssize_t ret;

	mutex_lock(&bms->lock);
	if (!bms->sample.calibration_ok)
		ret = -ENODATA;
	else
		ret = memory_read_from_buffer(buf, count, &off, bms->cal_blob,
					      SMARTBMS_CAL_BLOB_SIZE);
	mutex_unlock(&bms->lock);
	return ret;
}

/*
 * A whole blob in one write: parsed (a bad one changes nothing), stored
 * in the NVMEM cell where there is one (a failed store changes nothing),
 * then used from the next sample on.
 */
static ssize_t calibration_write(struct file *filp, struct kobject *kobj,
				 struct bin_attribute *attr, char *buf,
				 loff_t off, size_t count)
{
	struct smartbms *bms = smartbms_from_dev(kobj_to_dev(kobj));
	struct smartbms_calibration cal;
	int ret;

	if (off || count != SMARTBMS_CAL_BLOB_SIZE)
		return -EINVAL;
	ret = smartbms_calibration_parse(buf, count, &cal);
	if (ret)
		return ret;

	/* the NVMEM write may be slow: not under bms->lock */
	mutex_lock(&bms->settings_lock);
	if (bms->cal_cell) {
		ret = nvmem_cell_write(bms->cal_cell, buf, count);
		if (ret >= 0 && ret != count)
			ret = -EIO;
		if (ret < 0) {
			mutex_unlock(&bms->settings_lock);
			dev_err(bms->dev, "calibration not stored (%d): unchanged\n", ret);
			return ret;
		}
	}
	mutex_lock(&bms->lock);
	memcpy(bms->cal_blob, buf, SMARTBMS_CAL_BLOB_SIZE);
	bms->cal = cal;
	bms->sample.calibration_ok = true;
	mutex_unlock(&bms->lock);
	mutex_unlock(&bms->settings_lock);
	dev_info(bms->dev, "new calibration in use%s\n",
		 bms->cal_cell ? ", stored in the NVMEM cell" : "");
	smartbms_schedule(bms, 0);
	return count;
}

struct bin_attribute smartbms_bin_attr_calibration =
	__BIN_ATTR_RW(calibration, SMARTBMS_CAL_BLOB_SIZE);

/* Where the calibration is kept: "nvmem" or "firmware NAME". */
ssize_t smartbms_cal_store_show(struct smartbms *bms, char *buf)
{
	if (bms->cal_cell)
		return sysfs_emit(buf, "nvmem\n");
	return sysfs_emit(buf, "firmware %s\n", bms->fw_name);
}

/* The channels' trim, copied for a sampling round. */
void smartbms_cal_get(struct smartbms *bms, struct smartbms_calibration *cal)
{
	mutex_lock(&bms->lock);
	*cal = bms->cal;
	mutex_unlock(&bms->lock);
}
