#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check smartbmsctl mqtt's Home Assistant discovery, field by field.

ha-check.py discovery|monitor FILE ID BASE MONITOR
FILE holds mosquitto_sub -v lines "TOPIC PAYLOAD" of DISCOVERY/+/ID/+/config.
Prints one "ok|what" or "FAIL|what" line per check.
"""
import json
import sys

mode, path, dev_id, base, monitor = sys.argv[1:6]
monitor = monitor == "1"

configs = {}
bad_json = []
for line in open(path, encoding="utf-8"):
    topic, _, payload = line.rstrip("\n").partition(" ")
    parts = topic.split("/")
    try:
        configs[(parts[1], parts[3])] = json.loads(payload)
    except (ValueError, IndexError):
        bad_json.append(topic)


def check(cond, what):
    print(("ok|" if cond else "FAIL|") + what)


# (component, object): device_class, state_class, unit
SENSORS = {
    ("sensor", "li_ion_voltage"): ("voltage", "measurement", "V"),
    ("sensor", "starter_voltage"): ("voltage", "measurement", "V"),
    ("sensor", "alternator_current"): ("current", "measurement", "A"),
    ("sensor", "alternator_current_percent"): (None, "measurement", "%"),
    ("sensor", "bms_temperature"): ("temperature", "measurement", "°C"),
    ("sensor", "battery_temperature"): ("temperature", "measurement", "°C"),
    ("sensor", "charge_limit"): ("voltage", None, "V"),
    ("sensor", "active_codes"): (None, None, None),
    ("sensor", "status"): (None, None, None),
    ("sensor", "health"): (None, None, None),
}
MONITOR = {
    ("sensor", "state_of_charge"): ("battery", "measurement", "%"),
    ("sensor", "battery_current"): ("current", "measurement", "A"),
    ("sensor", "time_to_empty"): ("duration", "measurement", "s"),
    ("sensor", "time_to_full"): ("duration", "measurement", "s"),
    ("sensor", "monitor_sync"): (None, None, None),
}
BINARY = {
    "load_disconnect": "power", "charge_disconnect": None, "prealarm": "problem",
    "alternator_enable": "battery_charging", "error": "problem", "alarm": "problem",
    "warning": "problem", "software_switch": None,
}
LOG_EVENTS = ["load-disconnect", "load-reconnect", "charge-disconnect", "charge-reconnect",
              "prealarm-on", "prealarm-off", "alternator-on", "alternator-off",
              "code-raised", "code-cleared", "settings-changed", "soc-save", "events-lost"]

check(not bad_json, "every config is JSON %s" % bad_json)

if mode == "monitor":
    for key, (dc, sc, unit) in MONITOR.items():
        c = configs.get(key)
        check(c is not None, "%s/%s announced" % key)
        if c:
            check((c.get("device_class"), c.get("state_class"), c.get("unit_of_measurement")) ==
                  (dc, sc, unit), "%s: device_class %s, state_class %s, unit %s"
                  % (key[1], dc, sc, unit))
    check(configs.get(("sensor", "monitor_sync"), {}).get("entity_category") == "diagnostic",
          "monitor_sync is a diagnostic entity")
    sys.exit(0)

expect = dict(SENSORS)
expect.update({("binary_sensor", o): (dc, None, None) for o, dc in BINARY.items()})
expect[("event", "event")] = (None, None, None)
if monitor:
    expect.update(MONITOR)

check(sorted(configs) == sorted(expect),
      "the entities are those expected (%d): extra %s, missing %s"
      % (len(expect), sorted(set(configs) - set(expect)), sorted(set(expect) - set(configs))))

for key, (dc, sc, unit) in sorted(expect.items()):
    c = configs.get(key)
    if c is None:
        continue
    comp, obj = key
    what = "%s/%s" % (comp, obj)
    check(c.get("unique_id") == "%s_%s" % (dev_id, obj), what + ": unique_id")
    check(c.get("state_topic") == "%s/%s" % (base, obj), what + ": state_topic")
    check(c.get("availability_topic") == base + "/availability" and
          c.get("payload_available") == "online" and c.get("payload_not_available") == "offline",
          what + ": availability topic and payloads")
    check(isinstance(c.get("name"), str) and c["name"], what + ": a name")
    check((c.get("device_class"), c.get("state_class"), c.get("unit_of_measurement")) ==
          (dc, sc, unit), "%s: device_class %s, state_class %s, unit %s" % (what, dc, sc, unit))
    d = c.get("device", {})
    check(d.get("identifiers") == [dev_id] and d.get("model") == "smartbms" and
          d.get("name") and d.get("manufacturer") and d.get("sw_version"),
          what + ": device (identifiers, name, model smartbms, manufacturer, sw_version)")
    if comp == "binary_sensor":
        on, off = ("on", "off") if obj == "software_switch" else ("ON", "OFF")
        check(c.get("payload_on") == on and c.get("payload_off") == off, what + ": payloads")
    if comp == "event":
        check(c.get("event_types") == LOG_EVENTS, what + ": event types = smartbmsctl log's")
    check("command_topic" not in c, what + ": no command topic without --allow-commands")

codes = configs.get(("sensor", "active_codes"), {})
check(codes.get("json_attributes_topic") == base + "/active_codes/attributes",
      "active_codes: the causes on the attributes topic")
check(configs.get(("sensor", "health"), {}).get("entity_category") == "diagnostic",
      "health is a diagnostic entity")
