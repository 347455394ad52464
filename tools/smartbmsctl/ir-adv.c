// SPDX-License-Identifier: GPL-2.0
/*
 * Advertising one Instant Readout record through the kernel's management
 * interface: an advertising instance of our own, next to bluetoothd's.
 *
 * Where the kernel has them (Linux 5.10 and later), Add Extended
 * Advertising Parameters sets the instance up once and Add Extended
 * Advertising Data replaces only its data on every update. With
 * Add Advertising every update sets the instance up again, and a
 * non-connectable instance then gets a new random address each time
 * (hci_get_random_address() in net/bluetooth/hci_sync.c): the extended
 * commands keep one address for as long as the instance lives. Older
 * kernels get Add Advertising.
 *
 * The instance number is the highest free one: bluetoothd numbers its
 * own from 1 up. bluetoothd removes every instance when it starts, and a
 * removed instance (event Advertising Removed) is added again with the
 * next update, within a second.
 *
 * Non-connectable is asked for by leaving out the Connectable flag; the
 * kernel still advertises connectable, from the controller's identity
 * address, while the controller's global Connectable setting is on
 * (bluetoothd turns it on for BR/EDR). --connectable asks for that
 * always: a fixed address, which receivers that know a device by its
 * address (Home Assistant, Venus OS) need.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "tools-common.h"
#include "ir.h"

#define SBC_ADV_FLAG_CONNECTABLE	(1u << 0)
#define SBC_ADV_PARAM_INTERVALS		(1u << 14)
/* 100..150 ms, in 0.625 ms: a receiver sees a change within a second */
#define SBC_ADV_INTERVAL_MIN		160
#define SBC_ADV_INTERVAL_MAX		240
#define SBC_ADV_TX_POWER_ANY		127

#define SBC_ADV_CMD	"instant-readout"

enum {
	SBC_ADV_IDLE, SBC_ADV_NO_CTRL, SBC_ADV_OFF, SBC_ADV_NO_LE, SBC_ADV_NO_INSTANCE,
	SBC_ADV_FAILED, SBC_ADV_ON,
};

/* Say what changed, once per change of state. */
static void sbc_adv_state(struct sbc_adv *a, int state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void sbc_adv_state(struct sbc_adv *a, int state, const char *fmt, ...)
{
	va_list ap;

	if (a->state == state)
		return;
	a->state = state;
	fprintf(stderr, "smartbmsctl: %s: ", SBC_ADV_CMD);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void sbc_adv_event(void *ctx, uint16_t ev, uint16_t index, const uint8_t *data, size_t len)
{
	struct sbc_adv *a = ctx;

	if (!a->have_index || index != a->index)
		return;
	switch (ev) {
	case SBC_MGMT_EV_INDEX_REMOVED:
		sbc_adv_state(a, SBC_ADV_NO_CTRL, "hci%u went away: advertising stopped until "
			      "a controller is back", a->index);
		a->have_index = 0;
		a->instance = 0;
		a->ext = 0;
		break;
	case SBC_MGMT_EV_NEW_SETTINGS:
		if (len >= 4)
			a->settings = (uint32_t)(data[0] | data[1] << 8 | data[2] << 16 |
						 (uint32_t)data[3] << 24);
		break;
	case SBC_MGMT_EV_ADV_REMOVED:
		if (len >= 1 && a->instance && data[0] == a->instance) {
			sbc_adv_state(a, SBC_ADV_IDLE, "hci%u: advertising instance %u was removed "
				      "(bluetoothd started?): adding it again", a->index,
				      a->instance);
			a->instance = 0;
			a->ext = 0;
		}
		break;
	}
}

/* The highest free instance number: 0 and a->instance set, or -1. */
static int sbc_adv_pick_instance(struct sbc_adv *a)
{
	uint8_t rsp[8 + 256];
	size_t len = sizeof(rsp), i;
	unsigned int max, used, inst;
	int st;

	st = sbc_mgmt_cmd(a->m, SBC_MGMT_OP_READ_ADV_FEATURES, a->index, NULL, 0, rsp, &len);
	if (st || len < 8) {
		sbc_adv_state(a, SBC_ADV_FAILED, "hci%u: reading the advertising features: %s",
			      a->index, st ? sbc_mgmt_strstatus(st) : "short reply");
		return -1;
	}
	/* supported flags 4, max adv data 1, max scan rsp 1, max, num, list */
	max = rsp[6];
	used = rsp[7];
	for (inst = max; inst >= 1; inst--) {
		for (i = 0; i < used && 8 + i < len; i++)
			if (rsp[8 + i] == inst)
				break;
		if (i == used || 8 + i >= len)
			break;
	}
	if (!max || !inst) {
		sbc_adv_state(a, SBC_ADV_NO_INSTANCE, "hci%u: no free advertising instance "
			      "(%u of %u in use): waiting for one", a->index, used, max);
		return -1;
	}
	a->instance = (uint8_t)inst;
	return 0;
}

/* Add Extended Advertising Parameters: 0, 1 not supported, -1 failed. */
static int sbc_adv_params(struct sbc_adv *a, size_t need)
{
	uint32_t flags = SBC_ADV_PARAM_INTERVALS |
			 (a->connectable ? SBC_ADV_FLAG_CONNECTABLE : 0);
	uint8_t cp[18] = { a->instance }, rsp[4];
	size_t len = sizeof(rsp);
	int st;

	cp[1] = flags & 0xff;
	cp[2] = (flags >> 8) & 0xff;
	cp[3] = (flags >> 16) & 0xff;
	cp[4] = (uint8_t)(flags >> 24);
	/* duration 0, timeout 0: no time limit */
	cp[9] = SBC_ADV_INTERVAL_MIN & 0xff;
	cp[10] = SBC_ADV_INTERVAL_MIN >> 8;
	cp[13] = SBC_ADV_INTERVAL_MAX & 0xff;
	cp[14] = SBC_ADV_INTERVAL_MAX >> 8;
	cp[17] = SBC_ADV_TX_POWER_ANY;
	st = sbc_mgmt_cmd(a->m, SBC_MGMT_OP_ADD_EXT_ADV_PARAMS, a->index, cp, sizeof(cp),
			  rsp, &len);
	if (st == SBC_MGMT_STATUS_UNKNOWN_COMMAND)
		return 1;
	if (st) {
		sbc_adv_state(a, SBC_ADV_FAILED, "hci%u: setting up advertising instance %u: %s",
			      a->index, a->instance, sbc_mgmt_strstatus(st));
		return -1;
	}
	if (len >= 3 && rsp[2] < need) {
		sbc_adv_state(a, SBC_ADV_FAILED, "hci%u: instance %u takes %u bytes of "
			      "advertising data, the record needs %zu", a->index, a->instance,
			      rsp[2], need);
		sbc_adv_stop(a);
		return -1;
	}
	a->ext = 1;
	return 0;
}

static int sbc_adv_data(struct sbc_adv *a, const uint8_t *ad, size_t len)
{
	uint8_t cp[16 + SBC_IR_AD_MAX], rsp[1];
	size_t rlen = sizeof(rsp), plen;
	uint32_t flags = a->connectable ? SBC_ADV_FLAG_CONNECTABLE : 0;

	if (a->ext) {
		cp[0] = a->instance;
		cp[1] = (uint8_t)len;
		cp[2] = 0;	/* no scan response */
		memcpy(cp + 3, ad, len);
		return sbc_mgmt_cmd(a->m, SBC_MGMT_OP_ADD_EXT_ADV_DATA, a->index, cp, 3 + len,
				    rsp, &rlen);
	}
	/* instance, flags 4, duration 2, timeout 2, adv len, scan rsp len */
	memset(cp, 0, 11);
	cp[0] = a->instance;
	cp[1] = flags & 0xff;
	cp[9] = (uint8_t)len;
	memcpy(cp + 11, ad, len);
	plen = 11 + len;
	return sbc_mgmt_cmd(a->m, SBC_MGMT_OP_ADD_ADVERTISING, a->index, cp, plen, rsp, &rlen);
}

int sbc_adv_update(struct sbc_adv *a, const uint8_t *ad, size_t len)
{
	int st, tries;

	if (sbc_mgmt_dispatch(a->m) < 0)
		return sbc_fail(SBC_EXIT_FAIL, "%s: reading management events: %s",
				SBC_ADV_CMD, strerror(errno));
	if (!a->have_index) {
		if (sbc_mgmt_pick(a->m, a->want, &a->index, &a->settings, NULL)) {
			if (a->want >= 0)
				sbc_adv_state(a, SBC_ADV_NO_CTRL, "hci%d: no such controller with "
					      "Low Energy: waiting for it", a->want);
			else
				sbc_adv_state(a, SBC_ADV_NO_CTRL, "no Bluetooth controller with "
					      "Low Energy: waiting for one");
			return -1;
		}
		a->have_index = 1;
		a->instance = 0;
		a->ext = 0;
	}
	if (!(a->settings & SBC_MGMT_SETTING_POWERED)) {
		sbc_adv_state(a, SBC_ADV_OFF, "hci%u is powered off: advertising starts when it "
			      "is powered on (bluetoothd, or btmgmt --index %u power on)",
			      a->index, a->index);
		return -1;
	}
	if (!(a->settings & SBC_MGMT_SETTING_LE)) {
		sbc_adv_state(a, SBC_ADV_NO_LE, "hci%u: Low Energy is switched off: "
			      "advertising starts when it is switched on", a->index);
		return -1;
	}
	for (tries = 0; tries < 2; tries++) {
		if (!a->instance && sbc_adv_pick_instance(a))
			return -1;
		if (!a->ext && !a->legacy_only) {
			st = sbc_adv_params(a, len);
			if (st < 0)
				return -1;
			if (st > 0)
				a->legacy_only = 1;
		}
		st = sbc_adv_data(a, ad, len);
		if (!st)
			break;
		/* the instance went away under us: set it up again, once */
		if (st == SBC_MGMT_STATUS_INVALID_PARAMS && a->ext) {
			a->ext = 0;
			a->instance = 0;
			continue;
		}
		sbc_adv_state(a, SBC_ADV_FAILED, "hci%u: advertising on instance %u: %s",
			      a->index, a->instance, sbc_mgmt_strstatus(st));
		return -1;
	}
	if (tries == 2)
		return -1;
	sbc_adv_state(a, SBC_ADV_ON, "advertising on hci%u, instance %u, %s%s", a->index,
		      a->instance, a->connectable ? "connectable" :
		      (a->settings & SBC_MGMT_SETTING_CONNECTABLE) ?
		      "connectable (the controller's Connectable setting is on)" :
		      "non-connectable",
		      (a->settings & SBC_MGMT_SETTING_ADVERTISING) ?
		      "; Set Advertising is on and hides it" : "");
	return 0;
}

int sbc_adv_active(const struct sbc_adv *a)
{
	return a->have_index && a->instance && a->state == SBC_ADV_ON;
}

void sbc_adv_stop(struct sbc_adv *a)
{
	uint8_t inst, rsp[1];
	size_t len = sizeof(rsp);
	int st;

	if (!a->have_index || !a->instance)
		return;
	inst = a->instance;
	a->instance = 0;
	a->ext = 0;
	a->state = SBC_ADV_IDLE;
	st = sbc_mgmt_cmd(a->m, SBC_MGMT_OP_REMOVE_ADVERTISING, a->index, &inst, 1, rsp, &len);
	/* an instance already gone (power, bluetoothd) is no failure */
	if (st && st != SBC_MGMT_STATUS_INVALID_PARAMS)
		sbc_err("%s: hci%u: removing advertising instance %u: %s", SBC_ADV_CMD,
			a->index, inst, sbc_mgmt_strstatus(st));
}
