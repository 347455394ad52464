/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SMARTBMSCTL_STATUS_H
#define _SMARTBMSCTL_STATUS_H

#include <stdio.h>

#define SBC_IIO_NCHAN	4

#define SBC_HAVE_VBAT	0x01
#define SBC_HAVE_VSTART	0x02
#define SBC_HAVE_IALT	0x04
#define SBC_HAVE_TEMP	0x08	/* IIO internal temperature, m°C */
#define SBC_HAVE_LIMIT	0x10
#define SBC_HAVE_PSYTEMP 0x20	/* battery supply temp (tbat), 0.1 °C */
#define SBC_HAVE_ALTTEMP 0x40	/* alternator supply temp (limiter), 0.1 °C */

/* Measurements, in uV, uA, m°C. */
struct sbc_meas {
	unsigned int have;
	long vbat_uv, vstart_uv, ialt_ua, temp_mc, limit_ua, psy_temp_dc;
	long alt_temp_dc;
};

/* sbc_battery.have: the values the driver gave (else unknown, ENODATA) */
#define SBC_BAT_CURRENT	0x01	/* current_now, uA, + = into the battery */
#define SBC_BAT_SOC	0x02	/* capacity, % */
#define SBC_BAT_CHARGE	0x04	/* charge_now, uAh */
#define SBC_BAT_FULL	0x08	/* charge_full, uAh */
#define SBC_BAT_TTE	0x10	/* time_to_empty_now, s */
#define SBC_BAT_TTF	0x20	/* time_to_full_now, s */

/* The battery monitor (BMS-MON-4), on a board with a battery current. */
struct sbc_battery {
	int present;			/* the board has a monitor */
	unsigned int have;		/* SBC_BAT_* */
	long current_ua, soc_pct, charge_uah, full_uah, tte_s, ttf_s;
	char sync[24], why[24];		/* monitor_sync, monitor_sync_reason */
};

#define SBC_OUT_NUM	4

/* The four output lines: attribute, label, meaning of high and low. */
struct sbc_output {
	const char *attr;
	const char *label;
	const char *high;
	const char *low;
};
extern const struct sbc_output sbc_outputs[SBC_OUT_NUM];

/* One status snapshot. */
struct sbc_state {
	struct sbc_meas m;
	int local;			/* the sysfs fields below are valid */
	char sw[16], remote[16], fuse[16], status[32], health[32];
	int out[SBC_OUT_NUM];		/* -1: unknown */
	char codes[SBC_ATTR_MAX], faults[SBC_ATTR_MAX], implausible[SBC_ATTR_MAX];
	struct sbc_battery bat;
};

/* status.c: the local sysfs state; SBC_EXIT_NODEV (said) without a BMS */
int sbc_status_sysfs(struct sbc_state *st);

/* status-print.c */
/* the alternator current in % of the limit, rounded; needs IALT and LIMIT */
long sbc_percent(const struct sbc_meas *m);
/* the next word of a space-separated list into @w, or NULL at the end */
const char *sbc_word(const char *s, char *w, size_t len);
void sbc_print_text(FILE *f, const struct sbc_state *st);
void sbc_print_json(FILE *f, const struct sbc_state *st, const char *source);

struct sbc_iio;
struct sbc_iio *sbc_iio_open(const char *uri, int *err);
void sbc_iio_close(struct sbc_iio *io);
int sbc_iio_read(struct sbc_iio *io, struct sbc_meas *m);
int sbc_iio_buffer_start(struct sbc_iio *io);
int sbc_iio_buffer_read(struct sbc_iio *io, struct sbc_meas *m);

#endif
