/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbms_compat.h - the few kernel API changes after 6.1 that the smartbms
 * modules meet, so one source builds on 6.1 (the reference kernel) and on
 * later kernels. Each entry names the release that changed the API; with
 * 6.1 only, every macro expands to the plain 6.1 call.
 *
 * Not covered because 6.1 already has what later kernels keep:
 *   - power_supply_config: set .fwnode (in 6.1 beside .of_node, which later
 *     kernels drop) and .attr_grp for the extra attributes; .drv_data as is.
 *   - devm_kzalloc(), devm_iio_channel_get(), devm_fwnode_gpiod_get(),
 *     sysfs_emit(), strscpy() (strlcpy() is gone since 6.8: do not use it).
 */
#ifndef _SMARTBMS_COMPAT_H
#define _SMARTBMS_COMPAT_H

#include <linux/version.h>

/*
 * Symbol namespaces: 6.13 takes the namespace as a string literal
 * (EXPORT_SYMBOL_NS_GPL(sym, "SMARTBMS"), MODULE_IMPORT_NS("SMARTBMS"));
 * before it, a bare identifier that the macro stringifies.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define SMARTBMS_EXPORT(sym)	EXPORT_SYMBOL_NS_GPL(sym, "SMARTBMS")
#define SMARTBMS_IMPORT_NS()	MODULE_IMPORT_NS("SMARTBMS")
#else
#define SMARTBMS_EXPORT(sym)	EXPORT_SYMBOL_NS_GPL(sym, SMARTBMS)
#define SMARTBMS_IMPORT_NS()	MODULE_IMPORT_NS(SMARTBMS)
#endif

/*
 * platform_driver .remove: returns void from 6.11, int before (upstream
 * 6.1.0 has no .remove_new; Debian's 6.1.y does, but .remove works on all).
 * Write the callback as "static void name(struct platform_device *pdev)",
 * then
 *	SMARTBMS_DEFINE_REMOVE(name);
 *	static struct platform_driver drv = { .remove = SMARTBMS_REMOVE(name) };
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define SMARTBMS_DEFINE_REMOVE(fn)
#define SMARTBMS_REMOVE(fn)	(fn)
#else
#define SMARTBMS_DEFINE_REMOVE(fn)					\
	static int fn##_int(struct platform_device *pdev)		\
	{								\
		fn(pdev);						\
		return 0;						\
	}
#define SMARTBMS_REMOVE(fn)	(fn##_int)
#endif

/*
 * IIO direct mode: 6.15 adds bool iio_device_claim_direct() and
 * iio_device_release_direct(); 6.16 drops the int-returning
 * iio_device_claim_direct_mode() (0 or -EBUSY) the 6.1 driver uses.
 *	if (!smartbms_iio_claim_direct(indio_dev))
 *		return -EBUSY;
 *	...
 *	smartbms_iio_release_direct(indio_dev);
 */
#ifdef _INDUSTRIAL_IO_H_
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define smartbms_iio_claim_direct(indio_dev)	iio_device_claim_direct(indio_dev)
#define smartbms_iio_release_direct(indio_dev)	iio_device_release_direct(indio_dev)
#else
static inline bool smartbms_iio_claim_direct(struct iio_dev *indio_dev)
{
	return iio_device_claim_direct_mode(indio_dev) == 0;
}

static inline void smartbms_iio_release_direct(struct iio_dev *indio_dev)
{
	iio_device_release_direct_mode(indio_dev);
}
#endif
#endif /* _INDUSTRIAL_IO_H_ */

/*
 * GPIOs of a device described by a software node (the simulated board):
 * gpiolib resolves "name-gpios" references of software nodes only from 6.2
 * (drivers/gpio/gpiolib-swnode.c). On 6.1 the board code must register a
 * gpiod_lookup_table for the device instead, which later kernels still
 * accept; consumers call devm_gpiod_get() either way.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define SMARTBMS_HAVE_GPIO_SWNODE	1
#else
#define SMARTBMS_HAVE_GPIO_SWNODE	0
#endif

/*
 * KUnit: KUNIT_ARRAY_PARAM_DESC() (case names from a struct member) came
 * after 6.1; the same generator, spelled with the 6.1 macros.
 */
#if defined(KUNIT_ARRAY_PARAM) && !defined(KUNIT_ARRAY_PARAM_DESC)
#define KUNIT_ARRAY_PARAM_DESC(name, array, desc_member)			\
	static const void *name##_gen_params(const void *prev, char *desc)	\
	{									\
		typeof((array)[0]) *__next = prev ?				\
			((typeof(__next))prev) + 1 : (array);			\
		if (__next - (array) < ARRAY_SIZE((array))) {			\
			strscpy(desc, __next->desc_member,			\
				KUNIT_PARAM_DESC_SIZE);				\
			return __next;						\
		}								\
		return NULL;							\
	}
#endif

#endif /* _SMARTBMS_COMPAT_H */
