// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for the host tests. A fake sysfs tree is plain files,
 * which cannot fail the way a driver's attributes do: ENODATA for a
 * power_supply property without a value, EBUSY or EINVAL for a write the
 * driver refuses. With
 *   SMARTBMS_TEST_ERRNO="read:capacity=ENODATA write:monitor_state=EBUSY"
 * read() (write()) of a file of that name in a power_supply folder fails
 * with that errno; everything else goes through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int sbc_shim_errno(const char *op, int fd)
{
	static const struct {
		const char *name;
		int err;
	} errs[] = {
		{ "ENODATA", ENODATA }, { "EBUSY", EBUSY }, { "EINVAL", EINVAL },
		{ "EIO", EIO },
	};
	const char *spec = getenv("SMARTBMS_TEST_ERRNO"), *base, *p;
	char link[64], path[4096], want[320];
	size_t i, wlen;
	ssize_t n;

	if (!spec || !*spec)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	base = strrchr(path, '/');
	if (!strstr(path, "/class/power_supply/") || !base)
		return 0;
	snprintf(want, sizeof(want), "%s:%s=", op, base + 1);
	wlen = strlen(want);
	for (p = spec; (p = strstr(p, want)); p++) {
		if (p != spec && p[-1] != ' ')
			continue;
		for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
			size_t len = strlen(errs[i].name);

			if (!strncmp(p + wlen, errs[i].name, len) &&
			    (p[wlen + len] == ' ' || !p[wlen + len]))
				return errs[i].err;
		}
	}
	return 0;
}

ssize_t read(int fd, void *buf, size_t len)
{
	static ssize_t (*next)(int, void *, size_t);
	int err = sbc_shim_errno("read", fd);

	if (err) {
		errno = err;
		return -1;
	}
	if (!next)
		next = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	return next(fd, buf, len);
}

/* what read() becomes with _FORTIFY_SOURCE where the buffer's size is known */
ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	if (len > buflen)
		abort();
	return read(fd, buf, len);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*next)(int, const void *, size_t);
	int err = sbc_shim_errno("write", fd);

	if (err) {
		errno = err;
		return -1;
	}
	if (!next)
		next = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	return next(fd, buf, len);
}
