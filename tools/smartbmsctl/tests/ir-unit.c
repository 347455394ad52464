// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the Instant Readout record code (ir-record.c) and its
 * cipher (ir-crypto.c): the map from the driver's state to the 0x0A
 * record, rounding, clamping, the n/a values, framing.
 *
 *   ir-unit                 the table-driven cases
 *   ir-unit bits HEX READS  a BitReader vector: READS is "u1=0,s6=0x0A,..."
 *
 * One line per check, "ok - ..." or "FAIL - ...", exit 1 on a failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ir.h"

static int fails;

static void check(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void check(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", cond ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		fails++;
}

/* The BitReader vector: reads in order from bit 0. */
static int bits(const char *hex, const char *reads)
{
	uint8_t buf[64];
	char spec[512], *tok, *save = NULL;
	unsigned int pos = 0;
	int n = sbc_ir_unhex(hex, buf, sizeof(buf));

	if (n < 0) {
		check(0, "bits: '%s' is not hex", hex);
		return 1;
	}
	snprintf(spec, sizeof(spec), "%s", reads);
	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char kind = tok[0];
		unsigned int width = (unsigned int)strtoul(tok + 1, NULL, 10);
		const char *eq = strchr(tok, '=');
		long want = eq ? strtol(eq + 1, NULL, 0) : 0;
		long got;

		if ((kind != 'u' && kind != 's') || !eq || !width || width > 32 ||
		    pos + width > 8u * (unsigned int)n) {
			check(0, "bits: cannot read '%s'", tok);
			continue;
		}
		got = kind == 'u' ? (long)sbc_ir_get_bits(buf, pos, width) :
			(long)sbc_ir_get_sbits(buf, pos, width);
		check(got == want, "bits %s at bit %u: got %ld", tok, pos, got);
		pos += width;
	}
	return fails ? 1 : 0;
}

static struct sbc_ir_state state(void)
{
	struct sbc_ir_state st;

	memset(&st, 0, sizeof(st));
	st.out[0] = st.out[1] = st.out[2] = st.out[3] = -1;
	return st;
}

static void na(void)
{
	struct sbc_ir_state st = state();
	struct sbc_ir_bms r;

	sbc_ir_bms_from_state(&st, &r);
	check(r.error == 0, "nothing known: error 0");
	check(r.ttg == 0xFFFF, "nothing known: ttg n/a 0xffff");
	check((uint16_t)r.voltage == 0x7FFF, "nothing known: voltage n/a 0x7fff");
	check((uint16_t)r.current == 0x7FFF, "nothing known: current n/a 0x7fff");
	check(r.soc == 0x3FF, "nothing known: soc n/a 0x3ff");
	check(r.consumed == 0xFFFFF, "nothing known: consumed n/a 0xfffff");
	check(r.temp == 0x7F, "nothing known: temperature n/a 0x7f");
	check(r.io == 0, "nothing known: every io field n/a (0)");
	/* low cell, internal temperature, cable: ok; load-disconnect: unknown */
	check(r.alarms == 0x00111, "nothing known: monitored alarms ok, 0x%05x", r.alarms);
}

static void scale(void)
{
	static const struct {
		long uv, ua, tte, pct, full, now, dc;
		int v, i, ttg, soc, cah, t;
		const char *what;
	} c[] = {
		{ 13200000, 45000000, 3600, 50, 100000000, 95600000, 312,
		  1320, 450, 60, 500, 44, 71, "typical values" },
		{ 13204999, -649999, 29, 0, 100000000, 100000000, 254,
		  1320, -6, 0, 0, 0, 65, "rounded down below the half" },
		{ 13205000, -650000, 30, 100, 50000000, 0, 255,
		  1321, -7, 1, 1000, 500, 66, "half away from zero" },
		{ 400000000, 4000000000L, 99999999, 101, 0, 1000000, 1000,
		  32766, 32766, 0xFFFE, 1000, 0, 126, "clamped high, never to n/a" },
		{ -400000000, -4000000000L, -5, -1, 200000000000L, 0, -500,
		  -32768, -32768, 0, 0, 0xFFFFE, 0, "clamped low" },
	};
	unsigned int k;

	for (k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		struct sbc_ir_state st = state();
		struct sbc_ir_bms r;

		st.have = SBC_IR_HAVE_VOLTAGE | SBC_IR_HAVE_CURRENT | SBC_IR_HAVE_TTE |
			  SBC_IR_HAVE_SOC | SBC_IR_HAVE_CHARGE | SBC_IR_HAVE_TEMP;
		st.voltage_uv = c[k].uv;
		st.current_ua = c[k].ua;
		st.tte_s = c[k].tte;
		st.capacity_pct = c[k].pct;
		st.charge_full_uah = c[k].full;
		st.charge_now_uah = c[k].now;
		st.temp_dc = c[k].dc;
		sbc_ir_bms_from_state(&st, &r);
		check(r.voltage == c[k].v, "%s: voltage %d, want %d", c[k].what, r.voltage,
		      c[k].v);
		check(r.current == c[k].i, "%s: current %d, want %d", c[k].what, r.current,
		      c[k].i);
		check(r.ttg == c[k].ttg, "%s: ttg %u, want %d", c[k].what, r.ttg, c[k].ttg);
		check(r.soc == c[k].soc, "%s: soc %u, want %d", c[k].what, r.soc, c[k].soc);
		check(r.consumed == (uint32_t)c[k].cah, "%s: consumed %u, want %d", c[k].what,
		      r.consumed, c[k].cah);
		check(r.temp == c[k].t, "%s: temperature %u, want %d", c[k].what, r.temp,
		      c[k].t);
	}
}

static void codes(void)
{
	static const struct {
		const char *codes;
		int error, low_cell, internal, cable;
	} c[] = {
		{ "", 0, 1, 1, 1 },
		{ "W-B12", 0, 2, 1, 1 },
		{ "A-B11", 0, 3, 1, 1 },
		{ "A-B11 W-B12", 0, 3, 1, 1 },
		{ "A-B15", 0, 1, 3, 1 },
		{ "E-B32 A-B11", 32, 3, 1, 3 },
		{ "E-B31", 31, 1, 1, 1 },
		{ "E-B31 E-B30", 30, 1, 1, 1 },
		{ "E-B32 E-B33", 33, 1, 1, 3 },
		{ "E-B32 E-B31", 32, 1, 1, 3 },
		{ "XA-B11 A-B111 E-B3", 0, 1, 1, 1 },
	};
	unsigned int k;

	for (k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		struct sbc_ir_state st = state();
		struct sbc_ir_bms r;

		st.codes = c[k].codes;
		sbc_ir_bms_from_state(&st, &r);
		check(r.error == c[k].error, "codes '%s': error %u, want %d", c[k].codes,
		      r.error, c[k].error);
		check(sbc_ir_field(r.alarms, SBC_IR_AL_LOW_CELL) == (unsigned int)c[k].low_cell,
		      "codes '%s': low cell voltage %u, want %d", c[k].codes,
		      sbc_ir_field(r.alarms, SBC_IR_AL_LOW_CELL), c[k].low_cell);
		check(sbc_ir_field(r.alarms, SBC_IR_AL_INTERNAL_TEMP) ==
		      (unsigned int)c[k].internal, "codes '%s': internal temperature %u",
		      c[k].codes, sbc_ir_field(r.alarms, SBC_IR_AL_INTERNAL_TEMP));
		check(sbc_ir_field(r.alarms, SBC_IR_AL_BMS_CABLE) == (unsigned int)c[k].cable,
		      "codes '%s': BMS cable %u", c[k].codes,
		      sbc_ir_field(r.alarms, SBC_IR_AL_BMS_CABLE));
	}
}

static void outputs(void)
{
	struct sbc_ir_state st = state();
	struct sbc_ir_bms r;

	st.have = SBC_IR_HAVE_REMOTE;
	st.remote_on = 1;
	st.out[0] = 0;	/* loads off */
	st.out[1] = 1;	/* charging allowed */
	st.out[2] = 1;	/* pre-alarm on */
	st.out[3] = 0;	/* alternator open */
	sbc_ir_bms_from_state(&st, &r);
	check(sbc_ir_field(r.io, SBC_IR_IO_REMOTE) == SBC_IR_IO_ON, "io: remote on -> 1");
	check(sbc_ir_field(r.io, SBC_IR_IO_LOAD) == SBC_IR_IO_OFF, "io: loads off -> 2");
	check(sbc_ir_field(r.io, SBC_IR_IO_CHARGE) == SBC_IR_IO_ON, "io: charging -> 1");
	check(sbc_ir_field(r.io, SBC_IR_IO_PREALARM) == SBC_IR_IO_ON, "io: pre-alarm -> 1");
	check(sbc_ir_field(r.io, SBC_IR_IO_ALTERNATOR) == SBC_IR_IO_OFF,
	      "io: alternator open -> 2");
	check(r.io >> 10 == 0, "io: bits 10-15 unused (0)");
	check(sbc_ir_field(r.alarms, SBC_IR_AL_LOAD_OFF) == SBC_IR_ALARM_ALARM,
	      "alarms: Load Disconnect low -> alarm");
	st.out[0] = 1;
	st.remote_on = 0;
	sbc_ir_bms_from_state(&st, &r);
	check(sbc_ir_field(r.io, SBC_IR_IO_REMOTE) == SBC_IR_IO_OFF, "io: remote off -> 2");
	check(sbc_ir_field(r.alarms, SBC_IR_AL_LOAD_OFF) == SBC_IR_ALARM_OK,
	      "alarms: Load Disconnect high -> ok");
	check(sbc_ir_field(r.alarms, SBC_IR_AL_HIGH_CURRENT) == 0 &&
	      sbc_ir_field(r.alarms, SBC_IR_AL_CONTACTOR) == 0 &&
	      sbc_ir_field(r.alarms, SBC_IR_AL_LOW_SOC) == 0 &&
	      sbc_ir_field(r.alarms, SBC_IR_AL_HIGH_TEMP) == 0,
	      "alarms: fields this board does not monitor stay 0");
}

static void bmv(void)
{
	static const struct { const char *codes; unsigned int alarm; } c[] = {
		{ "", 0 },
		{ "W-B12", SBC_IR_ALARM_LOW_VOLTAGE },
		{ "A-B11", SBC_IR_ALARM_LOW_VOLTAGE },
		{ "A-B15", SBC_IR_ALARM_HIGH_TEMPERATURE },
		{ "A-B15 W-B12", SBC_IR_ALARM_LOW_VOLTAGE },
		{ "E-B32 A-B11", SBC_IR_ALARM_BMS_LOCKOUT },
		{ "E-B30", SBC_IR_ALARM_BMS_LOCKOUT },
		{ "E-B33 A-B15", SBC_IR_ALARM_BMS_LOCKOUT },
		{ "E-B31", 0 },
	};
	struct sbc_ir_state st = state();
	struct sbc_ir_bmv r, d;
	uint8_t pt[SBC_IR_BMV_LEN];
	unsigned int k;

	for (k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		st.codes = c[k].codes;
		sbc_ir_bmv_from_state(&st, &r);
		check(r.alarm == c[k].alarm, "battery monitor: codes '%s' -> alarm reason 0x%04x",
		      c[k].codes, r.alarm);
	}
	st.codes = "";
	sbc_ir_bmv_from_state(&st, &r);
	check(r.current == -1 && r.aux_mode == SBC_IR_AUX_NONE && r.ttg == 0xFFFF &&
	      r.soc == 0x3FF && r.consumed == 0xFFFFF && (uint16_t)r.voltage == 0x7FFF,
	      "battery monitor: nothing known, every field n/a, no aux input");
	st.have = SBC_IR_HAVE_CURRENT | SBC_IR_HAVE_VSTART;
	st.current_ua = -1000;
	st.vstart_uv = 14020000;
	sbc_ir_bmv_from_state(&st, &r);
	check(r.current == 0, "battery monitor: -1 mA (the n/a pattern) is sent as 0");
	check(r.aux_mode == SBC_IR_AUX_STARTER && r.aux == 1402,
	      "battery monitor: aux input is the starter voltage, 10 mV");
	st.current_ua = -12345678;
	sbc_ir_bmv_from_state(&st, &r);
	check(r.current == -12346, "battery monitor: current in mA, rounded (%d)", r.current);
	st.current_ua = 3000000000L;
	sbc_ir_bmv_from_state(&st, &r);
	check(r.current == 2097150, "battery monitor: current clamped to 22 bits");
	sbc_ir_bmv_encode(&r, pt);
	sbc_ir_bmv_decode(pt, &d);
	check(d.current == r.current && d.aux == r.aux && d.aux_mode == r.aux_mode,
	      "battery monitor: encode then decode");
	check((pt[14] & 0xc0) == 0xc0, "battery monitor: unused bits 118-119 sent as 1");
}

static void roundtrip(void)
{
	struct sbc_ir_bms a = { 33, 0xFFFE, -32768, 32766, 0xA5A5, 0x2AAAA, 1000, 0xFFFFE, 126 };
	struct sbc_ir_bms b;
	uint8_t pt[SBC_IR_MAX_PAYLOAD];

	sbc_ir_bms_encode(&a, pt);
	sbc_ir_bms_decode(pt, &b);
	check(a.error == b.error && a.ttg == b.ttg && a.voltage == b.voltage &&
	      a.current == b.current && a.io == b.io && a.alarms == b.alarms &&
	      a.soc == b.soc && a.consumed == b.consumed && a.temp == b.temp,
	      "encode then decode gives every field back");
	check(pt[15] & 0x80, "the unused bit 127 is sent as 1");
	a.alarms = 0xFFFFFFFF;	/* more than 18 bits: must not spill into the soc */
	a.soc = 0;
	sbc_ir_bms_encode(&a, pt);
	sbc_ir_bms_decode(pt, &b);
	check(b.soc == 0 && b.alarms == 0x3FFFF, "a field never spills into the next");
}

static void framing(void)
{
	struct sbc_ir_header h = { 0, 0xA3E0, 0x0A, 0x1234, 0xAB }, g;
	uint8_t ct[16] = { 1, 2, 3 }, ad[SBC_IR_AD_MAX], frame[40], flags_ad[40];
	const uint8_t *p, *md;
	size_t n, plen, mlen;

	n = sbc_ir_ad(&h, ct, sizeof(ct), ad, sizeof(ad));
	check(n == 28, "AD structure of a 16-byte record is 28 bytes (%zu)", n);
	check(ad[0] == 27 && ad[1] == 0xff && ad[2] == 0xe1 && ad[3] == 0x02 && ad[4] == 0x10,
	      "AD: length 27, type 0xff, company 0x02e1, prefix 0x10");
	check(ad[6] == 0xe0 && ad[7] == 0xa3 && ad[8] == 0x0a && ad[9] == 0x34 &&
	      ad[10] == 0x12 && ad[11] == 0xab, "AD: product, record, nonce LE, key byte");
	check(!sbc_ir_parse(ad + 2, n - 2, &g, &p, &plen) && plen == 16 &&
	      g.nonce == 0x1234 && g.product == 0xA3E0 && g.key0 == 0xAB,
	      "parse with the company id");
	check(!sbc_ir_parse(ad + 4, n - 4, &g, &p, &plen) && p == ad + 12,
	      "parse without the company id");
	check(sbc_ir_parse(ad + 4, 8, &g, &p, &plen) != NULL, "a header alone is refused");
	frame[0] = 0x11;
	memcpy(frame + 1, ad + 5, 20);
	check(sbc_ir_parse(frame, 21, &g, &p, &plen) != NULL, "a first byte not 0x10 is refused");
	memset(frame, 0, sizeof(frame));
	frame[0] = 0x10;
	check(sbc_ir_parse(frame, 8 + 17, &g, &p, &plen) != NULL,
	      "a payload over 16 bytes is refused");
	check(sbc_ir_frame(&h, ct, 17, frame, sizeof(frame)) == 0,
	      "framing a payload over 16 bytes is refused");
	flags_ad[0] = 2;
	flags_ad[1] = 0x01;
	flags_ad[2] = 0x06;
	memcpy(flags_ad + 3, ad, n);
	md = sbc_ir_find(flags_ad, n + 3, &mlen);
	check(md == flags_ad + 5 && mlen == 26, "found after a Flags field");
	flags_ad[3] = 40;	/* runs past the end */
	check(!sbc_ir_find(flags_ad, n + 3, &mlen), "a truncated AD structure is refused");
}

static void crypto(void)
{
	static const uint8_t zero_key[16];
	uint8_t key[16] = { 0xfa, 0xc5 }, pt[17] = { 1, 2, 3 }, ct[17], back[17], kcv[3];
	const char *why = NULL;

	check(!sbc_ir_key_check(zero_key, kcv) && kcv[0] == 0x66 && kcv[1] == 0xe9 &&
	      kcv[2] == 0x4b, "key check value: AES-128 of zero under zero key 66e94b...");
	check(sbc_ir_crypt(key, 1, pt, ct, 17, &why) && why,
	      "a 17-byte payload is refused (it would use the next nonce's block)");
	check(!sbc_ir_crypt(key, 7, pt, ct, 16, &why) && !sbc_ir_crypt(key, 7, ct, back, 16, &why) &&
	      !memcmp(pt, back, 16), "CTR: encrypting twice gives the payload back");
	check(!sbc_ir_crypt(key, 8, pt, back, 16, &why) && memcmp(ct, back, 16),
	      "another nonce, another keystream");
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "bits"))
		return bits(argv[2], argv[3]);
	if (argc != 1) {
		fprintf(stderr, "usage: ir-unit [bits HEX READS]\n");
		return 2;
	}
	na();
	scale();
	codes();
	outputs();
	bmv();
	roundtrip();
	framing();
	crypto();
	return fails ? 1 : 0;
}
