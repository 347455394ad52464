// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms - a 12 V LiFePO4 battery management controller built from an
 * IIO analog front end and GPIO lines.
 */
#include <linux/iio/consumer.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/power_supply.h>
#include <linux/property.h>

struct smartbms {
	struct iio_channel *vbat;
	struct power_supply *psy;
};

static int smartbms_get_property(struct power_supply *psy,
				 enum power_supply_property psp,
				 union power_supply_propval *val)
{
	struct smartbms *bms = power_supply_get_drvdata(psy);
	int ret, mv;

	switch (psp) {
	case POWER_SUPPLY_PROP_VOLTAGE_NOW:
		ret = iio_read_channel_processed(bms->vbat, &mv);
		if (ret < 0)
			return ret;
		val->intval = mv * 1000;
		return 0;
	default:
		return -EINVAL;
	}
}

static const enum power_supply_property smartbms_props[] = {
	POWER_SUPPLY_PROP_VOLTAGE_NOW,
};

static const struct power_supply_desc smartbms_desc = {
	.name = "smartbms",
	.type = POWER_SUPPLY_TYPE_BATTERY,
	.properties = smartbms_props,
	.num_properties = ARRAY_SIZE(smartbms_props),
	.get_property = smartbms_get_property,
};

static int smartbms_probe(struct platform_device *pdev)
{
	struct power_supply_config cfg = { };
	struct device *dev = &pdev->dev;
	struct smartbms *bms;

	bms = devm_kzalloc(dev, sizeof(*bms), GFP_KERNEL);
	if (!bms)
		return -ENOMEM;

	bms->vbat = devm_iio_channel_get(dev, "vbat");
	if (IS_ERR(bms->vbat))
		return dev_err_probe(dev, PTR_ERR(bms->vbat), "no vbat channel\n");

	cfg.drv_data = bms;
	cfg.fwnode = dev_fwnode(dev);
	bms->psy = devm_power_supply_register(dev, &smartbms_desc, &cfg);
	if (IS_ERR(bms->psy))
		return dev_err_probe(dev, PTR_ERR(bms->psy), "cannot register power supply\n");
	return 0;
}

static const struct of_device_id smartbms_of_match[] = {
	{ .compatible = "smartbms,bms" },
	{ }
};
MODULE_DEVICE_TABLE(of, smartbms_of_match);

static const struct platform_device_id smartbms_id[] = {
	{ "smartbms" },
	{ }
};
MODULE_DEVICE_TABLE(platform, smartbms_id);

static struct platform_driver smartbms_driver = {
	.driver = {
		.name = "smartbms",
		.of_match_table = smartbms_of_match,
	},
	.probe = smartbms_probe,
	.id_table = smartbms_id,
};
module_platform_driver(smartbms_driver);

MODULE_DESCRIPTION("smartbms 12 V LiFePO4 battery management controller");
MODULE_LICENSE("GPL");
