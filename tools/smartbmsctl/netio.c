// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl: TCP, HTTP GET and a WebSocket client (RFC 6455) for the
 * signalk bridge (netio.h). The WebSocket handshake's check needs SHA-1
 * and base64; both are here rather than a TLS library for two functions.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "netio.h"
#include "tools-common.h"

/* ---- SHA-1 (FIPS 180-4), for Sec-WebSocket-Accept only ---- */

static uint32_t sbc_rol(uint32_t x, int n)
{
	return x << n | x >> (32 - n);
}

static void sbc_sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f, k;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 80; i++)
		w[i] = sbc_rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		uint32_t t = sbc_rol(a, 5) + f + e + k + w[i];

		e = d;
		d = c;
		c = sbc_rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

static void sbc_sha1(const unsigned char *p, size_t len, unsigned char out[20])
{
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	unsigned char last[128] = { 0 };
	uint64_t bits = (uint64_t)len * 8;
	size_t rest, n, i;

	for (; len >= 64; p += 64, len -= 64)
		sbc_sha1_block(h, p);
	memcpy(last, p, len);
	last[len] = 0x80;
	rest = len + 1 + 8 <= 64 ? 64 : 128;
	for (i = 0; i < 8; i++)
		last[rest - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (n = 0; n < rest; n += 64)
		sbc_sha1_block(h, last + n);
	for (i = 0; i < 20; i++)
		out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static void sbc_base64(const unsigned char *p, size_t len, char *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		*out++ = tab[p[i] >> 2];
		*out++ = tab[(p[i] & 3) << 4 | p[i + 1] >> 4];
		*out++ = tab[(p[i + 1] & 15) << 2 | p[i + 2] >> 6];
		*out++ = tab[p[i + 2] & 63];
	}
	if (len - i == 1) {
		*out++ = tab[p[i] >> 2];
		*out++ = tab[(p[i] & 3) << 4];
		*out++ = '=';
		*out++ = '=';
	} else if (len - i == 2) {
		*out++ = tab[p[i] >> 2];
		*out++ = tab[(p[i] & 3) << 4 | p[i + 1] >> 4];
		*out++ = tab[(p[i + 1] & 15) << 2];
		*out++ = '=';
	}
	*out = '\0';
}

/* ---- TCP ---- */

static int sbc_wait_fd(int fd, short events, int ms)
{
	struct pollfd p = { fd, events, 0 };
	int r;

	do {
		r = poll(&p, 1, ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r ? 0 : -ETIMEDOUT;
}

int sbc_tcp_connect(const char *host, unsigned int port, char *why, size_t wlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct timeval tv = { SBC_NET_TIMEOUT_MS / 1000, 0 };
	struct addrinfo *res, *ai;
	char service[8];
	int fd = -1, err = 0, r;

	snprintf(service, sizeof(service), "%u", port);
	r = getaddrinfo(host, service, &hints, &res);
	if (r) {
		snprintf(why, wlen, "%s", gai_strerror(r));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		socklen_t sl = sizeof(err);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
			break;
		err = errno;
		if (err == EINPROGRESS) {
			err = -sbc_wait_fd(fd, POLLOUT, SBC_NET_TIMEOUT_MS);
			if (!err && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl))
				err = errno;
			if (!err)
				break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(why, wlen, "%s", strerror(err ? err : EHOSTUNREACH));
		return -1;
	}
	/* blocking from here on, each send at most SBC_NET_TIMEOUT_MS */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

static int sbc_send_all(int fd, const void *p, size_t len)
{
	const char *s = p;

	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* read until "\r\n\r\n" (@head_only) or the end, in time; bytes or -errno */
static int sbc_read_reply(int fd, char *buf, size_t len, int head_only)
{
	long long end = sbc_now_ms() + SBC_NET_TIMEOUT_MS;
	size_t n = 0;

	while (n + 1 < len) {
		long long left = end - sbc_now_ms();
		ssize_t r;
		int ret;

		if (left <= 0)
			return -ETIMEDOUT;
		ret = sbc_wait_fd(fd, POLLIN, (int)left);
		if (ret)
			return ret;
		r = recv(fd, buf + n, head_only ? 1 : len - 1 - n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		if (head_only && n >= 4 && !memcmp(buf + n - 4, "\r\n\r\n", 4))
			break;
	}
	buf[n] = '\0';
	return (int)n;
}

static int sbc_http_status(const char *reply)
{
	int status;

	if (sscanf(reply, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	return status;
}

int sbc_http_get(const char *host, unsigned int port, const char *path, const char *token,
		 char *body, size_t blen, char *why, size_t wlen)
{
	char req[1024], reply[8192];
	const char *b;
	int fd, n, status;

	fd = sbc_tcp_connect(host, port, why, wlen);
	if (fd < 0)
		return -1;
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s:%u\r\n%s%s%s"
		 "Accept: application/json\r\nConnection: close\r\n\r\n", path, host, port,
		 token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "");
	n = sbc_send_all(fd, req, strlen(req));
	if (!n)
		n = sbc_read_reply(fd, reply, sizeof(reply), 0);
	close(fd);
	if (n < 0) {
		snprintf(why, wlen, "%s", strerror(-n));
		return -1;
	}
	status = sbc_http_status(reply);
	if (status < 0) {
		snprintf(why, wlen, "not an HTTP server");
		return -1;
	}
	b = strstr(reply, "\r\n\r\n");
	snprintf(body, blen, "%s", b ? b + 4 : "");
	return status;
}

/* ---- WebSocket ---- */

/* a header's value in an HTTP head, case-insensitive name; 0 when found */
static int sbc_http_header(const char *head, const char *name, char *out, size_t len)
{
	size_t nl = strlen(name);
	const char *p = head;

	while ((p = strstr(p, "\r\n"))) {
		p += 2;
		if (!strncasecmp(p, name, nl) && p[nl] == ':') {
			p += nl + 1;
			p += strspn(p, " \t");
			snprintf(out, len, "%.*s", (int)strcspn(p, "\r\n"), p);
			return 0;
		}
	}
	return -1;
}

int sbc_ws_open(struct sbc_conn *c, const char *host, unsigned int port, const char *path,
		const char *token, char *why, size_t wlen)
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	unsigned char nonce[16], sum[20];
	char key[32], want[32], got[64], acc[80], req[2048], head[4096];
	int n, status;

	c->fd = -1;
	c->len = 0;
	c->skip = 0;
	c->ws = 1;
	if (getrandom(nonce, sizeof(nonce), 0) != sizeof(nonce)) {
		snprintf(why, wlen, "getrandom: %s", strerror(errno));
		return -1;
	}
	sbc_base64(nonce, sizeof(nonce), key);
	snprintf(acc, sizeof(acc), "%s%s", key, guid);
	sbc_sha1((const unsigned char *)acc, strlen(acc), sum);
	sbc_base64(sum, sizeof(sum), want);

	c->fd = sbc_tcp_connect(host, port, why, wlen);
	if (c->fd < 0)
		return -1;
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s:%u\r\nUpgrade: websocket\r\n"
		 "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
		 "%s%s%s\r\n", path, host, port, key, token ? "Authorization: Bearer " : "",
		 token ? token : "", token ? "\r\n" : "");
	n = sbc_send_all(c->fd, req, strlen(req));
	if (!n)
		n = sbc_read_reply(c->fd, head, sizeof(head), 1);
	if (n <= 0) {
		snprintf(why, wlen, "WebSocket handshake: %s", n ? strerror(-n) :
			 "connection closed");
		sbc_conn_close(c);
		return -1;
	}
	status = sbc_http_status(head);
	if (status != 101) {
		snprintf(why, wlen, "WebSocket handshake: %s %.*s", status < 0 ?
			 "not an HTTP answer:" : "HTTP", (int)strcspn(head + 9, "\r\n"), head + 9);
		sbc_conn_close(c);
		return status > 0 ? status : -1;
	}
	if (sbc_http_header(head, "Sec-WebSocket-Accept", got, sizeof(got)) || strcmp(got, want)) {
		snprintf(why, wlen, "WebSocket handshake: wrong Sec-WebSocket-Accept");
		sbc_conn_close(c);
		return -1;
	}
	return 0;
}

static int sbc_ws_frame(struct sbc_conn *c, int opcode, const void *data, size_t len)
{
	unsigned char *f, mask[4];
	size_t h = 2, i;
	int ret;

	if (getrandom(mask, sizeof(mask), 0) != sizeof(mask))
		return -errno;
	f = malloc(len + 14);
	if (!f)
		return -ENOMEM;
	f[0] = 0x80 | (unsigned char)opcode;	/* FIN: never fragmented */
	if (len < 126) {
		f[1] = 0x80 | (unsigned char)len;
	} else if (len < 65536) {
		f[1] = 0x80 | 126;
		f[2] = (unsigned char)(len >> 8);
		f[3] = (unsigned char)len;
		h = 4;
	} else {
		f[1] = 0x80 | 127;
		for (i = 0; i < 8; i++)
			f[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
		h = 10;
	}
	/* a client masks every frame */
	memcpy(f + h, mask, 4);
	for (i = 0; i < len; i++)
		f[h + 4 + i] = ((const unsigned char *)data)[i] ^ mask[i % 4];
	ret = sbc_send_all(c->fd, f, h + 4 + len);
	free(f);
	return ret;
}

int sbc_conn_send(struct sbc_conn *c, const char *text)
{
	size_t len = strlen(text);
	int ret;

	if (c->fd < 0)
		return -ENOTCONN;
	if (c->ws)
		return sbc_ws_frame(c, 1, text, len);
	ret = sbc_send_all(c->fd, text, len);
	return ret ? ret : sbc_send_all(c->fd, "\n", 1);
}

static void sbc_conn_eat(struct sbc_conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/* the frames in the buffer: dropped, pings answered; 0 or -errno */
static int sbc_ws_parse(struct sbc_conn *c)
{
	for (;;) {
		unsigned long long plen;
		size_t h = 2, ext = 0;
		int op;

		if (c->skip) {
			size_t n = c->skip < c->len ? (size_t)c->skip : c->len;

			sbc_conn_eat(c, n);
			c->skip -= n;
			if (c->skip)
				return 0;
		}
		if (c->len < 2)
			return 0;
		op = c->buf[0] & 0x0f;
		plen = c->buf[1] & 0x7f;
		/* 126: a 16-bit length follows, 127: a 64-bit one */
		if (plen >= 126)
			ext = plen == 126 ? 2 : 8;
		h += ext;
		if (c->buf[1] & 0x80)
			h += 4;		/* a server does not mask; taken anyway */
		if (c->len < h)
			return 0;
		if (ext) {
			size_t i;

			plen = 0;
			for (i = 0; i < ext; i++)
				plen = plen << 8 | c->buf[2 + i];
		}
		if (op < 8) {
			/* data (the server's hello): not needed */
			sbc_conn_eat(c, h);
			c->skip = plen;
			continue;
		}
		if (plen > 125)
			return -EPROTO;
		if (c->len < h + plen)
			return 0;
		if (op == 8)
			return -ECONNRESET;
		if (op == 9 && sbc_ws_frame(c, 10, c->buf + h, (size_t)plen))
			return -EPIPE;
		sbc_conn_eat(c, h + (size_t)plen);
	}
}

int sbc_conn_drain(struct sbc_conn *c)
{
	for (;;) {
		ssize_t n;
		int ret;

		if (c->fd < 0)
			return -ENOTCONN;
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		if (!n)
			return -ECONNRESET;
		c->len += (size_t)n;
		if (!c->ws) {
			c->len = 0;	/* the TCP stream's hello and nothing else */
			continue;
		}
		ret = sbc_ws_parse(c);
		if (ret)
			return ret;
	}
}

void sbc_conn_close(struct sbc_conn *c)
{
	if (c->fd >= 0) {
		if (c->ws)
			sbc_ws_frame(c, 8, "\x03\xe8", 2);	/* 1000: normal closure */
		close(c->fd);
	}
	c->fd = -1;
	c->len = 0;
	c->skip = 0;
}

void sbc_json_value(const char *json, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p;

	out[0] = '\0';
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p)
		return;
	p += strlen(pat);
	p += strspn(p, " ");
	if (*p == '"')
		snprintf(out, len, "%.*s", (int)strcspn(p + 1, "\""), p + 1);
	else
		snprintf(out, len, "%.*s", (int)strcspn(p, ",} "), p);
}
