/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: the parts of <linux/kernel.h> the smartbms core uses. */
#ifndef _HOST_LINUX_KERNEL_H
#define _HOST_LINUX_KERNEL_H

#include <linux/types.h>
#include <linux/minmax.h>

#define abs(x)	({ __typeof__(x) _a = (x); _a < 0 ? -_a : _a; })
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define S32_MAX		((s32)(U32_MAX >> 1))
#define S32_MIN		((s32)(-S32_MAX - 1))
#define S64_MAX		((s64)(U64_MAX >> 1))
#define S64_MIN		((s64)(-S64_MAX - 1))

/* asm-generic/div64.h semantics: n becomes the quotient, returns rest. */
#define do_div(n, base) ({			\
	u32 __base = (base);			\
	u32 __rem = (u32)((n) % __base);	\
	(n) = (n) / __base;			\
	__rem;					\
})

#endif
