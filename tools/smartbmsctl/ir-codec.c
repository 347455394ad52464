// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl instant-readout decode | encode | encrypt: the record and
 * its framing by hand, for receivers, tests and the conformance vectors.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tools-common.h"
#include "ir.h"

int sbc_ir_parse_key(const char *s, uint8_t key[SBC_IR_KEY_LEN])
{
	uint8_t buf[SBC_IR_KEY_LEN + 1];

	if (sbc_ir_unhex(s, buf, sizeof(buf)) != SBC_IR_KEY_LEN)
		return -1;
	memcpy(key, buf, SBC_IR_KEY_LEN);
	return 0;
}

static const char *sbc_ir_io_word(unsigned int v)
{
	static const char * const w[] = { "n/a", "on", "off", "3" };

	return w[v & 3];
}

static const char *sbc_ir_alarm_word(unsigned int v)
{
	static const char * const w[] = { "n/a", "ok", "warning", "alarm" };

	return w[v & 3];
}

static void sbc_ir_print_bms(FILE *f, const uint8_t *pt)
{
	static const struct { const char *name; unsigned int off; } io[] = {
		{ "remote", SBC_IR_IO_REMOTE },
		{ "charge-disconnect", SBC_IR_IO_CHARGE },
		{ "load-disconnect", SBC_IR_IO_LOAD },
		{ "prealarm", SBC_IR_IO_PREALARM },
		{ "alternator", SBC_IR_IO_ALTERNATOR },
	}, al[] = {
		{ "low-cell-voltage", SBC_IR_AL_LOW_CELL },
		{ "high-current", SBC_IR_AL_HIGH_CURRENT },
		{ "high-internal-temperature", SBC_IR_AL_INTERNAL_TEMP },
		{ "contactor", SBC_IR_AL_CONTACTOR },
		{ "bms-cable", SBC_IR_AL_BMS_CABLE },
		{ "load-disconnect", SBC_IR_AL_LOAD_OFF },
		{ "low-soc", SBC_IR_AL_LOW_SOC },
		{ "high-temperature", SBC_IR_AL_HIGH_TEMP },
	};
	struct sbc_ir_bms r;
	unsigned int i;

	sbc_ir_bms_decode(pt, &r);
	fprintf(f, "error %u\n", r.error);
	if (r.ttg == SBC_IR_TTG_NA)
		fprintf(f, "ttg n/a\n");
	else
		fprintf(f, "ttg %u min\n", r.ttg);
	if ((uint16_t)r.voltage == SBC_IR_VOLTAGE_NA)
		fprintf(f, "voltage n/a\n");
	else
		fprintf(f, "voltage %s%d.%02d V\n", r.voltage < 0 ? "-" : "",
			abs(r.voltage) / 100, abs(r.voltage) % 100);
	if ((uint16_t)r.current == SBC_IR_CURRENT_NA)
		fprintf(f, "current n/a\n");
	else
		fprintf(f, "current %s%d.%d A\n", r.current < 0 ? "-" : "",
			abs(r.current) / 10, abs(r.current) % 10);
	fprintf(f, "io 0x%04x\n", r.io);
	for (i = 0; i < sizeof(io) / sizeof(io[0]); i++)
		fprintf(f, "io.%s %s\n", io[i].name,
			sbc_ir_io_word(sbc_ir_field(r.io, io[i].off)));
	fprintf(f, "alarms 0x%05x\n", r.alarms);
	for (i = 0; i < sizeof(al) / sizeof(al[0]); i++)
		fprintf(f, "alarm.%s %s\n", al[i].name,
			sbc_ir_alarm_word(sbc_ir_field(r.alarms, al[i].off)));
	if (r.soc == SBC_IR_SOC_NA)
		fprintf(f, "soc n/a\n");
	else
		fprintf(f, "soc %u.%u %%\n", r.soc / 10u, r.soc % 10u);
	/* Victron shows consumed Ah negative: taken out of the battery */
	if (r.consumed == SBC_IR_CONSUMED_NA)
		fprintf(f, "consumed n/a\n");
	else
		fprintf(f, "consumed %u.%u Ah\n", r.consumed / 10, r.consumed % 10);
	if (r.temp == SBC_IR_TEMP_NA)
		fprintf(f, "temperature n/a\n");
	else
		fprintf(f, "temperature %d C\n", r.temp - 40);
}

/* a fixed-point value with @dec decimals, or n/a */
static void sbc_ir_print_fixed(FILE *f, const char *name, long v, int dec, const char *unit)
{
	long div = dec == 3 ? 1000 : dec == 2 ? 100 : 10;

	fprintf(f, "%s %s%ld.%0*ld %s\n", name, v < 0 ? "-" : "", labs(v) / div, dec,
		labs(v) % div, unit);
}

static void sbc_ir_print_bmv(FILE *f, const uint8_t *pt)
{
	static const char * const modes[] = { "starter-voltage", "midpoint-voltage",
					      "temperature", "none" };
	struct sbc_ir_bmv r;

	sbc_ir_bmv_decode(pt, &r);
	if (r.ttg == SBC_IR_TTG_NA)
		fprintf(f, "ttg n/a\n");
	else
		fprintf(f, "ttg %u min\n", r.ttg);
	if ((uint16_t)r.voltage == SBC_IR_VOLTAGE_NA)
		fprintf(f, "voltage n/a\n");
	else
		sbc_ir_print_fixed(f, "voltage", r.voltage, 2, "V");
	fprintf(f, "alarm 0x%04x\n", r.alarm);
	fprintf(f, "aux-mode %s\n", modes[r.aux_mode & 3]);
	if (r.aux_mode == SBC_IR_AUX_STARTER)
		sbc_ir_print_fixed(f, "starter-voltage", (int16_t)r.aux, 2, "V");
	if (r.current == -1)	/* 0x3FFFFF, read signed */
		fprintf(f, "current n/a\n");
	else
		sbc_ir_print_fixed(f, "current", r.current, 3, "A");
	if (r.soc == SBC_IR_SOC_NA)
		fprintf(f, "soc n/a\n");
	else
		fprintf(f, "soc %u.%u %%\n", r.soc / 10u, r.soc % 10u);
	if (r.consumed == SBC_IR_CONSUMED_NA)
		fprintf(f, "consumed n/a\n");
	else
		fprintf(f, "consumed %u.%u Ah\n", r.consumed / 10, r.consumed % 10);
}

void sbc_ir_print(FILE *f, const struct sbc_ir_header *h, const uint8_t *pt, size_t len)
{
	char hex[2 * SBC_IR_MAX_PAYLOAD + 1];

	sbc_ir_hex(pt, len, hex);
	fprintf(f, "product 0x%04x\n", h->product);
	fprintf(f, "record 0x%02x %s\n", h->record, sbc_ir_record_name(h->record));
	fprintf(f, "nonce %u\n", h->nonce);
	fprintf(f, "payload %s\n", hex);
	if (h->record == SBC_IR_RECORD_BMS && len == SBC_IR_MAX_PAYLOAD)
		sbc_ir_print_bms(f, pt);
	else if (h->record == SBC_IR_RECORD_BMV && len == SBC_IR_BMV_LEN)
		sbc_ir_print_bmv(f, pt);
}

/* The key from --key, else from the board's key file. 0 or exit code. */
static int sbc_ir_get_key(const char *cmd, const char *hex, const char *file,
			  uint8_t key[SBC_IR_KEY_LEN])
{
	struct sbc_ir_store s;
	int ret;

	if (hex) {
		if (sbc_ir_parse_key(hex, key))
			return sbc_usage_error(cmd, "--key: '%s' is not 32 hex digits", hex);
		return 0;
	}
	sbc_ir_store_init(&s, file, NULL);
	ret = sbc_ir_key_load(&s, 0, NULL);
	if (!ret)
		memcpy(key, s.key, SBC_IR_KEY_LEN);
	sbc_ir_store_wipe(&s);
	return ret;
}

static void decode_help(void)
{
	printf("Usage: smartbmsctl instant-readout decode [OPTIONS] HEX\n\n"
	       "Check and decrypt one Instant Readout advertisement: HEX is its\n"
	       "manufacturer data after the company id (10 00 e0 a3 ...), with or\n"
	       "without the company id (e1 02), or the whole AD structure.\n"
	       "Prints the product id, the record type, the nonce and the decrypted\n"
	       "payload in hex, and for a 0x0a or 0x02 record its fields by name.\n\n"
	       "  -k, --key KEY         the 32-hex-digit key (default: this board's)\n"
	       "  -K, --key-file FILE   read the key from FILE\n"
	       "  -h, --help            show this help\n\n"
	       "Exit status: 0 decoded, 1 the key does not match the advertisement,\n"
	       "2 usage, 5 not an Instant Readout advertisement.\n");
}

int sbc_ir_cmd_decode(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "instant-readout decode", *khex = NULL, *kfile = NULL, *why;
	uint8_t data[64], key[SBC_IR_KEY_LEN], pt[SBC_IR_MAX_PAYLOAD];
	const uint8_t *ct, *md = data;
	struct sbc_ir_header h;
	size_t ctlen, mlen;
	int opt, n, ret;

	while ((opt = getopt_long(argc, argv, "k:K:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'k':
			khex = optarg;
			if (sbc_ir_parse_key(khex, key))
				return sbc_usage_error(cmd, "--key: '%s' is not 32 hex digits", khex);
			break;
		case 'K':
			kfile = optarg;
			break;
		case 'h':
			decode_help();
			return SBC_EXIT_OK;
		default:
			return sbc_usage_error(cmd, "bad option");
		}
	}
	if (optind + 1 != argc)
		return sbc_usage_error(cmd, optind < argc ? "one HEX argument only" :
				       "the advertisement (HEX) is missing");
	n = sbc_ir_unhex(argv[optind], data, sizeof(data));
	if (n < 0)
		return sbc_fail(SBC_EXIT_RANGE, "%s: '%s' is not hex digits (at most %zu bytes)",
				cmd, argv[optind], sizeof(data));
	mlen = (size_t)n;
	/* a whole AD structure: length, 0xff, company id */
	if (n >= 4 && data[0] == n - 1 && data[1] == 0xff) {
		md = sbc_ir_find(data, (size_t)n, &mlen);
		if (!md)
			return sbc_fail(SBC_EXIT_RANGE, "%s: no Victron manufacturer data "
					"(company id 0x02e1) in the AD structure", cmd);
	}
	why = sbc_ir_parse(md, mlen, &h, &ct, &ctlen);
	if (why)
		return sbc_fail(SBC_EXIT_RANGE, "%s: not an Instant Readout advertisement: %s",
				cmd, why);
	ret = sbc_ir_get_key(cmd, khex, kfile, key);
	if (ret)
		return ret;
	if (h.key0 != key[0])
		return sbc_fail(SBC_EXIT_FAIL, "%s: key mismatch: the advertisement was "
				"encrypted with a key starting 0x%02x, this key starts 0x%02x",
				cmd, h.key0, key[0]);
	if (sbc_ir_crypt(key, h.nonce, ct, pt, ctlen, &why))
		return sbc_fail(SBC_EXIT_FAIL, "%s: decrypting: %s", cmd, why);
	memset(key, 0, sizeof(key));
	sbc_ir_print(stdout, &h, pt, ctlen);
	return SBC_EXIT_OK;
}

static void encode_help(void)
{
	printf("Usage: smartbmsctl instant-readout encode [-r RECORD] [FIELD=VALUE]...\n\n"
	       "Print the payload of a record in hex. A field left out, or given as\n"
	       "n/a, is sent as not available.\n\n"
	       "  -r, --record RECORD   bms (0x0a, default) or battery-monitor (0x02)\n"
	       "  -h, --help            show this help\n\n"
	       "bms (16 bytes):\n"
	       "  error=N          0..255\n"
	       "  ttg=MIN          time to go, minutes, 0..65534\n"
	       "  voltage=V        -327.68..327.66, 0.01 V\n"
	       "  current=A        -3276.8..3276.6, 0.1 A, + = into the battery\n"
	       "  io=N             IO status, 16 bits (0x... or decimal)\n"
	       "  alarms=N         alarms, 18 bits (0x... or decimal)\n"
	       "  soc=PCT          0..100.0, 0.1 %%\n"
	       "  consumed=AH      0..104857.4 Ah taken out (shown as -AH), 0.1 Ah\n"
	       "  temperature=C    -40..86 degC\n"
	       "battery-monitor (15 bytes):\n"
	       "  ttg=MIN, voltage=V, soc=PCT, consumed=AH as above\n"
	       "  alarm=N          alarm reason, 16 bits\n"
	       "  aux=N            aux value, 16 bits (starter voltage in 0.01 V)\n"
	       "  aux-mode=N       0 starter voltage, 1 midpoint, 2 temperature, 3 none\n"
	       "  current=A        -2097.152..2097.150, 0.001 A\n");
}

struct sbc_ir_field {
	const char *name;
	long scale, min, max, na;	/* scale 0: a bit field, hex or decimal */
};

static const struct sbc_ir_field sbc_ir_bms_fields[] = {
	{ "error", 1, 0, 255, 0 },
	{ "ttg", 1, 0, 0xFFFE, SBC_IR_TTG_NA },
	{ "voltage", 100, -32768, 32766, SBC_IR_VOLTAGE_NA },
	{ "current", 10, -32768, 32766, SBC_IR_CURRENT_NA },
	{ "io", 0, 0, 0xFFFF, 0 },
	{ "alarms", 0, 0, 0x3FFFF, 0 },
	{ "soc", 10, 0, 1000, SBC_IR_SOC_NA },
	{ "consumed", 10, 0, 0xFFFFE, SBC_IR_CONSUMED_NA },
	{ "temperature", 1, -40, 86, SBC_IR_TEMP_NA },
	{ NULL, 0, 0, 0, 0 },
};

static const struct sbc_ir_field sbc_ir_bmv_fields[] = {
	{ "ttg", 1, 0, 0xFFFE, SBC_IR_TTG_NA },
	{ "voltage", 100, -32768, 32766, SBC_IR_VOLTAGE_NA },
	{ "alarm", 0, 0, 0xFFFF, 0 },
	{ "aux", 0, 0, 0xFFFF, 0 },
	{ "aux-mode", 0, 0, 3, SBC_IR_AUX_NONE },
	{ "current", 1000, -2097152, 2097150, -1 /* all 22 bits */ },
	{ "consumed", 10, 0, 0xFFFFE, SBC_IR_CONSUMED_NA },
	{ "soc", 10, 0, 1000, SBC_IR_SOC_NA },
	{ NULL, 0, 0, 0, 0 },
};

#define SBC_IR_MAXFIELDS 9

static int sbc_ir_field_value(const struct sbc_ir_field *f, const char *s, long *v)
{
	if (!strcmp(s, "n/a")) {
		*v = f->na;
		return 0;
	}
	if (!f->scale) {
		unsigned long u;
		char *end;

		if (*s < '0' || *s > '9')
			return -1;
		errno = 0;
		u = strtoul(s, &end, 0);
		if (errno || *end || u > (unsigned long)f->max)
			return -1;
		*v = (long)u;
		return 0;
	}
	if (sbc_parse_fixed(s, f->scale, v) || *v < f->min || *v > f->max)
		return -1;
	return 0;
}

int sbc_ir_record_type(const char *name)
{
	if (!strcmp(name, "bms") || !strcmp(name, "0x0a") || !strcmp(name, "10"))
		return SBC_IR_RECORD_BMS;
	if (!strcmp(name, "battery-monitor") || !strcmp(name, "0x02") || !strcmp(name, "2"))
		return SBC_IR_RECORD_BMV;
	return -1;
}

int sbc_ir_cmd_encode(int argc, char **argv)
{
	const char *cmd = "instant-readout encode";
	const struct sbc_ir_field *fields = sbc_ir_bms_fields;
	long val[SBC_IR_MAXFIELDS];
	uint8_t pt[SBC_IR_MAX_PAYLOAD];
	char hex[2 * SBC_IR_MAX_PAYLOAD + 1];
	int a = 1, record = SBC_IR_RECORD_BMS;
	const char *rname = NULL;
	unsigned int i;
	size_t len;

	if (sbc_wants_help(argc, argv)) {
		encode_help();
		return SBC_EXIT_OK;
	}
	/* -r X, --record X or --record=X, before the fields */
	if (argc > 1 && !strncmp(argv[1], "--record=", 9)) {
		rname = argv[1] + 9;
		a = 2;
	} else if (argc > 2 && (!strcmp(argv[1], "-r") || !strcmp(argv[1], "--record"))) {
		rname = argv[2];
		a = 3;
	}
	if (rname) {
		record = sbc_ir_record_type(rname);
		if (record < 0)
			return sbc_usage_error(cmd, "--record: '%s' is not bms or battery-monitor",
					       rname);
	}
	if (record == SBC_IR_RECORD_BMV)
		fields = sbc_ir_bmv_fields;
	for (i = 0; fields[i].name; i++)
		val[i] = fields[i].na;
	for (; a < argc; a++) {
		const char *eq = strchr(argv[a], '=');

		for (i = 0; eq && fields[i].name; i++)
			if (strlen(fields[i].name) == (size_t)(eq - argv[a]) &&
			    !strncmp(argv[a], fields[i].name, (size_t)(eq - argv[a])))
				break;
		if (!eq || !fields[i].name)
			return sbc_usage_error(cmd, "'%s' is not FIELD=VALUE with a field of "
					       "this record", argv[a]);
		if (sbc_ir_field_value(&fields[i], eq + 1, &val[i]))
			return sbc_fail(SBC_EXIT_RANGE, "%s: %s: '%s' is out of range or "
					"finer than the field's unit (see --help)", cmd,
					fields[i].name, eq + 1);
	}
	if (record == SBC_IR_RECORD_BMV) {
		struct sbc_ir_bmv r = {
			(uint16_t)val[0], (int16_t)val[1], (uint16_t)val[2], (uint16_t)val[3],
			(uint8_t)val[4], (int32_t)val[5], (uint32_t)val[6], (uint16_t)val[7],
		};

		sbc_ir_bmv_encode(&r, pt);
		len = SBC_IR_BMV_LEN;
	} else {
		struct sbc_ir_bms r = {
			(uint8_t)val[0], (uint16_t)val[1], (int16_t)val[2], (int16_t)val[3],
			(uint16_t)val[4], (uint32_t)val[5], (uint16_t)val[6], (uint32_t)val[7],
			(uint8_t)(val[8] == SBC_IR_TEMP_NA ? SBC_IR_TEMP_NA : val[8] + 40),
		};

		sbc_ir_bms_encode(&r, pt);
		len = SBC_IR_MAX_PAYLOAD;
	}
	sbc_ir_hex(pt, len, hex);
	printf("%s\n", hex);
	return SBC_EXIT_OK;
}

static void encrypt_help(void)
{
	printf("Usage: smartbmsctl instant-readout encrypt [OPTIONS] HEX\n\n"
	       "Encrypt the payload HEX (at most 16 bytes) and print the manufacturer\n"
	       "data an advertisement carries after the company id, in hex.\n\n"
	       "  -k, --key KEY         the 32-hex-digit key (default: this board's)\n"
	       "  -K, --key-file FILE   read the key from FILE\n"
	       "  -n, --nonce N         the data counter, 0..65535 (required)\n"
	       "  -p, --product ID      product id, default 0xa3e0 (Smart BMS CL 12-100)\n"
	       "  -r, --record TYPE     record type, default 0x0a\n"
	       "  -b, --byte1 B         the header's second byte, default 0x00\n"
	       "  -a, --ad              print the whole AD structure (length, 0xff,\n"
	       "                        company id, data)\n"
	       "  -h, --help            show this help\n");
}

static int sbc_ir_num(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return errno || *end || *v > max ? -1 : 0;
}

int sbc_ir_cmd_encrypt(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "product", required_argument, NULL, 'p' },
		{ "record", required_argument, NULL, 'r' },
		{ "byte1", required_argument, NULL, 'b' },
		{ "ad", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "instant-readout encrypt", *khex = NULL, *kfile = NULL, *why;
	struct sbc_ir_header h = { 0, SBC_IR_PRODUCT_ID, SBC_IR_RECORD_BMS, 0, 0 };
	uint8_t pt[SBC_IR_MAX_PAYLOAD + 1], ct[SBC_IR_MAX_PAYLOAD], key[SBC_IR_KEY_LEN];
	uint8_t out[SBC_IR_AD_MAX];
	char hex[2 * SBC_IR_AD_MAX + 1];
	unsigned long v;
	int opt, n, ret, ad = 0, have_nonce = 0;
	size_t len;

	while ((opt = getopt_long(argc, argv, "k:K:n:p:r:b:ah", opts, NULL)) != -1) {
		switch (opt) {
		case 'k':
			khex = optarg;
			if (sbc_ir_parse_key(khex, key))
				return sbc_usage_error(cmd, "--key: '%s' is not 32 hex digits", khex);
			break;
		case 'K':
			kfile = optarg;
			break;
		case 'n':
			if (sbc_ir_num(optarg, 0xFFFF, &v))
				return sbc_usage_error(cmd, "--nonce: '%s' is not 0..65535", optarg);
			h.nonce = (uint16_t)v;
			have_nonce = 1;
			break;
		case 'p':
			if (sbc_ir_num(optarg, 0xFFFF, &v))
				return sbc_usage_error(cmd, "--product: '%s' is not 0..0xffff", optarg);
			h.product = (uint16_t)v;
			break;
		case 'r':
			if (sbc_ir_num(optarg, 0xFF, &v))
				return sbc_usage_error(cmd, "--record: '%s' is not 0..0xff", optarg);
			h.record = (uint8_t)v;
			break;
		case 'b':
			if (sbc_ir_num(optarg, 0xFF, &v))
				return sbc_usage_error(cmd, "--byte1: '%s' is not 0..0xff", optarg);
			h.byte1 = (uint8_t)v;
			break;
		case 'a':
			ad = 1;
			break;
		case 'h':
			encrypt_help();
			return SBC_EXIT_OK;
		default:
			return sbc_usage_error(cmd, "bad option");
		}
	}
	if (!have_nonce)
		return sbc_usage_error(cmd, "--nonce is required");
	if (optind + 1 != argc)
		return sbc_usage_error(cmd, "one payload (HEX) is required");
	n = sbc_ir_unhex(argv[optind], pt, sizeof(pt));
	if (n < 1 || n > SBC_IR_MAX_PAYLOAD)
		return sbc_fail(SBC_EXIT_RANGE, "%s: '%s' is not 1 to 16 bytes of hex", cmd,
				argv[optind]);
	ret = sbc_ir_get_key(cmd, khex, kfile, key);
	if (ret)
		return ret;
	h.key0 = key[0];
	ret = sbc_ir_crypt(key, h.nonce, pt, ct, (size_t)n, &why);
	memset(key, 0, sizeof(key));
	if (ret)
		return sbc_fail(SBC_EXIT_FAIL, "%s: encrypting: %s", cmd, why);
	len = ad ? sbc_ir_ad(&h, ct, (size_t)n, out, sizeof(out)) :
		sbc_ir_frame(&h, ct, (size_t)n, out, sizeof(out));
	sbc_ir_hex(out, len, hex);
	printf("%s\n", hex);
	return SBC_EXIT_OK;
}
