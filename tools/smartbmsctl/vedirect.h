/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbmsctl: VE.Direct text-protocol reader (Victron BMV, SmartShunt).
 * vedirect.c says what the protocol is and where that comes from.
 */
#ifndef _SMARTBMSCTL_VEDIRECT_H
#define _SMARTBMSCTL_VEDIRECT_H

#include <stddef.h>

#define VED_LABEL_MAX		16	/* Victron's longest is 8 ("Checksum") */
#define VED_VALUE_MAX		40	/* Victron's longest is 32 */
#define VED_FIELDS_MAX		32	/* fields in a block; Victron sends <= 22 */
#define VED_HEX_MAX		256	/* a hex message longer than this is noise */

enum ved_soc {
	VED_SOC_NONE,			/* the block has no SOC field */
	VED_SOC_OK,			/* soc_pm holds it */
	VED_SOC_UNSYNC,			/* "---": the monitor is not synchronised */
	VED_SOC_INVALID,		/* not 0..1000: soc_raw says what came */
};

#define VED_HAS_V		(1U << 0)
#define VED_HAS_I		(1U << 1)

/* What the policy uses of one good block. */
struct ved_block {
	unsigned int nfields;		/* fields before Checksum */
	enum ved_soc soc;
	long soc_pm;			/* SOC, per mille (tenths of a percent) */
	char soc_raw[VED_VALUE_MAX + 1];
	unsigned int has;		/* VED_HAS_* */
	long v_mv;			/* V: battery voltage, mV */
	long i_ma;			/* I: battery current, mA, + = into the battery */
};

/* Why a block was dropped; index of ved_stats.dropped[]. */
enum ved_drop {
	VED_KEEP,
	VED_DROP_CHECKSUM,		/* the bytes do not sum to 0 */
	VED_DROP_TRUNCATED,		/* a field came twice: the block lost its end */
	VED_DROP_MALFORMED,		/* not "\r\nLABEL\tVALUE" lines */
	VED_DROP_NR,
};

struct ved_stats {
	unsigned long good;		/* blocks that passed their checksum */
	unsigned long dropped[VED_DROP_NR];	/* after the first good block */
	unsigned long skipped;		/* dropped before it (opened mid-block) */
	unsigned long hex;		/* hex-protocol messages skipped */
	unsigned long noise;		/* bytes outside any block */
};

enum ved_state {
	VED_IDLE,			/* between blocks: wait for "\r\n" */
	VED_NL,				/* '\r' seen: '\n' starts a field */
	VED_LABEL,
	VED_VALUE,
	VED_CHECKSUM,			/* the next byte is the checksum, any byte */
	VED_HEX,			/* a hex-protocol message, up to its '\n' */
};

struct ved_parser {
	enum ved_state state;
	enum ved_state resume;		/* where a hex message interrupted */
	unsigned int hexlen;
	unsigned char sum;		/* of the block's bytes so far */
	int started;			/* the block's first "\r\n" came */
	enum ved_drop bad;		/* the block is dropped at its end */
	char label[VED_LABEL_MAX + 1];
	char value[VED_VALUE_MAX + 1];
	unsigned int llen, vlen;
	char seen[VED_FIELDS_MAX][VED_LABEL_MAX + 1];
	unsigned int nseen;
	struct ved_block blk;		/* the block being received */
	int synced;			/* a good block came */
	struct ved_stats st;
};

enum ved_event {
	VED_EV_NONE,
	VED_EV_BLOCK,			/* a good block: in *out */
	VED_EV_DROP,			/* a block was dropped (counted in st) */
};

void ved_init(struct ved_parser *vp);
/* Forget a partial block (the port was reopened); the counters stay. */
void ved_resync(struct ved_parser *vp);
enum ved_event ved_feed(struct ved_parser *vp, unsigned char c,
			struct ved_block *out);
/*
 * Feed @len bytes. Returns how many good blocks with a SOC field came,
 * the last of them in *soc (untouched when none).
 */
unsigned int ved_feed_buf(struct ved_parser *vp, const void *buf, size_t len,
			  struct ved_block *soc);
const char *ved_drop_name(enum ved_drop d);
unsigned long ved_dropped(const struct ved_stats *st);

/* A serial port with a VE.Direct device on it. */
struct ved_port {
	const char *path;
	int fd;				/* -1: closed */
	struct ved_parser vp;
	struct ved_block soc;		/* the last good block with a SOC field */
	long long soc_ms;		/* when it came; 0: none yet */
	long long good_ms;		/* the last good block of any kind; 0: none */
	long long open_ms;		/* when the port was opened */
};

long long ved_now_ms(void);
void ved_port_init(struct ved_port *vd, const char *path);
/* Open @vd->path; a tty is set raw, 19200 8N1. 0 or -errno. */
int ved_open(struct ved_port *vd);
void ved_close(struct ved_port *vd);
/*
 * Read and parse until @until_ms (ved_now_ms() time) or, with
 * @stop_on_soc, until a good block with a SOC field came. 0 then;
 * -EINTR on a signal; -EPIPE when the port hung up or the file ended;
 * another -errno when reading failed.
 */
int ved_pump(struct ved_port *vd, long long until_ms, int stop_on_soc);

#endif
