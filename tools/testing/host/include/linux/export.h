/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _HOST_LINUX_EXPORT_H
#define _HOST_LINUX_EXPORT_H
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define EXPORT_SYMBOL_NS_GPL(sym, ns)
#endif
