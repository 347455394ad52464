/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbmsctl: shared helpers (errors, exit codes, sysfs access, the
 * settings and codes tables).
 */
#ifndef _SMARTBMSCTL_TOOLS_COMMON_H
#define _SMARTBMSCTL_TOOLS_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#ifndef SMARTBMSCTL_VERSION
#define SMARTBMSCTL_VERSION "0.1"
#endif

/* Exit codes: documented in smartbmsctl.8 and README.md. */
#define SBC_EXIT_OK		0
#define SBC_EXIT_FAIL		1	/* other failure: I/O, network, ... */
#define SBC_EXIT_USAGE		2	/* bad command line */
#define SBC_EXIT_NODEV		3	/* no BMS present */
#define SBC_EXIT_PERM		4	/* permission denied */
#define SBC_EXIT_RANGE		5	/* value out of range or malformed */
#define SBC_EXIT_UNKNOWN	6	/* unknown setting */
#define SBC_EXIT_REFUSED	7	/* the kernel refused the write */
#define SBC_EXIT_BADDATA	8	/* invalid file (calibration, settings) */
#define SBC_EXIT_NOSOURCE	9	/* policy: no state-of-charge source */

#define SBC_PSY			"smartbms"
#define SBC_PSY_ALT		"smartbms-alternator"
#define SBC_IIO_NAME		"smartbms"
#define SBC_ATTR_MAX		256

struct sbc_global {
	const char *uri;		/* -u: libiio network context */
};

void sbc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int sbc_fail(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "NAME: unexpected argument" style usage errors. */
int sbc_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* $SMARTBMS_SYSFS (default /sys) */
const char *sbc_sysfs_root(void);
int sbc_psy_path(char *buf, size_t len, const char *psy, const char *attr);
/* SBC_EXIT_OK when /sys/class/power_supply/smartbms exists, else prints why */
int sbc_check_present(void);
/* the same, silent: 1 when present */
int sbc_bms_present(void);
/* fsync the folder @path is in (a rename there is then durable); 0 or -1 */
int sbc_fsync_parent(const char *path);
/* 0 or -errno; the value without its trailing newline */
int sbc_read_attr(const char *psy, const char *attr, char *buf, size_t len);
int sbc_read_long(const char *psy, const char *attr, long *val);
int sbc_write_attr(const char *psy, const char *attr, const char *val);
/* binary attributes (monitor_state): the bytes read, or -errno */
ssize_t sbc_read_attr_bin(const char *psy, const char *attr, void *buf, size_t len);
int sbc_write_attr_bin(const char *psy, const char *attr, const void *buf, size_t len);
/* 1 when the board has a battery monitor (monitor_sync exists) */
int sbc_has_monitor(void);
/*
 * @len bytes to @path, durably: a temporary file beside it, written and
 * fsynced, renamed over it, the folder fsynced (made when missing). An
 * exit code; errors printed as "CMD: PATH: why".
 */
int sbc_write_durable(const char *cmd, const char *path, const void *data,
		      size_t len);
/* Map a write errno to an exit code and print "what: why". */
int sbc_write_error(const char *what, int err);

/* Settings (SPEC section 6, CONTRACT.md sysfs names). */
enum sbc_kind {
	SBC_KIND_ENUM,
	SBC_KIND_FUSE,
	SBC_KIND_VOLT,			/* user volts, sysfs microvolts */
	SBC_KIND_UINT,
	SBC_KIND_DECIMAL,		/* "1.05": the same in user and sysfs form */
};

/* sbc_setting.flags */
#define SBC_SET_MONITOR		0x1	/* only where the board has a battery monitor */

struct sbc_setting {
	const char *name;		/* user name: "charge-limit" */
	const char *attr;		/* sysfs attribute */
	enum sbc_kind kind;
	const char * const *values;	/* ENUM: NULL-terminated */
	long min, max;			/* VOLT: microvolts; UINT; DECIMAL: in
					 * units of the last decimal */
	const char *def;		/* factory default, user form */
	const char *help;
	const char *unit;		/* accepted after a number: "V", "%" */
	unsigned int decimals;		/* DECIMAL: digits after the point */
	unsigned int flags;		/* SBC_SET_* */
};

extern const struct sbc_setting sbc_settings[];
extern const unsigned int sbc_nsettings;
const struct sbc_setting *sbc_setting_find(const char *name);
/*
 * Validate a user value; on success store the sysfs form in out and
 * return 0, else print the error with the valid range and return
 * SBC_EXIT_RANGE.
 */
int sbc_setting_parse(const struct sbc_setting *s, const char *in,
		      char *out, size_t len);
/* The same, silent: the message ("NAME: invalid value ...") in @msg */
int sbc_setting_check(const struct sbc_setting *s, const char *in,
		      char *out, size_t len, char *msg, size_t mlen);
/* sysfs form to user form; 0 or SBC_EXIT_FAIL when unparsable */
int sbc_setting_format(const struct sbc_setting *s, const char *sysval,
		       char *out, size_t len);
#ifdef SBC_USE_CORE
/* core-glue.c: the core's parsers decide; 0 ok, 1 refused (@why), -1 n/a */
int sbc_core_setting(const char *name, const char *in, char *out, size_t len,
		     char *why, size_t wlen);
#endif
/* "core" or "tool": whose parsers and limits validate the settings */
const char *sbc_settings_parser_name(void);
/* "one of: a b c" / "13.0..15.3 V" */
void sbc_setting_range(const struct sbc_setting *s, char *out, size_t len);

/* Fuse rows of BMS-ALT-3 */
struct sbc_fuse {
	const char *name;
	unsigned int limit_a;
};
extern const struct sbc_fuse sbc_fuses[];
extern const unsigned int sbc_nfuses;
const struct sbc_fuse *sbc_fuse_find(const char *name);

/* Codes of SPEC section 7 with the manual's appendix B texts */
struct sbc_code {
	const char *code;
	const char *title;
	const char *cause;
	const char *remedy;
};
extern const struct sbc_code sbc_codes[];
extern const unsigned int sbc_ncodes;
const struct sbc_code *sbc_code_find(const char *code);

/* Strict decimal: "14.4" with scale 1000000 -> 14400000 */
int sbc_parse_fixed(const char *s, long scale, long *out);
int sbc_parse_uint(const char *s, unsigned long max, unsigned long *out);
/* JSON string with escapes */
void sbc_json_str(FILE *f, const char *s);

/* Common --help detection: returns 1 when argv has -h/--help */
int sbc_wants_help(int argc, char **argv);
/* Sleep in milliseconds; returns early on signal. */
void sbc_sleep_ms(long ms);
/* CLOCK_MONOTONIC in milliseconds */
long long sbc_now_ms(void);
/* strftime of now: "2024-01-01 12:00:00" */
void sbc_timestamp(char *buf, size_t len);

/* set.c / save.c */
int sbc_get_setting(const struct sbc_setting *s, char *out, size_t len);
int sbc_set_setting(const struct sbc_setting *s, const char *value);
int sbc_dump_settings(FILE *f);
/* BMS-SET-4: the settings file, written durably */
const char *sbc_settings_file(void);
int sbc_save_file(const char *path);
int sbc_settings_in_nvmem(void);
/* after a change: save the file where no NVMEM cell keeps the settings */
int sbc_settings_persist(const char *cmd);

/* uevent.c: the driver's events over NETLINK_KOBJECT_UEVENT */
struct sbc_uevent {
	char event[48];			/* SMARTBMS_EVENT: load-disconnect, ... */
	char reason[48];		/* SMARTBMS_REASON: A-B11, atd, ..., none */
};
/* a bound socket, or -errno */
int sbc_uevent_open(void);
/*
 * One datagram: 1 when it was a smartbms event (in @ev), 2 for any other
 * change of the smartbms supplies, 0 for anything else, -ENOBUFS when
 * events were lost (receive buffer overflow), other -errno on failure.
 * Only the kernel's and root's messages count.
 */
int sbc_uevent_read(int fd, struct sbc_uevent *ev);

/* Commands */
int cmd_status(int argc, char **argv, const struct sbc_global *g);
int cmd_set(int argc, char **argv, const struct sbc_global *g);
int cmd_get(int argc, char **argv, const struct sbc_global *g);
int cmd_reset(int argc, char **argv, const struct sbc_global *g);
int cmd_save(int argc, char **argv, const struct sbc_global *g);
int cmd_restore(int argc, char **argv, const struct sbc_global *g);
int cmd_policy(int argc, char **argv, const struct sbc_global *g);
int cmd_calibration(int argc, char **argv, const struct sbc_global *g);
int cmd_calibrate(int argc, char **argv, const struct sbc_global *g);
int cmd_lines(int argc, char **argv, const struct sbc_global *g);
int cmd_log(int argc, char **argv, const struct sbc_global *g);
int cmd_instant_readout(int argc, char **argv, const struct sbc_global *g);
int cmd_monitor(int argc, char **argv, const struct sbc_global *g);

/* monitor.c: the saved state of charge, at boot (restore --boot) */
const char *sbc_soc_file(void);
int sbc_soc_restore(const char *path, int boot);

/* mqtt.c, or bridge.c's "not built in" without libmosquitto (MQTT=0) */
int cmd_mqtt(int argc, char **argv, const struct sbc_global *g);
int cmd_signalk(int argc, char **argv, const struct sbc_global *g);

/* Refuse -u for commands that only work on the local sysfs. */
int sbc_local_only(const char *cmd, const struct sbc_global *g);

#endif
