// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl: the kernel core's calibration parser, built against the
 * userspace shim (tools/testing/host/include) so driver and tool share one
 * parser. Only this file sees the kernel headers.
 */
#include "smartbms_core.h"
#include "cal.h"

_Static_assert(SMARTBMS_CH_NUM == SBC_CAL_NCHAN, "channel count");

int sbc_cal_parse(const unsigned char *data, size_t len, struct sbc_cal *cal)
{
	struct smartbms_calibration kc;
	unsigned int i;
	int ret;

	ret = smartbms_calibration_parse(data, len, &kc);
	if (ret)
		return ret;
	for (i = 0; i < SBC_CAL_NCHAN; i++) {
		cal->gain_micro[i] = kc.chan[i].gain_micro;
		cal->offset[i] = kc.chan[i].offset;
	}
	return 0;
}

const char *sbc_cal_parser_name(void)
{
	return "core";
}

#ifdef SBC_CORE_PROBE
/* make's probe: does the core link on its own? */
int main(void)
{
	struct sbc_cal cal;

	return sbc_cal_parse((const unsigned char *)"", 0, &cal) ? 0 : 1;
}
#endif
