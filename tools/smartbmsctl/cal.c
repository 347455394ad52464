// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl: calibration blob format helpers (CRC-32, build, check).
 */
#include <errno.h>
#include <string.h>

#include "cal.h"

const char * const sbc_cal_chan_names[SBC_CAL_NCHAN] = {
	"vbat", "vstart", "ialt", "temp", "vref", "tbat",
	"vcell0", "vcell1", "vcell2", "vcell3",
};

int sbc_cal_chan_index(const char *name)
{
	int i;

	for (i = 0; i < SBC_CAL_NCHAN; i++)
		if (!strcmp(name, sbc_cal_chan_names[i]))
			return i;
	return -1;
}

/* CRC-32, IEEE 802.3 / zlib: reflected 0xEDB88320, init and xorout ~0 */
unsigned int sbc_crc32(const unsigned char *p, size_t len)
{
	unsigned int crc = 0xffffffffu;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static unsigned int sbc_le16(const unsigned char *p)
{
	return p[0] | (unsigned int)p[1] << 8;
}

static unsigned int sbc_le32(const unsigned char *p)
{
	return p[0] | (unsigned int)p[1] << 8 | (unsigned int)p[2] << 16 |
	       (unsigned int)p[3] << 24;
}

static void sbc_put_le(unsigned char *p, unsigned int v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

int sbc_cal_check(const unsigned char *data, size_t len, struct sbc_cal *cal,
		  const char **why)
{
	unsigned int i;

	if (len < 8) {
		*why = "too short for a header";
		return -1;
	}
	if (memcmp(data, "SBMC", 4)) {
		*why = "bad magic (expected \"SBMC\")";
		return -1;
	}
	if (sbc_le16(data + 4) != SBC_CAL_VERSION) {
		*why = "unsupported version (expected 1)";
		return -1;
	}
	if (sbc_le16(data + 6) != SBC_CAL_NCHAN) {
		*why = "wrong channel count (expected 10)";
		return -1;
	}
	if (len != SBC_CAL_SIZE) {
		*why = len < SBC_CAL_SIZE ? "truncated (expected 92 bytes)" :
		       "trailing bytes (expected 92 bytes)";
		return -1;
	}
	if (sbc_crc32(data, len - 4) != sbc_le32(data + len - 4)) {
		*why = "CRC-32 mismatch";
		return -1;
	}
	for (i = 0; i < SBC_CAL_NCHAN; i++) {
		/* a zero gain cannot be a calibration */
		if (!sbc_le32(data + 8 + i * 8)) {
			*why = "a channel has gain 0";
			return -1;
		}
	}
	for (i = 0; i < SBC_CAL_NCHAN; i++) {
		cal->gain_micro[i] = (int)sbc_le32(data + 8 + i * 8);
		cal->offset[i] = (int)sbc_le32(data + 12 + i * 8);
	}
	*why = NULL;
	return 0;
}

void sbc_cal_build(const struct sbc_cal *cal, unsigned char *out)
{
	unsigned int i;

	memcpy(out, "SBMC", 4);
	sbc_put_le(out + 4, SBC_CAL_VERSION, 2);
	sbc_put_le(out + 6, SBC_CAL_NCHAN, 2);
	for (i = 0; i < SBC_CAL_NCHAN; i++) {
		sbc_put_le(out + 8 + i * 8, (unsigned int)cal->gain_micro[i], 4);
		sbc_put_le(out + 12 + i * 8, (unsigned int)cal->offset[i], 4);
	}
	sbc_put_le(out + SBC_CAL_SIZE - 4, sbc_crc32(out, SBC_CAL_SIZE - 4), 4);
}

#ifndef SBC_USE_CORE
int sbc_cal_parse(const unsigned char *data, size_t len, struct sbc_cal *cal)
{
	const char *why;

	return sbc_cal_check(data, len, cal, &why) ? -EINVAL : 0;
}

const char *sbc_cal_parser_name(void)
{
	return "local";
}
#endif
