package dev.discordoo.sharding.metrics;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.manager.LocalShardingManager;

/**
 * The manager's sharding meters:
 * <ul>
 * <li>{@code discordoo.sharding.heartbeat.latency}, a time gauge per instance (tag
 * {@code instance}, its index) of the last heartbeat round trip the instance reported;
 * {@code NaN} while the instance has no link;</li>
 * <li>{@code discordoo.sharding.instances}, a gauge per {@link InstanceState} (tag
 * {@code state}, the state's name in lower case) of how many instances are in it;</li>
 * <li>{@code discordoo.sharding.restarts}, a counter of automatic restarts tagged
 * {@code instance} and {@code reason}, a category of why the instance was lost:
 * {@code exited}, {@code heartbeat}, {@code link}, {@code spawn-timeout},
 * {@code start-failed}, {@code launch-failed} or {@code other}. Counted for a
 * {@link LocalShardingManager} only, the one that tells of its restarts.</li>
 * </ul>
 * The gauges read the manager's snapshots when the registry asks for them: nothing is
 * polled in between.
 */
public final class ShardingManagerMetrics implements MeterBinder {

	private final ShardingManager manager;

	/**
	 * Create the meters of a manager.
	 * @param manager the manager
	 */
	public ShardingManagerMetrics(ShardingManager manager) {
		this.manager = manager;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (InstanceInfo instance : this.manager.instances()) {
			int index = instance.index();
			TimeGauge.builder(MeterNames.HEARTBEAT_LATENCY, this.manager, TimeUnit.MILLISECONDS,
					(manager) -> latencyOf(manager.instance(index)))
				.description("Round trip of the last heartbeat of a sharding instance")
				.tag(MeterNames.TAG_INSTANCE, Integer.toString(index))
				.register(registry);
		}
		for (InstanceState state : InstanceState.values()) {
			Gauge.builder(MeterNames.INSTANCES, this.manager, (manager) -> count(manager, state))
				.description("Sharding instances in a state")
				.tag(MeterNames.TAG_STATE, state.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
		if (this.manager instanceof LocalShardingManager local) {
			local.addRestartListener((index, reason) -> restarts(registry, index, reason).increment());
		}
	}

	private static Counter restarts(MeterRegistry registry, int index, String reason) {
		return Counter.builder(MeterNames.RESTARTS)
			.description("Automatic restarts of sharding instances")
			.tag(MeterNames.TAG_INSTANCE, Integer.toString(index))
			.tag(MeterNames.TAG_REASON, RestartReason.of(reason).tag())
			.register(registry);
	}

	private static double latencyOf(InstanceInfo instance) {
		Double latency = instance.heartbeatLatencyMillis();
		return (latency != null) ? latency : Double.NaN;
	}

	private static double count(ShardingManager manager, InstanceState state) {
		return manager.instances().stream().filter((instance) -> instance.state() == state).count();
	}

}
