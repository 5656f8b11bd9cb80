package dev.discordoo.sharding.health;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.discordoo.sharding.ShardAssignment;
import dev.discordoo.sharding.instance.InstanceIdentity;
import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.ipc.IpcLink;

/**
 * {@link HealthIndicator} of a sharding instance, which reports its link to its manager:
 * {@link Status#UP UP} while the link is open, {@link Status#OUT_OF_SERVICE OUT_OF_SERVICE}
 * before a manager has linked (the instance is starting), {@link Status#DOWN DOWN} once the
 * link is closed (the instance is self-destructing). The details give the index, the
 * instance id, the manager id, the shards and the heartbeat latency.
 */
public class ShardingInstanceHealthIndicator extends AbstractHealthIndicator {

	private final InstanceRuntime runtime;

	/**
	 * Create a new indicator.
	 * @param runtime the instance runtime
	 */
	public ShardingInstanceHealthIndicator(InstanceRuntime runtime) {
		super("Sharding instance health check failed");
		this.runtime = runtime;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		InstanceIdentity identity = this.runtime.identity();
		IpcLink link = this.runtime.managerLink();
		if (link == null) {
			builder.outOfService();
		}
		else if (link.isOpen()) {
			builder.up();
		}
		else {
			builder.down();
		}
		ShardAssignment assignment = this.runtime.assignment();
		// the index the manager gave: a spare's own number means nothing once it took over
		builder.withDetail("index", (assignment != null) ? assignment.instanceIndex() : identity.index());
		builder.withDetail("instanceId", identity.instanceId());
		builder.withDetail("managerId", identity.managerId());
		if (assignment != null) {
			builder.withDetail("shards", assignment.shards());
		}
		Double latency = (link != null) ? link.latencyMillis() : null;
		if (latency != null) {
			builder.withDetail("heartbeatLatencyMillis", latency);
		}
	}

}
