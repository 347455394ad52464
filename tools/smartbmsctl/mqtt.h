/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smartbmsctl mqtt: the bridge (mqtt.c) and what it publishes for Home
 * Assistant (mqtt-ha.c).
 */
#ifndef _SMARTBMSCTL_MQTT_H
#define _SMARTBMSCTL_MQTT_H

#include "bridge.h"

#define SBC_MQ_TOPIC_MAX	256
#define SBC_MQ_BASE_MAX		200	/* prefix (< 128) / id (<= 64) */
#define SBC_MQ_CACHE		128	/* retained topics remembered */

struct mosquitto;

/* the last payload sent on a state topic, to send changes only */
struct sbc_mq_cached {
	char *topic;
	char *payload;
};

struct sbc_mq {
	struct mosquitto *mosq;
	int up;				/* CONNACK received, not lost since */
	const char *id;
	char base[SBC_MQ_BASE_MAX];	/* PREFIX/ID */
	const char *disc;		/* discovery prefix */
	int allow_commands;
	unsigned long long announced;	/* entities in the last discovery */
	int discovered;			/* discovery sent on this connection */
	struct sbc_mq_cached cache[SBC_MQ_CACHE];
	unsigned int ncache;
	int failed;			/* a publication failed: said once */
};

/*
 * Publish @payload on @topic (QoS 1); with @changes, only when it is not
 * what was sent last on this topic. Nothing while the broker is away:
 * everything is sent again on the next connection.
 */
int sbc_mq_pub(struct sbc_mq *m, const char *topic, const char *payload,
	       int retain, int changes);
/* forget what was sent: the next publications send everything */
void sbc_mq_forget(struct sbc_mq *m);
void sbc_mq_free(struct sbc_mq *m);

/* mqtt-ha.c */
/* the discovery of every entity @s has, and the removal of the others */
void sbc_ha_discovery(struct sbc_mq *m, const struct sbc_snap *s);
/* whether the entities @s has differ from the last discovery */
int sbc_ha_changed(const struct sbc_mq *m, const struct sbc_snap *s);
/*
 * The state topics: those that changed since they were last sent (all of
 * them after sbc_mq_forget()), and with @all every reading too (every
 * --interval).
 */
void sbc_ha_state(struct sbc_mq *m, const struct sbc_snap *s, int all);
/* one event on PREFIX/ID/event */
int sbc_ha_event(struct sbc_mq *m, const struct sbc_event *e);

#endif
