// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl instant-readout: the board's state as Victron Instant
 * Readout advertisements (record 0x0A, see ir-record.c), encrypted with
 * the board's key, once a second and at once on a driver event.
 *
 * The payload is built from sysfs every interval and on every uevent of
 * the smartbms supply (a code raised, an output switched, the driver
 * unbound). A payload that differs from the last one gets the next
 * nonce (ir-store.c) and replaces the advertisement; an unchanged one
 * keeps its nonce, so the counter only moves when there is news.
 */
#include <errno.h>
#include <getopt.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tools-common.h"
#include "ir.h"

#define SBC_IR_CMD		"instant-readout"
#define SBC_IR_UEVENT_BUF	8192

static volatile sig_atomic_t sbc_ir_stop;

static void sbc_ir_signal(int sig)
{
	(void)sig;
	sbc_ir_stop = 1;
}

static void ir_help(void)
{
	printf("Usage: smartbmsctl instant-readout [OPTIONS]\n"
	       "       smartbmsctl instant-readout key [--rotate]\n"
	       "       smartbmsctl instant-readout decode HEX [--key KEY]\n"
	       "       smartbmsctl instant-readout scan [--key KEY] [OPTIONS]\n"
	       "       smartbmsctl instant-readout encode [FIELD=VALUE]...\n"
	       "       smartbmsctl instant-readout encrypt --nonce N [OPTIONS] HEX\n\n"
	       "Broadcast the BMS state as Victron Instant Readout: encrypted BLE\n"
	       "advertisements (record 0x0a, Lynx Smart BMS layout) that Victron's\n"
	       "apps, Venus OS and Home Assistant's victron_ble read without pairing.\n"
	       "Runs until stopped; advertises through the kernel's Bluetooth\n"
	       "management interface, next to bluetoothd.\n\n"
	       "  -i, --index N         advertise on hciN (default: the first with LE)\n"
	       "  -c, --connectable     advertise connectable, from the controller's own\n"
	       "                        address: receivers that know a device by address\n"
	       "                        (Home Assistant, Venus OS) need it\n"
	       "  -r, --record RECORD   bms: record 0x0a, Lynx Smart BMS (default);\n"
	       "                        battery-monitor: record 0x02, SmartShunt, for\n"
	       "                        receivers without 0x0a (Home Assistant)\n"
	       "  -I, --interval MS     rebuild the record every MS ms (default 1000)\n"
	       "  -K, --key-file FILE   the key (default " SBC_IR_KEY_FILE ")\n"
	       "  -N, --nonce-file FILE the nonce reserve (default " SBC_IR_NONCE_FILE ")\n"
	       "  -n, --count N         stop after N payloads\n"
	       "  -d, --dry-run         print the advertisements, do not send them\n"
	       "  -v, --verbose         print every new payload\n"
	       "  -h, --help            show this help\n\n"
	       "Subcommands: key (print the key, --rotate: replace it), decode, scan,\n"
	       "encode, encrypt; 'smartbmsctl instant-readout SUBCOMMAND --help'.\n"
	       "Environment: SMARTBMS_IR_KEY_FILE, SMARTBMS_IR_NONCE_FILE, SMARTBMS_SYSFS.\n"
	       "Needs root (the key file) and CAP_NET_ADMIN (advertising).\n");
}

static void key_help(void)
{
	printf("Usage: smartbmsctl instant-readout key [OPTIONS]\n\n"
	       "Print this board's Instant Readout key, 32 hex digits, to enter in a\n"
	       "receiver (Home Assistant's victron_ble: \"Advertisement key\"). Creates\n"
	       "the key when there is none yet.\n\n"
	       "  -r, --rotate          replace the key with a new one and print it;\n"
	       "                        every receiver then needs the new key\n"
	       "  -K, --key-file FILE   default " SBC_IR_KEY_FILE "\n"
	       "  -N, --nonce-file FILE default " SBC_IR_NONCE_FILE "\n"
	       "  -h, --help            show this help\n");
}

int sbc_ir_cmd_key(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rotate", no_argument, NULL, 'r' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "nonce-file", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *kfile = NULL, *nfile = NULL;
	char hex[2 * SBC_IR_KEY_LEN + 1];
	struct sbc_ir_store s;
	int opt, rotate = 0, created, ret;

	while ((opt = getopt_long(argc, argv, "rK:N:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			rotate = 1;
			break;
		case 'K':
			kfile = optarg;
			break;
		case 'N':
			nfile = optarg;
			break;
		case 'h':
			key_help();
			return SBC_EXIT_OK;
		default:
			return sbc_usage_error(SBC_IR_CMD " key", "bad option");
		}
	}
	if (optind != argc)
		return sbc_usage_error(SBC_IR_CMD " key", "unexpected argument '%s'",
				       argv[optind]);
	sbc_ir_store_init(&s, kfile, nfile);
	ret = rotate ? sbc_ir_key_rotate(&s) : sbc_ir_key_load(&s, 1, &created);
	if (ret)
		return ret;
	if (rotate)
		sbc_err("%s key: new key in %s: enter it in every receiver (a running "
			"service changes to it within a second)", SBC_IR_CMD, s.key_file);
	else if (created)
		sbc_err("%s key: generated a new key in %s", SBC_IR_CMD, s.key_file);
	sbc_ir_hex(s.key, sizeof(s.key), hex);
	sbc_ir_store_wipe(&s);
	printf("%s\n", hex);
	memset(hex, 0, sizeof(hex));
	return SBC_EXIT_OK;
}

/* The kernel's uevents (group 1); -errno on failure. */
static int sbc_ir_uevent_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* 1 when a waiting uevent concerns the smartbms supply (or was lost). */
static int sbc_ir_uevents(int fd)
{
	char buf[SBC_IR_UEVENT_BUF + 1], cbuf[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { buf, SBC_IR_UEVENT_BUF };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	int hit = 0;

	for (;;) {
		const struct ucred *cred = NULL;
		struct cmsghdr *cm;
		char path[64];
		ssize_t n;

		msg.msg_controllen = sizeof(cbuf);
		n = recvmsg(fd, &msg, 0);
		if (n < 0)
			return errno == ENOBUFS ? 1 : hit;	/* lost ones: rebuild */
		buf[n] = '\0';
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS)
				cred = (const struct ucred *)CMSG_DATA(cm);
		if (!cred || cred->uid != 0 || !strncmp(buf, "libudev", 7))
			continue;
		/* the header is "ACTION@DEVPATH" */
		snprintf(path, sizeof(path), "/power_supply/%s", SBC_PSY);
		if (strstr(buf, path) && (strstr(buf, path)[strlen(path)] == '\0'))
			hit = 1;
	}
}

struct sbc_ir_run {
	struct sbc_ir_store store;
	struct sbc_adv adv;
	int dry, verbose, have_payload, wrap_said;
	int record;		/* SBC_IR_RECORD_BMS or _BMV */
	uint8_t payload[SBC_IR_MAX_PAYLOAD];
	size_t len;
	uint8_t ad[SBC_IR_AD_MAX];
	size_t ad_len;
	unsigned long sent;
};

/* A new payload: next nonce, encrypt, frame. 0 or an exit code. */
static int sbc_ir_seal(struct sbc_ir_run *r, const uint8_t *pt, size_t len)
{
	struct sbc_ir_header h = { 0, SBC_IR_PRODUCT_ID, (uint8_t)r->record, 0, 0 };
	uint8_t ct[SBC_IR_MAX_PAYLOAD];
	const char *why;
	int ret, wrapped;

	ret = sbc_ir_nonce_next(&r->store, &h.nonce, &wrapped);
	if (ret)
		return ret;
	if (wrapped && !r->wrap_said) {
		r->wrap_said = 1;
		sbc_err("%s: the 16-bit nonce wrapped: this key now repeats nonces it used "
			"65536 payloads ago (see the man page, Nonce); rotate it with "
			"'smartbmsctl instant-readout key --rotate'", SBC_IR_CMD);
	}
	h.key0 = r->store.key[0];
	if (sbc_ir_crypt(r->store.key, h.nonce, pt, ct, len, &why))
		return sbc_fail(SBC_EXIT_FAIL, "%s: encrypting: %s", SBC_IR_CMD, why);
	r->ad_len = sbc_ir_ad(&h, ct, len, r->ad, sizeof(r->ad));
	memcpy(r->payload, pt, len);
	r->len = len;
	r->have_payload = 1;
	r->sent++;
	if (r->dry || r->verbose) {
		char hex[2 * SBC_IR_AD_MAX + 1];

		sbc_ir_hex(pt, len, hex);
		printf("nonce %u payload %s", h.nonce, hex);
		sbc_ir_hex(r->ad, r->ad_len, hex);
		printf(" ad %s\n", hex);
		fflush(stdout);
	}
	return 0;
}

/* Key and nonce, and again after a rotation. 0 or an exit code. */
static int sbc_ir_load(struct sbc_ir_run *r)
{
	int created, ret;

	ret = sbc_ir_key_load(&r->store, 1, &created);
	if (ret)
		return ret;
	if (created)
		sbc_err("%s: generated a new key in %s: 'smartbmsctl instant-readout key' "
			"prints it for the receivers", SBC_IR_CMD, r->store.key_file);
	ret = sbc_ir_nonce_load(&r->store);
	if (ret)
		return ret;
	r->have_payload = 0;
	r->wrap_said = 0;
	return 0;
}

/* One round: read, maybe seal, advertise. 0 or an exit code. */
static int sbc_ir_round(struct sbc_ir_run *r, int *present)
{
	struct sbc_ir_state st;
	uint8_t pt[SBC_IR_MAX_PAYLOAD];
	char codes[SBC_ATTR_MAX];
	int err, ret, fresh = 0;
	size_t len;

	err = sbc_ir_read_state(&st, codes, sizeof(codes));
	if (err) {
		/* said once: at the start, or when the driver goes away */
		if (*present > 0 && err == -ENODEV)
			sbc_err("%s: the smartbms driver was unbound: advertising stopped "
				"until it is bound again", SBC_IR_CMD);
		else if (*present && err == -ENODEV)
			sbc_err("%s: the smartbms driver is not bound: waiting for it",
				SBC_IR_CMD);
		else if (*present)
			sbc_err("%s: reading the driver's codes: %s: advertising stopped",
				SBC_IR_CMD, strerror(-err));
		if (*present)
			sbc_adv_stop(&r->adv);
		*present = 0;
		r->have_payload = 0;
		return 0;
	}
	if (!*present)
		sbc_err("%s: the smartbms driver is bound: advertising", SBC_IR_CMD);
	*present = 1;
	if (sbc_ir_key_changed(&r->store)) {
		sbc_err("%s: %s changed: using the new key", SBC_IR_CMD, r->store.key_file);
		ret = sbc_ir_load(r);
		if (ret)
			return ret;
	}
	if (r->record == SBC_IR_RECORD_BMV) {
		struct sbc_ir_bmv rec;

		sbc_ir_bmv_from_state(&st, &rec);
		sbc_ir_bmv_encode(&rec, pt);
		len = SBC_IR_BMV_LEN;
	} else {
		struct sbc_ir_bms rec;

		sbc_ir_bms_from_state(&st, &rec);
		sbc_ir_bms_encode(&rec, pt);
		len = SBC_IR_MAX_PAYLOAD;
	}
	if (!r->have_payload || len != r->len || memcmp(pt, r->payload, len)) {
		ret = sbc_ir_seal(r, pt, len);
		if (ret)
			return ret;
		fresh = 1;
	}
	if (r->dry)
		return 0;
	/* again when new, and until the controller has it */
	if (fresh || !sbc_adv_active(&r->adv)) {
		ret = sbc_adv_update(&r->adv, r->ad, r->ad_len);
		if (ret > 0)
			return ret;
	}
	return 0;
}

int sbc_ir_cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "connectable", no_argument, NULL, 'c' },
		{ "record", required_argument, NULL, 'r' },
		{ "interval", required_argument, NULL, 'I' },
		{ "key-file", required_argument, NULL, 'K' },
		{ "nonce-file", required_argument, NULL, 'N' },
		{ "count", required_argument, NULL, 'n' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *kfile = NULL, *nfile = NULL;
	unsigned long interval = 1000, count = 0, v;
	struct sbc_ir_run *r;
	int opt, ret, ufd, present = -1;

	r = calloc(1, sizeof(*r));
	if (!r)
		return sbc_fail(SBC_EXIT_FAIL, "%s: out of memory", SBC_IR_CMD);
	r->adv.want = -1;
	r->record = SBC_IR_RECORD_BMS;
	ret = 0;
	while (!ret && (opt = getopt_long(argc, argv, "i:cr:I:K:N:n:dvh", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (sbc_parse_uint(optarg, 0xfffe, &v))
				ret = sbc_usage_error(SBC_IR_CMD, "--index: '%s' is not a "
						      "controller number", optarg);
			r->adv.want = (int)v;
			break;
		case 'c':
			r->adv.connectable = 1;
			break;
		case 'r':
			r->record = sbc_ir_record_type(optarg);
			if (r->record < 0)
				ret = sbc_usage_error(SBC_IR_CMD, "--record: '%s' is not bms or "
						      "battery-monitor", optarg);
			break;
		case 'I':
			if (sbc_parse_uint(optarg, 3600000, &interval) || interval < 100)
				ret = sbc_usage_error(SBC_IR_CMD, "--interval: '%s' is not "
						      "100..3600000 ms", optarg);
			break;
		case 'K':
			kfile = optarg;
			break;
		case 'N':
			nfile = optarg;
			break;
		case 'n':
			if (sbc_parse_uint(optarg, 1000000000, &count) || !count)
				ret = sbc_usage_error(SBC_IR_CMD, "--count: '%s' is not a "
						      "positive number", optarg);
			break;
		case 'd':
			r->dry = 1;
			break;
		case 'v':
			r->verbose = 1;
			break;
		case 'h':
			ir_help();
			free(r);
			return SBC_EXIT_OK;
		default:
			ret = sbc_usage_error(SBC_IR_CMD, "bad option");
		}
	}
	if (!ret && optind != argc)
		ret = sbc_usage_error(SBC_IR_CMD, "unexpected argument '%s'", argv[optind]);
	if (ret) {
		free(r);
		return ret;
	}
	sbc_ir_store_init(&r->store, kfile, nfile);
	ret = sbc_ir_load(r);
	if (ret)
		goto out;
	if (!r->dry) {
		ret = sbc_mgmt_open(&r->adv.m, sbc_adv_event, &r->adv);
		if (ret) {
			ret = sbc_fail(ret == -EPERM || ret == -EACCES ? SBC_EXIT_PERM :
				       SBC_EXIT_FAIL, "%s: Bluetooth management socket: %s%s",
				       SBC_IR_CMD, strerror(-ret), ret == -EAFNOSUPPORT ?
				       " (the kernel has no Bluetooth support)" : "");
			goto out;
		}
	}
	ufd = sbc_ir_uevent_socket();
	if (ufd < 0) {
		ret = sbc_fail(SBC_EXIT_FAIL, "%s: uevent socket: %s", SBC_IR_CMD,
			       strerror(-ufd));
		goto out;
	}
	signal(SIGINT, sbc_ir_signal);
	signal(SIGTERM, sbc_ir_signal);
	while (!sbc_ir_stop && (!count || r->sent < count)) {
		long long next = sbc_now_ms() + (long long)interval;

		ret = sbc_ir_round(r, &present);
		if (ret)
			break;
		if (count && r->sent >= count)
			break;
		/* wait for the interval, a driver event, or a management event */
		while (!sbc_ir_stop) {
			struct pollfd pfd[2] = {
				{ ufd, POLLIN, 0 },
				{ r->adv.m ? sbc_mgmt_fd(r->adv.m) : -1, POLLIN, 0 },
			};
			long long left = next - sbc_now_ms();
			int n;

			if (left <= 0)
				break;
			n = poll(pfd, 2, (int)left);
			if (n < 0 && errno != EINTR) {
				ret = sbc_fail(SBC_EXIT_FAIL, "%s: poll: %s", SBC_IR_CMD,
					       strerror(errno));
				break;
			}
			if (n > 0 && (pfd[0].revents & POLLIN) && sbc_ir_uevents(ufd))
				break;
			if (n > 0 && (pfd[1].revents & POLLIN)) {
				if (sbc_mgmt_dispatch(r->adv.m) < 0) {
					ret = sbc_fail(SBC_EXIT_FAIL, "%s: management events: %s",
						       SBC_IR_CMD, strerror(errno));
					break;
				}
				/* the instance went away: add it again now */
				if (r->have_payload && !r->adv.instance)
					break;
			}
		}
		if (ret)
			break;
	}
	close(ufd);
	if (r->adv.m) {
		sbc_adv_stop(&r->adv);
		if (present > 0)
			sbc_err("%s: stopped: advertising ended", SBC_IR_CMD);
	}
out:
	sbc_mgmt_close(r->adv.m);
	sbc_ir_store_wipe(&r->store);
	free(r);
	return ret;
}

int cmd_instant_readout(int argc, char **argv, const struct sbc_global *g)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} sub[] = {
		{ "key", sbc_ir_cmd_key },
		{ "decode", sbc_ir_cmd_decode },
		{ "encode", sbc_ir_cmd_encode },
		{ "encrypt", sbc_ir_cmd_encrypt },
		{ "scan", sbc_ir_cmd_scan },
		{ "run", sbc_ir_cmd_run },
	};
	int ret;

	ret = sbc_local_only(SBC_IR_CMD, g);
	if (ret)
		return ret;
	if (argc > 1) {
		unsigned int i;

		for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
			if (!strcmp(argv[1], sub[i].name)) {
				optind = 0;
				return sub[i].fn(argc - 1, argv + 1);
			}
		}
		if (argv[1][0] != '-')
			return sbc_usage_error(SBC_IR_CMD, "unknown subcommand '%s'", argv[1]);
	}
	return sbc_ir_cmd_run(argc, argv);
}
