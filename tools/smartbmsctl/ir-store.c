// SPDX-License-Identifier: GPL-2.0
/*
 * Instant Readout key and nonce files.
 *
 * The key: 16 bytes from getrandom(), kept as 32 hex digits and a newline
 * in a file only its owner may read (0600). A key file that others may
 * read, or that another user owns, is refused.
 *
 * The nonce: AES-CTR must never encrypt two payloads with the same key
 * and counter block, and the block is the 16-bit nonce. The nonce file
 * holds the key's check value and a limit: every nonce ever sent with
 * that key is below it. Before the limit is reached, a new one
 * SBC_IR_NONCE_RESERVE payloads further is written and synced first, so
 * the file is written once per 3600 payloads (an hour at one per second)
 * and a restart, even after a power cut, starts at the limit: it skips
 * what was reserved and unused, and reuses nothing.
 *
 * The count goes on past 65535: the nonce is its low 16 bits, so after
 * 65536 payloads the nonces repeat. That is a property of the format;
 * see the man page ("Nonce") for what it means and when to rotate.
 *
 * A nonce file that is missing, unreadable or for another key leaves the
 * used nonces unknown: the service refuses to start and says to rotate
 * the key, which starts a new count.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools-common.h"
#include "ir.h"

#define SBC_IR_CMD	"instant-readout"

void sbc_ir_store_init(struct sbc_ir_store *s, const char *key_file,
		       const char *nonce_file)
{
	const char *e;

	memset(s, 0, sizeof(*s));
	e = getenv("SMARTBMS_IR_KEY_FILE");
	s->key_file = key_file ? key_file : e && *e ? e : SBC_IR_KEY_FILE;
	e = getenv("SMARTBMS_IR_NONCE_FILE");
	s->nonce_file = nonce_file ? nonce_file : e && *e ? e : SBC_IR_NONCE_FILE;
}

void sbc_ir_store_wipe(struct sbc_ir_store *s)
{
	/* volatile: the compiler must not drop the wipe */
	volatile uint8_t *k = s->key;
	size_t i;

	for (i = 0; i < sizeof(s->key); i++)
		k[i] = 0;
}

static int sbc_ir_errcode(int err)
{
	return err == EACCES || err == EPERM ? SBC_EXIT_PERM : SBC_EXIT_FAIL;
}

/* mkdir -p of the folder @path is in */
static int sbc_ir_mkdirs(const char *path)
{
	char dir[PATH_MAX], *p;

	if ((size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir))
		return -ENAMETOOLONG;
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Write @text to @path atomically and durably, mode 0600. 0 or -errno. */
static int sbc_ir_write_file(const char *path, const char *text)
{
	char tmp[PATH_MAX];
	size_t len = strlen(text);
	int fd, err;

	err = sbc_ir_mkdirs(path);
	if (err)
		return err;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);	/* 0600 */
	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len || fsync(fd)) {
		err = errno ? -errno : -EIO;
		close(fd);
		unlink(tmp);
		return err;
	}
	if (close(fd) || rename(tmp, path) || sbc_fsync_parent(path)) {
		err = -errno;
		unlink(tmp);
		return err;
	}
	return 0;
}

/*
 * Read a small root-only file: refuses one that group or others may
 * access or that another user owns. Returns the length, or -errno with
 * *why set for the refusals.
 */
static int sbc_ir_read_private(const char *path, char *buf, size_t len, struct stat *st,
			       const char **why)
{
	ssize_t n;
	int fd, err;

	*why = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (!S_ISREG(st->st_mode))
		*why = "not a regular file";
	else if (st->st_uid != geteuid())
		*why = "owned by another user";
	else if (st->st_mode & 077)
		*why = "group or others may access it (it must be mode 0600)";
	if (*why) {
		close(fd);
		return -EPERM;
	}
	n = read(fd, buf, len - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	return (int)n;
}

static int sbc_ir_nonce_save(struct sbc_ir_store *s, unsigned long long limit)
{
	char text[80];
	int err;

	snprintf(text, sizeof(text), "kcv=%02x%02x%02x limit=%llu\n",
		 s->kcv[0], s->kcv[1], s->kcv[2], limit);
	err = sbc_ir_write_file(s->nonce_file, text);
	if (err)
		return sbc_fail(sbc_ir_errcode(-err), "%s: saving the nonce reserve to %s: %s",
				SBC_IR_CMD, s->nonce_file, strerror(-err));
	s->limit = limit;
	return 0;
}

static int sbc_ir_key_new(struct sbc_ir_store *s)
{
	char text[2 * SBC_IR_KEY_LEN + 2];
	size_t got = 0;
	struct stat st;
	int err, ret;

	while (got < sizeof(s->key)) {
		ssize_t n = getrandom(s->key + got, sizeof(s->key) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sbc_fail(SBC_EXIT_FAIL, "%s: getrandom: %s", SBC_IR_CMD,
					strerror(errno));
		got += (size_t)n;
	}
	if (sbc_ir_key_check(s->key, s->kcv))
		return sbc_fail(SBC_EXIT_FAIL, "%s: AES-128 of the new key failed", SBC_IR_CMD);
	/* a new count for the new key first: a crash between leaves a mismatch */
	ret = sbc_ir_nonce_save(s, 0);
	if (ret)
		return ret;
	sbc_ir_hex(s->key, sizeof(s->key), text);
	strcat(text, "\n");
	err = sbc_ir_write_file(s->key_file, text);
	memset(text, 0, sizeof(text));
	if (err)
		return sbc_fail(sbc_ir_errcode(-err), "%s: writing the key to %s: %s",
				SBC_IR_CMD, s->key_file, strerror(-err));
	if (!stat(s->key_file, &st)) {
		s->key_dev = st.st_dev;
		s->key_ino = st.st_ino;
	}
	s->next = 0;
	return 0;
}

int sbc_ir_key_load(struct sbc_ir_store *s, int create, int *created)
{
	char buf[128];
	const char *why;
	struct stat st;
	int n;

	if (created)
		*created = 0;
	n = sbc_ir_read_private(s->key_file, buf, sizeof(buf), &st, &why);
	if (n == -ENOENT && create) {
		n = sbc_ir_key_new(s);
		if (!n && created)
			*created = 1;
		return n;
	}
	if (n == -ENOENT)
		return sbc_fail(SBC_EXIT_FAIL, "%s: %s: no key yet (the service creates it; "
				"'smartbmsctl instant-readout key' too)", SBC_IR_CMD, s->key_file);
	if (n < 0 && why)
		return sbc_fail(SBC_EXIT_PERM, "%s: %s: refused: %s", SBC_IR_CMD, s->key_file,
				why);
	if (n < 0)
		return sbc_fail(sbc_ir_errcode(-n), "%s: reading the key %s: %s", SBC_IR_CMD,
				s->key_file, strerror(-n));
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (sbc_ir_parse_key(buf, s->key) || n != 2 * SBC_IR_KEY_LEN) {
		memset(buf, 0, sizeof(buf));
		return sbc_fail(SBC_EXIT_BADDATA, "%s: %s: not a key (32 hex digits)",
				SBC_IR_CMD, s->key_file);
	}
	memset(buf, 0, sizeof(buf));
	if (sbc_ir_key_check(s->key, s->kcv))
		return sbc_fail(SBC_EXIT_FAIL, "%s: AES-128 of the key failed", SBC_IR_CMD);
	s->key_dev = st.st_dev;
	s->key_ino = st.st_ino;
	return 0;
}

int sbc_ir_key_rotate(struct sbc_ir_store *s)
{
	return sbc_ir_key_new(s);
}

int sbc_ir_key_changed(const struct sbc_ir_store *s)
{
	struct stat st;

	if (stat(s->key_file, &st))
		return 1;
	return (unsigned long long)st.st_dev != s->key_dev ||
	       (unsigned long long)st.st_ino != s->key_ino;
}

int sbc_ir_nonce_load(struct sbc_ir_store *s)
{
	static const char rotate[] = "which nonces were sent with this key is unknown; "
		"a new key is safe: smartbmsctl instant-readout key --rotate";
	unsigned int k[3];
	unsigned long long limit;
	char buf[128], tail;
	const char *why;
	struct stat st;
	int n;

	n = sbc_ir_read_private(s->nonce_file, buf, sizeof(buf), &st, &why);
	if (n == -ENOENT)
		return sbc_fail(SBC_EXIT_FAIL, "%s: %s: missing: %s", SBC_IR_CMD,
				s->nonce_file, rotate);
	if (n < 0 && why)
		return sbc_fail(SBC_EXIT_PERM, "%s: %s: refused: %s", SBC_IR_CMD,
				s->nonce_file, why);
	if (n < 0)
		return sbc_fail(sbc_ir_errcode(-n), "%s: reading %s: %s", SBC_IR_CMD,
				s->nonce_file, strerror(-n));
	if (sscanf(buf, "kcv=%2x%2x%2x limit=%llu%c", &k[0], &k[1], &k[2], &limit,
		   &tail) != 5 || tail != '\n')
		return sbc_fail(SBC_EXIT_BADDATA, "%s: %s: malformed: %s", SBC_IR_CMD,
				s->nonce_file, rotate);
	if (k[0] != s->kcv[0] || k[1] != s->kcv[1] || k[2] != s->kcv[2])
		return sbc_fail(SBC_EXIT_BADDATA, "%s: %s: kept for another key: %s",
				SBC_IR_CMD, s->nonce_file, rotate);
	s->limit = limit;
	s->next = limit;	/* everything below may have been sent */
	return 0;
}

int sbc_ir_nonce_next(struct sbc_ir_store *s, uint16_t *nonce, int *wrapped)
{
	if (s->next >= s->limit) {
		int ret = sbc_ir_nonce_save(s, s->next + SBC_IR_NONCE_RESERVE);
		if (ret)
			return ret;
	}
	*nonce = (uint16_t)(s->next & 0xFFFF);
	*wrapped = s->next > 0xFFFF;
	s->next++;
	return 0;
}
