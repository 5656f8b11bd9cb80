package dev.discordoo.sharding.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.identify.IdentifyStatus;

/**
 * {@link HealthIndicator} of a sharding manager and its instances:
 * <ul>
 * <li>{@link Status#UP UP} when every instance is {@link InstanceState#READY READY} and its
 * last heartbeat is no older than the heartbeat interval × tolerance;</li>
 * <li>{@link Status#DOWN DOWN} when any instance is {@link InstanceState#FAILED FAILED} or
 * {@link InstanceState#LOST LOST}, or is READY with a stale heartbeat (the manager is about
 * to count it lost);</li>
 * <li>{@link Status#OUT_OF_SERVICE OUT_OF_SERVICE} otherwise: instances are still starting,
 * waiting out a restart backoff, or stopping. Those are expected, passing states, so they
 * are told apart from DOWN, while still answering 503 under Boot's default status mapping.</li>
 * </ul>
 * The details count the healthy instances and list every instance: index, id, shards,
 * state, pid, heartbeat latency, last heartbeat age, restarts and last failure; and show the
 * identify broker: {@code max_concurrency}, interval, permits waiting and held, and the daily
 * budget. While the budget is at its reserve the status is {@link Status#DOWN DOWN} with the
 * reason, whatever the instances' states: no shard can identify until the budget resets.
 */
public class ShardingHealthIndicator extends AbstractHealthIndicator {

	private final ShardingManager manager;

	private final Duration maxHeartbeatAge;

	private final @Nullable IdentifyBroker identify;

	/**
	 * Create a new indicator.
	 * @param manager the manager whose instances to report
	 * @param maxHeartbeatAge the oldest a READY instance's last heartbeat may be for it to
	 * count as healthy: the heartbeat interval × tolerance
	 * @param identify the identify broker, whose limits and budget are reported too; the
	 * status is DOWN while it holds permits back to keep the daily budget's reserve
	 */
	public ShardingHealthIndicator(ShardingManager manager, Duration maxHeartbeatAge,
			@Nullable IdentifyBroker identify) {
		super("Sharding health check failed");
		this.manager = manager;
		this.maxHeartbeatAge = maxHeartbeatAge;
		this.identify = identify;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<InstanceInfo> instances = this.manager.instances();
		builder.status(statusOf(instances));
		long ready = instances.stream().filter(this::isHealthy).count();
		builder.withDetail("readyInstances", ready);
		builder.withDetail("maxHeartbeatAgeMillis", this.maxHeartbeatAge.toMillis());
		List<Map<String, Object>> details = new ArrayList<>();
		for (InstanceInfo instance : instances) {
			details.add(describe(instance));
		}
		builder.withDetail("instances", details);
		if (this.identify != null) {
			IdentifyStatus status = this.identify.status();
			builder.withDetail("identify", status.details());
			if (status.holdReason() != null) {
				builder.down().withDetail("reason", status.holdReason());
			}
		}
	}

	private Status statusOf(List<InstanceInfo> instances) {
		boolean allHealthy = true;
		for (InstanceInfo instance : instances) {
			InstanceState state = instance.state();
			if (state == InstanceState.FAILED || state == InstanceState.LOST
					|| (state == InstanceState.READY && !hasFreshHeartbeat(instance))) {
				return Status.DOWN;
			}
			allHealthy &= isHealthy(instance);
		}
		return allHealthy ? Status.UP : Status.OUT_OF_SERVICE;
	}

	private boolean isHealthy(InstanceInfo instance) {
		return instance.state() == InstanceState.READY && hasFreshHeartbeat(instance);
	}

	private boolean hasFreshHeartbeat(InstanceInfo instance) {
		Long age = instance.lastHeartbeatAgeMillis();
		return age != null && age <= this.maxHeartbeatAge.toMillis();
	}

	private static Map<String, Object> describe(InstanceInfo instance) {
		// unknown values are left out rather than written as nulls
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("index", instance.index());
		putIfKnown(details, "id", instance.id());
		details.put("shards", instance.shards());
		details.put("state", instance.state());
		if (instance.pid() > 0) {
			details.put("pid", instance.pid());
		}
		putIfKnown(details, "heartbeatLatencyMillis", instance.heartbeatLatencyMillis());
		putIfKnown(details, "lastHeartbeatAgeMillis", instance.lastHeartbeatAgeMillis());
		details.put("restarts", instance.restarts());
		putIfKnown(details, "lastFailure", instance.lastFailure());
		putIfKnown(details, "lastFailureCause", instance.lastFailureCause());
		return details;
	}

	private static void putIfKnown(Map<String, Object> details, String key, @Nullable Object value) {
		if (value != null) {
			details.put(key, value);
		}
	}

}
