// SPDX-License-Identifier: GPL-2.0
/*
 * Instant Readout cipher: AES-128-CTR with OpenSSL's libcrypto.
 *
 * The 16-byte initial counter block is the record's nonce (the data
 * counter) little-endian in bytes 0-1, the rest zero: victron-ble's
 * Counter.new(128, initial_value=nonce, little_endian=True), and
 * victron_decode() in victronenergy/dbus-ble-sensors src/victron.c.
 *
 * A payload of at most 16 bytes uses that one block only. A longer one
 * would run the little-endian counter into the block of nonce + 1, the
 * keystream of the next record: it is refused.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "ir.h"

int sbc_ir_crypt(const uint8_t key[SBC_IR_KEY_LEN], uint16_t nonce, const uint8_t *in,
		 uint8_t *out, size_t len, const char **why)
{
	uint8_t iv[16] = { (uint8_t)(nonce & 0xff), (uint8_t)(nonce >> 8) };
	EVP_CIPHER_CTX *ctx;
	int n = 0, fin = 0, ok;

	if (len > SBC_IR_MAX_PAYLOAD) {
		*why = "payload longer than one AES block (16 bytes)";
		return -1;
	}
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx) {
		*why = "out of memory";
		return -1;
	}
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), NULL, key, iv) == 1 &&
	     EVP_EncryptUpdate(ctx, out, &n, in, (int)len) == 1 &&
	     EVP_EncryptFinal_ex(ctx, out + n, &fin) == 1 && (size_t)(n + fin) == len;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		unsigned long e = ERR_get_error();

		*why = e ? ERR_reason_error_string(e) : "AES-128-CTR failed";
		if (!*why)
			*why = "AES-128-CTR failed";
		return -1;
	}
	return 0;
}

int sbc_ir_key_check(const uint8_t key[SBC_IR_KEY_LEN], uint8_t kcv[3])
{
	/* the usual key check value: AES of a zero block, first 3 bytes */
	static const uint8_t zero[16];
	uint8_t block[32];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	if (!ctx)
		return -1;
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL) == 1 &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	     EVP_EncryptUpdate(ctx, block, &n, zero, sizeof(zero)) == 1 && n == 16;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		return -1;
	memcpy(kcv, block, 3);
	return 0;
}
