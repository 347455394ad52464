// SPDX-License-Identifier: GPL-2.0
/*
 * The driver's state for an Instant Readout record, from
 * /sys/class/power_supply/smartbms (Documentation/ABI/testing/
 * sysfs-class-power-smartbms). An attribute that is absent or cannot be
 * read (capacity fails with ENODATA while the battery monitor is not
 * synchronised) is sent as not available.
 */
#include <errno.h>
#include <string.h>

#include "tools-common.h"
#include "status.h"
#include "ir.h"

static void sbc_ir_long(const char *attr, unsigned int bit, long *v, unsigned int *have)
{
	if (!sbc_read_long(SBC_PSY, attr, v))
		*have |= bit;
}

/* Whether the space-separated list holds @w. */
static int sbc_ir_listed(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p = list;

	while ((p = strstr(p, w))) {
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

int sbc_ir_read_state(struct sbc_ir_state *st, char *codes, size_t len)
{
	char buf[SBC_ATTR_MAX], faults[SBC_ATTR_MAX];
	long full = 0, now = 0, v;
	unsigned int i;
	int err;

	memset(st, 0, sizeof(*st));
	if (!sbc_bms_present())
		return -ENODEV;
	/* the codes are what the record is for: they must be readable */
	err = sbc_read_attr(SBC_PSY, "codes", codes, len);
	if (err)
		return err;
	st->codes = codes;
	if (sbc_read_attr(SBC_PSY, "sensor_faults", faults, sizeof(faults)))
		faults[0] = '\0';
	sbc_ir_long("voltage_now", SBC_IR_HAVE_VOLTAGE, &st->voltage_uv, &st->have);
	if (sbc_ir_listed(faults, "vbat"))
		st->have &= ~SBC_IR_HAVE_VOLTAGE;
	sbc_ir_long("current_now", SBC_IR_HAVE_CURRENT, &st->current_ua, &st->have);
	sbc_ir_long("time_to_empty_now", SBC_IR_HAVE_TTE, &st->tte_s, &st->have);
	sbc_ir_long("capacity", SBC_IR_HAVE_SOC, &st->capacity_pct, &st->have);
	if (!sbc_read_long(SBC_PSY, "charge_full", &full) &&
	    !sbc_read_long(SBC_PSY, "charge_now", &now)) {
		st->charge_full_uah = full;
		st->charge_now_uah = now;
		st->have |= SBC_IR_HAVE_CHARGE;
	}
	sbc_ir_long("temp", SBC_IR_HAVE_TEMP, &st->temp_dc, &st->have);
	/* the starter battery (alternator input), for the Battery Monitor record */
	if (!sbc_read_long(SBC_PSY_ALT, "voltage_now", &v) && !sbc_ir_listed(faults, "vstart")) {
		st->vstart_uv = v;
		st->have |= SBC_IR_HAVE_VSTART;
	}
	if (sbc_ir_listed(faults, "tbat"))
		st->have &= ~SBC_IR_HAVE_TEMP;
	if (!sbc_read_attr(SBC_PSY, "remote", buf, sizeof(buf)) &&
	    (!strcmp(buf, "on") || !strcmp(buf, "off"))) {
		st->remote_on = !strcmp(buf, "on");
		st->have |= SBC_IR_HAVE_REMOTE;
	}
	for (i = 0; i < SBC_OUT_NUM; i++)
		st->out[i] = sbc_read_long(SBC_PSY, sbc_outputs[i].attr, &v) ? -1 : !!v;
	return 0;
}
