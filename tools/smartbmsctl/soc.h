/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The saved state of charge (the driver's monitor_state attribute and its
 * NVMEM cell "soc"), 32 bytes, little endian: "SBSC", u8 version 1, u8
 * flags (bit 0: synchronised when saved, bit 1: a final save at unbind or
 * shutdown), 2 zero bytes, u32 charge_mah, u32 full_mah (the capacity it
 * was counted against), s64 time_s (CLOCK_REALTIME at the save), 4 zero
 * bytes, u32 CRC-32 (zlib/IEEE) of the 28 bytes before it.
 * Plain C types only: core-glue.c includes this next to the kernel headers.
 */
#ifndef _SMARTBMSCTL_SOC_H
#define _SMARTBMSCTL_SOC_H

#include <stddef.h>

#define SBC_SOC_SIZE		32
#define SBC_SOC_SYNCED		0x1
#define SBC_SOC_FINAL		0x2

struct sbc_soc {
	unsigned int charge_mah;
	unsigned int full_mah;
	unsigned int flags;		/* SBC_SOC_* */
	long long time_s;
};

/*
 * The tool's own reading of a blob: 0 and *soc filled, or -1 with *why
 * set to the first thing wrong.
 */
int sbc_soc_check(const unsigned char *buf, size_t len, struct sbc_soc *soc,
		  const char **why);
#ifdef SBC_USE_CORE
/* core-glue.c: the kernel core's smartbms_soc_unpack(); 0 or -errno */
int sbc_core_soc_unpack(const unsigned char *buf, size_t len,
			struct sbc_soc *soc);
#endif

#endif
