// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: the calibration blob parser (E-B30). */
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>

#include "smartbms_core.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct smartbms_calibration cal, keep;
	unsigned int i;

	memset(&cal, 0x5a, sizeof(cal));
	keep = cal;
	if (smartbms_calibration_parse(data, size, &cal)) {
		if (memcmp(&cal, &keep, sizeof(cal)))
			abort();	/* refused but written */
		return 0;
	}
	if (size != SMARTBMS_CAL_BLOB_SIZE)
		abort();
	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		smartbms_calibrate(&cal, i, S32_MAX);
		smartbms_calibrate(&cal, i, S32_MIN);
		smartbms_calibrate(&cal, i, (s32)size);
	}
	return 0;
}
