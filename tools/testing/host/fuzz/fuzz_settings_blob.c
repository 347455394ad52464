// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: the persistent settings blob (E-B31). */
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>

#include "smartbms_core.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct smartbms_settings set, again;
	u8 buf[SMARTBMS_SETTINGS_BLOB_SIZE];

	if (smartbms_settings_unpack(data, size, &set))
		return 0;
	/* accepted: valid, and a pack/unpack round trip is stable */
	if (!smartbms_settings_valid(&set))
		abort();
	if (smartbms_settings_pack(&set, buf, sizeof(buf)))
		abort();
	if (smartbms_settings_unpack(buf, sizeof(buf), &again))
		abort();
	if (set.fuse != again.fuse || set.charge_limit_mv !=
	    again.charge_limit_mv || set.debounce_ms != again.debounce_ms ||
	    set.switch_on != again.switch_on ||
	    set.remote_fn != again.remote_fn ||
	    set.prealarm_usage != again.prealarm_usage ||
	    set.prealarm_signal != again.prealarm_signal)
		abort();
	return 0;
}
