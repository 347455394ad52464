// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl log: follow the driver's uevents (uevent.c).
 *
 * Overflow: the kernel drops datagrams when the receive buffer is full
 * and the next recvmsg() fails with ENOBUFS. That is said
 * ("events-lost"), and the current state (outputs and codes) is printed,
 * so that nothing is missed unnoticed; with --save the settings are saved
 * again, since a change may be among the lost.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "tools-common.h"

static volatile sig_atomic_t sbc_log_stop;

static void sbc_log_signal(int sig)
{
	(void)sig;
	sbc_log_stop = 1;
}

static void log_help(void)
{
	printf("Usage: smartbmsctl log [OPTIONS]\n\n"
	       "Print each SMARTBMS_EVENT uevent of the driver as\n"
	       "'TIME EVENT REASON' (e.g. load-disconnect A-B11).\n\n"
	       "  -s, --syslog          write to syslog (ident smartbms) instead\n"
	       "  -n, --count N         stop after N events\n"
	       "  -S, --save FILE       save the settings to FILE on every\n"
	       "                        settings-changed event that says the driver\n"
	       "                        has no NVMEM cell for them (BMS-SET-4)\n"
	       "  -t, --timeout S       stop after S seconds (exit 0)\n"
	       "  -h, --help            show this help\n\n"
	       "Only messages from the kernel or from root are accepted.\n");
}

/* Errors raise the priority; restoring events are notices. */
static int sbc_event_prio(const char *event)
{
	if (!strcmp(event, "load-disconnect") || !strcmp(event, "charge-disconnect") ||
	    !strcmp(event, "code-raised") || !strcmp(event, "prealarm-on"))
		return LOG_WARNING;
	return LOG_NOTICE;
}

static void sbc_log_line(int use_syslog, int prio, const char *event,
			 const char *reason)
{
	if (use_syslog) {
		syslog(prio, "%s %s", event, reason);
	} else {
		char ts[32];

		sbc_timestamp(ts, sizeof(ts));
		printf("%s %s %s\n", ts, event, reason);
		fflush(stdout);
	}
}

/*
 * Events were lost (ENOBUFS): say so, then the state now, as events
 * would have left it; and save the settings again with --save.
 */
static void sbc_log_resync(int use_syslog, const char *save)
{
	static const char * const outs[] = {
		"load_disconnect", "charge_disconnect", "prealarm", "alternator_enable",
	};
	char state[SBC_ATTR_MAX], codes[SBC_ATTR_MAX];
	unsigned int i;
	long v;
	int n = 0;

	sbc_log_line(use_syslog, LOG_WARNING, "events-lost",
		     "netlink-overflow");
	for (i = 0; i < sizeof(outs) / sizeof(outs[0]); i++)
		n += snprintf(state + n, sizeof(state) - n, "%s%s=%s", i ? "," : "",
			      outs[i], sbc_read_long(SBC_PSY, outs[i], &v) ? "?" :
			      v ? "1" : "0");
	if (sbc_read_attr(SBC_PSY, "codes", codes, sizeof(codes)))
		snprintf(codes, sizeof(codes), "?");
	snprintf(state + n, sizeof(state) - n, ",codes=%s", *codes ? codes : "none");
	for (i = 0; state[i]; i++)
		if (state[i] == ' ')
			state[i] = '+';
	sbc_log_line(use_syslog, LOG_NOTICE, "state", state);
	if (save && !sbc_settings_in_nvmem() && sbc_save_file(save))
		sbc_log_line(use_syslog, LOG_ERR, "settings-not-saved", save);
}

/*
 * One datagram; 1 when it was a smartbms event, 0 when not, -errno.
 * Lost datagrams are reported and resynchronised here.
 */
static int sbc_log_recv(int fd, int use_syslog, const char *save)
{
	struct sbc_uevent ev;
	int r;

	r = sbc_uevent_read(fd, &ev);
	if (r == -ENOBUFS) {
		sbc_log_resync(use_syslog, save);
		return 0;
	}
	if (r != 1)
		return r < 0 ? r : 0;
	sbc_log_line(use_syslog, sbc_event_prio(ev.event), ev.event, ev.reason);
	/* BMS-SET-4: a change made straight through sysfs is saved at once */
	if (save && !strcmp(ev.event, "settings-changed") && !strcmp(ev.reason, "unsaved") &&
	    sbc_save_file(save))
		sbc_log_line(use_syslog, LOG_ERR, "settings-not-saved", save);
	return 1;
}

int cmd_log(int argc, char **argv, const struct sbc_global *g)
{
	static const struct option opts[] = {
		{ "syslog", no_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "save", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long count = 0, timeout = 0, seen = 0;
	long long deadline = 0;
	int use_syslog = 0, opt, ret, fd;
	const char *save = NULL;

	while ((opt = getopt_long(argc, argv, "sn:t:S:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'S':
			if (!*optarg)
				return sbc_usage_error("log", "--save: empty file name");
			save = optarg;
			break;
		case 's':
			use_syslog = 1;
			break;
		case 'n':
			if (sbc_parse_uint(optarg, 1000000000, &count) || !count)
				return sbc_usage_error("log", "--count: '%s' is not a positive number",
						       optarg);
			break;
		case 't':
			if (sbc_parse_uint(optarg, 86400 * 365, &timeout) || !timeout)
				return sbc_usage_error("log", "--timeout: '%s' is not a positive "
						       "number of seconds", optarg);
			break;
		case 'h':
			log_help();
			return SBC_EXIT_OK;
		default:
			return sbc_usage_error("log", "bad option");
		}
	}
	ret = sbc_local_only("log", g);
	if (ret)
		return ret;
	if (optind != argc)
		return sbc_usage_error("log", "unexpected argument '%s'", argv[optind]);

	fd = sbc_uevent_open();
	if (fd < 0)
		return sbc_fail(fd == -EACCES || fd == -EPERM ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
				"log: uevent socket: %s", strerror(-fd));
	if (use_syslog)
		openlog("smartbms", LOG_PID, LOG_DAEMON);
	signal(SIGINT, sbc_log_signal);
	signal(SIGTERM, sbc_log_signal);
	if (timeout)
		deadline = sbc_now_ms() + (long long)timeout * 1000;
	ret = SBC_EXIT_OK;
	while (!sbc_log_stop && (!count || seen < count)) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int wait = -1, r;

		if (deadline) {
			long long left = deadline - sbc_now_ms();

			if (left <= 0)
				break;
			wait = left > 60000 ? 60000 : (int)left;
		}
		r = poll(&pfd, 1, wait);
		if (r < 0 && errno != EINTR) {
			ret = sbc_fail(SBC_EXIT_FAIL, "log: poll: %s", strerror(errno));
			break;
		}
		if (r <= 0)
			continue;
		r = sbc_log_recv(fd, use_syslog, save);
		if (r < 0) {
			ret = sbc_fail(SBC_EXIT_FAIL, "log: receiving uevents: %s",
				       strerror(-r));
			break;
		}
		seen += (unsigned long)r;
	}
	close(fd);
	if (use_syslog)
		closelog();
	return ret;
}
