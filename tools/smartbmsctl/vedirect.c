// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl: VE.Direct text-protocol reader, for the state of charge
 * of a Victron BMV or SmartShunt battery monitor on a serial port.
 *
 * The protocol, from Victron's "VE.Direct Protocol" document (the
 * whitepaper page) and the VE.Direct Protocol FAQ with its frame-handler
 * reference implementation in C
 * (https://www.victronenergy.com/live/vedirect_protocol:faq):
 *  - 19200 baud, 8N1, no flow control; the device sends about every second.
 *  - A block is fields "\r\n<label>\t<value>"; the last is "\r\nChecksum\t"
 *    and one byte that makes all bytes of the block, from its first "\r\n"
 *    through that byte, sum to 0 modulo 256. The byte can be anything, ':'
 *    and '\r' included.
 *  - A BMV or SmartShunt sends its fields in two blocks (PID .. MON, then
 *    H1 .. H18), each with its own checksum.
 *  - Hex-protocol messages, ':' hex digits '\n', are not part of a block
 *    and not in its checksum. Old firmware sends them even in the middle of
 *    a block (cterwilliger/VeDirectFrameHandler issue #7): the block then
 *    goes on where it stopped. The reference implementation drops such a
 *    block; this one keeps it, as that change does.
 *  - V is in mV, I in mA (positive: into the battery), SOC in per mille;
 *    a monitor that is not synchronised sends SOC "---".
 * Beyond the reference: a field that comes twice means the block before
 * lost its end (a device reset, a lost byte): that block is dropped and
 * the field starts the next one, so one truncation costs one block.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "vedirect.h"

static const char * const ved_drop_names[VED_DROP_NR] = {
	[VED_KEEP] = "kept",
	[VED_DROP_CHECKSUM] = "checksum",
	[VED_DROP_TRUNCATED] = "truncated",
	[VED_DROP_MALFORMED] = "malformed",
};

const char *ved_drop_name(enum ved_drop d)
{
	return d < VED_DROP_NR ? ved_drop_names[d] : "?";
}

unsigned long ved_dropped(const struct ved_stats *st)
{
	unsigned long n = 0;
	int i;

	for (i = VED_DROP_CHECKSUM; i < VED_DROP_NR; i++)
		n += st->dropped[i];
	return n;
}

static void ved_block_reset(struct ved_parser *vp)
{
	vp->state = VED_IDLE;
	vp->sum = 0;
	vp->started = 0;
	vp->bad = VED_KEEP;
	vp->llen = 0;
	vp->vlen = 0;
	vp->nseen = 0;
	memset(&vp->blk, 0, sizeof(vp->blk));
}

void ved_init(struct ved_parser *vp)
{
	memset(vp, 0, sizeof(*vp));
	ved_block_reset(vp);
}

void ved_resync(struct ved_parser *vp)
{
	ved_block_reset(vp);
}

/* Mark the block for dropping; the first reason found is kept. */
static void ved_bad(struct ved_parser *vp, enum ved_drop why)
{
	if (vp->bad == VED_KEEP)
		vp->bad = why;
}

static enum ved_event ved_drop(struct ved_parser *vp, enum ved_drop why)
{
	if (vp->synced)
		vp->st.dropped[why]++;
	else
		vp->st.skipped++;
	ved_block_reset(vp);
	return VED_EV_DROP;
}

/* Strict decimal integer, optional '-'. */
static int ved_int(const char *s, long *out)
{
	char *end;
	long v;

	if (!*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* A complete field of a block not (yet) known bad. */
static void ved_field(struct ved_parser *vp)
{
	struct ved_block *b = &vp->blk;
	long v;

	b->nfields++;
	if (!strcmp(vp->label, "SOC")) {
		snprintf(b->soc_raw, sizeof(b->soc_raw), "%s", vp->value);
		if (!strcmp(vp->value, "---")) {
			b->soc = VED_SOC_UNSYNC;
		} else if (!ved_int(vp->value, &v) && v >= 0 && v <= 1000) {
			b->soc = VED_SOC_OK;
			b->soc_pm = v;
		} else {
			b->soc = VED_SOC_INVALID;
		}
	} else if (!strcmp(vp->label, "V") && !ved_int(vp->value, &v)) {
		b->v_mv = v;
		b->has |= VED_HAS_V;
	} else if (!strcmp(vp->label, "I") && !ved_int(vp->value, &v)) {
		b->i_ma = v;
		b->has |= VED_HAS_I;
	}
}

/* The label before '\t' is complete; 1 when it ends the block that was. */
static int ved_label_done(struct ved_parser *vp)
{
	unsigned int i;

	for (i = 0; i < vp->nseen; i++) {
		if (strcmp(vp->seen[i], vp->label))
			continue;
		/* it came twice: what came before lost its end */
		ved_drop(vp, vp->bad != VED_KEEP ? vp->bad : VED_DROP_TRUNCATED);
		vp->sum = '\r' + '\n' + '\t';
		for (i = 0; vp->label[i]; i++)
			vp->sum += (unsigned char)vp->label[i];
		vp->started = 1;
		memcpy(vp->seen[0], vp->label, sizeof(vp->seen[0]));
		vp->nseen = 1;
		vp->state = VED_VALUE;
		return 1;
	}
	if (vp->nseen < VED_FIELDS_MAX)
		memcpy(vp->seen[vp->nseen++], vp->label, sizeof(vp->seen[0]));
	else
		ved_bad(vp, VED_DROP_MALFORMED);
	vp->state = VED_VALUE;
	return 0;
}

enum ved_event ved_feed(struct ved_parser *vp, unsigned char c,
			struct ved_block *out)
{
	enum ved_event ev = VED_EV_NONE;

	if (c == ':' && vp->state != VED_CHECKSUM && vp->state != VED_HEX) {
		vp->resume = vp->state;
		vp->state = VED_HEX;
		vp->hexlen = 0;
		return VED_EV_NONE;
	}
again:
	switch (vp->state) {
	case VED_HEX:
		if (c == '\n') {
			vp->st.hex++;
			vp->state = vp->resume;
			return VED_EV_NONE;
		}
		if (isxdigit(c) && vp->hexlen < VED_HEX_MAX) {
			vp->hexlen++;
			return VED_EV_NONE;
		}
		/* not a hex message: the ':' was noise, or broke a block */
		vp->state = vp->resume;
		if (vp->state == VED_IDLE)
			vp->st.noise += 1 + vp->hexlen;
		else
			ved_bad(vp, VED_DROP_MALFORMED);
		goto again;
	case VED_IDLE:
		if (c == '\r') {
			vp->sum = c;
			vp->state = VED_NL;
		} else {
			vp->st.noise++;
		}
		return VED_EV_NONE;
	case VED_NL:
		if (c == '\n') {
			vp->sum += c;
			vp->started = 1;
			vp->llen = 0;
			vp->state = VED_LABEL;
			return VED_EV_NONE;
		}
		if (!vp->started) {
			/* a lone '\r' between blocks */
			vp->st.noise++;
			vp->state = VED_IDLE;
			goto again;
		}
		vp->sum += c;
		ved_bad(vp, VED_DROP_MALFORMED);
		if (c != '\r')
			vp->state = VED_VALUE;
		return VED_EV_NONE;
	case VED_LABEL:
		vp->sum += c;
		if (c == '\t') {
			vp->label[vp->llen] = '\0';
			vp->vlen = 0;
			if (!vp->llen) {
				ved_bad(vp, VED_DROP_MALFORMED);
				vp->state = VED_VALUE;
			} else if (!strcmp(vp->label, "Checksum")) {
				vp->state = VED_CHECKSUM;
			} else if (ved_label_done(vp)) {
				ev = VED_EV_DROP;
			}
		} else if (c == '\r') {
			ved_bad(vp, VED_DROP_MALFORMED);
			vp->state = VED_NL;
		} else if ((isalnum(c) || c == '#' || c == '_') &&
			   vp->llen < VED_LABEL_MAX) {
			vp->label[vp->llen++] = c;
		} else {
			ved_bad(vp, VED_DROP_MALFORMED);
		}
		return ev;
	case VED_VALUE:
		vp->sum += c;
		if (c == '\r') {
			vp->value[vp->vlen] = '\0';
			if (vp->bad == VED_KEEP)
				ved_field(vp);
			vp->state = VED_NL;
		} else if (c >= 0x20 && c < 0x7f && vp->vlen < VED_VALUE_MAX) {
			vp->value[vp->vlen++] = c;
		} else {
			ved_bad(vp, VED_DROP_MALFORMED);
		}
		return VED_EV_NONE;
	case VED_CHECKSUM:
		vp->sum += c;
		if (vp->bad == VED_KEEP && !vp->sum) {
			vp->synced = 1;
			vp->st.good++;
			if (out)
				*out = vp->blk;
			ved_block_reset(vp);
			return VED_EV_BLOCK;
		}
		return ved_drop(vp, vp->bad != VED_KEEP ? vp->bad : VED_DROP_CHECKSUM);
	}
	return VED_EV_NONE;
}

unsigned int ved_feed_buf(struct ved_parser *vp, const void *buf, size_t len,
			  struct ved_block *soc)
{
	const unsigned char *p = buf;
	struct ved_block b;
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (ved_feed(vp, p[i], &b) == VED_EV_BLOCK && b.soc != VED_SOC_NONE) {
			if (soc)
				*soc = b;
			n++;
		}
	}
	return n;
}

/* ---- the port ---- */

long long ved_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ved_port_init(struct ved_port *vd, const char *path)
{
	memset(vd, 0, sizeof(*vd));
	vd->path = path;
	vd->fd = -1;
	ved_init(&vd->vp);
}

/* Raw 19200 8N1, no flow control, modem lines ignored. */
static int ved_tty_setup(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return -errno;
	cfmakeraw(&t);
	t.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS | CSIZE);
	t.c_cflag |= CS8 | CLOCAL | CREAD;
	t.c_iflag &= ~(IXON | IXOFF | IXANY);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (cfsetispeed(&t, B19200) || cfsetospeed(&t, B19200))
		return -errno;
	if (tcsetattr(fd, TCSANOW, &t))
		return -errno;
	/* tcsetattr succeeds when any of it took: check the speed did */
	if (tcgetattr(fd, &t))
		return -errno;
	if (cfgetispeed(&t) != B19200 || (t.c_cflag & CSIZE) != CS8)
		return -EINVAL;
	return 0;
}

int ved_open(struct ved_port *vd)
{
	int fd;

	/* O_NONBLOCK: a serial port's open does not wait for carrier */
	fd = open(vd->path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (isatty(fd)) {
		int ret = ved_tty_setup(fd);

		if (ret) {
			close(fd);
			return ret;
		}
	}
	vd->fd = fd;
	vd->open_ms = ved_now_ms();
	ved_resync(&vd->vp);
	return 0;
}

void ved_close(struct ved_port *vd)
{
	if (vd->fd >= 0)
		close(vd->fd);
	vd->fd = -1;
}

int ved_pump(struct ved_port *vd, long long until_ms, int stop_on_soc)
{
	unsigned char buf[512];
	struct ved_block b;
	struct pollfd pfd;
	long long now, wait;
	unsigned int i;
	int got = 0;

	if (vd->fd < 0)
		return -EBADF;
	for (;;) {
		ssize_t n = read(vd->fd, buf, sizeof(buf));

		if (n > 0) {
			now = ved_now_ms();
			for (i = 0; i < (unsigned int)n; i++) {
				if (ved_feed(&vd->vp, buf[i], &b) != VED_EV_BLOCK)
					continue;
				vd->good_ms = now;
				if (b.soc != VED_SOC_NONE) {
					vd->soc = b;
					vd->soc_ms = now;
					got = 1;
				}
			}
			if (got && stop_on_soc)
				return 0;
			continue;
		}
		if (n == 0)
			return -EPIPE;
		if (errno == EINTR)
			return -EINTR;
		if (errno != EAGAIN)
			return -errno;
		wait = until_ms - ved_now_ms();
		if (wait <= 0)
			return 0;
		pfd.fd = vd->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, wait > INT_MAX ? INT_MAX : (int)wait) < 0)
			return -errno;
	}
}
