// SPDX-License-Identifier: GPL-2.0
/*
 * A VE.Direct device for the host tests: a pseudo-terminal pair whose
 * slave the tool opens as vedirect:/dev/pts/N. Prints the slave's path,
 * then writes to the master what stdin says, one command a line:
 *
 *   F LABEL VALUE   a field of the block being built (VALUE: the rest)
 *   HEX TEXT        a hex-protocol message ":TEXT\n" inside the block
 *                   being built, outside its checksum (old firmware)
 *   END             send the block, "\r\nChecksum\t" and its checksum byte
 *   END BAD         the same with the checksum byte one off
 *   END CUT N       only the block's first N bytes (a truncated block)
 *   RAW TEXT        bytes, with \r \n \t \\ and \xHH escapes
 *   SLEEP MS
 *   SYNC            wait until all that was sent since the last SYNC is in
 *                   the slave's input queue (what came before was read:
 *                   nobody reads meanwhile), then print "synced"
 *
 * The slave is set raw (no echo, no CR/LF mapping) before anything is
 * sent, as the tool will set it. At the end of stdin the pair stays open
 * until SIGTERM or SIGINT. Exits 1, saying why, on a bad command.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define PTY_BLOCK_MAX	4096

static int pty_master, pty_slave;
static unsigned long pty_sent;		/* since the last SYNC */

static void pty_die(const char *what, const char *why)
{
	fprintf(stderr, "vedirect-pty: %s: %s\n", what, why);
	exit(1);
}

static void pty_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

static void pty_send(const unsigned char *b, size_t len)
{
	while (len) {
		ssize_t n = write(pty_master, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			pty_die("write", strerror(errno));
		b += n;
		len -= n;
		pty_sent += n;
	}
}

static size_t pty_unescape(const char *s, unsigned char *out, size_t max)
{
	size_t n = 0;
	unsigned int x;

	while (*s && n < max) {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		switch (s[1]) {
		case 'r':
			out[n++] = '\r';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case '\\':
			out[n++] = '\\';
			break;
		case 'x':
			if (sscanf(s + 2, "%2x", &x) != 1)
				pty_die("RAW", "\\x needs two hex digits");
			out[n++] = x;
			s += 2;
			break;
		default:
			pty_die("RAW", "unknown escape");
		}
		s += 2;
	}
	return n;
}

/* Wait until the slave's input queue holds all that was sent. */
static void pty_sync(void)
{
	int i, queued = -1;

	for (i = 0; i < 500; i++) {
		if (ioctl(pty_slave, FIONREAD, &queued))
			pty_die("FIONREAD", strerror(errno));
		if ((unsigned long)queued == pty_sent) {
			pty_sent = 0;
			printf("synced\n");
			fflush(stdout);
			return;
		}
		pty_sleep_ms(10);
	}
	fprintf(stderr, "vedirect-pty: SYNC: %d bytes queued, %lu sent\n",
		queued, pty_sent);
	exit(1);
}

static void pty_setup(void)
{
	struct termios t;
	const char *name;

	pty_master = posix_openpt(O_RDWR | O_NOCTTY);
	if (pty_master < 0)
		pty_die("posix_openpt", strerror(errno));
	if (grantpt(pty_master) || unlockpt(pty_master))
		pty_die("grantpt/unlockpt", strerror(errno));
	name = ptsname(pty_master);
	if (!name)
		pty_die("ptsname", strerror(errno));
	pty_slave = open(name, O_RDWR | O_NOCTTY);
	if (pty_slave < 0)
		pty_die(name, strerror(errno));
	if (tcgetattr(pty_slave, &t))
		pty_die("tcgetattr", strerror(errno));
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	cfsetispeed(&t, B19200);
	cfsetospeed(&t, B19200);
	if (tcsetattr(pty_slave, TCSANOW, &t))
		pty_die("tcsetattr", strerror(errno));
	printf("%s\n", name);
	fflush(stdout);
}

int main(void)
{
	unsigned char blk[PTY_BLOCK_MAX], raw[1024], sum, hexsum = 0;
	char line[1024], *val;
	size_t len = 0, i, n;

	pty_setup();
	while (fgets(line, sizeof(line), stdin)) {
		char *arg;

		line[strcspn(line, "\n")] = '\0';
		arg = strchr(line, ' ');
		if (arg)
			*arg++ = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (!strcmp(line, "F") && arg) {
			val = strchr(arg, ' ');
			if (!val)
				pty_die("F", "needs LABEL VALUE");
			*val++ = '\0';
			n = snprintf((char *)blk + len, sizeof(blk) - len, "\r\n%s\t%s",
				     arg, val);
			if (n >= sizeof(blk) - len)
				pty_die("F", "block too long");
			len += n;
		} else if (!strcmp(line, "HEX") && arg) {
			n = snprintf((char *)blk + len, sizeof(blk) - len, ":%s\n", arg);
			if (n >= sizeof(blk) - len)
				pty_die("HEX", "block too long");
			for (i = 0; i < n; i++)
				hexsum += blk[len + i];
			len += n;
		} else if (!strcmp(line, "END")) {
			n = snprintf((char *)blk + len, sizeof(blk) - len, "\r\nChecksum\t");
			if (n + 1 >= sizeof(blk) - len)
				pty_die("END", "block too long");
			len += n;
			for (sum = 0, i = 0; i < len; i++)
				sum += blk[i];
			sum -= hexsum;
			hexsum = 0;
			blk[len++] = (unsigned char)(0x100 - sum);
			if (arg && !strcmp(arg, "BAD"))
				blk[len - 1]++;
			else if (arg && !strncmp(arg, "CUT ", 4) && atoi(arg + 4) > 0 &&
				 (size_t)atoi(arg + 4) < len)
				len = atoi(arg + 4);
			else if (arg)
				pty_die("END", "BAD or CUT N (N less than the block)");
			pty_send(blk, len);
			len = 0;
		} else if (!strcmp(line, "RAW") && arg) {
			pty_send(raw, pty_unescape(arg, raw, sizeof(raw)));
		} else if (!strcmp(line, "SLEEP") && arg) {
			pty_sleep_ms(atol(arg));
		} else if (!strcmp(line, "SYNC")) {
			pty_sync();
		} else {
			pty_die(line, "unknown command");
		}
	}
	for (;;)
		pause();
}
