/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instant Readout: Victron's "extra manufacturer data" in a BLE
 * advertisement, and the (Lynx Smart) BMS record 0x0A this board sends.
 * Pure code, no I/O: bit packing, the record, the framing, and the map
 * from the driver's state to the record's fields.
 */
#ifndef _SMARTBMSCTL_IR_RECORD_H
#define _SMARTBMSCTL_IR_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define SBC_IR_COMPANY_ID	0x02E1	/* Victron Energy BV */
#define SBC_IR_PREFIX		0x10	/* "product advertisement" */
#define SBC_IR_PRODUCT_ID	0xA3E0	/* Smart BMS CL 12-100 */
#define SBC_IR_RECORD_BMS	0x0A	/* (Lynx Smart) BMS record */
#define SBC_IR_RECORD_BMV	0x02	/* Battery Monitor record (SmartShunt, BMV) */
#define SBC_IR_BMV_LEN		15	/* bytes of a Battery Monitor payload */
#define SBC_IR_HDR_LEN		8	/* 0x10, byte, product, record, nonce, key[0] */
#define SBC_IR_MAX_PAYLOAD	16	/* one AES block: one counter per nonce */
#define SBC_IR_KEY_LEN		16
/* AD structure: length, type 0xFF, company id, header, payload */
#define SBC_IR_AD_MAX		(2 + 2 + SBC_IR_HDR_LEN + SBC_IR_MAX_PAYLOAD)

/* The record's "not available" values */
#define SBC_IR_TTG_NA		0xFFFF
#define SBC_IR_VOLTAGE_NA	0x7FFF
#define SBC_IR_CURRENT_NA	0x7FFF
#define SBC_IR_SOC_NA		0x3FF
#define SBC_IR_CONSUMED_NA	0xFFFFF
#define SBC_IR_TEMP_NA		0x7F
#define SBC_IR_BMV_CURRENT_NA	0x3FFFFF	/* 22 bits: -1 mA read signed */

/* Battery Monitor: aux input modes, alarm reasons (Victron's VE_REG_ALARM_REASON) */
#define SBC_IR_AUX_STARTER	0
#define SBC_IR_AUX_MIDPOINT	1
#define SBC_IR_AUX_TEMPERATURE	2
#define SBC_IR_AUX_NONE		3
#define SBC_IR_ALARM_LOW_VOLTAGE	0x0001
#define SBC_IR_ALARM_HIGH_TEMPERATURE	0x0040
#define SBC_IR_ALARM_BMS_LOCKOUT	0x2000

/* 2-bit states of the IO status and the alarm fields [ours, see ir-record.c] */
#define SBC_IR_IO_NA		0
#define SBC_IR_IO_ON		1
#define SBC_IR_IO_OFF		2
#define SBC_IR_ALARM_NA		0
#define SBC_IR_ALARM_OK		1
#define SBC_IR_ALARM_WARNING	2
#define SBC_IR_ALARM_ALARM	3

/* IO status: the bit offset of each 2-bit field */
#define SBC_IR_IO_REMOTE	0
#define SBC_IR_IO_CHARGE	2	/* Charge Disconnect: allowed to charge */
#define SBC_IR_IO_LOAD		4	/* Load Disconnect: allowed to discharge */
#define SBC_IR_IO_PREALARM	6	/* pre-alarm output ("external relay") */
#define SBC_IR_IO_ALTERNATOR	8	/* alternator path */

/* Alarms: the bit offset of each 2-bit field */
#define SBC_IR_AL_LOW_CELL	0	/* A-B11 alarm, W-B12 warning */
#define SBC_IR_AL_HIGH_CURRENT	2
#define SBC_IR_AL_INTERNAL_TEMP	4	/* A-B15 */
#define SBC_IR_AL_CONTACTOR	6
#define SBC_IR_AL_BMS_CABLE	8	/* E-B32 */
#define SBC_IR_AL_LOAD_OFF	10	/* Load Disconnect low */
#define SBC_IR_AL_LOW_SOC	12
#define SBC_IR_AL_HIGH_TEMP	16

/* The fields of the 0x0A record as sent (units of the record). */
struct sbc_ir_bms {
	uint8_t error;		/* 0 none, else ours: 30 = E-B30 ... */
	uint16_t ttg;		/* time to go, minutes */
	int16_t voltage;	/* 10 mV */
	int16_t current;	/* 100 mA, + = into the battery */
	uint16_t io;		/* 2-bit fields, SBC_IR_IO_* */
	uint32_t alarms;	/* 18 bits of 2-bit fields, SBC_IR_AL_* */
	uint16_t soc;		/* 0.1 %, 10 bits */
	uint32_t consumed;	/* 0.1 Ah taken out (Victron shows -value), 20 bits */
	uint8_t temp;		/* battery temperature, degC + 40, 7 bits */
};

/*
 * The fields of the 0x02 Battery Monitor record, offered for receivers
 * that read no 0x0A record (Home Assistant's victron_ble parser).
 */
struct sbc_ir_bmv {
	uint16_t ttg;		/* minutes */
	int16_t voltage;	/* 10 mV */
	uint16_t alarm;		/* one SBC_IR_ALARM_* reason, or 0 */
	uint16_t aux;		/* starter voltage, 10 mV (signed), by aux_mode */
	uint8_t aux_mode;	/* SBC_IR_AUX_* */
	int32_t current;	/* mA, 22 bits signed, + = into the battery */
	uint32_t consumed;	/* 0.1 Ah taken out, 20 bits */
	uint16_t soc;		/* 0.1 %, 10 bits */
};

/* What the driver says, in its units; a field is used when its bit is set. */
#define SBC_IR_HAVE_VOLTAGE	0x01
#define SBC_IR_HAVE_CURRENT	0x02
#define SBC_IR_HAVE_TTE		0x04
#define SBC_IR_HAVE_SOC		0x08
#define SBC_IR_HAVE_CHARGE	0x10	/* charge_full and charge_now */
#define SBC_IR_HAVE_TEMP	0x20
#define SBC_IR_HAVE_REMOTE	0x40
#define SBC_IR_HAVE_VSTART	0x80

struct sbc_ir_state {
	unsigned int have;
	long voltage_uv;	/* voltage_now */
	long current_ua;	/* current_now, + = into the battery */
	long tte_s;		/* time_to_empty_now */
	long capacity_pct;	/* capacity */
	long charge_full_uah, charge_now_uah;
	long temp_dc;		/* temp, 0.1 degC */
	long vstart_uv;		/* the alternator supply's voltage_now */
	int remote_on;		/* remote */
	int out[4];		/* load, charge, prealarm, alternator: 1, 0, -1 unknown */
	const char *codes;	/* "E-B32 A-B11" */
};

/* The record header, after the company id. */
struct sbc_ir_header {
	uint8_t byte1;		/* 0x00 from this board */
	uint16_t product;
	uint8_t record;
	uint16_t nonce;
	uint8_t key0;		/* the key's first byte: a receiver's quick check */
};

/* Bits LSB-first from bit @pos of @buf (1 to 32 bits). */
void sbc_ir_put_bits(uint8_t *buf, unsigned int pos, unsigned int n, uint32_t v);
uint32_t sbc_ir_get_bits(const uint8_t *buf, unsigned int pos, unsigned int n);
int32_t sbc_ir_get_sbits(const uint8_t *buf, unsigned int pos, unsigned int n);

/* 16 bytes; unused bits are sent as 1, as Victron's devices do. */
void sbc_ir_bms_encode(const struct sbc_ir_bms *r, uint8_t out[SBC_IR_MAX_PAYLOAD]);
void sbc_ir_bms_decode(const uint8_t in[SBC_IR_MAX_PAYLOAD], struct sbc_ir_bms *r);

/* The record for the driver's state (the mapping is documented in ir-record.c). */
void sbc_ir_bms_from_state(const struct sbc_ir_state *st, struct sbc_ir_bms *r);

/* The Battery Monitor record: 15 bytes, unused bits sent as 1. */
void sbc_ir_bmv_encode(const struct sbc_ir_bmv *r, uint8_t out[SBC_IR_BMV_LEN]);
void sbc_ir_bmv_decode(const uint8_t in[SBC_IR_BMV_LEN], struct sbc_ir_bmv *r);
void sbc_ir_bmv_from_state(const struct sbc_ir_state *st, struct sbc_ir_bmv *r);
uint8_t sbc_ir_error_code(const char *codes);

/* 2-bit field @off of an IO status or alarms value */
static inline unsigned int sbc_ir_field(uint32_t v, unsigned int off)
{
	return (v >> off) & 3;
}

/*
 * Manufacturer data after the company id: header then @len bytes of
 * ciphertext. Returns the length written, 0 when @out is too small or
 * @len is over SBC_IR_MAX_PAYLOAD.
 */
size_t sbc_ir_frame(const struct sbc_ir_header *h, const uint8_t *ct, size_t len,
		    uint8_t *out, size_t outlen);
/* The whole AD structure (length, 0xFF, company id, frame). */
size_t sbc_ir_ad(const struct sbc_ir_header *h, const uint8_t *ct, size_t len,
		 uint8_t *out, size_t outlen);

/*
 * Split manufacturer data (with or without the leading company id
 * e1 02) into header and ciphertext. NULL on success, else why not.
 */
const char *sbc_ir_parse(const uint8_t *data, size_t len, struct sbc_ir_header *h,
			 const uint8_t **ct, size_t *ctlen);

/* Find Victron manufacturer data in AD/EIR structures; NULL when none. */
const uint8_t *sbc_ir_find(const uint8_t *ad, size_t len, size_t *mlen);

/* "Lynx Smart BMS" etc. for a record type; "unknown" when not known. */
const char *sbc_ir_record_name(uint8_t record);

/* Hex to bytes, whole string; -1 when not hex or not @max bytes or less. */
int sbc_ir_unhex(const char *s, uint8_t *out, size_t max);
void sbc_ir_hex(const uint8_t *b, size_t n, char *out);

#endif
