// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms_sim - the simulated BMS board, for tests only.
 *
 * Instantiates everything a real board describes in its device tree, with
 * the same firmware-node property names as the smartbms binding:
 *
 *  - a gpio-sim chip "smartbms-sim" (with IRQs) carrying every GPIO of the
 *    board; inputs are set through gpio-sim's sim_gpioN/pull, outputs read
 *    through sim_gpioN/value;
 *  - an IIO ADC "smartbms-sim-adc" with one channel per analog signal; a
 *    test writes the value at the board's terminal (mV, mA, milli-degC)
 *    to in_*_terminal and injects faults through in_*_fault ("eio",
 *    "stuck", "clear"); in_*_label names the signal;
 *  - an NVMEM device "smartbms-sim-eeprom" holding the "settings" cell
 *    and, with calcell=1, a blank "calibration" cell; with monitor=1 (the
 *    default) a blank "soc" cell unless soccell=0;
 *  - with monitor=1, an "ibat" channel (the battery current, + = into the
 *    battery) and a 100 Ah simple-battery node as "monitored-battery";
 *  - the platform device "smartbms" with a software node, GPIO lookups and
 *    IIO maps, for the driver to bind to.
 *
 * On a device-tree system (the arm64 test lane) the tree describes the
 * board instead: a "gpio-simulator" node, a "smartbms,sim-adc" node (which
 * also carries the "settings" NVMEM cell) and the "smartbms,bms" node. The
 * module then only registers the ADC driver, which matches that node and
 * registers the NVMEM device itself; the options above do not apply there.
 * With "smartbms,pin-level" in that node the ADC reads pin voltages behind
 * a front end (smartbms_sim_afe) that the tree describes with iio-rescale
 * nodes, as a real board's does.
 *
 * The guest helper smartbms-sim(1) is the stable interface over this.
 */
#include <linux/gpio/machine.h>
#include <linux/iio/driver.h>
#include <linux/iio/machine.h>
#include <linux/iio/iio.h>
#include <linux/kernel.h>
#include <linux/leds.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nvmem-consumer.h>
#include <linux/nvmem-provider.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/string.h>

#include "../../../drivers/power/supply/smartbms_compat.h"
#include "../../../drivers/power/supply/smartbms_core.h"

#define SMARTBMS_SIM_GPIO_LABEL	"smartbms-sim"
#define SMARTBMS_SIM_ADC_NAME	"smartbms-sim-adc"
#define SMARTBMS_SIM_EEPROM	"smartbms-sim-eeprom"
#define SMARTBMS_SIM_EEPROM_SIZE	256

static bool cells;
module_param(cells, bool, 0444);
MODULE_PARM_DESC(cells, "describe vcell0..3 (local cell monitoring)");

static bool setpoint = true;
module_param(setpoint, bool, 0444);
MODULE_PARM_DESC(setpoint, "describe the alternator current setpoint output");

static bool optional = true;
module_param(optional, bool, 0444);
MODULE_PARM_DESC(optional,
		 "describe the optional lines (prealarm-in, cable-detect, remote-l/h, vref, tbat)");

static bool eeprom = true;
module_param(eeprom, bool, 0444);
MODULE_PARM_DESC(eeprom, "describe the settings NVMEM cell");

static char *badchan = "";
module_param(badchan, charp, 0444);
MODULE_PARM_DESC(badchan, "describe this channel (e.g. vref) but map it to a channel the ADC does not have");

static bool second;
module_param(second, bool, 0444);
MODULE_PARM_DESC(second, "add a second BMS (label \"house\", platform device smartbms.1) on its own GPIO bank");

static bool calcell;
module_param(calcell, bool, 0444);
MODULE_PARM_DESC(calcell, "describe a \"calibration\" NVMEM cell (blank, as a new board's) beside the settings");

static char *active_low = "";
module_param(active_low, charp, 0444);
MODULE_PARM_DESC(active_low, "comma-separated lines described GPIO_ACTIVE_LOW (an inverting interface circuit)");

static bool eeprom_fail;
module_param(eeprom_fail, bool, 0644);
MODULE_PARM_DESC(eeprom_fail, "EEPROM writes fail with -EIO (reads still work)");

static bool monitor = true;
module_param(monitor, bool, 0444);
MODULE_PARM_DESC(monitor, "describe the battery current (ibat) and a 100 Ah monitored-battery");

static bool soccell = true;
module_param(soccell, bool, 0444);
MODULE_PARM_DESC(soccell, "with monitor=1: describe the \"soc\" NVMEM cell (else smartbmsctl keeps the state of charge)");

static char *props = "";
module_param(props, charp, 0444);
MODULE_PARM_DESC(props, "fuse,charge-limit-uV,prealarm-usage,prealarm-signal,remote-function (empty fields keep defaults)");

enum smartbms_sim_line {
	SMARTBMS_SIM_ATC,
	SMARTBMS_SIM_ATD,
	SMARTBMS_SIM_PREALARM_IN,
	SMARTBMS_SIM_CABLE,
	SMARTBMS_SIM_REMOTE_L,
	SMARTBMS_SIM_REMOTE_H,
	SMARTBMS_SIM_LOAD,
	SMARTBMS_SIM_CHARGE,
	SMARTBMS_SIM_PREALARM,
	SMARTBMS_SIM_ALT,
	SMARTBMS_SIM_NLINES
};

static const char * const smartbms_sim_line_names[] = {
	"allowed-to-charge", "allowed-to-discharge", "prealarm-in",
	"cable-detect", "remote-l", "remote-h", "load-disconnect",
	"charge-disconnect", "prealarm", "alternator-enable",
};

/* Lines a board may leave out; everything else is always described. */
static bool smartbms_sim_line_optional(unsigned int i)
{
	return i >= SMARTBMS_SIM_PREALARM_IN && i <= SMARTBMS_SIM_REMOTE_H;
}

enum smartbms_sim_fault {
	SMARTBMS_SIM_OK,
	SMARTBMS_SIM_EIO,
	SMARTBMS_SIM_STUCK,
};

struct smartbms_sim_adc {
	struct mutex lock;		/* guards val and fault */
	int val[16];			/* at the board's terminals */
	enum smartbms_sim_fault fault[16];
	bool pin_level;
};

/*
 * A board whose device tree describes its analog front end (the ADC node
 * has "smartbms,pin-level"): the ADC then reads what its pins see, as a
 * real converter does, and iio-rescale nodes turn that back into volts,
 * amps and degrees. The converter: 24 bits with a 1 uV step (+-8.388608 V),
 * fine enough that a test's value at the terminal comes back exactly
 * through a correct description, while a wrong divider shows in full.
 * The front end, the simulated board's schematic (what the DT must say):
 * pin uV = terminal milli-unit * mul + offset.
 */
#define SMARTBMS_SIM_PIN_MAX	8388607

static const struct {
	int mul;
	int offset_uv;
} smartbms_sim_afe[] = {
	{ 100, 0 },	/* vbat: 90k over 10k, 1/10 */
	{ 100, 0 },	/* vstart: the same */
	{ 25, 0 },	/* ialt: 500 uOhm shunt, amplifier gain 50 */
	{ 10, 500000 },	/* temp: TMP36-type, 10 mV/degC, 500 mV at 0 degC */
	{ 500, 0 },	/* vref: 10k over 10k, 1/2 */
	{ 10, 500000 },	/* tbat: as temp */
	{ 500, 0 },	/* vcell0..3: 1/2 */
	{ 500, 0 },
	{ 500, 0 },
	{ 500, 0 },
	{ 0, 0 },	/* the setpoint: an output */
	{ 25, 0 },	/* ibat: 500 uOhm shunt, amplifier gain 50 */
};

static int smartbms_sim_pin_uv(unsigned int ch, int terminal)
{
	s64 uv = (s64)terminal * smartbms_sim_afe[ch].mul +
		 smartbms_sim_afe[ch].offset_uv;

	return clamp_t(s64, uv, -SMARTBMS_SIM_PIN_MAX - 1, SMARTBMS_SIM_PIN_MAX);
}

static ssize_t smartbms_sim_fault_read(struct iio_dev *indio_dev,
				       uintptr_t priv,
				       const struct iio_chan_spec *chan,
				       char *buf)
{
	static const char * const names[] = { "clear", "eio", "stuck" };
	struct smartbms_sim_adc *adc = iio_priv(indio_dev);

	return sysfs_emit(buf, "%s\n", names[adc->fault[chan->address]]);
}

static ssize_t smartbms_sim_fault_write(struct iio_dev *indio_dev,
					uintptr_t priv,
					const struct iio_chan_spec *chan,
					const char *buf, size_t len)
{
	struct smartbms_sim_adc *adc = iio_priv(indio_dev);
	enum smartbms_sim_fault fault;

	if (sysfs_streq(buf, "clear"))
		fault = SMARTBMS_SIM_OK;
	else if (sysfs_streq(buf, "eio"))
		fault = SMARTBMS_SIM_EIO;
	else if (sysfs_streq(buf, "stuck"))
		fault = SMARTBMS_SIM_STUCK;
	else
		return -EINVAL;

	mutex_lock(&adc->lock);
	adc->fault[chan->address] = fault;
	mutex_unlock(&adc->lock);
	return len;
}

/* The quantity at the board's terminal (mV, mA, milli-degC): tests set it. */
static ssize_t smartbms_sim_terminal_read(struct iio_dev *indio_dev,
					  uintptr_t priv,
					  const struct iio_chan_spec *chan,
					  char *buf)
{
	struct smartbms_sim_adc *adc = iio_priv(indio_dev);
	int val;

	mutex_lock(&adc->lock);
	val = adc->val[chan->address];
	mutex_unlock(&adc->lock);
	return sysfs_emit(buf, "%d\n", val);
}

static ssize_t smartbms_sim_terminal_write(struct iio_dev *indio_dev,
					   uintptr_t priv,
					   const struct iio_chan_spec *chan,
					   const char *buf, size_t len)
{
	struct smartbms_sim_adc *adc = iio_priv(indio_dev);
	int val, ret;

	ret = kstrtoint(buf, 10, &val);
	if (ret)
		return ret;
	mutex_lock(&adc->lock);
	/* a stuck converter keeps its own value */
	if (adc->fault[chan->address] != SMARTBMS_SIM_STUCK)
		adc->val[chan->address] = val;
	mutex_unlock(&adc->lock);
	return len;
}

static const struct iio_chan_spec_ext_info smartbms_sim_ext_info[] = {
	{
		.name = "fault",
		.shared = IIO_SEPARATE,
		.read = smartbms_sim_fault_read,
		.write = smartbms_sim_fault_write,
	},
	{
		.name = "terminal",
		.shared = IIO_SEPARATE,
		.read = smartbms_sim_terminal_read,
		.write = smartbms_sim_terminal_write,
	},
	{ }
};

#define SMARTBMS_SIM_CHAN(_type, _idx, _addr, _name, _out) {		\
	.type = (_type),						\
	.indexed = 1,							\
	.channel = (_idx),						\
	.address = (_addr),						\
	.output = (_out),						\
	.datasheet_name = (_name),					\
	.info_mask_separate = BIT(IIO_CHAN_INFO_RAW) |			\
			      BIT(IIO_CHAN_INFO_SCALE),			\
	.ext_info = smartbms_sim_ext_info,				\
}

/*
 * Without a described front end (the x86 board's IIO maps), raw values are
 * the terminal's milli-unit with scale 1, so processed reads give mV, mA
 * and milli-degC directly.
 */
static const struct iio_chan_spec smartbms_sim_channels[] = {
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 0, 0, "vbat", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 1, 1, "vstart", 0),
	SMARTBMS_SIM_CHAN(IIO_CURRENT, 0, 2, "ialt", 0),
	SMARTBMS_SIM_CHAN(IIO_TEMP, 0, 3, "temp", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 2, 4, "vref", 0),
	SMARTBMS_SIM_CHAN(IIO_TEMP, 1, 5, "tbat", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 3, 6, "vcell0", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 4, 7, "vcell1", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 5, 8, "vcell2", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 6, 9, "vcell3", 0),
	SMARTBMS_SIM_CHAN(IIO_CURRENT, 1, 10, "alternator-setpoint", 1),
	SMARTBMS_SIM_CHAN(IIO_CURRENT, 2, 11, "ibat", 0),
};

/* Pin level: voltage inputs in the same order (the DT's channel index). */
static const struct iio_chan_spec smartbms_sim_pin_channels[] = {
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 0, 0, "vbat", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 1, 1, "vstart", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 2, 2, "ialt", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 3, 3, "temp", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 4, 4, "vref", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 5, 5, "tbat", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 6, 6, "vcell0", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 7, 7, "vcell1", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 8, 8, "vcell2", 0),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 9, 9, "vcell3", 0),
	/* the setpoint DAC is described directly, in mA */
	SMARTBMS_SIM_CHAN(IIO_CURRENT, 1, 10, "alternator-setpoint", 1),
	SMARTBMS_SIM_CHAN(IIO_VOLTAGE, 10, 11, "ibat", 0),
};

static_assert(ARRAY_SIZE(smartbms_sim_pin_channels) == ARRAY_SIZE(smartbms_sim_channels));
static_assert(ARRAY_SIZE(smartbms_sim_afe) == ARRAY_SIZE(smartbms_sim_channels));

/* A healthy board at rest: 13.2 V bank, engine off, 25 degC, 2.5 V ref. */
static const int smartbms_sim_defaults[] = {
	13200, 12400, 0, 25000, 2500, 20000, 3300, 3300, 3300, 3300, 0, 0,
};

static int smartbms_sim_read_raw(struct iio_dev *indio_dev,
				 const struct iio_chan_spec *chan,
				 int *val, int *val2, long mask)
{
	struct smartbms_sim_adc *adc = iio_priv(indio_dev);
	int ret = IIO_VAL_INT;

	switch (mask) {
	case IIO_CHAN_INFO_RAW:
		mutex_lock(&adc->lock);
		if (adc->fault[chan->address] == SMARTBMS_SIM_EIO)
			ret = -EIO;
		else if (adc->pin_level && !chan->output)
			*val = smartbms_sim_pin_uv(chan->address,
						   adc->val[chan->address]);
		else
			*val = adc->val[chan->address];
		mutex_unlock(&adc->lock);
		return ret;
	case IIO_CHAN_INFO_SCALE:
		if (adc->pin_level && !chan->output) {
			/* 1 uV per count, in mV */
			*val = 1;
			*val2 = 1000;
			return IIO_VAL_FRACTIONAL;
		}
		*val = 1;
		return IIO_VAL_INT;
	default:
		return -EINVAL;
	}
}

static int smartbms_sim_write_raw(struct iio_dev *indio_dev,
				  const struct iio_chan_spec *chan,
				  int val, int val2, long mask)
{
	struct smartbms_sim_adc *adc = iio_priv(indio_dev);

	if (mask != IIO_CHAN_INFO_RAW || val2)
		return -EINVAL;
	/* a converter's input is what the pin sees: set the terminal instead */
	if (adc->pin_level && !chan->output)
		return -EPERM;

	mutex_lock(&adc->lock);
	/* A failing DAC refuses the value; a stuck converter keeps its own. */
	if (adc->fault[chan->address] == SMARTBMS_SIM_EIO) {
		mutex_unlock(&adc->lock);
		return -EIO;
	}
	if (adc->fault[chan->address] != SMARTBMS_SIM_STUCK)
		adc->val[chan->address] = val;
	mutex_unlock(&adc->lock);
	return 0;
}

static int smartbms_sim_read_label(struct iio_dev *indio_dev,
				   const struct iio_chan_spec *chan, char *label)
{
	return sysfs_emit(label, "%s\n", chan->datasheet_name);
}

static const struct iio_info smartbms_sim_iio_info = {
	.read_label = smartbms_sim_read_label,
	.read_raw = smartbms_sim_read_raw,
	.write_raw = smartbms_sim_write_raw,
};

/* Both boards' maps: the second BMS shares the ADC's analog channels. */
static struct iio_map smartbms_sim_maps[2 * ARRAY_SIZE(smartbms_sim_channels) + 1];

static void smartbms_sim_build_maps(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(smartbms_sim_channels); i++) {
		const char *name = smartbms_sim_channels[i].datasheet_name;

		if (!optional && (!strcmp(name, "vref") || !strcmp(name, "tbat")))
			continue;
		if (!cells && !strncmp(name, "vcell", 5))
			continue;
		if (!setpoint && !strcmp(name, "alternator-setpoint"))
			continue;
		if (!monitor && !strcmp(name, "ibat"))
			continue;
		smartbms_sim_maps[n++] = (struct iio_map) {
			/* the board names each channel as the binding does */
			.consumer_dev_name = "smartbms",
			.consumer_channel = name,
			/* described, but to a channel the ADC does not have */
			.adc_channel_label = strcmp(name, badchan) ? name :
					     "no-such-channel",
		};
		if (second && strcmp(name, "alternator-setpoint"))
			smartbms_sim_maps[n++] = (struct iio_map) {
				.consumer_dev_name = "smartbms.1",
				.consumer_channel = name,
				.adc_channel_label = name,
			};
	}
	memset(&smartbms_sim_maps[n], 0, sizeof(smartbms_sim_maps[n]));
}

static u8 smartbms_sim_eeprom_data[SMARTBMS_SIM_EEPROM_SIZE];

static int smartbms_sim_eeprom_read(void *priv, unsigned int off, void *val,
				    size_t bytes)
{
	memcpy(val, smartbms_sim_eeprom_data + off, bytes);
	return 0;
}

static int smartbms_sim_eeprom_write(void *priv, unsigned int off, void *val,
				     size_t bytes)
{
	if (READ_ONCE(eeprom_fail))
		return -EIO;
	memcpy(smartbms_sim_eeprom_data + off, val, bytes);
	return 0;
}

/*
 * The EEPROM as a board leaves the factory: the default settings stored,
 * the rest blank (0xff), so a calibration cell holds no calibration yet.
 */
static void smartbms_sim_eeprom_factory(void)
{
	struct smartbms_settings set;

	memset(smartbms_sim_eeprom_data, 0xff, sizeof(smartbms_sim_eeprom_data));
	smartbms_settings_default(&set);
	smartbms_settings_pack(&set, smartbms_sim_eeprom_data,
			       SMARTBMS_SETTINGS_BLOB_SIZE);
}

static void smartbms_sim_eeprom_config(struct nvmem_config *ncfg,
				       struct device *dev)
{
	ncfg->name = SMARTBMS_SIM_EEPROM;
	ncfg->id = NVMEM_DEVID_NONE;
	ncfg->owner = THIS_MODULE;
	ncfg->size = SMARTBMS_SIM_EEPROM_SIZE;
	ncfg->word_size = 1;
	ncfg->stride = 1;
	ncfg->reg_read = smartbms_sim_eeprom_read;
	ncfg->reg_write = smartbms_sim_eeprom_write;
	ncfg->dev = dev;
}

static void smartbms_sim_led_set(struct led_classdev *led,
				 enum led_brightness b)
{
}

static int smartbms_sim_adc_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct smartbms_sim_adc *adc;
	struct led_classdev *led;
	struct iio_dev *indio_dev;
	int ret;

	indio_dev = devm_iio_device_alloc(dev, sizeof(*adc));
	if (!indio_dev)
		return -ENOMEM;

	adc = iio_priv(indio_dev);
	mutex_init(&adc->lock);
	memcpy(adc->val, smartbms_sim_defaults, sizeof(smartbms_sim_defaults));

	indio_dev->name = SMARTBMS_SIM_ADC_NAME;
	indio_dev->info = &smartbms_sim_iio_info;
	indio_dev->modes = INDIO_DIRECT_MODE;
	adc->pin_level = device_property_read_bool(dev, "smartbms,pin-level");
	indio_dev->channels = adc->pin_level ? smartbms_sim_pin_channels :
					       smartbms_sim_channels;
	indio_dev->num_channels = ARRAY_SIZE(smartbms_sim_channels);

	/* an indicator LED, for the LED trigger tests */
	led = devm_kzalloc(dev, sizeof(*led), GFP_KERNEL);
	if (!led)
		return -ENOMEM;
	led->name = "smartbms-sim::indicator";
	led->max_brightness = 1;
	led->brightness_set = smartbms_sim_led_set;
	ret = devm_led_classdev_register(dev, led);
	if (ret)
		return ret;

	if (dev->of_node) {
		/*
		 * Device tree: consumers find the channels through io-channels
		 * (index = position in smartbms_sim_channels) and the settings
		 * cell through the child node of this one.
		 */
		if (of_property_read_bool(dev->of_node, "#address-cells")) {
			struct nvmem_config ncfg = { };
			struct nvmem_device *nvmem;

			smartbms_sim_eeprom_config(&ncfg, dev);
			smartbms_nvmem_legacy_of_cells(&ncfg);
			nvmem = devm_nvmem_register(dev, &ncfg);
			if (IS_ERR(nvmem))
				return dev_err_probe(dev, PTR_ERR(nvmem),
						     "cannot register the EEPROM\n");
		}
	} else {
		smartbms_sim_build_maps();
		ret = devm_iio_map_array_register(dev, indio_dev,
						  smartbms_sim_maps);
		if (ret)
			return dev_err_probe(dev, ret,
					     "cannot register IIO maps\n");
	}

	return devm_iio_device_register(dev, indio_dev);
}

static const struct of_device_id smartbms_sim_adc_of_match[] = {
	{ .compatible = "smartbms,sim-adc" },
	{ }
};
MODULE_DEVICE_TABLE(of, smartbms_sim_adc_of_match);

static struct platform_driver smartbms_sim_adc_driver = {
	.driver = {
		.name = SMARTBMS_SIM_ADC_NAME,
		.of_match_table = smartbms_sim_adc_of_match,
	},
	.probe = smartbms_sim_adc_probe,
};

/* settings always, calibration with calcell=1, soc with monitor and soccell */
static const struct nvmem_cell_info smartbms_sim_cell_infos[] = {
	{ .name = "settings", .offset = 0, .bytes = 32 },
	{ .name = "calibration", .offset = 32,
	  .bytes = SMARTBMS_CAL_BLOB_SIZE },
	{ .name = "soc", .offset = 128, .bytes = SMARTBMS_SOC_BLOB_SIZE },
};

static struct nvmem_cell_info smartbms_sim_cells[ARRAY_SIZE(smartbms_sim_cell_infos)];

static struct nvmem_cell_table smartbms_sim_cell_table = {
	.nvmem_name = SMARTBMS_SIM_EEPROM,
	.cells = smartbms_sim_cells,
};

static struct nvmem_cell_lookup smartbms_sim_cell_lookup[ARRAY_SIZE(smartbms_sim_cell_infos)];

/* how many of them this board describes (set once, at init) */
static unsigned int smartbms_sim_nc;

/* The cells this board describes, and their lookups; returns how many. */
static unsigned int smartbms_sim_ncells(void)
{
	bool want[] = { true, calcell, monitor && soccell };
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(smartbms_sim_cell_infos); i++) {
		if (!want[i])
			continue;
		smartbms_sim_cells[n] = smartbms_sim_cell_infos[i];
		smartbms_sim_cell_lookup[n] = (struct nvmem_cell_lookup) {
			.nvmem_name = SMARTBMS_SIM_EEPROM,
			.cell_name = smartbms_sim_cell_infos[i].name,
			.dev_id = "smartbms",
			.con_id = smartbms_sim_cell_infos[i].name,
		};
		n++;
	}
	return n;
}

/* The battery monitor=1 describes: 100 Ah, the kernel's simple-battery. */
static const struct property_entry smartbms_sim_battery_props[] = {
	PROPERTY_ENTRY_STRING("compatible", "simple-battery"),
	PROPERTY_ENTRY_U32("charge-full-design-microamp-hours", 100000000),
	PROPERTY_ENTRY_U32("voltage-min-design-microvolt", 10000000),
	PROPERTY_ENTRY_U32("voltage-max-design-microvolt", 14600000),
	{ }
};

static const struct software_node smartbms_sim_battery_node = {
	.name = "smartbms-battery",
	.properties = smartbms_sim_battery_props,
};

/* static: a property_entry points at its reference, long after init */
static const struct software_node_ref_args smartbms_sim_battery_ref =
	SOFTWARE_NODE_REFERENCE(&smartbms_sim_battery_node);

static struct gpiod_lookup_table *smartbms_sim_gpio_table;

/* Is line @i in the active_low= list? */
static bool smartbms_sim_active_low(unsigned int i)
{
	const char *p = active_low, *name = smartbms_sim_line_names[i];
	size_t n = strlen(name);

	while (*p) {
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
		p = strchrnul(p, ',');
		if (*p)
			p++;
	}
	return false;
}

static struct gpiod_lookup_table *smartbms_sim_make_gpio_table(void)
{
	struct gpiod_lookup_table *t;
	unsigned int i, n = 0;

	t = kzalloc(struct_size(t, table, SMARTBMS_SIM_NLINES + 1), GFP_KERNEL);
	if (!t)
		return NULL;

	t->dev_id = "smartbms";
	for (i = 0; i < SMARTBMS_SIM_NLINES; i++) {
		struct gpiod_lookup l = GPIO_LOOKUP(SMARTBMS_SIM_GPIO_LABEL, i,
						    smartbms_sim_line_names[i],
						    smartbms_sim_active_low(i) ?
						    GPIO_ACTIVE_LOW :
						    GPIO_ACTIVE_HIGH);

		if (!optional && smartbms_sim_line_optional(i))
			continue;
		t->table[n++] = l;
	}
	return t;
}

static const struct property_entry smartbms_sim_bank_props[] = {
	PROPERTY_ENTRY_STRING("gpio-sim,label", SMARTBMS_SIM_GPIO_LABEL),
	PROPERTY_ENTRY_U32("ngpios", SMARTBMS_SIM_NLINES),
	PROPERTY_ENTRY_STRING_ARRAY("gpio-line-names", smartbms_sim_line_names),
	{ }
};

static const struct software_node smartbms_sim_gpio_node = {
	.name = "smartbms-sim-gpio",
};

static const struct software_node smartbms_sim_bank_node = {
	.name = "bank0",
	.parent = &smartbms_sim_gpio_node,
	.properties = smartbms_sim_bank_props,
};

static const struct property_entry smartbms_sim_bank2_props[] = {
	PROPERTY_ENTRY_STRING("gpio-sim,label", SMARTBMS_SIM_GPIO_LABEL "2"),
	PROPERTY_ENTRY_U32("ngpios", SMARTBMS_SIM_NLINES),
	PROPERTY_ENTRY_STRING_ARRAY("gpio-line-names", smartbms_sim_line_names),
	{ }
};

static const struct software_node smartbms_sim_bank2_node = {
	.name = "bank1",
	.parent = &smartbms_sim_gpio_node,
	.properties = smartbms_sim_bank2_props,
};

static const struct software_node *smartbms_sim_gpio_nodes[] = {
	&smartbms_sim_gpio_node, &smartbms_sim_bank_node, NULL
};

static const struct software_node *smartbms_sim_gpio2_nodes[] = {
	&smartbms_sim_gpio_node, &smartbms_sim_bank_node,
	&smartbms_sim_bank2_node, NULL
};

/* The second BMS: the mandatory lines on bank 1, no EEPROM, a label. */
static struct gpiod_lookup_table smartbms_sim_gpio2_table = {
	.dev_id = "smartbms.1",
	.table = {
		GPIO_LOOKUP(SMARTBMS_SIM_GPIO_LABEL "2", 0, "allowed-to-charge",
			    GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP(SMARTBMS_SIM_GPIO_LABEL "2", 1, "allowed-to-discharge",
			    GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP(SMARTBMS_SIM_GPIO_LABEL "2", 6, "load-disconnect",
			    GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP(SMARTBMS_SIM_GPIO_LABEL "2", 7, "charge-disconnect",
			    GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP(SMARTBMS_SIM_GPIO_LABEL "2", 8, "prealarm",
			    GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP(SMARTBMS_SIM_GPIO_LABEL "2", 9, "alternator-enable",
			    GPIO_ACTIVE_HIGH),
		{ }
	},
};

static const struct property_entry smartbms_sim_bms2_props[] = {
	PROPERTY_ENTRY_STRING("label", "house"),
	{ }
};

static const struct software_node smartbms_sim_bms2_node = {
	.name = "smartbms-house",
	.properties = smartbms_sim_bms2_props,
};

/* Settings defaults as a board's firmware node would give them. */
static struct property_entry smartbms_sim_bms_props[9];
static char *smartbms_sim_props_copy;

static void smartbms_sim_build_props(void)
{
	static const char * const keys[] = {
		"smartbms,fuse", "smartbms,charge-limit-microvolt",
		"smartbms,prealarm-usage", "smartbms,prealarm-signal",
		"smartbms,remote-function",
	};
	unsigned int i = 0, n = 0;
	char *s, *field;
	u32 uv;

	smartbms_sim_props_copy = kstrdup(props, GFP_KERNEL);
	s = smartbms_sim_props_copy;
	while (s && (field = strsep(&s, ",")) && i < ARRAY_SIZE(keys)) {
		if (*field) {
			if (i == 1 && !kstrtou32(field, 10, &uv))
				smartbms_sim_bms_props[n++] =
					PROPERTY_ENTRY_U32(keys[i], uv);
			else if (i != 1)
				smartbms_sim_bms_props[n++] =
					PROPERTY_ENTRY_STRING(keys[i], field);
		}
		i++;
	}
	if (monitor)
		smartbms_sim_bms_props[n++] =
			PROPERTY_ENTRY_REF_ARRAY_LEN("monitored-battery",
						     &smartbms_sim_battery_ref, 1);
}

static const struct software_node smartbms_sim_bms_node = {
	.name = "smartbms",
	.properties = smartbms_sim_bms_props,
};

struct smartbms_sim {
	struct platform_device *gpio;
	struct platform_device *adc;
	struct platform_device *bms;
	struct platform_device *bms2;
	struct nvmem_device *nvmem;
};

static struct smartbms_sim smartbms_sim_board;

static int smartbms_sim_add_second(struct smartbms_sim *sim)
{
	struct platform_device_info info = {
		.name = "smartbms",
		.id = 1,
	};
	int ret;

	gpiod_add_lookup_table(&smartbms_sim_gpio2_table);
	ret = software_node_register(&smartbms_sim_bms2_node);
	if (ret)
		goto err_table;
	info.fwnode = software_node_fwnode(&smartbms_sim_bms2_node);
	sim->bms2 = platform_device_register_full(&info);
	if (IS_ERR(sim->bms2)) {
		ret = PTR_ERR(sim->bms2);
		goto err_node;
	}
	return 0;

err_node:
	software_node_unregister(&smartbms_sim_bms2_node);
err_table:
	gpiod_remove_lookup_table(&smartbms_sim_gpio2_table);
	return ret;
}

/* The device tree describes the board: only the ADC driver is needed. */
static bool smartbms_sim_dt;

static bool smartbms_sim_board_in_dt(void)
{
	struct device_node *np;

	np = of_find_compatible_node(NULL, NULL, "smartbms,sim-adc");
	of_node_put(np);
	return np;
}

static int __init smartbms_sim_init(void)
{
	struct smartbms_sim *sim = &smartbms_sim_board;
	struct platform_device_info info = { };
	struct nvmem_config ncfg = { };
	int ret;

	smartbms_sim_dt = smartbms_sim_board_in_dt();
	if (smartbms_sim_dt) {
		smartbms_sim_eeprom_factory();
		return platform_driver_register(&smartbms_sim_adc_driver);
	}

	ret = software_node_register_node_group(second ? smartbms_sim_gpio2_nodes :
							 smartbms_sim_gpio_nodes);
	if (ret)
		return ret;

	info.name = "gpio-sim";
	info.id = PLATFORM_DEVID_NONE;
	info.fwnode = software_node_fwnode(&smartbms_sim_gpio_node);
	sim->gpio = platform_device_register_full(&info);
	if (IS_ERR(sim->gpio)) {
		ret = PTR_ERR(sim->gpio);
		goto err_nodes;
	}

	ret = platform_driver_register(&smartbms_sim_adc_driver);
	if (ret)
		goto err_gpio;
	sim->adc = platform_device_register_simple(SMARTBMS_SIM_ADC_NAME,
						   PLATFORM_DEVID_NONE,
						   NULL, 0);
	if (IS_ERR(sim->adc)) {
		ret = PTR_ERR(sim->adc);
		goto err_adc_drv;
	}

	if (eeprom) {
		smartbms_sim_nc = smartbms_sim_ncells();
		smartbms_sim_cell_table.ncells = smartbms_sim_nc;
		smartbms_sim_eeprom_factory();
		smartbms_sim_eeprom_config(&ncfg, &sim->adc->dev);
		nvmem_add_cell_table(&smartbms_sim_cell_table);
		sim->nvmem = nvmem_register(&ncfg);
		if (IS_ERR(sim->nvmem)) {
			ret = PTR_ERR(sim->nvmem);
			goto err_cells;
		}
		nvmem_add_cell_lookups(smartbms_sim_cell_lookup,
				       smartbms_sim_nc);
	}

	smartbms_sim_gpio_table = smartbms_sim_make_gpio_table();
	if (!smartbms_sim_gpio_table) {
		ret = -ENOMEM;
		goto err_nvmem;
	}
	gpiod_add_lookup_table(smartbms_sim_gpio_table);

	ret = software_node_register(&smartbms_sim_battery_node);
	if (ret)
		goto err_table;
	smartbms_sim_build_props();
	ret = software_node_register(&smartbms_sim_bms_node);
	if (ret)
		goto err_battery;

	memset(&info, 0, sizeof(info));
	info.name = "smartbms";
	info.id = PLATFORM_DEVID_NONE;
	info.fwnode = software_node_fwnode(&smartbms_sim_bms_node);
	sim->bms = platform_device_register_full(&info);
	if (IS_ERR(sim->bms)) {
		ret = PTR_ERR(sim->bms);
		goto err_bms_node;
	}
	if (second) {
		ret = smartbms_sim_add_second(sim);
		if (ret)
			goto err_bms;
	}
	return 0;

err_bms:
	platform_device_unregister(sim->bms);
err_bms_node:
	software_node_unregister(&smartbms_sim_bms_node);
err_battery:
	kfree(smartbms_sim_props_copy);
	software_node_unregister(&smartbms_sim_battery_node);
err_table:
	gpiod_remove_lookup_table(smartbms_sim_gpio_table);
	kfree(smartbms_sim_gpio_table);
err_nvmem:
	if (eeprom) {
		nvmem_del_cell_lookups(smartbms_sim_cell_lookup,
				       smartbms_sim_nc);
		nvmem_unregister(sim->nvmem);
	}
err_cells:
	if (eeprom)
		nvmem_del_cell_table(&smartbms_sim_cell_table);
	platform_device_unregister(sim->adc);
err_adc_drv:
	platform_driver_unregister(&smartbms_sim_adc_driver);
err_gpio:
	platform_device_unregister(sim->gpio);
err_nodes:
	software_node_unregister_node_group(second ? smartbms_sim_gpio2_nodes :
					    smartbms_sim_gpio_nodes);
	return ret;
}
module_init(smartbms_sim_init);

static void __exit smartbms_sim_exit(void)
{
	struct smartbms_sim *sim = &smartbms_sim_board;

	if (smartbms_sim_dt) {
		platform_driver_unregister(&smartbms_sim_adc_driver);
		return;
	}

	if (second) {
		platform_device_unregister(sim->bms2);
		software_node_unregister(&smartbms_sim_bms2_node);
		gpiod_remove_lookup_table(&smartbms_sim_gpio2_table);
	}
	platform_device_unregister(sim->bms);
	software_node_unregister(&smartbms_sim_bms_node);
	software_node_unregister(&smartbms_sim_battery_node);
	kfree(smartbms_sim_props_copy);
	gpiod_remove_lookup_table(smartbms_sim_gpio_table);
	kfree(smartbms_sim_gpio_table);
	if (eeprom) {
		nvmem_del_cell_lookups(smartbms_sim_cell_lookup,
				       smartbms_sim_nc);
		nvmem_unregister(sim->nvmem);
		nvmem_del_cell_table(&smartbms_sim_cell_table);
	}
	platform_device_unregister(sim->adc);
	platform_driver_unregister(&smartbms_sim_adc_driver);
	platform_device_unregister(sim->gpio);
	software_node_unregister_node_group(second ? smartbms_sim_gpio2_nodes :
					    smartbms_sim_gpio_nodes);
}
module_exit(smartbms_sim_exit);

MODULE_DESCRIPTION("smartbms simulated board (test only)");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(SMARTBMS);
