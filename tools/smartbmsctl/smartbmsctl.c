// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl: status and policy tool for the smartbms driver.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tools-common.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv, const struct sbc_global *g);
	const char *help;
} sbc_cmds[] = {
	{ "status", cmd_status, "show the status page (--json, --watch)" },
	{ "get", cmd_get, "print a setting (all without NAME)" },
	{ "set", cmd_set, "change a setting" },
	{ "reset", cmd_reset, "factory reset of all settings" },
	{ "save", cmd_save, "save all settings to a file" },
	{ "restore", cmd_restore, "restore settings from a file" },
	{ "policy", cmd_policy, "state-of-charge switch-off daemon" },
	{ "calibrate", cmd_calibrate, "trim a channel to a reference reading (commissioning)" },
	{ "calibration", cmd_calibration, "write, show or verify a calibration blob" },
	{ "lines", cmd_lines, "list the BMS's GPIO lines" },
	{ "log", cmd_log, "follow the driver's events" },
	{ "instant-readout", cmd_instant_readout,
	  "broadcast the state as Victron Instant Readout (BLE)" },
	{ "monitor", cmd_monitor, "keep the battery monitor's state of charge in a file" },
	{ "mqtt", cmd_mqtt, "bridge to an MQTT broker for Home Assistant" },
	{ "signalk", cmd_signalk, "bridge to a Signal K server" },
};

static void print_help(void)
{
	unsigned int i;
	size_t col;

	printf("Usage: smartbmsctl [-u URI] COMMAND [OPTIONS] [ARGS]\n\n"
	       "Status and settings of the smartbms battery management driver.\n\n"
	       "Options:\n"
	       "  -u, --uri URI   read a remote board through libiio (status only)\n"
	       "  -h, --help      show this help\n"
	       "  -V, --version   show the version\n\n"
	       "Commands:\n");
	for (i = 0; i < sizeof(sbc_cmds) / sizeof(sbc_cmds[0]); i++)
		printf("  %-16s %s\n", sbc_cmds[i].name, sbc_cmds[i].help);
	printf("\nSettings:");
	for (i = 0, col = 9; i < sbc_nsettings; i++) {
		size_t len = strlen(sbc_settings[i].name);

		if (col + 1 + len > 76) {
			printf("\n         ");
			col = 9;
		}
		printf(" %s", sbc_settings[i].name);
		col += 1 + len;
	}
	printf("\n"
	       "Environment: SMARTBMS_SYSFS (default /sys)\n"
	       "Exit status: 0 ok, 1 failure, 2 usage, 3 no BMS, 4 permission denied,\n"
	       "  5 value out of range, 6 unknown setting, 7 kernel refused,\n"
	       "  8 invalid file, 9 no state-of-charge source.\n"
	       "Run 'smartbmsctl COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "uri", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct sbc_global g = { NULL };
	unsigned int i;
	int opt;

	while ((opt = getopt_long(argc, argv, "+u:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'u':
			g.uri = optarg;
			break;
		case 'h':
			print_help();
			return SBC_EXIT_OK;
		case 'V':
			printf("smartbmsctl %s\n", SMARTBMSCTL_VERSION);
			return SBC_EXIT_OK;
		default:
			fprintf(stderr, "Try 'smartbmsctl --help'.\n");
			return SBC_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		sbc_err("no command given");
		fprintf(stderr, "Try 'smartbmsctl --help'.\n");
		return SBC_EXIT_USAGE;
	}
	for (i = 0; i < sizeof(sbc_cmds) / sizeof(sbc_cmds[0]); i++) {
		if (!strcmp(argv[optind], sbc_cmds[i].name)) {
			argc -= optind;
			argv += optind;
			optind = 0;	/* reset getopt for the command */
			return sbc_cmds[i].fn(argc, argv, &g);
		}
	}
	sbc_err("unknown command '%s'", argv[optind]);
	fprintf(stderr, "Try 'smartbmsctl --help'.\n");
	return SBC_EXIT_USAGE;
}
