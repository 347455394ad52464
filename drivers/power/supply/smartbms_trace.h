/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbms tracepoints: one event per protection decision, with the inputs
 * that caused it, so "why did it disconnect?" has an answer.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM smartbms

#if !defined(_SMARTBMS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SMARTBMS_TRACE_H

#include <linux/tracepoint.h>
#include "smartbms_compat.h"

TRACE_EVENT(smartbms_decision,
	TP_PROTO(const char *event, const char *reason, int vbat_mv,
		 int vstart_mv, int ialt_ma, int temp_mc, u32 inputs,
		 u32 codes),
	TP_ARGS(event, reason, vbat_mv, vstart_mv, ialt_ma, temp_mc, inputs,
		codes),
	TP_STRUCT__entry(
		__string(event, event)
		__string(reason, reason)
		__field(int, vbat_mv)
		__field(int, vstart_mv)
		__field(int, ialt_ma)
		__field(int, temp_mc)
		__field(u32, inputs)
		__field(u32, codes)
	),
	TP_fast_assign(
		smartbms_assign_str(event, event);
		smartbms_assign_str(reason, reason);
		__entry->vbat_mv = vbat_mv;
		__entry->vstart_mv = vstart_mv;
		__entry->ialt_ma = ialt_ma;
		__entry->temp_mc = temp_mc;
		__entry->inputs = inputs;
		__entry->codes = codes;
	),
	TP_printk("event=%s reason=%s vbat=%dmV vstart=%dmV ialt=%dmA temp=%dmC inputs=%#x codes=%#x",
		  __get_str(event), __get_str(reason), __entry->vbat_mv,
		  __entry->vstart_mv, __entry->ialt_ma, __entry->temp_mc,
		  __entry->inputs, __entry->codes)
);

#endif /* _SMARTBMS_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE smartbms_trace
#include <trace/define_trace.h>
