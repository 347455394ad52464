// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl set NAME VALUE / get [NAME]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tools-common.h"

static const struct option sbc_set_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void set_help(void)
{
	char range[160];
	unsigned int i;

	printf("Usage: smartbmsctl set NAME VALUE\n\n"
	       "Validate VALUE and write it to the driver (root only).\n"
	       "Nothing is written when the value is out of range. Where no\n"
	       "NVMEM cell keeps the settings, they are saved to\n"
	       "$SMARTBMS_SETTINGS_FILE (default /var/lib/smartbms/settings.conf)\n"
	       "before set returns.\n\n"
	       "Settings:\n");
	for (i = 0; i < sbc_nsettings; i++) {
		sbc_setting_range(&sbc_settings[i], range, sizeof(range));
		printf("  %-26s %s\n  %-26s   %s%s%s\n", sbc_settings[i].name,
		       sbc_settings[i].help, "", range,
		       sbc_settings[i].def ? ", default " : "",
		       sbc_settings[i].def ? sbc_settings[i].def : "");
	}
	printf("\nNumbers take a decimal point or comma and the unit (14.4, 14,4V;\n"
	       "20, 20ms; 2x7.5, 2X7,5A; 4,5%%; 180s).\n"
	       "The monitor-* settings exist only where the board has a battery\n"
	       "monitor (a battery current channel).\n");
	if (!strcmp(sbc_settings_parser_name(), "core"))
		printf("Values are validated by the kernel core's own parsers and\n"
		       "limits (smartbms_codec.c): what passes here, the driver takes.\n");
	else
		printf("Values are validated by the tool's own tables (built without\n"
		       "the kernel core).\n");
	printf("\nExamples: set fuse 2x7.5; set charge-limit 14.4; "
	       "set prealarm intermittent\n");
}

static void get_help(void)
{
	printf("Usage: smartbmsctl get [NAME]\n\n"
	       "Print a setting in the form 'set' takes; without NAME print\n"
	       "every setting the driver has as NAME=VALUE lines (the monitor-*\n"
	       "settings only where the board has a battery monitor; a note on\n"
	       "standard error says when they are left out).\n");
}

static int sbc_unknown(const char *name)
{
	unsigned int i;

	sbc_err("unknown setting '%s'", name);
	fprintf(stderr, "Settings:");
	for (i = 0; i < sbc_nsettings; i++)
		fprintf(stderr, " %s", sbc_settings[i].name);
	fputc('\n', stderr);
	return SBC_EXIT_UNKNOWN;
}

/* A monitor setting on a board without a monitor: said, exit code. */
static int sbc_no_monitor(const char *what)
{
	return sbc_fail(SBC_EXIT_FAIL, "%s: this board has no battery monitor "
			"(no battery current channel)", what);
}

/* Read one setting in user form; exit code, message printed on error. */
int sbc_get_setting(const struct sbc_setting *s, char *out, size_t len)
{
	char raw[SBC_ATTR_MAX];
	int ret;

	if ((s->flags & SBC_SET_MONITOR) && !sbc_has_monitor())
		return sbc_no_monitor(s->name);
	ret = sbc_read_attr(SBC_PSY, s->attr, raw, sizeof(raw));
	if (ret == -ENOENT)
		return sbc_fail(SBC_EXIT_FAIL, "%s: the driver has no attribute '%s'",
				s->name, s->attr);
	if (ret == -EACCES || ret == -EPERM)
		return sbc_fail(SBC_EXIT_PERM, "%s: reading %s: permission denied",
				s->name, s->attr);
	if (ret)
		return sbc_fail(SBC_EXIT_FAIL, "%s: reading %s: %s", s->name,
				s->attr, strerror(-ret));
	if (sbc_setting_format(s, raw, out, len))
		return sbc_fail(SBC_EXIT_FAIL, "%s: unexpected value '%s' in %s",
				s->name, raw, s->attr);
	return SBC_EXIT_OK;
}

/* Validate and write; exit code. */
int sbc_set_setting(const struct sbc_setting *s, const char *value)
{
	char sysval[64], what[96];
	int ret;

	ret = sbc_setting_parse(s, value, sysval, sizeof(sysval));
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "set %s %s", s->name, value);
	if ((s->flags & SBC_SET_MONITOR) && !sbc_has_monitor())
		return sbc_no_monitor(what);
	ret = sbc_write_attr(SBC_PSY, s->attr, sysval);
	if (ret)
		return sbc_write_error(what, ret);
	return SBC_EXIT_OK;
}

int cmd_set(int argc, char **argv, const struct sbc_global *g)
{
	const struct sbc_setting *s;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "+h", sbc_set_opts, NULL)) != -1) {
		if (opt == 'h') {
			set_help();
			return SBC_EXIT_OK;
		}
		return sbc_usage_error("set", "bad option");
	}
	ret = sbc_local_only("set", g);
	if (ret)
		return ret;
	if (argc - optind != 2)
		return sbc_usage_error("set", "expected NAME VALUE");
	s = sbc_setting_find(argv[optind]);
	if (!s)
		return sbc_unknown(argv[optind]);
	/* validate before looking for the device: a typo is reported first */
	{
		char sysval[64];

		ret = sbc_setting_parse(s, argv[optind + 1], sysval, sizeof(sysval));
		if (ret)
			return ret;
	}
	ret = sbc_check_present();
	if (ret)
		return ret;
	ret = sbc_set_setting(s, argv[optind + 1]);
	if (ret)
		return ret;
	return sbc_settings_persist("set");
}

int cmd_get(int argc, char **argv, const struct sbc_global *g)
{
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "h", sbc_set_opts, NULL)) != -1) {
		if (opt == 'h') {
			get_help();
			return SBC_EXIT_OK;
		}
		return sbc_usage_error("get", "bad option");
	}
	ret = sbc_local_only("get", g);
	if (ret)
		return ret;
	if (argc - optind > 1)
		return sbc_usage_error("get", "expected at most one NAME");
	if (argc - optind == 1) {
		const struct sbc_setting *s = sbc_setting_find(argv[optind]);
		char val[64];

		if (!s)
			return sbc_unknown(argv[optind]);
		ret = sbc_check_present();
		if (ret)
			return ret;
		ret = sbc_get_setting(s, val, sizeof(val));
		if (ret)
			return ret;
		printf("%s\n", val);
		return SBC_EXIT_OK;
	}
	ret = sbc_check_present();
	if (ret)
		return ret;
	ret = sbc_dump_settings(stdout);
	if (!ret && !sbc_has_monitor())
		sbc_err("get: this board has no battery monitor: the monitor-* "
			"settings are left out");
	return ret;
}
