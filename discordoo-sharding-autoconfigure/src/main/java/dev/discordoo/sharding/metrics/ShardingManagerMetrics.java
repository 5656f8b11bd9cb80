package dev.discordoo.sharding.metrics;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationListener;

import dev.discordoo.sharding.FailureCause;
import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.InstanceStateChangedEvent;
import dev.discordoo.sharding.ShardingManager;

/**
 * The manager's sharding meters:
 * <ul>
 * <li>{@code discordoo.sharding.heartbeat.latency}, a time gauge per instance (tag
 * {@code instance}, its index) of the last heartbeat round trip the instance reported;
 * {@code NaN} while the instance has no link;</li>
 * <li>{@code discordoo.sharding.instances}, a gauge per {@link InstanceState} (tag
 * {@code state}, the state's name in lower case) of how many instances are in it;</li>
 * <li>{@code discordoo.sharding.restarts}, a counter of automatic restarts tagged
 * {@code instance} and {@code reason}, the {@link FailureCause#tag() tag} of the cause the
 * instance was lost for ({@code exited}, {@code heartbeat}, {@code link},
 * {@code spawn-timeout}, {@code ready-timeout}, {@code start-failed} or
 * {@code launch-failed}), every one registered at 0 from the start. Counted from the
 * {@link InstanceStateChangedEvent}s of any {@link ShardingManager} that publishes them.</li>
 * </ul>
 * The gauges read the manager's snapshots when the registry asks for them: nothing is
 * polled in between.
 */
public final class ShardingManagerMetrics implements MeterBinder, ApplicationListener<InstanceStateChangedEvent> {

	/** The causes an instance is restarted for; the others leave it FAILED. */
	private static final Set<FailureCause> RESTART_CAUSES = EnumSet.complementOf(
			EnumSet.of(FailureCause.NOT_CONFIRMED_GONE, FailureCause.CRASH_LOOP));

	private final ShardingManager manager;

	private volatile @Nullable MeterRegistry registry;

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
			for (FailureCause cause : RESTART_CAUSES) {
				restarts(registry, index, cause);
			}
		}
		for (InstanceState state : InstanceState.values()) {
			Gauge.builder(MeterNames.INSTANCES, this.manager, (manager) -> count(manager, state))
				.description("Sharding instances in a state")
				.tag(MeterNames.TAG_STATE, state.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
		this.registry = registry;
	}

	@Override
	public void onApplicationEvent(InstanceStateChangedEvent event) {
		MeterRegistry current = this.registry;
		FailureCause cause = event.getCause();
		if (current != null && event.getSource() == this.manager && event.getState() == InstanceState.RESTARTING
				&& cause != null) {
			restarts(current, event.getInstance().index(), cause).increment();
		}
	}

	private static Counter restarts(MeterRegistry registry, int index, FailureCause cause) {
		return Counter.builder(MeterNames.RESTARTS)
			.description("Automatic restarts of sharding instances")
			.tag(MeterNames.TAG_INSTANCE, Integer.toString(index))
			.tag(MeterNames.TAG_REASON, cause.tag())
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
