// SPDX-License-Identifier: GPL-2.0
/*
 * Instant Readout records: bit packing, the 0x0A record, the framing.
 *
 * The format, as the open decoders read it: keshavdv/victron-ble
 * (victron_ble/devices/base.py for the framing and the cipher,
 * devices/lynx_smart_bms.py for the record) and Victron's own Venus OS
 * decoder victronenergy/dbus-ble-sensors (src/victron.c,
 * src/victron-lsbms.c), which also names the 2-bit fields inside the IO
 * status and the alarms. Fields are packed LSB-first from bit 0 of the
 * decrypted payload; Victron's "extra manufacturer data" document counts
 * the same offsets from the record type, 32 bits earlier.
 *
 *   bit  bits  field          unit            n/a
 *     0     8  error          code            -
 *     8    16  time to go     1 min           0xFFFF
 *    24    16  voltage (s)    10 mV           0x7FFF
 *    40    16  current (s)    100 mA          0x7FFF
 *    56    16  IO status      2-bit fields    -
 *    72    18  alarms         2-bit fields    -
 *    90    10  SOC            0.1 %           0x3FF
 *   100    20  consumed       0.1 Ah, -value  0xFFFFF
 *   120     7  temperature    degC + 40       0x7F
 *   127     1  unused (1)
 *
 * Why 0x0A: the Smart BMS CL has no record of its own in the published
 * list, and 0x0A (Lynx Smart BMS) is the BMS record every open decoder
 * reads (victron-ble and with it Home Assistant's victron_ble, Venus OS).
 *
 * With --record battery-monitor the board sends the 0x02 Battery Monitor
 * record instead (victron-ble devices/battery_monitor.py), for receivers
 * that read no 0x0A record, Home Assistant's victron_ble among them:
 *
 *   bit  bits  field          unit            n/a
 *     0    16  time to go     1 min           0xFFFF
 *    16    16  voltage (s)    10 mV           0x7FFF
 *    32    16  alarm reason   one reason      -
 *    48    16  aux value      by aux mode: starter voltage (s) 10 mV
 *    64     2  aux mode       0 starter voltage, 3 none
 *    66    22  current (s)    1 mA            0x3FFFFF
 *    88    20  consumed       0.1 Ah, -value  0xFFFFF
 *   108    10  SOC            0.1 %           0x3FF
 *   118     2  unused (1)
 *
 *   alarm reason [ours]: a single reason, as decoders turn it into one
 *   enum value: BMS lockout (0x2000) for E-B30, E-B33 and E-B32 (outputs
 *   held off), else low voltage (0x0001) for A-B11 or W-B12, else high
 *   temperature (0x0040) for A-B15, else 0. The aux value is the starter
 *   battery (alternator input) voltage.
 *
 * Our mapping [ours; Victron publishes neither the inside of the IO
 * status nor of the alarms, nor error numbers for this product]:
 *
 * error: 0 when no error code is active, else the number of the most
 *   severe active error: 30 (E-B30), 33 (E-B33), 32 (E-B32), 31 (E-B31).
 *
 * IO status, 2-bit fields, as Venus OS reads them (xlate_bms_io): 0 n/a,
 *   1 on/allowed, 2 off/not allowed.
 *     bits 0-1  remote on/off (the remote attribute)
 *     bits 2-3  Charge Disconnect: charging allowed  (Venus: AllowToCharge)
 *     bits 4-5  Load Disconnect: loads allowed       (Venus: AllowToDischarge)
 *     bits 6-7  pre-alarm output: 1 = alarm on       (Venus: ExternalRelay)
 *     bits 8-9  alternator path: 1 = closed
 *
 * Alarms, 2-bit fields named as Venus OS names them: 0 not monitored,
 *   1 ok, 2 warning, 3 alarm (the state values are inferred from the one
 *   published capture, whose monitored fields all read 1).
 *     bits 0-1    LowCellVoltage           A-B11 alarm, W-B12 warning
 *     bits 4-5    HighInternalTemperature  A-B15 alarm
 *     bits 8-9    BmsCable                 E-B32 alarm
 *     bits 10-11  LoadDisconnect           alarm while Load Disconnect is low
 *   HighCurrent (2), Contactor (6), LowSoc (12) and HighTemperature (16)
 *   are not monitored by this board: 0.
 */
#include <stdio.h>
#include <string.h>

#include "ir-record.h"

void sbc_ir_put_bits(uint8_t *buf, unsigned int pos, unsigned int n, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < n; i++, pos++) {
		uint8_t bit = 1u << (pos % 8);

		if ((v >> i) & 1)
			buf[pos / 8] |= bit;
		else
			buf[pos / 8] &= (uint8_t)~bit;
	}
}

uint32_t sbc_ir_get_bits(const uint8_t *buf, unsigned int pos, unsigned int n)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++, pos++)
		v |= (uint32_t)((buf[pos / 8] >> (pos % 8)) & 1) << i;
	return v;
}

int32_t sbc_ir_get_sbits(const uint8_t *buf, unsigned int pos, unsigned int n)
{
	uint32_t v = sbc_ir_get_bits(buf, pos, n);

	if (n < 32 && (v & (1u << (n - 1))))
		v |= ~0u << n;
	return (int32_t)v;
}

void sbc_ir_bms_encode(const struct sbc_ir_bms *r, uint8_t out[SBC_IR_MAX_PAYLOAD])
{
	memset(out, 0xff, SBC_IR_MAX_PAYLOAD);
	sbc_ir_put_bits(out, 0, 8, r->error);
	sbc_ir_put_bits(out, 8, 16, r->ttg);
	sbc_ir_put_bits(out, 24, 16, (uint16_t)r->voltage);
	sbc_ir_put_bits(out, 40, 16, (uint16_t)r->current);
	sbc_ir_put_bits(out, 56, 16, r->io);
	sbc_ir_put_bits(out, 72, 18, r->alarms);
	sbc_ir_put_bits(out, 90, 10, r->soc);
	sbc_ir_put_bits(out, 100, 20, r->consumed);
	sbc_ir_put_bits(out, 120, 7, r->temp);
}

void sbc_ir_bms_decode(const uint8_t in[SBC_IR_MAX_PAYLOAD], struct sbc_ir_bms *r)
{
	r->error = (uint8_t)sbc_ir_get_bits(in, 0, 8);
	r->ttg = (uint16_t)sbc_ir_get_bits(in, 8, 16);
	r->voltage = (int16_t)sbc_ir_get_sbits(in, 24, 16);
	r->current = (int16_t)sbc_ir_get_sbits(in, 40, 16);
	r->io = (uint16_t)sbc_ir_get_bits(in, 56, 16);
	r->alarms = sbc_ir_get_bits(in, 72, 18);
	r->soc = (uint16_t)sbc_ir_get_bits(in, 90, 10);
	r->consumed = sbc_ir_get_bits(in, 100, 20);
	r->temp = (uint8_t)sbc_ir_get_bits(in, 120, 7);
}

/* v / div rounded half away from zero */
static long sbc_ir_div_round(long v, long div)
{
	return v >= 0 ? (v + div / 2) / div : -((-v + div / 2) / div);
}

static long sbc_ir_clamp(long v, long lo, long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Whether the space-separated list @codes holds @code. */
static int sbc_ir_has_code(const char *codes, const char *code)
{
	size_t n = strlen(code);
	const char *p = codes;

	while (p && (p = strstr(p, code))) {
		if ((p == codes || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' ||
						      p[n] == '\n'))
			return 1;
		p += n;
	}
	return 0;
}

uint8_t sbc_ir_error_code(const char *codes)
{
	/* the fatal ones first: they hold every output low */
	static const struct { const char *code; uint8_t num; } order[] = {
		{ "E-B30", 30 }, { "E-B33", 33 }, { "E-B32", 32 }, { "E-B31", 31 },
	};
	unsigned int i;

	for (i = 0; codes && i < sizeof(order) / sizeof(order[0]); i++)
		if (sbc_ir_has_code(codes, order[i].code))
			return order[i].num;
	return 0;
}

static unsigned int sbc_ir_io(int level)
{
	return level < 0 ? SBC_IR_IO_NA : level ? SBC_IR_IO_ON : SBC_IR_IO_OFF;
}

void sbc_ir_bms_from_state(const struct sbc_ir_state *st, struct sbc_ir_bms *r)
{
	const char *codes = st->codes ? st->codes : "";
	unsigned int low_cell = SBC_IR_ALARM_OK;
	uint32_t io = 0, al = 0;

	memset(r, 0, sizeof(*r));
	r->error = sbc_ir_error_code(codes);
	/* 0xFFFF is n/a: the longest time shown is 0xFFFE minutes (45.5 days) */
	r->ttg = st->have & SBC_IR_HAVE_TTE ?
		(uint16_t)sbc_ir_clamp(sbc_ir_div_round(st->tte_s, 60), 0, 0xFFFE) :
		SBC_IR_TTG_NA;
	r->voltage = st->have & SBC_IR_HAVE_VOLTAGE ?
		(int16_t)sbc_ir_clamp(sbc_ir_div_round(st->voltage_uv, 10000), -32768, 32766) :
		SBC_IR_VOLTAGE_NA;
	r->current = st->have & SBC_IR_HAVE_CURRENT ?
		(int16_t)sbc_ir_clamp(sbc_ir_div_round(st->current_ua, 100000), -32768, 32766) :
		SBC_IR_CURRENT_NA;
	r->soc = st->have & SBC_IR_HAVE_SOC ?
		(uint16_t)sbc_ir_clamp(st->capacity_pct * 10, 0, 1000) : SBC_IR_SOC_NA;
	/* consumed = what is missing to full, charge_full - charge_now */
	r->consumed = st->have & SBC_IR_HAVE_CHARGE ?
		(uint32_t)sbc_ir_clamp(sbc_ir_div_round(st->charge_full_uah - st->charge_now_uah,
							100000), 0, 0xFFFFE) :
		SBC_IR_CONSUMED_NA;
	/* -40..86 degC; 0x7F is n/a */
	r->temp = st->have & SBC_IR_HAVE_TEMP ?
		(uint8_t)sbc_ir_clamp(sbc_ir_div_round(st->temp_dc, 10) + 40, 0, 126) :
		SBC_IR_TEMP_NA;

	io |= (uint32_t)(st->have & SBC_IR_HAVE_REMOTE ? sbc_ir_io(st->remote_on) :
			 SBC_IR_IO_NA) << SBC_IR_IO_REMOTE;
	io |= (uint32_t)sbc_ir_io(st->out[1]) << SBC_IR_IO_CHARGE;
	io |= (uint32_t)sbc_ir_io(st->out[0]) << SBC_IR_IO_LOAD;
	io |= (uint32_t)sbc_ir_io(st->out[2]) << SBC_IR_IO_PREALARM;
	io |= (uint32_t)sbc_ir_io(st->out[3]) << SBC_IR_IO_ALTERNATOR;
	r->io = (uint16_t)io;

	if (sbc_ir_has_code(codes, "A-B11"))
		low_cell = SBC_IR_ALARM_ALARM;
	else if (sbc_ir_has_code(codes, "W-B12"))
		low_cell = SBC_IR_ALARM_WARNING;
	al |= (uint32_t)low_cell << SBC_IR_AL_LOW_CELL;
	al |= (uint32_t)(sbc_ir_has_code(codes, "A-B15") ? SBC_IR_ALARM_ALARM :
			 SBC_IR_ALARM_OK) << SBC_IR_AL_INTERNAL_TEMP;
	al |= (uint32_t)(sbc_ir_has_code(codes, "E-B32") ? SBC_IR_ALARM_ALARM :
			 SBC_IR_ALARM_OK) << SBC_IR_AL_BMS_CABLE;
	al |= (uint32_t)(st->out[0] < 0 ? SBC_IR_ALARM_NA : st->out[0] ? SBC_IR_ALARM_OK :
			 SBC_IR_ALARM_ALARM) << SBC_IR_AL_LOAD_OFF;
	r->alarms = al;
}

void sbc_ir_bmv_encode(const struct sbc_ir_bmv *r, uint8_t out[SBC_IR_BMV_LEN])
{
	memset(out, 0xff, SBC_IR_BMV_LEN);
	sbc_ir_put_bits(out, 0, 16, r->ttg);
	sbc_ir_put_bits(out, 16, 16, (uint16_t)r->voltage);
	sbc_ir_put_bits(out, 32, 16, r->alarm);
	sbc_ir_put_bits(out, 48, 16, r->aux);
	sbc_ir_put_bits(out, 64, 2, r->aux_mode);
	sbc_ir_put_bits(out, 66, 22, (uint32_t)r->current);
	sbc_ir_put_bits(out, 88, 20, r->consumed);
	sbc_ir_put_bits(out, 108, 10, r->soc);
}

void sbc_ir_bmv_decode(const uint8_t in[SBC_IR_BMV_LEN], struct sbc_ir_bmv *r)
{
	r->ttg = (uint16_t)sbc_ir_get_bits(in, 0, 16);
	r->voltage = (int16_t)sbc_ir_get_sbits(in, 16, 16);
	r->alarm = (uint16_t)sbc_ir_get_bits(in, 32, 16);
	r->aux = (uint16_t)sbc_ir_get_bits(in, 48, 16);
	r->aux_mode = (uint8_t)sbc_ir_get_bits(in, 64, 2);
	r->current = sbc_ir_get_sbits(in, 66, 22);
	r->consumed = sbc_ir_get_bits(in, 88, 20);
	r->soc = (uint16_t)sbc_ir_get_bits(in, 108, 10);
}

void sbc_ir_bmv_from_state(const struct sbc_ir_state *st, struct sbc_ir_bmv *r)
{
	const char *codes = st->codes ? st->codes : "";
	struct sbc_ir_bms b;

	/* the fields the two records share, scaled the same way */
	sbc_ir_bms_from_state(st, &b);
	memset(r, 0, sizeof(*r));
	r->ttg = b.ttg;
	r->voltage = b.voltage;
	r->soc = b.soc;
	r->consumed = b.consumed;
	r->current = st->have & SBC_IR_HAVE_CURRENT ?
		(int32_t)sbc_ir_clamp(sbc_ir_div_round(st->current_ua, 1000), -2097152, 2097150) :
		-1;
	/* all 22 bits set, -1 mA, is n/a: a real -1 mA is sent as 0 */
	if (st->have & SBC_IR_HAVE_CURRENT && r->current == -1)
		r->current = 0;
	if (b.error == 30 || b.error == 33 || b.error == 32)
		r->alarm = SBC_IR_ALARM_BMS_LOCKOUT;
	else if (sbc_ir_has_code(codes, "A-B11") || sbc_ir_has_code(codes, "W-B12"))
		r->alarm = SBC_IR_ALARM_LOW_VOLTAGE;
	else if (sbc_ir_has_code(codes, "A-B15"))
		r->alarm = SBC_IR_ALARM_HIGH_TEMPERATURE;
	if (st->have & SBC_IR_HAVE_VSTART) {
		r->aux_mode = SBC_IR_AUX_STARTER;
		r->aux = (uint16_t)sbc_ir_clamp(sbc_ir_div_round(st->vstart_uv, 10000), -32768,
						 32766);
	} else {
		r->aux_mode = SBC_IR_AUX_NONE;
		r->aux = 0;
	}
}

size_t sbc_ir_frame(const struct sbc_ir_header *h, const uint8_t *ct, size_t len,
		    uint8_t *out, size_t outlen)
{
	if (len > SBC_IR_MAX_PAYLOAD || outlen < SBC_IR_HDR_LEN + len)
		return 0;
	out[0] = SBC_IR_PREFIX;
	out[1] = h->byte1;
	out[2] = h->product & 0xff;
	out[3] = h->product >> 8;
	out[4] = h->record;
	out[5] = h->nonce & 0xff;
	out[6] = h->nonce >> 8;
	out[7] = h->key0;
	memcpy(out + SBC_IR_HDR_LEN, ct, len);
	return SBC_IR_HDR_LEN + len;
}

size_t sbc_ir_ad(const struct sbc_ir_header *h, const uint8_t *ct, size_t len,
		 uint8_t *out, size_t outlen)
{
	size_t n;

	if (outlen < 4)
		return 0;
	n = sbc_ir_frame(h, ct, len, out + 4, outlen - 4);
	if (!n)
		return 0;
	out[0] = (uint8_t)(n + 3);	/* type and company id count too */
	out[1] = 0xff;			/* manufacturer specific data */
	out[2] = SBC_IR_COMPANY_ID & 0xff;
	out[3] = SBC_IR_COMPANY_ID >> 8;
	return n + 4;
}

const char *sbc_ir_parse(const uint8_t *data, size_t len, struct sbc_ir_header *h,
			 const uint8_t **ct, size_t *ctlen)
{
	if (len >= 2 && data[0] == (SBC_IR_COMPANY_ID & 0xff) &&
	    data[1] == SBC_IR_COMPANY_ID >> 8) {
		data += 2;
		len -= 2;
	}
	if (len < SBC_IR_HDR_LEN + 1)
		return "too short for a record (8 header bytes and at least 1 of payload)";
	if (data[0] != SBC_IR_PREFIX)
		return "not a product advertisement (first byte is not 0x10)";
	if (len > SBC_IR_HDR_LEN + SBC_IR_MAX_PAYLOAD)
		return "payload longer than 16 bytes";
	h->byte1 = data[1];
	h->product = (uint16_t)(data[2] | data[3] << 8);
	h->record = data[4];
	h->nonce = (uint16_t)(data[5] | data[6] << 8);
	h->key0 = data[7];
	*ct = data + SBC_IR_HDR_LEN;
	*ctlen = len - SBC_IR_HDR_LEN;
	return NULL;
}

const uint8_t *sbc_ir_find(const uint8_t *ad, size_t len, size_t *mlen)
{
	size_t i = 0;

	while (i < len) {
		size_t n = ad[i];

		if (!n || i + 1 + n > len)
			return NULL;
		if (ad[i + 1] == 0xff && n >= 3 && ad[i + 2] == (SBC_IR_COMPANY_ID & 0xff) &&
		    ad[i + 3] == SBC_IR_COMPANY_ID >> 8) {
			*mlen = n - 1;
			return ad + i + 2;
		}
		i += n + 1;
	}
	return NULL;
}

const char *sbc_ir_record_name(uint8_t record)
{
	/* the record types of victronenergy/dbus-ble-sensors src/victron.c */
	static const char * const names[] = {
		"test record", "Solar Charger", "Battery Monitor", "Inverter",
		"DC/DC Converter", "Smart Lithium", "Inverter RS", "GX Device",
		"AC Charger", "Smart Battery Protect", "Lynx Smart BMS", "Multi RS",
		"VE.Bus", "DC Energy Meter", "Smart BMS", "Orion XS",
	};

	return record < sizeof(names) / sizeof(names[0]) ? names[record] : "unknown";
}

static int sbc_ir_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sbc_ir_unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (*s) {
		int hi, lo;

		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		hi = sbc_ir_nibble(s[0]);
		lo = hi < 0 ? -1 : sbc_ir_nibble(s[1]);
		if (lo < 0 || n >= max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return (int)n;
}

void sbc_ir_hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}
