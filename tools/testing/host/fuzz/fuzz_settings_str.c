// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: the sysfs string parsers (BMS-SET-1). */
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>

#include "smartbms_core.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char * const names[] = { "use", "unavailable" };
	char *buf = malloc(size + 1);
	enum smartbms_fuse fuse = SMARTBMS_FUSE_NUM;
	unsigned int idx = 99;
	s32 v = 7;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (smartbms_parse_fuse(buf, &fuse)) {
		if (fuse != SMARTBMS_FUSE_NUM)
			abort();	/* refused but written */
	} else if (fuse == SMARTBMS_FUSE_UNSET || fuse >= SMARTBMS_FUSE_NUM) {
		abort();
	}
	if (!smartbms_parse_milli(buf, 13000, 15300, &v) &&
	    (v < 13000 || v > 15300))
		abort();
	v = 7;
	if (smartbms_parse_milli(buf, S32_MIN, S32_MAX, &v) && v != 7)
		abort();
	if (!smartbms_parse_enum(buf, names, 2, &idx) && idx > 1)
		abort();
	free(buf);
	return 0;
}
