/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbms core, private to the rule files (smartbms_rules.c and
 * smartbms_alternator.c): one step's derived state and the timer helpers
 * every rule family uses. Not for the driver.
 */
#ifndef _SMARTBMS_RULES_H
#define _SMARTBMS_RULES_H

#include <linux/bits.h>
#include <linux/types.h>

#include "smartbms_core.h"

/* Everything one step derives, before it becomes outputs. */
struct smartbms_eval {
	u64 now;
	u64 next;
	bool failsafe;
	bool first;			/* the first complete evaluation */
	enum smartbms_reason fs_reason;
	bool remote_on;
	bool dis_na;			/* discharge not allowed */
	bool pa_req;			/* pre-alarm requested (signal/cells) */
	enum smartbms_reason chg_reason;	/* NONE = charging allowed */
	bool chg_out;
	u32 codes;
};

/* smartbms_monitor.c: the battery monitor's rule family */
void smartbms_monitor_init(struct smartbms_core *c);
void smartbms_monitor_step(struct smartbms_core *c,
			   const struct smartbms_sample *s,
			   struct smartbms_eval *e, u64 dt);

/* ---- helpers ---- */

static inline u64 smartbms_elapsed(u64 now, u64 since)
{
	return now >= since ? now - since : 0;
}

/* Record a deadline: the step must run again at @at. */
static inline void smartbms_wake(struct smartbms_eval *e, u64 at)
{
	if (at > e->now && at < e->next)
		e->next = at;
}

/*
 * Timer helper: true once @cond has held for @delay_ms. *since holds the
 * start of the run, NEVER while @cond is false.
 */
static inline bool smartbms_held(struct smartbms_eval *e, bool cond, u64 *since,
				 u64 delay_ms)
{
	if (!cond) {
		*since = SMARTBMS_NEVER;
		return false;
	}
	if (*since == SMARTBMS_NEVER)
		*since = e->now;
	if (smartbms_elapsed(e->now, *since) >= delay_ms)
		return true;
	smartbms_wake(e, *since + delay_ms);
	return false;
}

static inline bool smartbms_usable(const struct smartbms_core *c,
				   enum smartbms_chan ch)
{
	return (c->board.chan_present & BIT(ch)) && c->ch[ch].have_val &&
	       !c->ch[ch].fault;
}

static inline bool smartbms_in(const struct smartbms_core *c,
			       enum smartbms_input in)
{
	return c->in[in].stable;
}

static inline bool smartbms_has_in(const struct smartbms_core *c,
				   enum smartbms_input in)
{
	return c->board.input_present & BIT(in);
}

/* BMS-ALT-1..5 (smartbms_alternator.c) */
enum smartbms_reason smartbms_alternator(struct smartbms_core *c,
					 const struct smartbms_sample *s,
					 struct smartbms_eval *e,
					 u64 dt, u32 limit, u32 *setpoint);

#endif /* _SMARTBMS_RULES_H */
