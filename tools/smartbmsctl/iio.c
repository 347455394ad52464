// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl: the measurements of the IIO device "smartbms" through
 * libiio, locally or over the network (-u URI).
 * in_voltage0 = vbat (mV), in_voltage1 = vstart (mV), in_current0 = ialt
 * (mA), in_temp0 = internal temperature (milli °C); value = raw * scale.
 */
#include <errno.h>
#include <iio.h>
#include <stdlib.h>
#include <string.h>

#include "tools-common.h"
#include "status.h"

static const char * const sbc_iio_ids[SBC_IIO_NCHAN] = {
	"voltage0", "voltage1", "current0", "temp0",
};

struct sbc_iio {
	struct iio_context *ctx;
	struct iio_device *dev;
	struct iio_channel *chn[SBC_IIO_NCHAN];
	double scale[SBC_IIO_NCHAN];
	struct iio_buffer *buf;
};

struct sbc_iio *sbc_iio_open(const char *uri, int *err)
{
	struct sbc_iio *io = calloc(1, sizeof(*io));
	unsigned int i;

	if (!io) {
		*err = ENOMEM;
		return NULL;
	}
	errno = 0;
	io->ctx = uri ? iio_create_context_from_uri(uri) : iio_create_local_context();
	if (!io->ctx) {
		*err = errno ? errno : ENODEV;
		free(io);
		return NULL;
	}
	if (iio_context_set_timeout(io->ctx, 5000) < 0) {
		/* keep the backend's default */
	}
	io->dev = iio_context_find_device(io->ctx, SBC_IIO_NAME);
	if (!io->dev) {
		*err = ENODEV;
		sbc_iio_close(io);
		return NULL;
	}
	for (i = 0; i < SBC_IIO_NCHAN; i++) {
		io->chn[i] = iio_device_find_channel(io->dev, sbc_iio_ids[i], false);
		io->scale[i] = 1.0;
		if (io->chn[i] &&
		    iio_channel_attr_read_double(io->chn[i], "scale", &io->scale[i]) < 0)
			io->scale[i] = 1.0;
	}
	return io;
}

void sbc_iio_close(struct sbc_iio *io)
{
	if (!io)
		return;
	if (io->buf)
		iio_buffer_destroy(io->buf);
	iio_context_destroy(io->ctx);
	free(io);
}

/* mV/mA/m°C to the status units (uV, uA, m°C) */
static void sbc_iio_store(struct sbc_meas *m, unsigned int i, double v)
{
	switch (i) {
	case 0:
		m->vbat_uv = (long)(v * 1000.0);
		m->have |= SBC_HAVE_VBAT;
		break;
	case 1:
		m->vstart_uv = (long)(v * 1000.0);
		m->have |= SBC_HAVE_VSTART;
		break;
	case 2:
		m->ialt_ua = (long)(v * 1000.0);
		m->have |= SBC_HAVE_IALT;
		break;
	default:
		m->temp_mc = (long)v;
		m->have |= SBC_HAVE_TEMP;
		break;
	}
}

int sbc_iio_read(struct sbc_iio *io, struct sbc_meas *m)
{
	unsigned int i;
	int got = 0;

	for (i = 0; i < SBC_IIO_NCHAN; i++) {
		long long raw;

		if (!io->chn[i] || iio_channel_attr_read_longlong(io->chn[i], "raw", &raw) < 0)
			continue;
		sbc_iio_store(m, i, (double)raw * io->scale[i]);
		got++;
	}
	return got ? 0 : -EIO;
}

int sbc_iio_buffer_start(struct sbc_iio *io)
{
	unsigned int i, n = 0;

	for (i = 0; i < SBC_IIO_NCHAN; i++) {
		if (io->chn[i] && iio_channel_is_scan_element(io->chn[i])) {
			iio_channel_enable(io->chn[i]);
			n++;
		}
	}
	if (!n)
		return -ENOTSUP;
	errno = 0;
	io->buf = iio_device_create_buffer(io->dev, 1, false);
	if (!io->buf)
		return errno ? -errno : -EIO;
	return 0;
}

int sbc_iio_buffer_read(struct sbc_iio *io, struct sbc_meas *m)
{
	ssize_t n = iio_buffer_refill(io->buf);
	unsigned int i;

	/* no sample within the context timeout: keep the last values */
	if (n == -ETIMEDOUT || n == -EAGAIN)
		return 0;
	if (n < 0)
		return (int)n;
	for (i = 0; i < SBC_IIO_NCHAN; i++) {
		int32_t sample;
		void *p;

		if (!io->chn[i] || !iio_channel_is_enabled(io->chn[i]))
			continue;
		p = iio_buffer_first(io->buf, io->chn[i]);
		if (p >= iio_buffer_end(io->buf))
			continue;
		/* scan type le:s32/32: convert handles endianness and sign */
		iio_channel_convert(io->chn[i], &sample, p);
		sbc_iio_store(m, i, (double)sample * io->scale[i]);
	}
	return 0;
}
