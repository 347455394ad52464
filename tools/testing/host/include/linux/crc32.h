/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: crc32_le as in lib/crc32.c (reflected 0xedb88320, no xor). */
#ifndef _HOST_LINUX_CRC32_H
#define _HOST_LINUX_CRC32_H

#include <linux/types.h>

static inline u32 crc32_le(u32 crc, unsigned char const *p, size_t len)
{
	while (len--) {
		int i;

		crc ^= *p++;
		for (i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (crc & 1 ? 0xedb88320U : 0);
	}
	return crc;
}

#endif
