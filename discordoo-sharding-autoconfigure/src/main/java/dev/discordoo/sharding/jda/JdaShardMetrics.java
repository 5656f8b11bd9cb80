package dev.discordoo.sharding.jda;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import net.dv8tion.jda.api.JDA;

/**
 * Meters of this instance's JDA shards (the latencies registered once the manager has told
 * the instance its shards):
 * {@code discordoo.sharding.gateway.latency} (tag {@code shard}), each shard's gateway ping,
 * and {@code discordoo.sharding.gateway.shards} (tag {@code status}), how many of this
 * instance's shards are in each JDA status.
 */
public class JdaShardMetrics implements MeterBinder {

	/** Gateway ping of a shard. */
	public static final String GATEWAY_LATENCY = "discordoo.sharding.gateway.latency";

	/** Shards by status. */
	public static final String GATEWAY_SHARDS = "discordoo.sharding.gateway.shards";

	private final JdaShardClient client;

	/**
	 * Create the meters.
	 * @param client the JDA client
	 */
	public JdaShardMetrics(JdaShardClient client) {
		this.client = client;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (JDA.Status status : JDA.Status.values()) {
			Gauge.builder(GATEWAY_SHARDS, this.client,
					(client) -> client.statuses().values().stream().filter((each) -> each == status).count())
				.description("JDA shards of this instance in a status")
				.tag("status", status.name())
				.register(registry);
		}
		this.client.whenAssigned((shards) -> bindShards(registry, shards));
	}

	private void bindShards(MeterRegistry registry, List<Integer> shards) {
		for (int shard : shards) {
			TimeGauge.builder(GATEWAY_LATENCY, this.client, TimeUnit.MILLISECONDS, (client) -> {
				Long ping = client.gatewayPings().get(shard);
				return (ping != null) ? ping : Double.NaN;
			})
				.description("Gateway ping of a JDA shard: the round trip of its last heartbeat to Discord")
				.tag("shard", Integer.toString(shard))
				.register(registry);
		}
	}

}
