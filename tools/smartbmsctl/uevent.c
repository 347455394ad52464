// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl: the driver's uevents (KOBJ_CHANGE on the smartbms
 * power_supply with SMARTBMS_EVENT / SMARTBMS_REASON) over
 * NETLINK_KOBJECT_UEVENT, kernel multicast group 1; used by log, mqtt
 * and signalk.
 *
 * A plain netlink socket rather than libudev's monitor: libudev would add
 * a dependency for one socket, and its monitor on the "udev" source only
 * sees events after udevd has processed them (not at all where udevd does
 * not run, as in a minimal initramfs), while on the "kernel" source it is
 * this same socket. The kernel drops datagrams when the receive buffer is
 * full and the next recvmsg() fails with ENOBUFS: that is returned, for
 * the caller to say so and to read the state again.
 */
#include <errno.h>
#include <stdlib.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tools-common.h"

#define SBC_UEVENT_BUF	8192
#define SBC_UEVENT_RCVBUF	(1024 * 1024)

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

int sbc_uevent_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	const char *rcvbuf = getenv("SMARTBMS_LOG_RCVBUF");	/* tests */
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	if (rcvbuf && *rcvbuf) {
		int sz = atoi(rcvbuf);

		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	} else {
		/* room for a burst (udevd takes far more); beyond rmem_max as root */
		int sz = SBC_UEVENT_RCVBUF;

		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void sbc_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

int sbc_uevent_read(int fd, struct sbc_uevent *ev)
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
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
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
	subsys = sbc_uevent_get(buf, (size_t)n, "SUBSYSTEM");
	name = sbc_uevent_get(buf, (size_t)n, "POWER_SUPPLY_NAME");
	event = sbc_uevent_get(buf, (size_t)n, "SMARTBMS_EVENT");
	if (!event) {
		/* a plain change of one of ours: worth reading the state again */
		if (subsys && !strcmp(subsys, "power_supply") && name &&
		    (!strcmp(name, SBC_PSY) || !strcmp(name, SBC_PSY_ALT)))
			return 2;
		return 0;
	}
	if ((subsys && strcmp(subsys, "power_supply")) ||
	    (name && strcmp(name, SBC_PSY)))
		return 0;
	reason = sbc_uevent_get(buf, (size_t)n, "SMARTBMS_REASON");
	if (!reason || !*reason)
		reason = "none";
	sbc_copy(ev->event, sizeof(ev->event), event);
	sbc_copy(ev->reason, sizeof(ev->reason), reason);
	return 1;
}
