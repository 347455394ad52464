// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the VE.Direct text-protocol parser (vedirect.c) on fixed
 * buffers: one table row per case, its counters and the last SOC block.
 * Prints "ok - ..." or "FAIL - ..." per case; exits 1 on any failure.
 *
 * The blocks are what a BMV-712 Smart, a SmartShunt and a SmartSolar MPPT
 * send (fields as in Victron's VE.Direct Protocol document; values made
 * up). Their checksum bytes were computed apart from the parser, with
 *   python3 -c 'import sys; b=sys.stdin.buffer.read(); print((-sum(b)) % 256)'
 * on the block through "Checksum\t", so the parser is not checked against
 * itself. *_BAD has its checksum byte one off.
 */
#include <stdio.h>
#include <string.h>

#include "../vedirect.h"

#define BMV1_150 \
	"\r\nPID\t0xA381\r\nV\t12650\r\nVS\t12810\r\nI\t-3150\r\nP\t-40" \
	"\r\nCE\t-64800\r\nSOC\t150\r\nTTG\t1228\r\nAlarm\tOFF" \
	"\r\nRelay\tOFF\r\nAR\t0\r\nBMV\t712 Smart\r\nFW\t0421\r\nMON\t0" \
	"\r\nChecksum\t" "\xfd"
#define BMV1_120 \
	"\r\nPID\t0xA381\r\nV\t12580\r\nVS\t12810\r\nI\t-2900\r\nP\t-40" \
	"\r\nCE\t-64800\r\nSOC\t120\r\nTTG\t1228\r\nAlarm\tOFF" \
	"\r\nRelay\tOFF\r\nAR\t0\r\nBMV\t712 Smart\r\nFW\t0421\r\nMON\t0" \
	"\r\nChecksum\t" "\xfc"
#define BMV1_100 \
	"\r\nPID\t0xA381\r\nV\t12650\r\nVS\t12810\r\nI\t-3150\r\nP\t-40" \
	"\r\nCE\t-64800\r\nSOC\t100\r\nTTG\t1228\r\nAlarm\tOFF" \
	"\r\nRelay\tOFF\r\nAR\t0\r\nBMV\t712 Smart\r\nFW\t0421\r\nMON\t0" \
	"\r\nChecksum\t" "\x02"
#define BMV1_100_BAD \
	"\r\nPID\t0xA381\r\nV\t12650\r\nVS\t12810\r\nI\t-3150\r\nP\t-40" \
	"\r\nCE\t-64800\r\nSOC\t100\r\nTTG\t1228\r\nAlarm\tOFF" \
	"\r\nRelay\tOFF\r\nAR\t0\r\nBMV\t712 Smart\r\nFW\t0421\r\nMON\t0" \
	"\r\nChecksum\t" "\x03"
#define BMV1_UNSYNC \
	"\r\nPID\t0xA381\r\nV\t12650\r\nVS\t12810\r\nI\t-3150\r\nP\t-40" \
	"\r\nCE\t-64800\r\nSOC\t---\r\nTTG\t1228\r\nAlarm\tOFF" \
	"\r\nRelay\tOFF\r\nAR\t0\r\nBMV\t712 Smart\r\nFW\t0421\r\nMON\t0" \
	"\r\nChecksum\t" "\x0c"
#define BMV1_1001 \
	"\r\nPID\t0xA381\r\nV\t12650\r\nVS\t12810\r\nI\t-3150\r\nP\t-40" \
	"\r\nCE\t-64800\r\nSOC\t1001\r\nTTG\t1228\r\nAlarm\tOFF" \
	"\r\nRelay\tOFF\r\nAR\t0\r\nBMV\t712 Smart\r\nFW\t0421\r\nMON\t0" \
	"\r\nChecksum\t" "\xd1"
#define BMV1_MINUS \
	"\r\nPID\t0xA381\r\nV\t12650\r\nVS\t12810\r\nI\t-3150\r\nP\t-40" \
	"\r\nCE\t-64800\r\nSOC\t-5\r\nTTG\t1228\r\nAlarm\tOFF" \
	"\r\nRelay\tOFF\r\nAR\t0\r\nBMV\t712 Smart\r\nFW\t0421\r\nMON\t0" \
	"\r\nChecksum\t1"
#define BMV1_100_TAIL \
	"0\r\nI\t-3150\r\nP\t-40\r\nCE\t-64800\r\nSOC\t100\r\nTTG\t1228" \
	"\r\nAlarm\tOFF\r\nRelay\tOFF\r\nAR\t0\r\nBMV\t712 Smart" \
	"\r\nFW\t0421\r\nMON\t0\r\nChecksum\t" "\x02"
#define BMV_H \
	"\r\nH1\t-98211\r\nH2\t-64800\r\nH3\t-98211\r\nH4\t12\r\nH5\t0" \
	"\r\nH6\t-4502121\r\nH7\t10711\r\nH8\t14620\r\nH9\t86400" \
	"\r\nH10\t3\r\nH11\t0\r\nH12\t0\r\nH13\t0\r\nH14\t0\r\nH15\t2" \
	"\r\nH16\t13110\r\nH17\t3960\r\nH18\t4380\r\nChecksum\t" "\x8c"
#define SHUNT1_873 \
	"\r\nPID\t0xA389\r\nV\t13120\r\nT\t21\r\nI\t4210\r\nP\t55" \
	"\r\nCE\t-12400\r\nSOC\t873\r\nTTG\t-1\r\nAlarm\tOFF\r\nAR\t0" \
	"\r\nBMV\tSmartShunt 500A/50mV\r\nFW\t0421\r\nMON\t0" \
	"\r\nChecksum\t" "\x01"
#define MPPT \
	"\r\nPID\t0xA060\r\nFW\t161\r\nSER#\tHQ2134ABCDE\r\nV\t13280" \
	"\r\nI\t4200\r\nVPV\t38210\r\nPPV\t58\r\nCS\t3\r\nMPPT\t2" \
	"\r\nOR\t0x00000000\r\nERR\t0\r\nLOAD\tON\r\nIL\t300\r\nH19\t1234" \
	"\r\nH20\t12\r\nH21\t98\r\nH22\t15\r\nH23\t102\r\nHSDS\t130" \
	"\r\nChecksum\t}"
#define CS_COLON \
	"\r\nV\t12650\r\nI\t-3150\r\nSOC\t100\r\nTTG\t10037" \
	"\r\nChecksum\t:"
#define CS_CR \
	"\r\nV\t12650\r\nI\t-3150\r\nSOC\t149\r\nTTG\t89998" \
	"\r\nChecksum\t\r"
#define CS_LF \
	"\r\nV\t12650\r\nI\t-3150\r\nSOC\t179\r\nTTG\t89998" \
	"\r\nChecksum\t\n"
#define BMV1_100_CUT \
	"\r\nPID\t0xA381\r\nV\t12650\r\nVS\t12810\r\nI\t-3150\r\nP\t-40" \
	"\r\nCE\t-64800\r\nSOC\t10"
#define BMV1_100_NOEND \
	"\r\nPID\t0xA381\r\nV\t12650\r\nVS\t12810\r\nI\t-3150\r\nP\t-40" \
	"\r\nCE\t-64800\r\nSOC\t100\r\nTTG\t1228\r\nAlarm\tOFF" \
	"\r\nRelay\tOFF\r\nAR\t0\r\nBMV\t712 Smart\r\nFW\t0421\r\nMON\t0"
#define LF_IN_VALUE \
	"\r\nV\t126\n50\r\nI\t-3150\r\nSOC\t150\r\nChecksum\t5"
#define LONG_LABEL \
	"\r\nABCDEFGHIJKLMNOPQ\t1\r\nSOC\t150\r\nChecksum\t" "\xe8"
#define LONG_VALUE \
	"\r\nSER#\tXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\r\nSOC\t150" \
	"\r\nChecksum\t" "\xcd"
#define MANY_FIELDS \
	"\r\nF0\t1\r\nF1\t1\r\nF2\t1\r\nF3\t1\r\nF4\t1\r\nF5\t1\r\nF6\t1" \
	"\r\nF7\t1\r\nF8\t1\r\nF9\t1\r\nF10\t1\r\nF11\t1\r\nF12\t1" \
	"\r\nF13\t1\r\nF14\t1\r\nF15\t1\r\nF16\t1\r\nF17\t1\r\nF18\t1" \
	"\r\nF19\t1\r\nF20\t1\r\nF21\t1\r\nF22\t1\r\nF23\t1\r\nF24\t1" \
	"\r\nF25\t1\r\nF26\t1\r\nF27\t1\r\nF28\t1\r\nF29\t1\r\nF30\t1" \
	"\r\nF31\t1\r\nF32\t1\r\nSOC\t150\r\nChecksum\tj"

#define HEX_PING	":154\n"		/* a ping answer, between blocks */
#define HEX_ASYNC	":A8FED0064A9\n"	/* an async register message */

#define IN(s)		s, sizeof(s) - 1	/* the NUL bytes in a buffer count */

struct ved_case {
	const char *name;
	const char *in;
	size_t len;
	unsigned long good, checksum, truncated, malformed, skipped, hex;
	long noise;			/* -1: not checked */
	unsigned int nsoc;		/* good blocks with a SOC */
	enum ved_soc soc;		/* of the last of them */
	long soc_pm, v_mv, i_ma;	/* checked when soc is VED_SOC_OK */
};

static const struct ved_case ved_cases[] = {
	{ "empty input", IN(""), 0, 0, 0, 0, 0, 0, 0, 0, VED_SOC_NONE, 0, 0, 0 },
	{ "BMV-712 first block", IN(BMV1_150),
	  1, 0, 0, 0, 0, 0, 0, 1, VED_SOC_OK, 150, 12650, -3150 },
	{ "BMV-712 both blocks (H1..H18 in the second)", IN(BMV1_150 BMV_H),
	  2, 0, 0, 0, 0, 0, 0, 1, VED_SOC_OK, 150, 12650, -3150 },
	{ "SmartShunt (T for VS) with its second block", IN(SHUNT1_873 BMV_H),
	  2, 0, 0, 0, 0, 0, 0, 1, VED_SOC_OK, 873, 13120, 4210 },
	{ "the later SOC block wins", IN(BMV1_150 BMV_H BMV1_120 BMV_H),
	  4, 0, 0, 0, 0, 0, 0, 2, VED_SOC_OK, 120, 12580, -2900 },
	{ "an MPPT block has no SOC", IN(MPPT),
	  1, 0, 0, 0, 0, 0, 0, 0, VED_SOC_NONE, 0, 0, 0 },
	{ "SOC '---': not synchronised", IN(BMV1_UNSYNC),
	  1, 0, 0, 0, 0, 0, 0, 1, VED_SOC_UNSYNC, 0, 0, 0 },
	{ "SOC 1001: out of range", IN(BMV1_1001),
	  1, 0, 0, 0, 0, 0, 0, 1, VED_SOC_INVALID, 0, 0, 0 },
	{ "SOC -5: out of range", IN(BMV1_MINUS),
	  1, 0, 0, 0, 0, 0, 0, 1, VED_SOC_INVALID, 0, 0, 0 },
	{ "bad checksum: dropped, the good SOC stays", IN(BMV1_150 BMV1_100_BAD),
	  1, 1, 0, 0, 0, 0, 0, 1, VED_SOC_OK, 150, 12650, -3150 },
	{ "bad checksum before the first good block: skipped", IN(BMV1_100_BAD BMV1_150),
	  1, 0, 0, 0, 1, 0, 0, 1, VED_SOC_OK, 150, 12650, -3150 },
	{ "opened in the middle of a block", IN(BMV1_100_TAIL BMV1_150),
	  1, 0, 0, 0, 1, 0, -1, 1, VED_SOC_OK, 150, 12650, -3150 },
	{ "truncated block: the next one starts over", IN(BMV1_150 BMV1_100_CUT BMV1_120),
	  2, 0, 1, 0, 0, 0, 0, 2, VED_SOC_OK, 120, 12580, -2900 },
	{ "Checksum line lost: the next block goes with it",
	  IN(BMV1_150 BMV1_100_NOEND BMV_H BMV1_120),
	  2, 1, 0, 0, 0, 0, 0, 2, VED_SOC_OK, 120, 12580, -2900 },
	{ "hex messages between blocks", IN(BMV1_150 HEX_PING BMV_H HEX_ASYNC),
	  2, 0, 0, 0, 0, 2, 0, 1, VED_SOC_OK, 150, 12650, -3150 },
	{ "hex message between two fields of a block",
	  IN("\r\nV\t12650" HEX_ASYNC "\r\nI\t-3150\r\nSOC\t150\r\nTTG\t89998"
	     "\r\nChecksum\t" "\x15"),
	  1, 0, 0, 0, 0, 1, 0, 1, VED_SOC_OK, 150, 12650, -3150 },
	{ "hex message inside a value", IN("\r\nV\t126" HEX_ASYNC "50\r\nI\t-3150"
	     "\r\nSOC\t150\r\nTTG\t89998\r\nChecksum\t" "\x15"),
	  1, 0, 0, 0, 0, 1, 0, 1, VED_SOC_OK, 150, 12650, -3150 },
	{ "checksum byte ':' is no hex message", IN(CS_COLON BMV1_150),
	  2, 0, 0, 0, 0, 0, 0, 2, VED_SOC_OK, 150, 12650, -3150 },
	{ "checksum byte CR", IN(CS_CR BMV1_150),
	  2, 0, 0, 0, 0, 0, 0, 2, VED_SOC_OK, 150, 12650, -3150 },
	{ "checksum byte LF", IN(BMV1_150 CS_LF),
	  2, 0, 0, 0, 0, 0, 0, 2, VED_SOC_OK, 179, 12650, -3150 },
	{ "noise between blocks", IN(BMV1_150 "\x00\xff\x7f noise\x01" BMV_H),
	  2, 0, 0, 0, 0, 0, 10, 1, VED_SOC_OK, 150, 12650, -3150 },
	{ "a ':' that starts no hex message is noise", IN(BMV1_150 ":zz" BMV1_120),
	  2, 0, 0, 0, 0, 0, 3, 2, VED_SOC_OK, 120, 12580, -2900 },
	{ "a lone CR between blocks is noise", IN(BMV1_150 "\rx" BMV1_120),
	  2, 0, 0, 0, 0, 0, 2, 2, VED_SOC_OK, 120, 12580, -2900 },
	{ "noise with CR LF: a malformed block, one lost",
	  IN(BMV1_150 "\r\nno!se" BMV_H BMV1_120),
	  2, 0, 0, 1, 0, 0, 0, 2, VED_SOC_OK, 120, 12580, -2900 },
	{ "LF without CR in a value", IN(BMV1_150 LF_IN_VALUE),
	  1, 0, 0, 1, 0, 0, 0, 1, VED_SOC_OK, 150, 12650, -3150 },
	{ "label of 17 characters", IN(BMV1_150 LONG_LABEL),
	  1, 0, 0, 1, 0, 0, 0, 1, VED_SOC_OK, 150, 12650, -3150 },
	{ "value of 41 characters", IN(BMV1_150 LONG_VALUE),
	  1, 0, 0, 1, 0, 0, 0, 1, VED_SOC_OK, 150, 12650, -3150 },
	{ "34 fields in a block", IN(BMV1_150 MANY_FIELDS),
	  1, 0, 0, 1, 0, 0, 0, 1, VED_SOC_OK, 150, 12650, -3150 },
};

static int ved_check(const struct ved_case *c, const char *how, size_t split)
{
	struct ved_parser vp;
	struct ved_block soc = { .soc = VED_SOC_NONE };
	const struct ved_stats *st = &vp.st;
	unsigned int nsoc;
	char why[160] = "";

	ved_init(&vp);
	/* fed in two pieces: the parser keeps its state across reads */
	nsoc = ved_feed_buf(&vp, c->in, split, &soc);
	nsoc += ved_feed_buf(&vp, c->in + split, c->len - split, &soc);

#define VED_EXPECT(got, want, what) \
	do { if (!why[0] && (long)(got) != (long)(want)) \
		snprintf(why, sizeof(why), "%s %ld, want %ld", what, \
			 (long)(got), (long)(want)); } while (0)
	VED_EXPECT(st->good, c->good, "good");
	VED_EXPECT(st->dropped[VED_DROP_CHECKSUM], c->checksum, "checksum drops");
	VED_EXPECT(st->dropped[VED_DROP_TRUNCATED], c->truncated, "truncated drops");
	VED_EXPECT(st->dropped[VED_DROP_MALFORMED], c->malformed, "malformed drops");
	VED_EXPECT(st->skipped, c->skipped, "skipped");
	VED_EXPECT(st->hex, c->hex, "hex messages");
	if (c->noise >= 0)
		VED_EXPECT(st->noise, c->noise, "noise bytes");
	VED_EXPECT(nsoc, c->nsoc, "SOC blocks");
	VED_EXPECT(soc.soc, c->soc, "SOC state");
	if (c->soc == VED_SOC_OK) {
		VED_EXPECT(soc.soc_pm, c->soc_pm, "SOC");
		VED_EXPECT(soc.v_mv, c->v_mv, "V");
		VED_EXPECT(soc.i_ma, c->i_ma, "I");
	}
#undef VED_EXPECT
	if (why[0])
		printf("FAIL - vedirect parser: %s%s: %s\n", c->name, how, why);
	return !!why[0];
}

int main(void)
{
	unsigned int i, failed = 0;
	size_t split;
	char how[48];

	for (i = 0; i < sizeof(ved_cases) / sizeof(ved_cases[0]); i++) {
		const struct ved_case *c = &ved_cases[i];
		int bad = ved_check(c, "", c->len);

		/* every way of splitting it in two gives the same */
		for (split = 0; !bad && split < c->len; split++) {
			snprintf(how, sizeof(how), " (split at %zu)", split);
			bad = ved_check(c, how, split);
		}
		if (!bad)
			printf("ok - vedirect parser: %s\n", c->name);
		failed += bad;
	}
	return failed ? 1 : 0;
}
