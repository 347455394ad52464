// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl instant-readout scan: receive Instant Readout advertisements
 * and decode them, a receiver for tests and for checking a board.
 *
 * It listens the way bluetoothd's advertisement monitors do: an
 * advertisement patterns monitor (Add Adv Patterns Monitor, Victron's
 * company id and 0x10) makes the kernel scan passively with the
 * controller's duplicate filter off and report every advertisement
 * (Adv Monitor Device Found), so each new payload of a board that keeps
 * its address is seen. On a kernel without monitors it falls back to
 * discovery (Start Discovery), where a controller's duplicate filter may
 * hide later payloads of the same address until the next round.
 * The monitor is removed on exit.
 *
 * --rescan stops and starts the scan every so often. A radio does not
 * need it; BlueZ's emulated controllers (btvirt, btdev.c up to at least
 * BlueZ 5.66) do: they deliver an advertisement to a scanner only when
 * one of the two is enabled, never while both stay on, so a changed
 * payload reaches the scanner at its next start.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "tools-common.h"
#include "ir.h"

#define SBC_SCAN_CMD		"instant-readout scan"
#define SBC_SCAN_SEEN		16
#define SBC_SCAN_LE_TYPES	0x06	/* LE public and random */
#define SBC_DEV_FOUND_NOT_CONNECTABLE	(1u << 2)

static volatile sig_atomic_t sbc_scan_stop;

static void sbc_scan_signal(int sig)
{
	(void)sig;
	sbc_scan_stop = 1;
}

struct sbc_scan {
	int have_key;
	uint8_t key[SBC_IR_KEY_LEN];
	int have_addr;
	uint8_t addr[6];	/* as on air: least significant byte first */
	unsigned long count, seen;
	int discovering, discovery;
	int active;		/* a monitor or a discovery to end */
	struct {
		uint8_t addr[6];
		uint16_t nonce;
		int used;
	} last[SBC_SCAN_SEEN];
	int mismatch_said;
};

static int sbc_scan_parse_addr(const char *s, uint8_t addr[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[5], &b[4], &b[3], &b[2], &b[1], &b[0],
		   &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		addr[i] = (uint8_t)b[i];
	return 0;
}

/* 1 when this address sent this nonce last time already */
static int sbc_scan_repeat(struct sbc_scan *s, const uint8_t *addr, uint16_t nonce)
{
	int i, free_slot = -1;

	for (i = 0; i < SBC_SCAN_SEEN; i++) {
		if (!s->last[i].used) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (memcmp(s->last[i].addr, addr, 6))
			continue;
		if (s->last[i].nonce == nonce)
			return 1;
		s->last[i].nonce = nonce;
		return 0;
	}
	if (free_slot < 0)
		free_slot = (int)(s->seen % SBC_SCAN_SEEN);
	memcpy(s->last[free_slot].addr, addr, 6);
	s->last[free_slot].nonce = nonce;
	s->last[free_slot].used = 1;
	return 0;
}

static void sbc_scan_report(struct sbc_scan *s, const uint8_t *addr, uint8_t type, int8_t rssi,
			    uint32_t flags, const uint8_t *eir, size_t len)
{
	static const char * const types[] = { "br/edr", "public", "random" };
	struct sbc_ir_header h;
	const uint8_t *md, *ct;
	size_t mlen, ctlen;
	const char *why;

	md = sbc_ir_find(eir, len, &mlen);
	if (!md || sbc_ir_parse(md, mlen, &h, &ct, &ctlen))
		return;
	if (s->have_addr && memcmp(addr, s->addr, 6))
		return;
	if (sbc_scan_repeat(s, addr, h.nonce))
		return;
	s->seen++;
	if (s->have_key && h.key0 != s->key[0]) {
		if (!s->mismatch_said++)
			sbc_err("%s: %02X:%02X:%02X:%02X:%02X:%02X: key mismatch (its key starts "
				"0x%02x, this key 0x%02x): not decoded", SBC_SCAN_CMD, addr[5],
				addr[4], addr[3], addr[2], addr[1], addr[0], h.key0, s->key[0]);
		return;
	}
	printf("device %02X:%02X:%02X:%02X:%02X:%02X %s rssi %d %s\n", addr[5], addr[4],
	       addr[3], addr[2], addr[1], addr[0], types[type < 3 ? type : 0], rssi,
	       flags & SBC_DEV_FOUND_NOT_CONNECTABLE ? "non-connectable" : "connectable");
	if (s->have_key) {
		uint8_t pt[SBC_IR_MAX_PAYLOAD];

		if (sbc_ir_crypt(s->key, h.nonce, ct, pt, ctlen, &why)) {
			sbc_err("%s: decrypting: %s", SBC_SCAN_CMD, why);
			return;
		}
		sbc_ir_print(stdout, &h, pt, ctlen);
	} else {
		char hex[2 * (SBC_IR_HDR_LEN + SBC_IR_MAX_PAYLOAD) + 1];

		sbc_ir_hex(md, mlen, hex);
		printf("product 0x%04x\nrecord 0x%02x %s\nnonce %u\ndata %s\n", h.product,
		       h.record, sbc_ir_record_name(h.record), h.nonce, hex);
	}
	printf("\n");
	fflush(stdout);
	s->count++;
}

static void sbc_scan_event(void *ctx, uint16_t ev, uint16_t index, const uint8_t *d,
			   size_t len)
{
	struct sbc_scan *s = ctx;
	size_t eir_len;

	(void)index;
	if (ev == SBC_MGMT_EV_DISCOVERING && len >= 2) {
		s->discovering = d[1];
		return;
	}
	if (ev == SBC_MGMT_EV_ADV_MONITOR_FOUND) {
		if (len < 2)
			return;
		d += 2;		/* monitor handle */
		len -= 2;
	} else if (ev != SBC_MGMT_EV_DEVICE_FOUND) {
		return;
	}
	/* address 6, type 1, rssi 1, flags 4, eir length 2, eir */
	if (len < 14)
		return;
	eir_len = (size_t)(d[12] | d[13] << 8);
	if (14 + eir_len > len)
		return;
	sbc_scan_report(s, d, d[6], (int8_t)d[7],
			(uint32_t)(d[8] | d[9] << 8 | d[10] << 16 | (uint32_t)d[11] << 24),
			d + 14, eir_len);
}

static void scan_help(void)
{
	printf("Usage: smartbmsctl instant-readout scan [OPTIONS]\n\n"
	       "Receive Instant Readout advertisements (Victron manufacturer data) and\n"
	       "print each new one: the sender, the record type and the nonce, and\n"
	       "with a key the decrypted payload and its fields. Scans passively next\n"
	       "to bluetoothd.\n\n"
	       "  -i, --index N         scan with controller hciN (default: the first with LE)\n"
	       "  -k, --key KEY         decrypt with this 32-hex-digit key\n"
	       "  -K, --key-file FILE   decrypt with the key in FILE\n"
	       "  -a, --address ADDR    only from this sender\n"
	       "  -n, --count N         stop after N advertisements\n"
	       "  -t, --timeout S       stop after S seconds\n"
	       "  -r, --rescan MS       restart the scan every MS ms (for emulated\n"
	       "                        controllers, see the man page)\n"
	       "  -h, --help            show this help\n\n"
	       "Exit status: 0, or 1 when --count advertisements did not arrive in time.\n"
	       "Needs CAP_NET_ADMIN.\n");
}

static int sbc_scan_start(struct sbc_mgmt *m, uint16_t index, struct sbc_scan *s,
			  uint16_t *handle)
{
	/* one pattern: AD type 0xff, from offset 0, e1 02 10 */
	uint8_t cp[1 + 3 + 31] = { 1, 0xff, 0, 3, SBC_IR_COMPANY_ID & 0xff,
				   SBC_IR_COMPANY_ID >> 8, SBC_IR_PREFIX };
	uint8_t rsp[2], type = SBC_SCAN_LE_TYPES;
	size_t len = sizeof(rsp);
	int st;

	st = sbc_mgmt_cmd(m, SBC_MGMT_OP_ADD_ADV_MONITOR, index, cp, sizeof(cp), rsp, &len);
	if (!st && len == 2) {
		*handle = (uint16_t)(rsp[0] | rsp[1] << 8);
		s->active = 1;
		return 0;
	}
	if (st != SBC_MGMT_STATUS_UNKNOWN_COMMAND && st != 0x0c /* not supported */)
		return sbc_fail(SBC_EXIT_FAIL, "%s: hci%u: adding the advertisement monitor: %s",
				SBC_SCAN_CMD, index, sbc_mgmt_strstatus(st));
	len = 1;
	st = sbc_mgmt_cmd(m, SBC_MGMT_OP_START_DISCOVERY, index, &type, 1, rsp, &len);
	if (st && st != SBC_MGMT_STATUS_BUSY)
		return sbc_fail(SBC_EXIT_FAIL, "%s: hci%u: starting discovery: %s", SBC_SCAN_CMD,
				index, sbc_mgmt_strstatus(st));
	s->discovery = 1;
	s->discovering = 1;
	/* a discovery someone else started (busy) is theirs to stop */
	s->active = !st;
	return 0;
}

static void sbc_scan_end(struct sbc_mgmt *m, uint16_t index, struct sbc_scan *s,
			 uint16_t handle)
{
	uint8_t rsp[2], type = SBC_SCAN_LE_TYPES;
	size_t len = sizeof(rsp);
	int st;

	if (!s->active)
		return;
	s->active = 0;
	if (s->discovery) {
		st = sbc_mgmt_cmd(m, SBC_MGMT_OP_STOP_DISCOVERY, index, &type, 1, rsp, &len);
	} else {
		uint8_t cp[2] = { handle & 0xff, handle >> 8 };

		st = sbc_mgmt_cmd(m, SBC_MGMT_OP_REMOVE_ADV_MONITOR, index, cp, 2, rsp, &len);
	}
	if (st && !s->discovery)
		sbc_err("%s: hci%u: removing the advertisement monitor %u: %s", SBC_SCAN_CMD,
			index, handle, sbc_mgmt_strstatus(st));
}

int sbc_ir_cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "key", required_argument, NULL, 'k' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "address", required_argument, NULL, 'a' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "rescan", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sbc_scan *s;
	struct sbc_mgmt *m = NULL;
	unsigned long count = 0, timeout = 0, rescan = 0, v;
	const char *kfile = NULL;
	long long deadline = 0, restart = 0;
	uint16_t index, handle = 0;
	uint32_t settings;
	int opt, ret, want = -1;

	s = calloc(1, sizeof(*s));
	if (!s)
		return sbc_fail(SBC_EXIT_FAIL, "%s: out of memory", SBC_SCAN_CMD);
	while ((opt = getopt_long(argc, argv, "i:k:K:a:n:t:r:h", opts, NULL)) != -1) {
		ret = 0;
		switch (opt) {
		case 'i':
			if (sbc_parse_uint(optarg, 0xfffe, &v))
				ret = sbc_usage_error(SBC_SCAN_CMD, "--index: '%s' is not a "
						      "controller number", optarg);
			want = (int)v;
			break;
		case 'k':
			if (sbc_ir_parse_key(optarg, s->key))
				ret = sbc_usage_error(SBC_SCAN_CMD, "--key: '%s' is not 32 hex "
						      "digits", optarg);
			s->have_key = 1;
			break;
		case 'K':
			kfile = optarg;
			break;
		case 'a':
			if (sbc_scan_parse_addr(optarg, s->addr))
				ret = sbc_usage_error(SBC_SCAN_CMD, "--address: '%s' is not "
						      "XX:XX:XX:XX:XX:XX", optarg);
			s->have_addr = 1;
			break;
		case 'n':
			if (sbc_parse_uint(optarg, 1000000000, &count) || !count)
				ret = sbc_usage_error(SBC_SCAN_CMD, "--count: '%s' is not a "
						      "positive number", optarg);
			break;
		case 't':
			if (sbc_parse_uint(optarg, 86400 * 365, &timeout) || !timeout)
				ret = sbc_usage_error(SBC_SCAN_CMD, "--timeout: '%s' is not a "
						      "positive number of seconds", optarg);
			break;
		case 'r':
			if (sbc_parse_uint(optarg, 3600000, &rescan) || rescan < 50)
				ret = sbc_usage_error(SBC_SCAN_CMD, "--rescan: '%s' is not "
						      "50..3600000 ms", optarg);
			break;
		case 'h':
			scan_help();
			free(s);
			return SBC_EXIT_OK;
		default:
			ret = sbc_usage_error(SBC_SCAN_CMD, "bad option");
		}
		if (ret) {
			free(s);
			return ret;
		}
	}
	if (optind != argc) {
		free(s);
		return sbc_usage_error(SBC_SCAN_CMD, "unexpected argument '%s'", argv[optind]);
	}
	if (kfile) {
		struct sbc_ir_store st;

		sbc_ir_store_init(&st, kfile, NULL);
		ret = sbc_ir_key_load(&st, 0, NULL);
		memcpy(s->key, st.key, sizeof(s->key));
		sbc_ir_store_wipe(&st);
		if (ret)
			goto out;
		s->have_key = 1;
	}
	ret = sbc_mgmt_open(&m, sbc_scan_event, s);
	if (ret) {
		ret = sbc_fail(ret == -EPERM || ret == -EACCES ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
			       "%s: Bluetooth management socket: %s%s", SBC_SCAN_CMD,
			       strerror(-ret), ret == -EAFNOSUPPORT ?
			       " (the kernel has no Bluetooth support)" : "");
		goto out;
	}
	ret = sbc_mgmt_pick(m, want, &index, &settings, SBC_SCAN_CMD);
	if (ret)
		goto out;
	if (!(settings & SBC_MGMT_SETTING_POWERED)) {
		ret = sbc_fail(SBC_EXIT_FAIL, "%s: hci%u is powered off", SBC_SCAN_CMD, index);
		goto out;
	}
	ret = sbc_scan_start(m, index, s, &handle);
	if (ret)
		goto out;
	signal(SIGINT, sbc_scan_signal);
	signal(SIGTERM, sbc_scan_signal);
	if (timeout)
		deadline = sbc_now_ms() + (long long)timeout * 1000;
	if (rescan)
		restart = sbc_now_ms() + (long long)rescan;
	while (!sbc_scan_stop && (!count || s->count < count)) {
		struct pollfd pfd = { sbc_mgmt_fd(m), POLLIN, 0 };
		int wait = 1000, r;

		if (deadline) {
			long long left = deadline - sbc_now_ms();

			if (left <= 0)
				break;
			wait = left < wait ? (int)left : wait;
		}
		if (restart) {
			long long left = restart - sbc_now_ms();

			if (left <= 0) {
				sbc_scan_end(m, index, s, handle);
				s->discovery = 0;
				ret = sbc_scan_start(m, index, s, &handle);
				if (ret)
					break;
				restart = sbc_now_ms() + (long long)rescan;
				left = (long long)rescan;
			}
			wait = left < wait ? (int)left : wait;
		}
		r = poll(&pfd, 1, wait);
		if (r < 0 && errno != EINTR) {
			ret = sbc_fail(SBC_EXIT_FAIL, "%s: poll: %s", SBC_SCAN_CMD, strerror(errno));
			break;
		}
		if (r > 0 && sbc_mgmt_dispatch(m) < 0) {
			ret = sbc_fail(SBC_EXIT_FAIL, "%s: reading events: %s", SBC_SCAN_CMD,
				       strerror(errno));
			break;
		}
		/* a discovery round ended: start the next */
		if (s->discovery && !s->discovering) {
			uint8_t type = SBC_SCAN_LE_TYPES, rsp[1];
			size_t len = 1;

			if (!sbc_mgmt_cmd(m, SBC_MGMT_OP_START_DISCOVERY, index, &type, 1, rsp,
					  &len))
				s->discovering = s->active = 1;
		}
	}
	sbc_scan_end(m, index, s, handle);
	if (!ret && count && s->count < count)
		ret = sbc_fail(SBC_EXIT_FAIL, "%s: %lu of %lu advertisements received", SBC_SCAN_CMD,
			       s->count, count);
out:
	sbc_mgmt_close(m);
	memset(s->key, 0, sizeof(s->key));
	free(s);
	return ret;
}
