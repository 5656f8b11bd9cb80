package dev.discordoo.sharding.metrics;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.ipc.IpcLink;

/**
 * An instance's sharding meters: {@code discordoo.sharding.heartbeat.latency}, a time gauge
 * (tag {@code instance}, its own index) of the round trip of its last heartbeat to its
 * manager, as it measured it; {@code NaN} before the first ack and once the link is closed.
 */
public final class ShardingInstanceMetrics implements MeterBinder {

	private final InstanceRuntime runtime;

	/**
	 * Create the meters of an instance.
	 * @param runtime the instance runtime
	 */
	public ShardingInstanceMetrics(InstanceRuntime runtime) {
		this.runtime = runtime;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		TimeGauge.builder(MeterNames.HEARTBEAT_LATENCY, this.runtime, TimeUnit.MILLISECONDS,
				ShardingInstanceMetrics::latencyOf)
			.description("Round trip of the last heartbeat of a sharding instance")
			.tag(MeterNames.TAG_INSTANCE, Integer.toString(this.runtime.identity().index()))
			.register(registry);
	}

	private static double latencyOf(InstanceRuntime runtime) {
		IpcLink link = runtime.managerLink();
		Double latency = (link != null && link.isOpen()) ? link.latencyMillis() : null;
		return (latency != null) ? latency : Double.NaN;
	}

}
