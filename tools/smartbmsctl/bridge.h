/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbmsctl: what the two bridges (mqtt, signalk) share: the state
 * they publish, the board's id, the options file, secrets from files,
 * the reconnect backoff and the queue of events that wait for a
 * connection.
 */
#ifndef _SMARTBMSCTL_BRIDGE_H
#define _SMARTBMSCTL_BRIDGE_H

#include <getopt.h>
#include <stdio.h>

#include "tools-common.h"
#include "status.h"

/* how often the driver is read for changes between uevents */
#define SBC_BRIDGE_POLL_MS	1000
/* reconnect backoff: 1 s, doubled per failure, at most 60 s */
#define SBC_BACKOFF_MIN_MS	1000
#define SBC_BACKOFF_MAX_MS	60000
/* events kept while the server is away; older ones are dropped (said) */
#define SBC_EVQ_LEN		64

/* the battery monitor's values, where the board has one (sbc_snap.mon) */
#define SBC_MON_PRESENT		0x01	/* monitor_sync exists */
#define SBC_MON_CURRENT		0x02
#define SBC_MON_SOC_ATTR	0x04	/* capacity exists ... */
#define SBC_MON_SOC		0x08	/* ... and reads (else unknown) */
#define SBC_MON_TTE		0x10
#define SBC_MON_TTF		0x20

/* One reading of everything the bridges publish. */
struct sbc_snap {
	int present;			/* the smartbms supply exists */
	struct sbc_state st;		/* status.c's reading */
	int alt_current;		/* st.m.ialt_ua is the alternator supply's */
	int bat_temp, bms_temp;		/* the supplies have a temp attribute */
	int have_limit;			/* charge_limit_uv read */
	long charge_limit_uv;
	unsigned int mon;		/* SBC_MON_* */
	long bat_ua, soc_pct, tte_s, ttf_s;
	char sync[32];
};

/* everything at once; present = 0 when the BMS is absent */
void sbc_snap_read(struct sbc_snap *s);

/* "error", "alarm", "warning" for E-, A-, W- codes, else NULL */
const char *sbc_code_class(const char *code);
/* whether the space-separated @codes hold one of class @cls */
int sbc_codes_have(const char *codes, const char *cls);

/* value/div with @dec decimals (0..6), sign kept: "13.200" */
void sbc_fmt_fixed(char *buf, size_t len, long v, long div, int dec);

/*
 * The board's id, stable across reboots: "smartbms" and 12 hex digits of
 * a hash of the board's serial number (device tree), else its DMI product
 * UUID, else /etc/machine-id. Letters and digits only (Signal K ids).
 */
int sbc_board_id(char *buf, size_t len);
/* letters, digits and, with @dash, '-' and '_'; 1..64 characters */
int sbc_id_valid(const char *id, int dash);

/*
 * Options of @cmd: those of a --config FILE first (one "name value" or
 * "name" per line, '#' comments, names as the long options), then the
 * command line's, so that the command line wins. Calls @opt for every
 * option getopt_long returns (with optarg set); stops at its first
 * non-zero return. -1 for --help: printed. Exit code otherwise.
 */
typedef int (*sbc_opt_fn)(void *ctx, int opt, const char *arg);
int sbc_bridge_options(const char *cmd, int argc, char **argv,
		       const char *shortopts, const struct option *longopts,
		       sbc_opt_fn fn, void *ctx);

/* the first line of a secret file (password, token), never empty */
int sbc_read_secret(const char *cmd, const char *opt, const char *path,
		    char *buf, size_t len);

/* ---- reconnect backoff ---- */
struct sbc_backoff {
	long delay_ms;
	long long next_ms;		/* when to try again */
};
void sbc_backoff_reset(struct sbc_backoff *b);
/* a failure: the next attempt waits twice as long, at most 60 s */
void sbc_backoff_fail(struct sbc_backoff *b, long long now);

/* ---- events waiting for a connection ---- */
struct sbc_event {
	unsigned long seq;		/* counts from 1 per run */
	char time[32];			/* UTC, ISO 8601 with ms */
	struct sbc_uevent ev;
};
struct sbc_evq {
	struct sbc_event ev[SBC_EVQ_LEN];
	unsigned int head, len;
	unsigned long seq, dropped;
};
/* stamp @ev (seq, time) into @out */
void sbc_event_stamp(struct sbc_evq *q, const struct sbc_uevent *ev,
		     struct sbc_event *out);
/* keep it for later; the oldest goes when full (counted in dropped) */
void sbc_evq_push(struct sbc_evq *q, const struct sbc_event *e);
/* the oldest kept, or NULL */
const struct sbc_event *sbc_evq_peek(const struct sbc_evq *q);
void sbc_evq_pop(struct sbc_evq *q);

/* UTC now, "2026-01-01T12:00:00.123Z" */
void sbc_utc_now(char *buf, size_t len);

/* a growing string (open_memstream) for JSON payloads */
struct sbc_buf {
	FILE *f;
	char *s;
	size_t len;
};
FILE *sbc_buf_open(struct sbc_buf *b);
/* the text; NULL when out of memory */
const char *sbc_buf_str(struct sbc_buf *b);
void sbc_buf_free(struct sbc_buf *b);

#endif
