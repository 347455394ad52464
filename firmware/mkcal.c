// SPDX-License-Identifier: GPL-2.0
/*
 * mkcal: write the default smartbms calibration blob (identity gains,
 * zero offsets) and verify it with the core's own parser.
 *
 *   mkcal OUTPUT
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/crc32.h>
#include <linux/kernel.h>

#include "smartbms_core.h"

static void mkcal_put(u8 *p, u32 v, unsigned int n)
{
	while (n--) {
		*p++ = v;
		v >>= 8;
	}
}

int main(int argc, char **argv)
{
	u8 blob[SMARTBMS_CAL_BLOB_SIZE];
	struct smartbms_calibration cal;
	unsigned int i;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: mkcal OUTPUT\n");
		return 1;
	}
	memcpy(blob, SMARTBMS_CAL_MAGIC, 4);
	mkcal_put(blob + 4, SMARTBMS_CAL_VERSION, 2);
	mkcal_put(blob + 6, SMARTBMS_CH_NUM, 2);
	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		mkcal_put(blob + 8 + 8 * i, 1000000, 4);	/* gain 1.0 */
		mkcal_put(blob + 12 + 8 * i, 0, 4);		/* offset 0 */
	}
	mkcal_put(blob + sizeof(blob) - 4,
		  ~crc32_le(~0U, blob, sizeof(blob) - 4), 4);

	if (smartbms_calibration_parse(blob, sizeof(blob), &cal)) {
		fprintf(stderr, "mkcal: verify: blob refused by the core\n");
		return 1;
	}
	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		if (smartbms_calibrate(&cal, i, 12345) != 12345) {
			fprintf(stderr, "mkcal: verify: channel %u not identity\n",
				i);
			return 1;
		}
	}
	f = fopen(argv[1], "wb");
	if (!f || fwrite(blob, 1, sizeof(blob), f) != sizeof(blob) ||
	    fclose(f)) {
		fprintf(stderr, "mkcal: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
