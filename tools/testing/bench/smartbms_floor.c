// SPDX-License-Identifier: GPL-2.0
/*
 * smartbms_floor - the reaction floor, for tools/testing/bench.sh only:
 * mirror an input line to an output line from a threaded IRQ, nothing
 * else. What the driver's reaction is compared with.
 *
 * The lines are offsets 0 (in) and 1 (out) of the GPIO chip labelled
 * @chip (a gpio-sim chip the bench makes through configfs).
 */
#include <linux/gpio/consumer.h>
#include <linux/gpio/machine.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/platform_device.h>

static char *chip = "smartbms-floor";
module_param(chip, charp, 0444);
MODULE_PARM_DESC(chip, "label of the GPIO chip: line 0 in, line 1 out");

static struct platform_device *floor_pdev;
static struct gpio_desc *floor_in, *floor_out;
static int floor_irq;

static struct gpiod_lookup_table floor_table = {
	.dev_id = "smartbms-floor",
	.table = {
		GPIO_LOOKUP_IDX(NULL, 0, "in", 0, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(NULL, 1, "out", 0, GPIO_ACTIVE_HIGH),
		{ }
	},
};

static irqreturn_t floor_thread(int irq, void *data)
{
	gpiod_set_value_cansleep(floor_out, gpiod_get_value_cansleep(floor_in));
	return IRQ_HANDLED;
}

static int __init floor_init(void)
{
	int ret;

	floor_table.table[0].key = chip;
	floor_table.table[1].key = chip;
	gpiod_add_lookup_table(&floor_table);
	floor_pdev = platform_device_register_simple("smartbms-floor",
						     PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(floor_pdev)) {
		ret = PTR_ERR(floor_pdev);
		goto err_table;
	}
	floor_in = gpiod_get(&floor_pdev->dev, "in", GPIOD_IN);
	if (IS_ERR(floor_in)) {
		ret = PTR_ERR(floor_in);
		goto err_pdev;
	}
	floor_out = gpiod_get(&floor_pdev->dev, "out", GPIOD_OUT_LOW);
	if (IS_ERR(floor_out)) {
		ret = PTR_ERR(floor_out);
		goto err_in;
	}
	floor_irq = gpiod_to_irq(floor_in);
	if (floor_irq < 0) {
		ret = floor_irq;
		goto err_out;
	}
	ret = request_threaded_irq(floor_irq, NULL, floor_thread,
				   IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING |
				   IRQF_ONESHOT, "smartbms-floor", NULL);
	if (ret)
		goto err_out;
	return 0;

err_out:
	gpiod_put(floor_out);
err_in:
	gpiod_put(floor_in);
err_pdev:
	platform_device_unregister(floor_pdev);
err_table:
	gpiod_remove_lookup_table(&floor_table);
	return ret;
}
module_init(floor_init);

static void __exit floor_exit(void)
{
	free_irq(floor_irq, NULL);
	gpiod_put(floor_out);
	gpiod_put(floor_in);
	platform_device_unregister(floor_pdev);
	gpiod_remove_lookup_table(&floor_table);
}
module_exit(floor_exit);

MODULE_DESCRIPTION("smartbms reaction floor (benchmark only)");
MODULE_LICENSE("GPL");
