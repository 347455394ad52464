// SPDX-License-Identifier: GPL-2.0
/*
 * smartbmsctl reset: factory reset (BMS-SET-2), also clears E-B31.
 */
#include <getopt.h>
#include <stdio.h>

#include "tools-common.h"

static void reset_help(void)
{
	printf("Usage: smartbmsctl reset\n\n"
	       "Restore the factory defaults of every setting (root only):\n"
	       "fuse unset, charge-limit 14.2, prealarm continuous,\n"
	       "prealarm-usage use, remote-function alternator, switch on;\n"
	       "with a battery monitor also monitor-charged-voltage 14.0,\n"
	       "monitor-tail-current 4.0, monitor-charged-time 180,\n"
	       "monitor-charge-efficiency 99, monitor-peukert 1.05 (the state of\n"
	       "charge is kept). Also clears E-B31 (configuration fault).\n");
}

int cmd_reset(int argc, char **argv, const struct sbc_global *g)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'h') {
			reset_help();
			return SBC_EXIT_OK;
		}
		return sbc_usage_error("reset", "bad option");
	}
	ret = sbc_local_only("reset", g);
	if (ret)
		return ret;
	if (optind != argc)
		return sbc_usage_error("reset", "unexpected argument '%s'", argv[optind]);
	ret = sbc_check_present();
	if (ret)
		return ret;
	ret = sbc_write_attr(SBC_PSY, "factory_reset", "1");
	if (ret)
		return sbc_write_error("reset", ret);
	return sbc_settings_persist("reset");
}
