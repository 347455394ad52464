// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms - IIO re-export of the processed measurements (vbat, vstart,
 * ialt, temp, with labels), with a software buffer that the sampling work
 * fills with one scan per evaluation: iio_readdev and iiod stream it, and
 * no trigger pins the module while it is bound.
 */
#include <linux/device.h>
#include <linux/iio/buffer.h>
#include <linux/iio/iio.h>
#include <linux/iio/kfifo_buf.h>
#include <linux/kernel.h>
#include <linux/mutex.h>

#include "smartbms_compat.h"
#include "smartbms.h"

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

void smartbms_iio_push(struct smartbms *bms)
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

int smartbms_iio_register(struct smartbms *bms)
{
	struct device *dev = bms->dev;
	struct iio_dev *indio;
	int ret;

	indio = devm_iio_device_alloc(dev, 0);
	if (!indio)
		return -ENOMEM;

	iio_device_set_drvdata(indio, bms);
	indio->name = bms->name;
	indio->info = &smartbms_iio_info;
	indio->modes = INDIO_DIRECT_MODE;
	indio->channels = smartbms_iio_channels;
	indio->num_channels = ARRAY_SIZE(smartbms_iio_channels);

	ret = devm_iio_kfifo_buffer_setup(dev, indio, NULL);
	if (ret)
		return ret;
	ret = devm_iio_device_register(dev, indio);
	if (ret)
		return ret;
	/* pushed to only once it is registered */
	mutex_lock(&bms->lock);
	bms->indio = indio;
	mutex_unlock(&bms->lock);
	return 0;
}
