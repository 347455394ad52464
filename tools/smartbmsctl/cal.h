/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Calibration blob (CONTRACT.md; firmware/smartbms/calibration.bin), little
 * endian: "SBMC", u16 version = 1, u16 nchan = 10, nchan x { s32 gain_micro,
 * s32 offset }, u32 CRC-32 (zlib/IEEE) of all preceding bytes.
 * Plain C types only: core-glue.c includes this next to the kernel headers.
 */
#ifndef _SMARTBMSCTL_CAL_H
#define _SMARTBMSCTL_CAL_H

#include <stddef.h>

#define SBC_CAL_NCHAN		10
#define SBC_CAL_VERSION		1
#define SBC_CAL_SIZE		(4 + 2 + 2 + SBC_CAL_NCHAN * 8 + 4)

struct sbc_cal {
	int gain_micro[SBC_CAL_NCHAN];
	int offset[SBC_CAL_NCHAN];
};

/* channel order of enum smartbms_chan */
extern const char * const sbc_cal_chan_names[SBC_CAL_NCHAN];
/* "vbat" -> 0, ...; -1 for no channel of that name */
int sbc_cal_chan_index(const char *name);

unsigned int sbc_crc32(const unsigned char *p, size_t len);
/*
 * The tool's own reading of a blob: 0 and *cal filled, or -1 with *why
 * set to the first thing wrong.
 */
int sbc_cal_check(const unsigned char *data, size_t len, struct sbc_cal *cal,
		  const char **why);
/* Build a blob into out (SBC_CAL_SIZE bytes). */
void sbc_cal_build(const struct sbc_cal *cal, unsigned char *out);
/*
 * The parser that decides: the kernel core's smartbms_calibration_parse
 * when linked (SBC_USE_CORE), else sbc_cal_check. 0 or negative errno.
 */
int sbc_cal_parse(const unsigned char *data, size_t len, struct sbc_cal *cal);
/* "core" or "local" */
const char *sbc_cal_parser_name(void);

#endif
