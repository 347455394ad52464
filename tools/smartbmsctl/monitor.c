// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl monitor save|restore|follow|show [FILE]: the battery
 * monitor's state of charge in a file, for boards without an NVMEM cell
 * "soc" to keep it (BMS-MON-5). The driver gives and takes the state as
 * one 32-byte blob (monitor_state, soc.h); it takes one only while its
 * state of charge is unknown, and says when the file is worth writing with
 * a uevent SMARTBMS_EVENT=soc-save SMARTBMS_REASON=unsaved.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cal.h"
#include "soc.h"
#include "tools-common.h"

#define SBC_SOC_MAGIC		"SBSC"
#define SBC_SOC_VERSION		1
#define SBC_SOC_CRC_OFF		(SBC_SOC_SIZE - 4)

static volatile sig_atomic_t sbc_mon_stop;

static void sbc_mon_signal(int sig)
{
	(void)sig;
	sbc_mon_stop = 1;
}

static void monitor_help(void)
{
	printf("Usage: smartbmsctl monitor save [FILE]\n"
	       "       smartbmsctl monitor restore [--boot] [--wait SECONDS] [FILE]\n"
	       "       smartbmsctl monitor follow [--count N] [--timeout S] [FILE]\n"
	       "       smartbmsctl monitor show [FILE]\n\n"
	       "Keep the battery monitor's state of charge in FILE where the board\n"
	       "has no NVMEM cell \"soc\" for it. FILE defaults to $SMARTBMS_SOC_FILE,\n"
	       "else /var/lib/smartbms/soc.bin.\n\n"
	       "  save      write the driver's state of charge (monitor_state) to\n"
	       "            FILE: a temporary file, fsynced, renamed, the folder\n"
	       "            fsynced; fails while the state of charge is unknown\n"
	       "  restore   give FILE back to the driver, which takes it only while\n"
	       "            its state of charge is unknown (restored \"not\n"
	       "            synchronised\"); a damaged FILE is refused (exit 8)\n"
	       "  follow    save FILE at start, on each soc-save uevent of the\n"
	       "            driver, after lost uevents and at SIGTERM/SIGINT (where\n"
	       "            the driver keeps a soc cell, monitor_store nvmem, it\n"
	       "            sends no soc-save: FILE is a second copy)\n"
	       "  show      print what FILE holds\n\n"
	       "  -b, --boot          restore at boot: a missing FILE, a board without\n"
	       "                      a monitor, a FILE saved for another battery\n"
	       "                      capacity and a state of charge already known\n"
	       "                      (from the soc cell) are no error, only said\n"
	       "  -w, --wait SECONDS  restore: wait up to SECONDS for the BMS\n"
	       "  -n, --count N       follow: stop after N soc-save events\n"
	       "  -t, --timeout S     follow: stop after S seconds (exit 0)\n"
	       "  -h, --help          show this help\n");
}

const char *sbc_soc_file(void)
{
	const char *f = getenv("SMARTBMS_SOC_FILE");

	return f && *f ? f : "/var/lib/smartbms/soc.bin";
}

static unsigned int sbc_le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (unsigned int)p[3] << 24;
}

int sbc_soc_check(const unsigned char *buf, size_t len, struct sbc_soc *soc,
		  const char **why)
{
	if (len != SBC_SOC_SIZE) {
		*why = "not 32 bytes long";
		return -1;
	}
	if (memcmp(buf, SBC_SOC_MAGIC, 4)) {
		*why = "bad magic (not \"SBSC\")";
		return -1;
	}
	if (buf[4] != SBC_SOC_VERSION) {
		*why = "unknown version";
		return -1;
	}
	if (buf[5] & ~(SBC_SOC_SYNCED | SBC_SOC_FINAL)) {
		*why = "unknown flags";
		return -1;
	}
	if (sbc_le32(buf + SBC_SOC_CRC_OFF) != sbc_crc32(buf, SBC_SOC_CRC_OFF)) {
		*why = "CRC-32 mismatch";
		return -1;
	}
	soc->flags = buf[5];
	soc->charge_mah = sbc_le32(buf + 8);
	soc->full_mah = sbc_le32(buf + 12);
	soc->time_s = (long long)((unsigned long long)sbc_le32(buf + 16) |
				  (unsigned long long)sbc_le32(buf + 20) << 32);
	if (soc->charge_mah > soc->full_mah) {
		*why = "charge above the capacity";
		return -1;
	}
	return 0;
}

/* The tool's check says why; the kernel core's unpacker decides, where linked. */
static int sbc_soc_parse(const unsigned char *buf, size_t len, struct sbc_soc *soc,
			 const char **why)
{
	if (sbc_soc_check(buf, len, soc, why))
		return -1;
#ifdef SBC_USE_CORE
	if (sbc_core_soc_unpack(buf, len, soc)) {
		*why = "refused by the kernel core's smartbms_soc_unpack()";
		return -1;
	}
#endif
	return 0;
}

/* "87.0 % (87.000 of 100.000 Ah), synchronised, saved 2026-01-01 12:00:00" */
static void sbc_soc_describe(FILE *f, const struct sbc_soc *s)
{
	unsigned long long pm = s->full_mah ?
		((unsigned long long)s->charge_mah * 1000 + s->full_mah / 2) / s->full_mah : 0;
	time_t t = (time_t)s->time_s;
	char when[32];
	struct tm tm;

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	else
		snprintf(when, sizeof(when), "at %lld", s->time_s);
	fprintf(f, "%llu.%llu %% (%u.%03u of %u.%03u Ah), %s, saved %s%s", pm / 10,
		pm % 10, s->charge_mah / 1000, s->charge_mah % 1000, s->full_mah / 1000,
		s->full_mah % 1000, s->flags & SBC_SOC_SYNCED ? "synchronised" :
		"not synchronised", when, s->flags & SBC_SOC_FINAL ? " (final)" : "");
}

/*
 * The driver's state of charge now: 0, -ENODATA while it is unknown,
 * -ENODEV while the BMS is not there (neither said), or an exit code
 * (said).
 */
static int sbc_soc_from_driver(const char *cmd, unsigned char *buf,
			       struct sbc_soc *soc)
{
	const char *why;
	ssize_t n;

	n = sbc_read_attr_bin(SBC_PSY, "monitor_state", buf, SBC_SOC_SIZE + 1);
	if (n == -ENODATA)
		return -ENODATA;
	if (n == -ENOENT && !sbc_bms_present())
		return -ENODEV;
	if (n == -ENOENT)
		return sbc_fail(SBC_EXIT_FAIL, "%s: this board has no battery monitor "
				"(no monitor_state)", cmd);
	if (n < 0)
		return sbc_fail(n == -EACCES || n == -EPERM ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
				"%s: reading monitor_state: %s", cmd, strerror((int)-n));
	if (sbc_soc_parse(buf, (size_t)n, soc, &why))
		return sbc_fail(SBC_EXIT_FAIL, "%s: the driver's monitor_state is not a "
				"saved state of charge: %s", cmd, why);
	return 0;
}

/* The driver's state to @path, durably; the same returns as above. */
static int sbc_soc_save(const char *cmd, const char *path, struct sbc_soc *soc)
{
	unsigned char buf[SBC_SOC_SIZE + 1];
	int ret;

	ret = sbc_soc_from_driver(cmd, buf, soc);
	if (ret)
		return ret;
	return sbc_write_durable(cmd, path, buf, SBC_SOC_SIZE);
}

/* @path into @buf and @soc: an exit code, said. */
static int sbc_soc_load(const char *cmd, const char *path, unsigned char *buf,
			struct sbc_soc *soc)
{
	const char *why;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sbc_fail(errno == EACCES ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
				"%s: %s: %s", cmd, path, strerror(errno));
	/* one byte more than a blob: a longer file is no blob */
	n = read(fd, buf, SBC_SOC_SIZE + 1);
	err = errno;
	close(fd);
	if (n < 0)
		return sbc_fail(SBC_EXIT_FAIL, "%s: %s: %s", cmd, path, strerror(err));
	if (sbc_soc_parse(buf, (size_t)n, soc, &why))
		return sbc_fail(SBC_EXIT_BADDATA, "%s: %s: not a saved state of charge "
				"(%s): nothing restored", cmd, path, why);
	return SBC_EXIT_OK;
}

/* The saved state was counted against another capacity: 1, said. */
static int sbc_soc_other_battery(const char *cmd, const char *path,
				 const struct sbc_soc *soc, int boot)
{
	long full_uah;

	if (sbc_read_long(SBC_PSY, "charge_full", &full_uah) ||
	    full_uah == (long)soc->full_mah * 1000)
		return 0;	/* unreadable: the driver decides */
	sbc_err("%s: %s was counted against a %u.%03u Ah battery, this board's is "
		"%ld.%03ld Ah: %s", cmd, path, soc->full_mah / 1000, soc->full_mah % 1000,
		full_uah / 1000000, full_uah / 1000 % 1000, boot ?
		"not restored, the state of charge is unknown until the first full charge" :
		"not restored");
	return 1;
}

int sbc_soc_restore(const char *path, int boot)
{
	const char *cmd = "monitor restore";
	unsigned char buf[SBC_SOC_SIZE + 1];
	char sync[32], why[32];
	struct sbc_soc soc;
	int ret;

	if (boot && access(path, F_OK) && errno == ENOENT) {
		if (sbc_bms_present() && sbc_has_monitor())
			printf("%s: no saved state of charge in %s (first start): unknown "
			       "until the first full charge\n", cmd, path);
		return SBC_EXIT_OK;
	}
	ret = sbc_check_present();
	if (ret)
		return ret;
	if (!sbc_has_monitor()) {
		if (!boot)
			return sbc_fail(SBC_EXIT_FAIL, "%s: this board has no battery monitor "
					"(no battery current channel)", cmd);
		printf("%s: this board has no battery monitor: %s not restored\n", cmd, path);
		return SBC_EXIT_OK;
	}
	ret = sbc_soc_load(cmd, path, buf, &soc);
	if (ret)
		return ret;
	if (sbc_soc_other_battery(cmd, path, &soc, boot))
		return boot ? SBC_EXIT_OK : SBC_EXIT_BADDATA;
	ret = sbc_write_attr_bin(SBC_PSY, "monitor_state", buf, SBC_SOC_SIZE);
	if (ret == -EBUSY) {
		if (sbc_read_attr(SBC_PSY, "monitor_sync", sync, sizeof(sync)))
			snprintf(sync, sizeof(sync), "?");
		if (!boot)
			return sbc_fail(SBC_EXIT_REFUSED, "%s: %s: the state of charge is "
					"already known (monitor_sync %s): the driver takes a "
					"saved one only while it is unknown", cmd, path, sync);
		printf("%s: the state of charge is already known (monitor_sync %s: from "
		       "the driver's soc cell, or synchronised or restored since it "
		       "started): %s not needed\n", cmd, sync, path);
		return SBC_EXIT_OK;
	}
	if (ret) {
		char what[300];

		snprintf(what, sizeof(what), "%s %s", cmd, path);
		return sbc_write_error(what, ret);
	}
	if (sbc_read_attr(SBC_PSY, "monitor_sync", sync, sizeof(sync)))
		snprintf(sync, sizeof(sync), "?");
	if (sbc_read_attr(SBC_PSY, "monitor_sync_reason", why, sizeof(why)))
		snprintf(why, sizeof(why), "?");
	printf("%s: restored from %s: ", cmd, path);
	sbc_soc_describe(stdout, &soc);
	printf("; now %s (%s)\n", sync, why);
	return SBC_EXIT_OK;
}

/* follow: one save, with a line saying what happened; never fatal. */
static void sbc_follow_save(const char *path, const char *why)
{
	struct sbc_soc soc;
	char ts[32];
	int ret;

	ret = sbc_soc_save("monitor follow", path, &soc);
	sbc_timestamp(ts, sizeof(ts));
	if (!ret) {
		printf("%s saved (%s): ", ts, why);
		sbc_soc_describe(stdout, &soc);
		printf("\n");
	} else if (ret == -ENODATA) {
		printf("%s not saved (%s): the state of charge is unknown\n", ts, why);
	} else if (ret == -ENODEV) {
		printf("%s not saved (%s): no BMS present\n", ts, why);
	} else {
		printf("%s not saved (%s): see the error above\n", ts, why);
	}
	fflush(stdout);
}

static int sbc_follow(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long count = 0, timeout = 0, seen = 0;
	long long deadline = 0;
	const char *path;
	int opt, fd, ret = SBC_EXIT_OK;

	while ((opt = getopt_long(argc, argv, "n:t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (sbc_parse_uint(optarg, 1000000000, &count) || !count)
				return sbc_usage_error("monitor", "--count: '%s' is not a "
						       "positive number", optarg);
			break;
		case 't':
			if (sbc_parse_uint(optarg, 86400 * 365, &timeout) || !timeout)
				return sbc_usage_error("monitor", "--timeout: '%s' is not a "
						       "positive number of seconds", optarg);
			break;
		case 'h':
			monitor_help();
			return SBC_EXIT_OK;
		default:
			return sbc_usage_error("monitor", "bad option");
		}
	}
	if (argc - optind > 1)
		return sbc_usage_error("monitor", "follow: expected at most one FILE");
	path = optind < argc ? argv[optind] : sbc_soc_file();
	if (sbc_bms_present() && !sbc_has_monitor()) {
		printf("monitor follow: this board has no battery monitor: nothing "
		       "to keep\n");
		return SBC_EXIT_OK;
	}
	{
		char store[16];

		/* a driver older than monitor_store: as "none" */
		if (!sbc_read_attr(SBC_PSY, "monitor_store", store, sizeof(store)) &&
		    !strcmp(store, "nvmem"))
			printf("monitor follow: the driver keeps the state of charge in "
			       "its soc cell (monitor_store nvmem): %s is a second copy, "
			       "written at start and stop\n", path);
	}
	/* the socket first: no event between the first save and it is lost */
	fd = sbc_uevent_open();
	if (fd < 0)
		return sbc_fail(fd == -EACCES || fd == -EPERM ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
				"monitor follow: uevent socket: %s", strerror(-fd));
	signal(SIGINT, sbc_mon_signal);
	signal(SIGTERM, sbc_mon_signal);
	if (timeout)
		deadline = sbc_now_ms() + (long long)timeout * 1000;
	sbc_follow_save(path, "start");
	while (!sbc_mon_stop && (!count || seen < count)) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		struct sbc_uevent ev;
		int wait = -1, r;

		if (deadline) {
			long long left = deadline - sbc_now_ms();

			if (left <= 0)
				break;
			wait = left > 60000 ? 60000 : (int)left;
		}
		r = poll(&pfd, 1, wait);
		if (r < 0 && errno != EINTR) {
			ret = sbc_fail(SBC_EXIT_FAIL, "monitor follow: poll: %s", strerror(errno));
			break;
		}
		if (r <= 0)
			continue;
		r = sbc_uevent_read(fd, &ev);
		if (r == -ENOBUFS) {
			/* a soc-save may be among the lost */
			sbc_follow_save(path, "events lost");
			continue;
		}
		if (r < 0) {
			ret = sbc_fail(SBC_EXIT_FAIL, "monitor follow: receiving uevents: %s",
				       strerror(-r));
			break;
		}
		if (r == 1 && !strcmp(ev.event, "soc-save")) {
			sbc_follow_save(path, "soc-save");
			seen++;
		}
	}
	close(fd);
	/* the last count before a shutdown, however it ended */
	sbc_follow_save(path, sbc_mon_stop ? "stop" : "end");
	return ret;
}

static int sbc_monitor_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "boot", no_argument, NULL, 'b' },
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long wait_s = 0;
	int opt, boot = 0;

	while ((opt = getopt_long(argc, argv, "bw:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			boot = 1;
			break;
		case 'w':
			if (sbc_parse_uint(optarg, 3600, &wait_s))
				return sbc_usage_error("monitor", "--wait: '%s' is not 0..3600",
						       optarg);
			break;
		case 'h':
			monitor_help();
			return SBC_EXIT_OK;
		default:
			return sbc_usage_error("monitor", "bad option");
		}
	}
	if (argc - optind > 1)
		return sbc_usage_error("monitor", "restore: expected at most one FILE");
	while (wait_s-- > 0 && !sbc_bms_present())
		sbc_sleep_ms(1000);
	return sbc_soc_restore(optind < argc ? argv[optind] : sbc_soc_file(), boot);
}

/* save and show take [FILE] and no option: the file, or NULL (said) */
static const char *sbc_monitor_file(const char *sub, int argc, char **argv)
{
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		sbc_usage_error("monitor", "%s: expected at most one FILE", sub);
		return NULL;
	}
	return argc == 2 ? argv[1] : sbc_soc_file();
}

static int sbc_monitor_show(int argc, char **argv)
{
	unsigned char buf[SBC_SOC_SIZE + 1];
	const char *path = sbc_monitor_file("show", argc, argv);
	struct sbc_soc soc;
	int ret;

	if (!path)
		return SBC_EXIT_USAGE;
	ret = sbc_soc_load("monitor show", path, buf, &soc);
	if (ret)
		return ret;
	printf("%s: ", path);
	sbc_soc_describe(stdout, &soc);
	printf("\n");
	return SBC_EXIT_OK;
}

static int sbc_monitor_save(int argc, char **argv)
{
	const char *path = sbc_monitor_file("save", argc, argv);
	struct sbc_soc soc;
	int ret;

	if (!path)
		return SBC_EXIT_USAGE;
	ret = sbc_check_present();
	if (ret)
		return ret;
	ret = sbc_soc_save("monitor save", path, &soc);
	if (ret == -ENODATA)
		return sbc_fail(SBC_EXIT_FAIL, "monitor save: nothing to save: the state "
				"of charge is unknown (monitor_sync unknown): %s left as "
				"it was", path);
	if (ret == -ENODEV)
		return sbc_check_present();
	if (ret)
		return ret;
	printf("monitor save: %s: ", path);
	sbc_soc_describe(stdout, &soc);
	printf("\n");
	return SBC_EXIT_OK;
}

int cmd_monitor(int argc, char **argv, const struct sbc_global *g)
{
	const char *sub;
	int ret;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		if (argc < 2)
			return sbc_usage_error("monitor", "expected save, restore, follow "
					       "or show");
		monitor_help();
		return SBC_EXIT_OK;
	}
	ret = sbc_local_only("monitor", g);
	if (ret)
		return ret;
	sub = argv[1];
	argc--;
	argv++;
	if (!strcmp(sub, "follow"))
		return sbc_follow(argc, argv);
	if (!strcmp(sub, "restore"))
		return sbc_monitor_restore(argc, argv);
	if (sbc_wants_help(argc, argv)) {
		monitor_help();
		return SBC_EXIT_OK;
	}
	if (!strcmp(sub, "save"))
		return sbc_monitor_save(argc, argv);
	if (!strcmp(sub, "show"))
		return sbc_monitor_show(argc, argv);
	return sbc_usage_error("monitor", "unknown subcommand '%s'", sub);
}
