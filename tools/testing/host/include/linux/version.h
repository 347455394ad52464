/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HOST_LINUX_VERSION_H
#define _HOST_LINUX_VERSION_H
/* The host build stands for the reference kernel, 6.1. */
#define KERNEL_VERSION(a, b, c)	(((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
#define LINUX_VERSION_CODE	KERNEL_VERSION(6, 1, 0)
#endif
