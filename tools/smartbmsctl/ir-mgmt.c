// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's Bluetooth management interface (BlueZ doc/mgmt-api.txt):
 * a raw HCI socket bound to HCI_CHANNEL_CONTROL. Any number of such
 * sockets may be open at once; bluetoothd is one of them, so using the
 * interface next to a running bluetoothd takes nothing away from it,
 * unlike HCI_CHANNEL_USER, which claims the controller for one process.
 * Needs CAP_NET_ADMIN.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tools-common.h"
#include "ir.h"

/* From the kernel's include/net/bluetooth/{bluetooth,hci_sock}.h */
#define SBC_BTPROTO_HCI		1
#define SBC_HCI_DEV_NONE	0xffff
#define SBC_HCI_CHANNEL_CONTROL	3

#define SBC_MGMT_EV_CMD_COMPLETE	0x0001
#define SBC_MGMT_EV_CMD_STATUS		0x0002
#define SBC_MGMT_HDR			6
#define SBC_MGMT_BUF			4096
#define SBC_MGMT_TIMEOUT_MS		10000

struct sbc_sockaddr_hci {
	sa_family_t hci_family;
	unsigned short hci_dev;
	unsigned short hci_channel;
};

struct sbc_mgmt {
	int fd;
	sbc_mgmt_event_fn fn;
	void *ctx;
};

static uint16_t sbc_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

int sbc_mgmt_open(struct sbc_mgmt **mp, sbc_mgmt_event_fn fn, void *ctx)
{
	struct sbc_sockaddr_hci sa = {
		.hci_family = AF_BLUETOOTH,
		.hci_dev = SBC_HCI_DEV_NONE,
		.hci_channel = SBC_HCI_CHANNEL_CONTROL,
	};
	struct sbc_mgmt *m;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->fn = fn;
	m->ctx = ctx;
	m->fd = socket(AF_BLUETOOTH, SOCK_RAW | SOCK_CLOEXEC, SBC_BTPROTO_HCI);
	if (m->fd < 0 || bind(m->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		if (m->fd >= 0)
			close(m->fd);
		free(m);
		return err;
	}
	*mp = m;
	return 0;
}

void sbc_mgmt_close(struct sbc_mgmt *m)
{
	if (!m)
		return;
	close(m->fd);
	free(m);
}

int sbc_mgmt_fd(const struct sbc_mgmt *m)
{
	return m->fd;
}

const char *sbc_mgmt_strstatus(int status)
{
	static const char * const s[] = {
		"success", "unknown command", "not connected", "failed",
		"connect failed", "authentication failed", "not paired",
		"no resources", "timeout", "already connected", "busy", "rejected",
		"not supported", "invalid parameters", "disconnected", "not powered",
		"cancelled", "invalid index", "rfkilled", "already paired",
		"permission denied",
	};

	if (status < 0)
		return strerror(-status);
	return (size_t)status < sizeof(s) / sizeof(s[0]) ? s[status] : "unknown status";
}

/* One packet: 1 handled, 0 none waiting, -errno. A reply to @op fills @rsp. */
static int sbc_mgmt_read(struct sbc_mgmt *m, int flags, uint16_t op, uint16_t index,
			 int *status, void *rsp, size_t *rlen)
{
	uint8_t buf[SBC_MGMT_BUF];
	uint16_t ev, idx, len;
	ssize_t n;

	n = recv(m->fd, buf, sizeof(buf), flags);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n < SBC_MGMT_HDR)
		return 1;
	ev = sbc_le16(buf);
	idx = sbc_le16(buf + 2);
	len = sbc_le16(buf + 4);
	if ((size_t)n < SBC_MGMT_HDR + (size_t)len)
		return 1;
	if ((ev == SBC_MGMT_EV_CMD_COMPLETE || ev == SBC_MGMT_EV_CMD_STATUS) && len >= 3) {
		if (status && sbc_le16(buf + 6) == op && idx == index) {
			*status = buf[8];
			if (rlen) {
				size_t got = len - 3u;

				if (got > *rlen)
					got = *rlen;
				memcpy(rsp, buf + 9, got);
				*rlen = got;
			}
		}
		return 1;
	}
	if (m->fn)
		m->fn(m->ctx, ev, idx, buf + SBC_MGMT_HDR, len);
	return 1;
}

int sbc_mgmt_cmd(struct sbc_mgmt *m, uint16_t op, uint16_t index, const void *param,
		 size_t plen, void *rsp, size_t *rlen)
{
	uint8_t buf[SBC_MGMT_HDR + 512];
	long long deadline = sbc_now_ms() + SBC_MGMT_TIMEOUT_MS;
	int status = -1;

	if (plen > sizeof(buf) - SBC_MGMT_HDR)
		return -EINVAL;
	buf[0] = op & 0xff;
	buf[1] = op >> 8;
	buf[2] = index & 0xff;
	buf[3] = index >> 8;
	buf[4] = plen & 0xff;
	buf[5] = (uint8_t)(plen >> 8);
	if (plen)
		memcpy(buf + SBC_MGMT_HDR, param, plen);
	if (write(m->fd, buf, SBC_MGMT_HDR + plen) != (ssize_t)(SBC_MGMT_HDR + plen))
		return -errno;
	while (status < 0) {
		struct pollfd pfd = { m->fd, POLLIN, 0 };
		long long left = deadline - sbc_now_ms();
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		r = sbc_mgmt_read(m, 0, op, index, &status, rsp, rlen);
		if (r < 0)
			return r;
	}
	if (status && rlen)
		*rlen = 0;
	return status;
}

int sbc_mgmt_dispatch(struct sbc_mgmt *m)
{
	int r;

	while ((r = sbc_mgmt_read(m, MSG_DONTWAIT, 0, 0, NULL, NULL, NULL)) > 0)
		;
	return r;
}

int sbc_mgmt_pick(struct sbc_mgmt *m, int want, uint16_t *index, uint32_t *settings,
		  const char *cmd)
{
	uint8_t list[2 + 2 * 64], info[280];
	size_t len = sizeof(list), ilen;
	unsigned int i, n;
	int st;

	st = sbc_mgmt_cmd(m, SBC_MGMT_OP_READ_INDEX_LIST, SBC_HCI_DEV_NONE, NULL, 0, list, &len);
	if (st && !cmd)
		return SBC_EXIT_FAIL;
	if (st)
		return sbc_fail(SBC_EXIT_FAIL, "%s: reading the controller list: %s", cmd,
				sbc_mgmt_strstatus(st));
	n = len >= 2 ? sbc_le16(list) : 0;
	if (2 + 2 * (size_t)n > len)
		n = (unsigned int)(len - 2) / 2;
	for (i = 0; i < n; i++) {
		uint16_t idx = sbc_le16(list + 2 + 2 * i);
		uint32_t supported, current;

		if (want >= 0 && idx != want)
			continue;
		ilen = sizeof(info);
		st = sbc_mgmt_cmd(m, SBC_MGMT_OP_READ_INFO, idx, NULL, 0, info, &ilen);
		if (st || ilen < 17)
			continue;
		/* address 6, version 1, manufacturer 2, supported 4, current 4 */
		supported = (uint32_t)(info[9] | info[10] << 8 | info[11] << 16 |
				       (uint32_t)info[12] << 24);
		current = (uint32_t)(info[13] | info[14] << 8 | info[15] << 16 |
				     (uint32_t)info[16] << 24);
		if (!(supported & SBC_MGMT_SETTING_LE)) {
			if (want >= 0 && !cmd)
				return SBC_EXIT_FAIL;
			if (want >= 0)
				return sbc_fail(SBC_EXIT_FAIL, "%s: hci%u: the controller has no "
						"Bluetooth Low Energy", cmd, idx);
			continue;
		}
		*index = idx;
		*settings = current;
		return 0;
	}
	if (!cmd)
		return SBC_EXIT_FAIL;
	if (want >= 0)
		return sbc_fail(SBC_EXIT_FAIL, "%s: hci%d: no such Bluetooth controller", cmd,
				want);
	return sbc_fail(SBC_EXIT_FAIL, "%s: no Bluetooth controller with Low Energy "
			"(%u controller%s)", cmd, n, n == 1 ? "" : "s");
}
