/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbms_compat.h - kernel API changes after 6.1 that the smartbms
 * modules meet, so one source builds on 6.1 (the reference kernel) and on
 * later kernels. With 6.1 every macro expands to the plain 6.1 call; an
 * in-tree submission drops this file and uses the current spelling.
 *
 * Changes that do not touch these modules, and why:
 *   - platform_driver .remove returning void (6.11): the driver has no
 *     remove callback, everything is devm-managed.
 *   - iio_device_claim_direct() (6.15): the driver never switches the IIO
 *     device between direct and buffered mode itself.
 *   - software-node GPIO references (6.2): the simulated board registers a
 *     gpiod_lookup_table, which later kernels still accept.
 *   - power_supply_config: .fwnode and .attr_grp exist in 6.1 already.
 */
#ifndef _SMARTBMS_COMPAT_H
#define _SMARTBMS_COMPAT_H

#include <linux/version.h>

/*
 * Symbol namespaces: from 6.13 EXPORT_SYMBOL_NS_GPL() and MODULE_IMPORT_NS()
 * take the namespace as a string literal; before, a bare identifier that
 * they stringify. The sources keep the 6.1 spelling, SMARTBMS, which
 * becomes the string on later kernels.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define SMARTBMS "SMARTBMS"
#endif

#endif /* _SMARTBMS_COMPAT_H */
