// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl save FILE / restore FILE: all settings as NAME=VALUE lines,
 * for boards without an NVMEM cell to keep them (BMS-SET-2).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools-common.h"

#define SBC_LINE_MAX	256

int sbc_dump_settings(FILE *f)
{
	int monitor = sbc_has_monitor();
	char val[64];
	unsigned int i;
	int ret;

	for (i = 0; i < sbc_nsettings; i++) {
		const struct sbc_setting *s = &sbc_settings[i];
		char raw[SBC_ATTR_MAX];

		/* optional attributes a driver may lack are left out */
		if (((s->flags & SBC_SET_MONITOR) && !monitor) ||
		    sbc_read_attr(SBC_PSY, s->attr, raw, sizeof(raw)) == -ENOENT)
			continue;
		ret = sbc_get_setting(s, val, sizeof(val));
		if (ret)
			return ret;
		fprintf(f, "%s=%s\n", s->name, val);
	}
	return SBC_EXIT_OK;
}

/* $SMARTBMS_SETTINGS_FILE, default /var/lib/smartbms/settings.conf */
const char *sbc_settings_file(void)
{
	const char *f = getenv("SMARTBMS_SETTINGS_FILE");

	return f && *f ? f : "/var/lib/smartbms/settings.conf";
}

/*
 * Every setting to @path, durably: a temporary file beside it, written
 * and fsynced, renamed over it, the folder fsynced; the folder is made
 * when missing. A power cut leaves the old file or the new one.
 */
int sbc_save_file(const char *path)
{
	char tmp[PATH_MAX + 8], dir[PATH_MAX], *slash;
	FILE *f;
	int ret;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return sbc_fail(SBC_EXIT_USAGE, "save: %s: name too long", path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return sbc_fail(errno == EACCES ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
					"save: %s: %s", dir, strerror(errno));
	}
	f = fopen(tmp, "w");
	if (!f)
		return sbc_fail(errno == EACCES ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
				"save: %s: %s", tmp, strerror(errno));
	fprintf(f, "# smartbms settings, written by smartbmsctl\n");
	ret = sbc_dump_settings(f);
	if (fflush(f) || fsync(fileno(f))) {
		if (!ret)
			ret = sbc_fail(SBC_EXIT_FAIL, "save: %s: %s", tmp, strerror(errno));
	}
	if (fclose(f) && !ret)
		ret = sbc_fail(SBC_EXIT_FAIL, "save: %s: %s", tmp, strerror(errno));
	if (!ret && (rename(tmp, path) || sbc_fsync_parent(path)))
		ret = sbc_fail(SBC_EXIT_FAIL, "save: %s: %s", path, strerror(errno));
	if (ret)
		unlink(tmp);
	return ret;
}

/* Where the driver keeps the settings: 1 in its NVMEM cell, else 0. */
int sbc_settings_in_nvmem(void)
{
	char store[SBC_ATTR_MAX];

	/* a driver without settings_store: saved by userspace to be safe */
	return !sbc_read_attr(SBC_PSY, "settings_store", store, sizeof(store)) &&
	       !strcmp(store, "nvmem");
}

/*
 * BMS-SET-4 after a change: where no NVMEM cell keeps the settings, the
 * settings file is written before the command returns. The change itself
 * is in effect either way; a failed save says that it will not survive.
 */
int sbc_settings_persist(const char *cmd)
{
	int ret;

	if (sbc_settings_in_nvmem())
		return SBC_EXIT_OK;
	ret = sbc_save_file(sbc_settings_file());
	if (ret)
		sbc_err("%s: applied, but not saved to %s: lost at the next boot",
			cmd, sbc_settings_file());
	return ret;
}

static void save_help(void)
{
	printf("Usage: smartbmsctl save FILE\n\n"
	       "Write every setting as NAME=VALUE lines to FILE ('-' for\n"
	       "standard output); the file is replaced atomically. On a board\n"
	       "without a battery monitor the monitor-* settings are left out\n"
	       "(said on standard error).\n");
}

static void restore_help(void)
{
	printf("Usage: smartbmsctl restore [--wait SECONDS] FILE\n\n"
	       "Check every line of FILE (NAME=VALUE, '#' comments), then write\n"
	       "the settings. Nothing is written when any line is bad, and a\n"
	       "file without a setting is an error. When the driver refuses a\n"
	       "value, what was written before it is rolled back.\n"
	       "'fuse=unset' leaves the fuse alone (the driver cannot unset it).\n"
	       "On a board without a battery monitor the monitor-* lines are\n"
	       "skipped, which is said; a file without them leaves the monitor's\n"
	       "settings as they are.\n\n"
	       "  -w, --wait SECONDS   wait up to SECONDS for the BMS to appear\n"
	       "  -b, --boot           at boot: a missing FILE is no error, and\n"
	       "                       nothing is restored where the driver keeps\n"
	       "                       the settings in NVMEM (settings_store);\n"
	       "                       then the state of charge is restored as\n"
	       "                       'monitor restore --boot' does, from\n"
	       "                       $SMARTBMS_SOC_FILE (default\n"
	       "                       /var/lib/smartbms/soc.bin)\n\n"
	       "Where no NVMEM cell keeps the settings, the result is saved to\n"
	       "$SMARTBMS_SETTINGS_FILE (default /var/lib/smartbms/settings.conf)\n"
	       "before restore returns.\n");
}

static const struct option sbc_save_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "wait", required_argument, NULL, 'w' },
	{ "boot", no_argument, NULL, 'b' },
	{ NULL, 0, NULL, 0 },
};

int cmd_save(int argc, char **argv, const struct sbc_global *g)
{
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "h", sbc_save_opts, NULL)) != -1) {
		if (opt == 'h') {
			save_help();
			return SBC_EXIT_OK;
		}
		return sbc_usage_error("save", "bad option");
	}
	ret = sbc_local_only("save", g);
	if (ret)
		return ret;
	if (argc - optind != 1)
		return sbc_usage_error("save", "expected FILE");
	ret = sbc_check_present();
	if (ret)
		return ret;
	if (!strcmp(argv[optind], "-"))
		ret = sbc_dump_settings(stdout);
	else
		ret = sbc_save_file(argv[optind]);
	if (!ret && !sbc_has_monitor())
		sbc_err("save: this board has no battery monitor: the monitor-* "
			"settings are left out");
	return ret;
}

static char *sbc_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

#define SBC_RESTORE_MAX	24	/* lines with a setting in a file */

struct sbc_restore_item {
	const struct sbc_setting *s;
	char value[64];
	char before[64];		/* the driver's value before restore */
};

/*
 * Undo the first @n writes of a restore, newest first. The fuse cannot be
 * unset again (the driver refuses "unset"): that is said, not hidden.
 */
static void sbc_restore_rollback(struct sbc_restore_item **done, unsigned int n)
{
	unsigned int undone = 0, kept = 0;

	while (n-- > 0) {
		const struct sbc_restore_item *it = done[n];

		if (it->s->kind == SBC_KIND_FUSE && !strcmp(it->before, "unset")) {
			sbc_err("restore: the fuse stays %s: a set fuse cannot be unset "
				"again", it->value);
			kept++;
			continue;
		}
		if (sbc_set_setting(it->s, it->before)) {
			sbc_err("restore: %s could not be rolled back to %s",
				it->s->name, it->before);
			kept++;
			continue;
		}
		undone++;
	}
	sbc_err("restore: rolled back %u setting%s%s", undone, undone == 1 ? "" : "s",
		kept ? "; see above for what was not" : "");
}

/* Pass 2: write in table order (the switch comes after the limits). */
static int sbc_restore_apply(struct sbc_restore_item *items, unsigned int n)
{
	struct sbc_restore_item *done[SBC_RESTORE_MAX];
	unsigned int i, j, ndone = 0;
	int ret;

	/* what the driver has now, to roll back to */
	for (j = 0; j < n; j++) {
		ret = sbc_get_setting(items[j].s, items[j].before,
				      sizeof(items[j].before));
		if (ret)
			return ret;
	}
	for (i = 0; i < sbc_nsettings; i++) {
		for (j = 0; j < n; j++) {
			if (items[j].s != &sbc_settings[i])
				continue;
			ret = sbc_set_setting(items[j].s, items[j].value);
			if (ret) {
				sbc_restore_rollback(done, ndone);
				return ret;
			}
			done[ndone++] = &items[j];
		}
	}
	return SBC_EXIT_OK;
}

/*
 * Pass 1: check every line of @f, write nothing. Exit code; the checked
 * settings in @items, their number in @n.
 */
static int sbc_restore_read(FILE *f, const char *file,
			    struct sbc_restore_item *items, unsigned int *n)
{
	unsigned int i, lineno = 0, seen = 0;
	char line[SBC_LINE_MAX], sysval[64];
	int ret = SBC_EXIT_OK;

	*n = 0;
	while (fgets(line, sizeof(line), f)) {
		char *p, *eq, *key, *val;
		const struct sbc_setting *s;

		lineno++;
		if (memchr(line, '\0', strlen(line) + 1) != line + strlen(line) ||
		    (!strchr(line, '\n') && strlen(line) + 1 < sizeof(line) && !feof(f))) {
			ret = sbc_fail(SBC_EXIT_BADDATA, "restore: %s:%u: a NUL byte: not "
				       "a settings file", file, lineno);
			break;
		}
		if (!strchr(line, '\n') && !feof(f)) {
			ret = sbc_fail(SBC_EXIT_BADDATA, "restore: %s:%u: line too long",
				       file, lineno);
			break;
		}
		p = sbc_trim(line);
		if (!*p || *p == '#')
			continue;
		eq = strchr(p, '=');
		if (!eq) {
			ret = sbc_fail(SBC_EXIT_BADDATA, "restore: %s:%u: expected NAME=VALUE",
				       file, lineno);
			break;
		}
		*eq = '\0';
		key = sbc_trim(p);
		val = sbc_trim(eq + 1);
		s = sbc_setting_find(key);
		if (!s) {
			ret = sbc_fail(SBC_EXIT_UNKNOWN, "restore: %s:%u: unknown setting '%s'",
				       file, lineno, key);
			break;
		}
		for (i = 0; i < *n; i++)
			if (items[i].s == s)
				break;
		if (i < *n) {
			ret = sbc_fail(SBC_EXIT_BADDATA, "restore: %s:%u: '%s' given twice",
				       file, lineno, key);
			break;
		}
		seen++;
		if (s->kind == SBC_KIND_FUSE && !strcmp(val, "unset"))
			continue;
		if (sbc_setting_parse(s, val, sysval, sizeof(sysval))) {
			sbc_err("restore: %s:%u: nothing written", file, lineno);
			ret = SBC_EXIT_RANGE;
			break;
		}
		if (*n >= SBC_RESTORE_MAX) {
			ret = sbc_fail(SBC_EXIT_BADDATA, "restore: %s: too many lines", file);
			break;
		}
		items[*n].s = s;
		snprintf(items[*n].value, sizeof(items[*n].value), "%s", val);
		(*n)++;
	}
	if (!ret && ferror(f))
		ret = sbc_fail(SBC_EXIT_FAIL, "restore: %s: read error", file);
	if (!ret && !seen)
		ret = sbc_fail(SBC_EXIT_BADDATA, "restore: %s: no setting in it "
			       "(an empty or damaged file?): nothing written", file);
	return ret;
}

/*
 * A board without a battery monitor has no monitor-* settings: their lines
 * are skipped, and that is said. The number of items left.
 */
static unsigned int sbc_restore_drop_monitor(struct sbc_restore_item *items,
					     unsigned int n, const char *file)
{
	char names[256] = "";
	unsigned int i, kept = 0;
	size_t used = 0;

	if (sbc_has_monitor())
		return n;
	for (i = 0; i < n; i++) {
		if (!(items[i].s->flags & SBC_SET_MONITOR)) {
			items[kept++] = items[i];
			continue;
		}
		if (used < sizeof(names))
			used += snprintf(names + used, sizeof(names) - used, " %s",
					 items[i].s->name);
	}
	if (kept < n)
		sbc_err("restore: this board has no battery monitor: not restored from "
			"%s:%s", file, names);
	return kept;
}

int cmd_restore(int argc, char **argv, const struct sbc_global *g)
{
	struct sbc_restore_item items[SBC_RESTORE_MAX];
	unsigned long wait_s = 0;
	unsigned int n = 0;
	const char *file;
	FILE *f;
	int opt, ret = SBC_EXIT_OK, boot = 0, missing = 0;

	while ((opt = getopt_long(argc, argv, "hw:b", sbc_save_opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			boot = 1;
			break;
		case 'h':
			restore_help();
			return SBC_EXIT_OK;
		case 'w':
			if (sbc_parse_uint(optarg, 3600, &wait_s))
				return sbc_usage_error("restore", "--wait: '%s' is not 0..3600",
						       optarg);
			break;
		default:
			return sbc_usage_error("restore", "bad option");
		}
	}
	ret = sbc_local_only("restore", g);
	if (ret)
		return ret;
	if (argc - optind != 1)
		return sbc_usage_error("restore", "expected FILE");
	file = argv[optind];

	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f && boot && errno == ENOENT) {
		printf("restore: no saved settings in %s (first boot): the driver's "
		       "defaults apply\n", file);
		/* nothing needs the BMS unless a state of charge is to come back */
		if (access(sbc_soc_file(), F_OK))
			return sbc_soc_restore(sbc_soc_file(), 1);
		missing = 1;
	} else if (!f) {
		return sbc_fail(errno == EACCES ? SBC_EXIT_PERM : SBC_EXIT_FAIL,
				"restore: %s: %s", file, strerror(errno));
	} else {
		ret = sbc_restore_read(f, file, items, &n);
		if (f != stdin)
			fclose(f);
		if (ret)
			return ret;
	}

	while (wait_s-- > 0 && sbc_check_present() == SBC_EXIT_NODEV)
		sbc_sleep_ms(1000);
	ret = sbc_check_present();
	if (ret)
		return ret;
	/*
	 * Decided once the driver is bound (settings_store exists with the
	 * supply): the NVMEM cell, where there is one, is newer than any file.
	 */
	if (missing) {
		ret = SBC_EXIT_OK;
	} else if (boot && sbc_settings_in_nvmem()) {
		printf("restore: the driver keeps the settings in NVMEM: %s not "
		       "restored\n", file);
	} else {
		n = sbc_restore_drop_monitor(items, n, file);
		ret = sbc_restore_apply(items, n);
		if (!ret)
			ret = sbc_settings_persist("restore");
	}
	/* the state of charge kept in a file, once the settings are back */
	if (boot) {
		int soc = sbc_soc_restore(sbc_soc_file(), 1);

		if (!ret)
			ret = soc;
	}
	return ret;
}
