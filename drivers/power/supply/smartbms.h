/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbms platform driver, private: what its parts share. The parts
 * adapt the core and decide nothing:
 *   smartbms_main.c  resources, sampling, input IRQs, outputs, events;
 *   smartbms_settings.c  defaults, the NVMEM copy, every change;
 *   smartbms_psy.c   the two power supplies and the sysfs settings;
 *   smartbms_iio.c   the IIO re-export of the measurements;
 *   smartbms_cal.c   the calibration: loaded, replaced, stored;
 *   smartbms_mon.c   the battery monitor: ibat, capacity, saved charge.
 */
#ifndef _SMARTBMS_H
#define _SMARTBMS_H

#include <linux/leds.h>
#include <linux/mutex.h>
#include <linux/power_supply.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "smartbms_core.h"

struct gpio_desc;
struct iio_channel;
struct iio_dev;
struct nvmem_cell;

/* The dev_id of one input line's IRQ. */
struct smartbms_in_irq {
	struct smartbms *bms;
	unsigned int in;		/* enum smartbms_in */
	bool hard;			/* its hard handler runs: not nested */
};

struct smartbms {
	struct device *dev;
	const char *name;		/* "smartbms", or the node's label */

	/*
	 * Guards core, sample, res, cal, the output lines, the setpoint
	 * and the work's schedule. The IRQ threads wait on it: nothing
	 * slow (an EEPROM write) runs under it.
	 */
	struct mutex lock;
	/* Serialises settings and calibration changes with their NVMEM write. */
	struct mutex settings_lock;

	struct smartbms_core core;
	struct smartbms_settings defaults;	/* table + firmware node */
	struct smartbms_sample sample;
	struct smartbms_result res;
	struct smartbms_calibration cal;
	bool running;			/* probe done: the work may be queued */
	bool stopped;			/* leaving: lines low, nothing runs */
	unsigned long due;		/* jiffies the queued work runs at */
	u32 poll_ms;
	u32 poll_default_ms;		/* the board's, for factory reset */
	u32 leds;			/* BIT(enum smartbms_led): lit now */
	u32 setpoint_ma;		/* last value the DAC took */
	bool setpoint_ok;		/* ... and it is still what it has */

	struct iio_channel *chan[SMARTBMS_CH_NUM];
	struct iio_channel *setpoint;
	struct gpio_desc *in[SMARTBMS_IN_NUM];
	struct smartbms_in_irq in_irq[SMARTBMS_IN_NUM];
	/* BIT(in): an edge since the lines were last read; atomic bitops */
	unsigned long in_edges;
	bool inputs_read;		/* sample.now_ms is that read's time */
	struct gpio_desc *out[SMARTBMS_OUT_NUM];
	struct nvmem_cell *settings_cell;
	struct nvmem_cell *cal_cell;	/* NULL: kept in the firmware file */
	const char *fw_name;		/* that file */
	u8 cal_blob[SMARTBMS_CAL_BLOB_SIZE];	/* the one in use */
	struct iio_channel *ibat;	/* battery current, or NULL */
	struct nvmem_cell *soc_cell;	/* NULL: smartbmsctl keeps a file */
	struct work_struct soc_work;	/* writes soc_blob to soc_cell */
	u8 soc_blob[SMARTBMS_SOC_BLOB_SIZE];

	struct delayed_work work;
	struct power_supply *psy;
	struct power_supply *alt_psy;
	struct led_trigger led[SMARTBMS_LED_NUM];
	struct iio_dev *indio;
};

/* smartbms_main.c */
void smartbms_schedule(struct smartbms *bms, unsigned long delay);

/* smartbms_settings.c */
int smartbms_read_defaults(struct smartbms *bms);
int smartbms_load_settings(struct smartbms *bms, struct smartbms_settings *set);
void smartbms_settings_begin(struct smartbms *bms,
			     struct smartbms_settings *set);
int smartbms_settings_commit(struct smartbms *bms, struct device *psy_dev,
			     const struct smartbms_settings *set, int err,
			     bool factory_reset);

/* smartbms_psy.c */
int smartbms_psy_register(struct smartbms *bms);
struct smartbms *smartbms_from_dev(struct device *dev);

/* smartbms_cal.c */
int smartbms_cal_load(struct smartbms *bms);
void smartbms_cal_get(struct smartbms *bms, struct smartbms_calibration *cal);
ssize_t smartbms_cal_store_show(struct smartbms *bms, char *buf);
extern struct bin_attribute smartbms_bin_attr_calibration;

/* smartbms_mon.c */
#define SMARTBMS_MON_NPROPS	6
extern const enum power_supply_property smartbms_mon_props[SMARTBMS_MON_NPROPS];
extern const struct attribute_group smartbms_mon_group;
int smartbms_mon_get_channel(struct smartbms *bms);
int smartbms_mon_probe(struct smartbms *bms);
void smartbms_mon_read_ibat(struct smartbms *bms, s32 *ma, bool *ok);
bool smartbms_mon_save_locked(struct smartbms *bms);
void smartbms_mon_final_save(struct smartbms *bms);
int smartbms_mon_get_property(struct smartbms *bms,
			      enum power_supply_property psp,
			      union power_supply_propval *val);

/* smartbms_iio.c */
int smartbms_iio_register(struct smartbms *bms);
void smartbms_iio_push(struct smartbms *bms);

#endif /* _SMARTBMS_H */
