/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbms_compat.h - the kernel API changes between the two kernels the
 * smartbms modules are built and tested on, Linux 6.1 and 6.12 (both LTS;
 * make check builds every lane on each), so one source builds on both.
 * With 6.1 every shim expands to the plain 6.1 call. Nothing is claimed
 * for the versions in between (6.6 is not built) or after 6.12 (6.13, for
 * one, takes symbol namespaces as string literals); an in-tree submission
 * drops this file and uses the current spelling.
 *
 * Changes between 6.1 and 6.12 that do not touch these modules, and why:
 *   - platform_driver .remove returning void (6.11): the driver and the
 *     simulated board have no remove callback, everything is devm-managed.
 *   - software-node GPIO references (6.2): the simulated board registers a
 *     gpiod_lookup_table, which 6.12 still accepts.
 *   - power_supply_config: .fwnode and .attr_grp exist in 6.1 already.
 */
#ifndef _SMARTBMS_COMPAT_H
#define _SMARTBMS_COMPAT_H

#include <linux/version.h>

/*
 * Tracepoints: 6.10 removed the source argument of __assign_str() (the
 * source is the one given to __string()). smartbms_trace.h says
 * smartbms_assign_str(dst, src); __assign_str is looked up at each stage of
 * the trace headers, which redefine it, so the shim follows them.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define smartbms_assign_str(dst, src) __assign_str(dst)
#else
#define smartbms_assign_str(dst, src) __assign_str(dst, src)
#endif

/*
 * NVMEM providers: since 6.7 the core reads fixed cells written as child
 * nodes of the provider's DT node (the old syntax, no nvmem-layout) only
 * when its nvmem_config sets .add_legacy_fixed_of_cells; 6.1 always does.
 * The simulated board's EEPROM (tools/testing/sim) describes its settings
 * cell that way on the arm64 DT lane.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define smartbms_nvmem_legacy_of_cells(cfg) \
	((cfg)->add_legacy_fixed_of_cells = true)
#else
#define smartbms_nvmem_legacy_of_cells(cfg) do { } while (0)
#endif

#endif /* _SMARTBMS_COMPAT_H */
