// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl log: follow the driver's uevents (KOBJ_CHANGE on the
 * smartbms power_supply with SMARTBMS_EVENT / SMARTBMS_REASON) over
 * NETLINK_KOBJECT_UEVENT, kernel multicast group 1.
 */
#include <errno.h>
#include <getopt.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "tools-common.h"

#define SBC_UEVENT_BUF	8192

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
	       "  -t, --timeout S       stop after S seconds (exit 0)\n"
	       "  -h, --help            show this help\n\n"
	       "Only messages from the kernel or from root are accepted.\n");
}

/* The value of KEY in a uevent's NUL-separated KEY=VALUE list, or NULL. */
static const char *sbc_uevent_get(const char *buf, size_t len, const char *key)
{
	size_t klen = strlen(key);
	const char *p = buf, *end = buf + len;

	while (p < end) {
		size_t n = strnlen(p, (size_t)(end - p));

		if (n > klen && !strncmp(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
		p += n + 1;
	}
	return NULL;
}

/* Errors raise the priority; restoring events are notices. */
static int sbc_event_prio(const char *event)
{
	if (!strcmp(event, "load-disconnect") || !strcmp(event, "charge-disconnect") ||
	    !strcmp(event, "code-raised") || !strcmp(event, "prealarm-on"))
		return LOG_WARNING;
	return LOG_NOTICE;
}

static int sbc_uevent_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
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

/* One datagram; 1 when it was a smartbms event, 0 when not, -errno. */
static int sbc_uevent_recv(int fd, int use_syslog)
{
	char buf[SBC_UEVENT_BUF + 1];
	char cbuf[CMSG_SPACE(sizeof(struct ucred))];
	struct sockaddr_nl sa;
	struct iovec iov = { buf, SBC_UEVENT_BUF };
	struct msghdr msg = {
		.msg_name = &sa, .msg_namelen = sizeof(sa),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	const struct ucred *cred = NULL;
	const char *event, *reason, *name, *subsys;
	struct cmsghdr *cm;
	ssize_t n;

	n = recvmsg(fd, &msg, 0);
	if (n < 0)
		return errno == EINTR || errno == ENOBUFS ? 0 : -errno;
	buf[n] = '\0';
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS)
			cred = (const struct ucred *)CMSG_DATA(cm);
	/* kernel or root only: anything else could be forged */
	if (!cred || cred->uid != 0)
		return 0;
	/* libudev's re-broadcasts start with "libudev" and are not ours */
	if (!strncmp(buf, "libudev", 7))
		return 0;
	event = sbc_uevent_get(buf, (size_t)n, "SMARTBMS_EVENT");
	if (!event)
		return 0;
	subsys = sbc_uevent_get(buf, (size_t)n, "SUBSYSTEM");
	name = sbc_uevent_get(buf, (size_t)n, "POWER_SUPPLY_NAME");
	if ((subsys && strcmp(subsys, "power_supply")) ||
	    (name && strcmp(name, SBC_PSY)))
		return 0;
	reason = sbc_uevent_get(buf, (size_t)n, "SMARTBMS_REASON");
	if (!reason || !*reason)
		reason = "none";
	if (use_syslog) {
		syslog(sbc_event_prio(event), "%s %s", event, reason);
	} else {
		char ts[32];

		sbc_timestamp(ts, sizeof(ts));
		printf("%s %s %s\n", ts, event, reason);
		fflush(stdout);
	}
	return 1;
}

int cmd_log(int argc, char **argv, const struct sbc_global *g)
{
	static const struct option opts[] = {
		{ "syslog", no_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long count = 0, timeout = 0, seen = 0;
	long long deadline = 0;
	int use_syslog = 0, opt, ret, fd;

	while ((opt = getopt_long(argc, argv, "sn:t:h", opts, NULL)) != -1) {
		switch (opt) {
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

	fd = sbc_uevent_socket();
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
		r = sbc_uevent_recv(fd, use_syslog);
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
