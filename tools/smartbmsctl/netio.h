/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbmsctl: the little of TCP, HTTP and WebSocket (RFC 6455, client
 * side, no TLS) the signalk bridge needs.
 */
#ifndef _SMARTBMSCTL_NETIO_H
#define _SMARTBMSCTL_NETIO_H

#include <stddef.h>

#define SBC_NET_TIMEOUT_MS	5000	/* connect, handshake, a send */

struct sbc_conn {
	int fd;				/* -1: closed */
	int ws;				/* WebSocket frames, else lines */
	unsigned char buf[4096];	/* what came and is not yet parsed */
	size_t len;
	unsigned long long skip;	/* bytes of a long frame still to drop */
};

/* a connected socket, or -1 with @why */
int sbc_tcp_connect(const char *host, unsigned int port, char *why, size_t wlen);

/*
 * GET @path (with "Authorization: Bearer @token" when given): the HTTP
 * status with the body in @body, or -1 with @why.
 */
int sbc_http_get(const char *host, unsigned int port, const char *path, const char *token,
		 char *body, size_t blen, char *why, size_t wlen);

/*
 * Open a WebSocket on @path: 0; the HTTP status when the server refused
 * the upgrade (401: the token); -1 with @why otherwise.
 */
int sbc_ws_open(struct sbc_conn *c, const char *host, unsigned int port, const char *path,
		const char *token, char *why, size_t wlen);

/* a text frame (WebSocket) or the text and a newline (TCP): 0 or -errno */
int sbc_conn_send(struct sbc_conn *c, const char *text);
/*
 * Read what the server sent and drop it, answering WebSocket pings: 0,
 * or -errno when the connection is over (-ECONNRESET: closed by the peer).
 */
int sbc_conn_drain(struct sbc_conn *c);
void sbc_conn_close(struct sbc_conn *c);

/* the string value of "key" in flat JSON text, or "" (true/false as text) */
void sbc_json_value(const char *json, const char *key, char *out, size_t len);

#endif
