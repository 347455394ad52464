/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbmsctl instant-readout: the parts with I/O (cipher, key and nonce
 * files, the driver's state, Bluetooth management sockets).
 */
#ifndef _SMARTBMSCTL_IR_H
#define _SMARTBMSCTL_IR_H

#include <stdio.h>

#include "ir-record.h"

/* ir-crypto.c: AES-128-CTR of at most 16 bytes; 0, or -1 and @why */
int sbc_ir_crypt(const uint8_t key[SBC_IR_KEY_LEN], uint16_t nonce, const uint8_t *in,
		 uint8_t *out, size_t len, const char **why);
/* key check value (AES of a zero block, 3 bytes): tags the nonce file */
int sbc_ir_key_check(const uint8_t key[SBC_IR_KEY_LEN], uint8_t kcv[3]);

/* ir-store.c: the key and the nonce, both root-only files */
#define SBC_IR_KEY_FILE		"/var/lib/smartbms/instant-readout.key"
#define SBC_IR_NONCE_FILE	"/var/lib/smartbms/instant-readout.nonce"
/* nonces reserved ahead per write of the nonce file */
#define SBC_IR_NONCE_RESERVE	3600

struct sbc_ir_store {
	const char *key_file, *nonce_file;
	uint8_t key[SBC_IR_KEY_LEN];
	uint8_t kcv[3];
	unsigned long long next;	/* payloads sent with this key so far */
	unsigned long long limit;	/* persisted: next never reaches it unsaved */
	unsigned long long key_dev, key_ino;	/* the key file as loaded */
};

/* $SMARTBMS_IR_KEY_FILE / $SMARTBMS_IR_NONCE_FILE, else the defaults */
void sbc_ir_store_init(struct sbc_ir_store *s, const char *key_file,
		       const char *nonce_file);
/*
 * Read the key, creating it (and a fresh nonce file) when there is none
 * and @create is set; *created says so. 0 or an exit code (printed).
 */
int sbc_ir_key_load(struct sbc_ir_store *s, int create, int *created);
/* A new key replaces the old one; the nonce count restarts. 0 or exit code. */
int sbc_ir_key_rotate(struct sbc_ir_store *s);
/* Whether the key file changed since it was loaded (rotated meanwhile). */
int sbc_ir_key_changed(const struct sbc_ir_store *s);
/* The nonce file for the loaded key: 0 or an exit code (printed). */
int sbc_ir_nonce_load(struct sbc_ir_store *s);
/*
 * The nonce for the next payload: reserves (persists) a new block first
 * when the reserve is used up. 0 or an exit code (printed); *wrapped is
 * set when this nonce has been used with this key before (65536 ago).
 */
int sbc_ir_nonce_next(struct sbc_ir_store *s, uint16_t *nonce, int *wrapped);
void sbc_ir_store_wipe(struct sbc_ir_store *s);

/* ir-state.c: the driver's state for the record; 0 or -errno */
int sbc_ir_read_state(struct sbc_ir_state *st, char *codes, size_t len);

/* ir-codec.c: print a decrypted record (fields by name for 0x0A) */
void sbc_ir_print(FILE *f, const struct sbc_ir_header *h, const uint8_t *pt, size_t len);
/* "bms" or "battery-monitor" to the record type, or -1 */
int sbc_ir_record_type(const char *name);
/* Parse a 32-hex-digit key: 0 or -1. */
int sbc_ir_parse_key(const char *s, uint8_t key[SBC_IR_KEY_LEN]);

/* ir-mgmt.c: the kernel's Bluetooth management interface */
struct sbc_mgmt;
typedef void (*sbc_mgmt_event_fn)(void *ctx, uint16_t ev, uint16_t index,
				  const uint8_t *data, size_t len);
/* 0 or -errno */
int sbc_mgmt_open(struct sbc_mgmt **m, sbc_mgmt_event_fn fn, void *ctx);
void sbc_mgmt_close(struct sbc_mgmt *m);
int sbc_mgmt_fd(const struct sbc_mgmt *m);
/*
 * Send a command and wait for its reply (events meanwhile go to the
 * callback). Returns the mgmt status (0 success), or -errno; *rlen is
 * the reply's length (at most its value on entry).
 */
int sbc_mgmt_cmd(struct sbc_mgmt *m, uint16_t op, uint16_t index, const void *param,
		 size_t plen, void *rsp, size_t *rlen);
/* Read and dispatch the pending events: 0 or -errno. */
int sbc_mgmt_dispatch(struct sbc_mgmt *m);
const char *sbc_mgmt_strstatus(int status);
/*
 * The controller to use: @want (>= 0) or the first with LE; 0 or an exit
 * code, printed unless @cmd is NULL.
 */
int sbc_mgmt_pick(struct sbc_mgmt *m, int want, uint16_t *index, uint32_t *settings,
		  const char *cmd);

#define SBC_MGMT_SETTING_POWERED	(1u << 0)
#define SBC_MGMT_SETTING_CONNECTABLE	(1u << 1)
#define SBC_MGMT_SETTING_LE		(1u << 9)
#define SBC_MGMT_SETTING_ADVERTISING	(1u << 10)

#define SBC_MGMT_OP_READ_INDEX_LIST	0x0003
#define SBC_MGMT_OP_READ_INFO		0x0004
#define SBC_MGMT_OP_START_DISCOVERY	0x0023
#define SBC_MGMT_OP_STOP_DISCOVERY	0x0024
#define SBC_MGMT_OP_READ_ADV_FEATURES	0x003d
#define SBC_MGMT_OP_ADD_ADVERTISING	0x003e
#define SBC_MGMT_OP_REMOVE_ADVERTISING	0x003f
#define SBC_MGMT_OP_ADD_ADV_MONITOR	0x0052
#define SBC_MGMT_OP_REMOVE_ADV_MONITOR	0x0053
#define SBC_MGMT_OP_ADD_EXT_ADV_PARAMS	0x0054
#define SBC_MGMT_OP_ADD_EXT_ADV_DATA	0x0055

#define SBC_MGMT_EV_INDEX_ADDED		0x0004
#define SBC_MGMT_EV_INDEX_REMOVED	0x0005
#define SBC_MGMT_EV_NEW_SETTINGS	0x0006
#define SBC_MGMT_EV_DEVICE_FOUND	0x0012
#define SBC_MGMT_EV_DISCOVERING		0x0013
#define SBC_MGMT_EV_ADV_ADDED		0x0023
#define SBC_MGMT_EV_ADV_REMOVED		0x0024
#define SBC_MGMT_EV_ADV_MONITOR_FOUND	0x002f

#define SBC_MGMT_STATUS_UNKNOWN_COMMAND	0x01
#define SBC_MGMT_STATUS_BUSY		0x0a
#define SBC_MGMT_STATUS_REJECTED	0x0b
#define SBC_MGMT_STATUS_INVALID_PARAMS	0x0d
#define SBC_MGMT_STATUS_NOT_POWERED	0x0f
#define SBC_MGMT_STATUS_INVALID_INDEX	0x11

/* ir-adv.c: one advertising instance on one controller */
struct sbc_adv {
	struct sbc_mgmt *m;
	int want;		/* --index, -1: the first controller with LE */
	int connectable;	/* --connectable */
	int have_index;
	uint16_t index;
	uint32_t settings;	/* the controller's current settings */
	uint8_t instance;	/* 0: none added */
	int ext;		/* parameters added, data updated on its own */
	int legacy_only;	/* the kernel has no Add Extended Advertising */
	int state;		/* what was said last */
};
/* Advertise @ad (an AD structure) now: 0, or an exit code (printed). */
int sbc_adv_update(struct sbc_adv *a, const uint8_t *ad, size_t len);
/* Whether the record is on the air (as far as the kernel said). */
int sbc_adv_active(const struct sbc_adv *a);
/* Stop advertising; quiet when there is nothing to stop. */
void sbc_adv_stop(struct sbc_adv *a);
/* Event handler for the service's mgmt socket. */
void sbc_adv_event(void *ctx, uint16_t ev, uint16_t index, const uint8_t *data, size_t len);

/* Subcommands */
int sbc_ir_cmd_key(int argc, char **argv);
int sbc_ir_cmd_decode(int argc, char **argv);
int sbc_ir_cmd_encode(int argc, char **argv);
int sbc_ir_cmd_encrypt(int argc, char **argv);
int sbc_ir_cmd_scan(int argc, char **argv);
int sbc_ir_cmd_run(int argc, char **argv);

#endif
