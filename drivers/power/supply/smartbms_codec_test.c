// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the smartbms core's codec: the names, the strict parsers
 * of BMS-SET-1 and the calibration and settings blobs. The host build
 * (tools/testing/host) runs the same cases under cmocka.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "smartbms_compat.h"
#include "smartbms_core.h"

static bool smartbms_settings_eq(const struct smartbms_settings *a,
				 const struct smartbms_settings *b)
{
	return a->fuse == b->fuse && a->prealarm_usage == b->prealarm_usage &&
	       a->prealarm_signal == b->prealarm_signal &&
	       a->charge_limit_mv == b->charge_limit_mv &&
	       a->remote_fn == b->remote_fn && a->switch_on == b->switch_on &&
	       a->debounce_ms == b->debounce_ms;
}

static void smartbms_test_codes_names(struct kunit *test)
{
	static const char * const codes[] = { "E-B30", "E-B31", "E-B32",
		"E-B33", "A-B11", "A-B15", "W-B12" };
	unsigned int i;

	for (i = 0; i < SMARTBMS_CODE_NUM; i++)
		KUNIT_EXPECT_STREQ(test, smartbms_code_name(i), codes[i]);
	KUNIT_EXPECT_TRUE(test, !smartbms_code_name(SMARTBMS_CODE_NUM));
	for (i = 0; i < SMARTBMS_REASON_NUM; i++)
		KUNIT_EXPECT_TRUE(test, !!smartbms_reason_name(i));
	for (i = 0; i < SMARTBMS_CH_NUM; i++)
		KUNIT_EXPECT_TRUE(test, !!smartbms_chan_name(i));
	for (i = 0; i < SMARTBMS_IN_NUM; i++)
		KUNIT_EXPECT_TRUE(test, !!smartbms_input_name(i));
	for (i = 0; i < SMARTBMS_OUT_NUM; i++)
		KUNIT_EXPECT_TRUE(test, !!smartbms_output_name(i));
	KUNIT_EXPECT_STREQ(test, smartbms_reason_name(SMARTBMS_REASON_CABLE),
			   "cable");
	KUNIT_EXPECT_STREQ(test, smartbms_chan_name(SMARTBMS_CH_VCELL3),
			   "vcell3");
	KUNIT_EXPECT_STREQ(test, smartbms_prealarm_usage_name(1),
			   "unavailable");
	KUNIT_EXPECT_STREQ(test, smartbms_prealarm_signal_name(1),
			   "intermittent");
	KUNIT_EXPECT_STREQ(test, smartbms_remote_fn_name(1), "system");
}

/* ---- parsers ---- */

struct smartbms_milli_case {
	const char *s;
	s32 min, max;
	int ret;
	s32 val;
};

static const struct smartbms_milli_case smartbms_milli_cases[] = {
	{ "14.2", 13000, 15300, 0, 14200 },
	{ "14.20", 13000, 15300, 0, 14200 },
	{ "14.200\n", 13000, 15300, 0, 14200 },
	{ "13", 13000, 15300, 0, 13000 },
	{ "15.3", 13000, 15300, 0, 15300 },
	{ "15.301", 13000, 15300, -EINVAL, 0 },
	{ "12.999", 13000, 15300, -EINVAL, 0 },
	{ "-3", -5000, 5000, 0, -3000 },
	{ "-0.001", -5000, 5000, 0, -1 },
	{ "0", -5000, 5000, 0, 0 },
	{ "14.2000", 13000, 15300, -EINVAL, 0 },
	{ "", 0, 1000, -EINVAL, 0 },
	{ "\n", 0, 1000, -EINVAL, 0 },
	{ "-", -1000, 1000, -EINVAL, 0 },
	{ ".5", 0, 1000, -EINVAL, 0 },
	{ "1.", 0, 10000, -EINVAL, 0 },
	{ " 1", 0, 10000, -EINVAL, 0 },
	{ "1 ", 0, 10000, -EINVAL, 0 },
	{ "1\n\n", 0, 10000, -EINVAL, 0 },
	{ "+1", 0, 10000, -EINVAL, 0 },
	{ "1.2.3", 0, 10000, -EINVAL, 0 },
	{ "14,2", 0, 20000, -EINVAL, 0 },
	{ "1e3", 0, 2000000, -EINVAL, 0 },
	{ "0x10", 0, 2000000, -EINVAL, 0 },
	{ "2147483.647", S32_MIN, S32_MAX, 0, S32_MAX },
	{ "2147483.648", S32_MIN, S32_MAX, -EINVAL, 0 },
	{ "-2147483.648", S32_MIN, S32_MAX, 0, S32_MIN },
	{ "99999999999999999999", S32_MIN, S32_MAX, -EINVAL, 0 },
};

static void smartbms_milli_desc(const struct smartbms_milli_case *p, char *d)
{
	unsigned int i, j = 0;

	for (i = 0; p->s[i] && j < KUNIT_PARAM_DESC_SIZE - 3; i++) {
		if (p->s[i] == '\n') {
			d[j++] = '\\';
			d[j++] = 'n';
		} else {
			d[j++] = p->s[i];
		}
	}
	d[j] = '\0';
	if (!j)
		snprintf(d, KUNIT_PARAM_DESC_SIZE, "(empty)");
}

KUNIT_ARRAY_PARAM(smartbms_milli, smartbms_milli_cases, smartbms_milli_desc);

static void smartbms_test_set_1_parse_milli(struct kunit *test)
{
	const struct smartbms_milli_case *p = test->param_value;
	s32 v = 12345;

	KUNIT_EXPECT_EQ(test, smartbms_parse_milli(p->s, p->min, p->max, &v),
			p->ret);
	KUNIT_EXPECT_EQ(test, v, p->ret ? 12345 : p->val);
}

static void smartbms_test_set_1_parse_fuse_enum(struct kunit *test)
{
	static const char * const names[] = { "use", "unavailable" };
	static const char * const bad[] = { "unset", "2x7,5", "2X30", "125 ",
		" 125", "125\n\n", "", "1250", "12", "2x7.50" };
	enum smartbms_fuse f = SMARTBMS_FUSE_NUM;
	unsigned int i, idx = 99;

	KUNIT_EXPECT_EQ(test, smartbms_parse_fuse("2x7.5\n", &f), 0);
	KUNIT_EXPECT_EQ(test, f, SMARTBMS_FUSE_2X7_5);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		f = SMARTBMS_FUSE_NUM;
		KUNIT_EXPECT_EQ(test, smartbms_parse_fuse(bad[i], &f), -EINVAL);
		KUNIT_EXPECT_EQ(test, f, SMARTBMS_FUSE_NUM);
	}
	KUNIT_EXPECT_EQ(test, smartbms_parse_enum("unavailable\n", names, 2,
						  &idx), 0);
	KUNIT_EXPECT_EQ(test, idx, 1U);
	KUNIT_EXPECT_EQ(test, smartbms_parse_enum("use", names, 2, &idx), 0);
	KUNIT_EXPECT_EQ(test, idx, 0U);
	idx = 99;
	KUNIT_EXPECT_EQ(test, smartbms_parse_enum("us", names, 2, &idx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smartbms_parse_enum("Use", names, 2, &idx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smartbms_parse_enum("use\n\n", names, 2, &idx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smartbms_parse_enum("", names, 2, &idx),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, idx, 99U);
}

static void smartbms_put32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* zlib CRC-32, bit by bit, independent of the core's. */
static u32 smartbms_test_crc(const u8 *p, size_t n)
{
	u32 crc = ~0U;
	int i;

	while (n--) {
		crc ^= *p++;
		for (i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (crc & 1 ? 0xedb88320U : 0);
	}
	return ~crc;
}

static void smartbms_make_cal(u8 *b, s32 gain0, s32 off0)
{
	unsigned int i;

	memcpy(b, "SBMC", 4);
	b[4] = 1;
	b[5] = 0;
	b[6] = SMARTBMS_CH_NUM;
	b[7] = 0;
	for (i = 0; i < SMARTBMS_CH_NUM; i++) {
		smartbms_put32(b + 8 + 8 * i, i ? 1000000 : gain0);
		smartbms_put32(b + 12 + 8 * i, i ? 0 : off0);
	}
	smartbms_put32(b + SMARTBMS_CAL_BLOB_SIZE - 4,
		       smartbms_test_crc(b, SMARTBMS_CAL_BLOB_SIZE - 4));
}

static void smartbms_test_out_5_calibration_blob(struct kunit *test)
{
	u8 b[SMARTBMS_CAL_BLOB_SIZE + 1];
	struct smartbms_calibration cal, keep;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, SMARTBMS_CAL_BLOB_SIZE, 92);
	smartbms_make_cal(b, 1010000, -20);
	KUNIT_EXPECT_EQ(test, smartbms_calibration_parse(b, 92, &cal), 0);
	KUNIT_EXPECT_EQ(test, cal.chan[0].gain_micro, 1010000);
	KUNIT_EXPECT_EQ(test, cal.chan[0].offset, -20);
	KUNIT_EXPECT_EQ(test, smartbms_calibrate(&cal, 0, 1000), 990);
	KUNIT_EXPECT_EQ(test, smartbms_calibrate(&cal, 1, 1000), 1000);
	KUNIT_EXPECT_EQ(test, smartbms_calibrate(&cal, 1, -7), -7);
	keep = cal;
	/* wrong length, magic, version, nchan, crc, zero gain */
	KUNIT_EXPECT_EQ(test, smartbms_calibration_parse(b, 91, &cal), -EINVAL);
	KUNIT_EXPECT_EQ(test, smartbms_calibration_parse(b, 93, &cal), -EINVAL);
	for (i = 0; i < 92; i++) {
		smartbms_make_cal(b, 1010000, -20);
		b[i] ^= 0x40;
		KUNIT_EXPECT_EQ(test, smartbms_calibration_parse(b, 92, &cal),
				-EINVAL);
	}
	smartbms_make_cal(b, 0, 0);
	KUNIT_EXPECT_EQ(test, smartbms_calibration_parse(b, 92, &cal), -EINVAL);
	KUNIT_EXPECT_TRUE(test, !memcmp(&cal, &keep, sizeof(cal)));
	/* rounding and saturation */
	cal.chan[0].gain_micro = 1500000;
	cal.chan[0].offset = 0;
	KUNIT_EXPECT_EQ(test, smartbms_calibrate(&cal, 0, 1), 2);
	KUNIT_EXPECT_EQ(test, smartbms_calibrate(&cal, 0, -1), -2);
	KUNIT_EXPECT_EQ(test, smartbms_calibrate(&cal, 0, S32_MAX), S32_MAX);
	KUNIT_EXPECT_EQ(test, smartbms_calibrate(&cal, 0, S32_MIN), S32_MIN);
}

static void smartbms_test_set_2_blob(struct kunit *test)
{
	u8 b[SMARTBMS_SETTINGS_BLOB_SIZE];
	struct smartbms_settings set, out, keep;
	unsigned int i;

	smartbms_settings_default(&set);
	set.fuse = SMARTBMS_FUSE_2X15;
	set.prealarm_signal = SMARTBMS_SIGNAL_INTERMITTENT;
	set.charge_limit_mv = 14400;
	set.remote_fn = SMARTBMS_REMOTE_SYSTEM;
	set.switch_on = false;
	set.debounce_ms = 0;
	KUNIT_EXPECT_EQ(test, smartbms_settings_pack(&set, b, sizeof(b)), 0);
	KUNIT_EXPECT_EQ(test, smartbms_settings_unpack(b, sizeof(b), &out), 0);
	KUNIT_EXPECT_TRUE(test, smartbms_settings_eq(&set, &out));
	KUNIT_EXPECT_EQ(test, smartbms_settings_pack(&set, b, sizeof(b) - 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smartbms_settings_unpack(b, sizeof(b) - 1, &out),
			-EINVAL);
	keep = out;
	for (i = 0; i < sizeof(b); i++) {
		smartbms_settings_pack(&set, b, sizeof(b));
		b[i] ^= 0x01;
		KUNIT_EXPECT_EQ(test, smartbms_settings_unpack(b, sizeof(b),
							       &out), -EINVAL);
	}
	/* valid CRC, value out of range */
	smartbms_settings_pack(&set, b, sizeof(b));
	smartbms_put32(b + 12, 15301);
	smartbms_put32(b + 28, smartbms_test_crc(b, 28));
	KUNIT_EXPECT_EQ(test, smartbms_settings_unpack(b, sizeof(b), &out),
			-EINVAL);
	KUNIT_EXPECT_TRUE(test, smartbms_settings_eq(&out, &keep));
	set.charge_limit_mv = 1;
	KUNIT_EXPECT_EQ(test, smartbms_settings_pack(&set, b, sizeof(b)),
			-EINVAL);
}

static struct kunit_case smartbms_codec_test_cases[] = {
	KUNIT_CASE(smartbms_test_codes_names),
	KUNIT_CASE_PARAM(smartbms_test_set_1_parse_milli,
			 smartbms_milli_gen_params),
	KUNIT_CASE(smartbms_test_set_1_parse_fuse_enum),
	KUNIT_CASE(smartbms_test_out_5_calibration_blob),
	KUNIT_CASE(smartbms_test_set_2_blob),
	{}
};

static struct kunit_suite smartbms_codec_test_suite = {
	.name = "smartbms_codec",
	.test_cases = smartbms_codec_test_cases,
};

kunit_test_suite(smartbms_codec_test_suite);

MODULE_IMPORT_NS(SMARTBMS);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the smartbms core's codec");
