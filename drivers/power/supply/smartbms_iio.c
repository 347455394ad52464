// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms - IIO re-export of the calibrated measurements (every channel
 * the board describes, with labels), with a software buffer that the sampling work
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

/*
 * Every analog channel, in the numbering of the board's own ADC on the
 * simulated x86 board; only those the board describes are registered.
 */
static const struct iio_chan_spec smartbms_iio_template[SMARTBMS_CH_NUM] = {
	SMARTBMS_IIO_CHAN(IIO_VOLTAGE, 0, 0, SMARTBMS_CH_VBAT),
	SMARTBMS_IIO_CHAN(IIO_VOLTAGE, 1, 0, SMARTBMS_CH_VSTART),
	SMARTBMS_IIO_CHAN(IIO_CURRENT, 0, 0, SMARTBMS_CH_IALT),
	SMARTBMS_IIO_CHAN(IIO_TEMP, 0, 0, SMARTBMS_CH_TEMP),
	SMARTBMS_IIO_CHAN(IIO_VOLTAGE, 2, 0, SMARTBMS_CH_VREF),
	SMARTBMS_IIO_CHAN(IIO_TEMP, 1, 0, SMARTBMS_CH_TBAT),
	SMARTBMS_IIO_CHAN(IIO_VOLTAGE, 3, 0, SMARTBMS_CH_VCELL0),
	SMARTBMS_IIO_CHAN(IIO_VOLTAGE, 4, 0, SMARTBMS_CH_VCELL1),
	SMARTBMS_IIO_CHAN(IIO_VOLTAGE, 5, 0, SMARTBMS_CH_VCELL2),
	SMARTBMS_IIO_CHAN(IIO_VOLTAGE, 6, 0, SMARTBMS_CH_VCELL3),
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
	s32 val[SMARTBMS_CH_NUM];
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
	/* the last channel is the timestamp */
	for_each_set_bit(i, indio->active_scan_mask, indio->num_channels - 1)
		scan.val[j++] = bms->sample.val[indio->channels[i].address];
	iio_push_to_buffers_with_timestamp(indio, &scan, iio_get_time_ns(indio));
}

int smartbms_iio_register(struct smartbms *bms)
{
	struct device *dev = bms->dev;
	struct iio_chan_spec *chans;
	struct iio_dev *indio;
	int i, n = 0, ret;

	indio = devm_iio_device_alloc(dev, 0);
	if (!indio)
		return -ENOMEM;
	chans = devm_kcalloc(dev, SMARTBMS_CH_NUM + 1, sizeof(*chans),
			     GFP_KERNEL);
	if (!chans)
		return -ENOMEM;
	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		if (!bms->chan[i])
			continue;
		chans[n] = smartbms_iio_template[i];
		chans[n].scan_index = n;
		n++;
	}
	chans[n] = (struct iio_chan_spec)IIO_CHAN_SOFT_TIMESTAMP(n);

	iio_device_set_drvdata(indio, bms);
	indio->name = bms->name;
	indio->info = &smartbms_iio_info;
	indio->modes = INDIO_DIRECT_MODE;
	indio->channels = chans;
	indio->num_channels = n + 1;

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
