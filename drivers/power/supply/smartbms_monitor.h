/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbms battery monitor (BMS-MON-*): a coulomb counter on the core's
 * virtual clock. It integrates the measured battery current with charge
 * efficiency and Peukert, synchronises to full and to empty, and keeps
 * state of charge, time to go and time to full. Included by
 * smartbms_core.h; the state lives in struct smartbms_core.
 *
 * Units: charge in mAh where it is reported, in mA*ms (= uAs) where it is
 * counted; currents in mA, + = into the battery; time in ms, reported
 * times in seconds.
 */
#ifndef _SMARTBMS_MONITOR_H
#define _SMARTBMS_MONITOR_H

#include <linux/bits.h>
#include <linux/types.h>

/*
 * The monitor's settings (BMS-MON-2), part of struct smartbms_settings and
 * persisted with it. Defaults: Victron's published lithium values for its
 * battery monitors (Documentation/power/smartbms-monitor.rst).
 */
struct smartbms_mon_settings {
	u32 charged_mv;			/* charged voltage */
	u32 tail_permille;		/* tail current, 0.1 % of capacity */
	u32 charged_s;			/* charged detection time */
	u32 efficiency_pct;		/* charge efficiency factor */
	u32 peukert_centi;		/* Peukert exponent x 100 */
};

#define SMARTBMS_MON_CHARGED_MIN_MV	12000
#define SMARTBMS_MON_CHARGED_MAX_MV	15300
#define SMARTBMS_MON_CHARGED_DEF_MV	14000
#define SMARTBMS_MON_TAIL_MIN		5	/* 0.5 % */
#define SMARTBMS_MON_TAIL_MAX		100	/* 10.0 % */
#define SMARTBMS_MON_TAIL_DEF		40	/* 4.0 % */
#define SMARTBMS_MON_CHARGED_MIN_S	60
#define SMARTBMS_MON_CHARGED_MAX_S	3000	/* 50 minutes */
#define SMARTBMS_MON_CHARGED_DEF_S	180
#define SMARTBMS_MON_EFF_MIN_PCT	50
#define SMARTBMS_MON_EFF_MAX_PCT	100
#define SMARTBMS_MON_EFF_DEF_PCT	99
#define SMARTBMS_MON_PEUKERT_MIN	100	/* 1.00: no compensation */
#define SMARTBMS_MON_PEUKERT_MAX	150
#define SMARTBMS_MON_PEUKERT_DEF	105

/* How far the state of charge can be trusted (BMS-MON-4). */
enum smartbms_mon_sync {
	SMARTBMS_MON_UNKNOWN,		/* no value: never full since install */
	SMARTBMS_MON_NOT_SYNCED,	/* a value, counted from an uncertain start */
	SMARTBMS_MON_SYNCED,		/* counted since the last full charge */
};

/* Why the monitor is not synchronised (for status and the docs). */
enum smartbms_mon_why {
	SMARTBMS_MON_WHY_NONE,		/* synchronised */
	SMARTBMS_MON_WHY_INSTALL,	/* no saved state: first start */
	SMARTBMS_MON_WHY_RESTORED,	/* restored after a downtime of unknown length */
	SMARTBMS_MON_WHY_EMPTY,		/* set to empty on A-B11 */
	SMARTBMS_MON_WHY_GAP,		/* the current went unmeasured for a while */
	SMARTBMS_MON_WHY_NO_BATTERY,	/* no monitored-battery capacity */
	SMARTBMS_MON_WHY_NUM
};

/* The counter's state: in struct smartbms_core, opaque to callers. */
struct smartbms_monitor {
	enum smartbms_mon_sync sync;
	enum smartbms_mon_why why;
	s64 charge_uas;			/* remaining charge, 0..capacity */
	s64 avg_q8;			/* averaged current, mA << 8 */
	s32 ibat_ma;			/* last measured current */
	bool ibat_valid;		/* ibat_ma is a fresh reading */
	bool have_avg;
	u64 full_since_ms;		/* charged-voltage and tail condition */
	u64 ibat_bad_since_ms;		/* first failed current read of a run */
	bool was_limit;			/* charge limit reached at the last step */
	bool was_empty;			/* A-B11 at the last step */
	u32 saved_permille;		/* state of charge at the last save */
	enum smartbms_mon_sync saved_sync;
	u64 saved_ms;			/* when; NEVER: not yet */
};

/* What the driver and the tool report; see smartbms_mon_read(). */
struct smartbms_mon_state {
	enum smartbms_mon_sync sync;
	enum smartbms_mon_why why;
	bool have_current;		/* ibat_ma is a fresh reading */
	s32 ibat_ma;
	s32 avg_ma;			/* time-to-go averaged current */
	u32 full_mah;			/* charge_full: the design capacity */
	u32 charge_mah;			/* valid unless sync == UNKNOWN */
	u32 soc_permille;		/* valid unless sync == UNKNOWN */
	s64 ttg_s;			/* to empty; -1: not discharging or unknown */
	s64 ttf_s;			/* to full; -1: not charging or unknown */
};

/* the time-to-go average (Victron's default averaging period) */
#define SMARTBMS_MON_AVG_MS		180000
/* below this the battery counts as neither charging nor discharging */
#define SMARTBMS_MON_IDLE_MA		100
/* an unmeasured current for this long loses synchronisation */
#define SMARTBMS_MON_GAP_MS		5000
/*
 * The longest sampling period with a monitor: a step longer than
 * SMARTBMS_MON_GAP_MS is a gap, and half of it leaves room for a late work.
 */
#define SMARTBMS_MON_POLL_MAX_MS	(SMARTBMS_MON_GAP_MS / 2)
/* BMS-MON-5: save at most this often, and only after a 1 % change */
#define SMARTBMS_MON_SAVE_MIN_MS	60000
#define SMARTBMS_MON_SAVE_STEP		10	/* permille */
/* a downtime up to this long (a reboot) keeps a final save synchronised */
#define SMARTBMS_MON_DOWNTIME_MAX_S	600
/*
 * capacity of a monitored battery: 1 Ah .. 2147 Ah, what the power_supply
 * class's int charge_full_design_uah (and charge_now in uAh) can hold
 */
#define SMARTBMS_MON_CAP_MIN_MAH	1000
#define SMARTBMS_MON_CAP_MAX_MAH	2147483

/* Saved state (NVMEM cell "soc" or the tool's file), BMS-MON-5. */
#define SMARTBMS_SOC_BLOB_SIZE		32
#define SMARTBMS_SOC_FLAG_SYNCED	BIT(0)	/* synchronised when saved */
#define SMARTBMS_SOC_FLAG_FINAL		BIT(1)	/* saved at unbind or shutdown */

struct smartbms_soc_saved {
	u32 charge_mah;
	u32 full_mah;			/* the capacity it was counted against */
	u32 flags;
	s64 time_s;			/* CLOCK_REALTIME at the save */
};

void smartbms_mon_settings_default(struct smartbms_mon_settings *m);
bool smartbms_mon_settings_valid(const struct smartbms_mon_settings *m);

struct smartbms_core;
/* -ENODEV when the board has no monitor (no ibat or no capacity). */
int smartbms_mon_read(const struct smartbms_core *c,
		      struct smartbms_mon_state *st);
/*
 * Restore a saved charge (BMS-MON-5). @synced: the saved state was
 * synchronised and nothing can have happened since (the downtime is
 * known); otherwise the value is restored "not synchronised".
 * -EINVAL and unchanged when @charge_mah exceeds the capacity.
 */
int smartbms_mon_restore(struct smartbms_core *c, u32 charge_mah, bool synced);
/* At probe, before the first step: the capacity from monitored-battery. */
int smartbms_mon_set_capacity(struct smartbms_core *c, u32 mah);
/*
 * BMS-MON-5: whether the state is worth saving now (a 1 % change or a new
 * synchronisation state, at most once per SMARTBMS_MON_SAVE_MIN_MS); the
 * caller saves @saved and then calls smartbms_mon_mark_saved().
 */
bool smartbms_mon_save_due(const struct smartbms_core *c, u64 now_ms);
void smartbms_mon_mark_saved(struct smartbms_core *c, u64 now_ms);
/* What to save: -ENODATA while there is no value to save. */
int smartbms_mon_saved(const struct smartbms_core *c, s64 time_s, bool final,
		       struct smartbms_soc_saved *saved);
/*
 * Restore @saved taken at @saved->time_s, now being @now_s (CLOCK_REALTIME):
 * synchronised only when it was a final save of a synchronised counter for
 * this capacity and the downtime is known and short.
 */
int smartbms_mon_restore_saved(struct smartbms_core *c,
			       const struct smartbms_soc_saved *saved,
			       s64 now_s);
const char *smartbms_mon_sync_name(enum smartbms_mon_sync sync);
const char *smartbms_mon_why_name(enum smartbms_mon_why why);

int smartbms_soc_pack(const struct smartbms_soc_saved *s, u8 *buf, size_t len);
int smartbms_soc_unpack(const u8 *buf, size_t len, struct smartbms_soc_saved *s);

#endif /* _SMARTBMS_MONITOR_H */
