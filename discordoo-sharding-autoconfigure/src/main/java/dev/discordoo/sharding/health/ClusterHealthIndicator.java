package dev.discordoo.sharding.health;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.discordoo.sharding.cluster.ClusterStatusSource;
import dev.discordoo.sharding.cluster.ClusterStatus;

/**
 * Health of a cluster node ({@code cluster}): UP while the node is connected to ZooKeeper and
 * the leader's assignment gives every instance a node; DOWN without ZooKeeper, before the
 * first assignment, or while the nodes' capacity is short of the bot's shards (the shortfall
 * is in the details). The details show the cluster as this node sees it: the nodes, the
 * leader, the assignment version, and each instance's node and state.
 */
public class ClusterHealthIndicator extends AbstractHealthIndicator {

	private final ClusterStatusSource cluster;

	/**
	 * Create a new indicator.
	 * @param cluster the node's view of the cluster
	 */
	public ClusterHealthIndicator(ClusterStatusSource cluster) {
		super("Cluster health check failed");
		this.cluster = cluster;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ClusterStatus status = this.cluster.status();
		boolean up = status.connected() && status.assignmentVersion() >= 0 && status.shortfall() == null;
		builder.status(up ? org.springframework.boot.health.contributor.Status.UP
				: org.springframework.boot.health.contributor.Status.DOWN);
		builder.withDetail("cluster", status.cluster())
			.withDetail("node", status.node())
			.withDetail("connected", status.connected())
			.withDetail("leader", String.valueOf(status.leader()))
			.withDetail("nodes", status.nodes())
			.withDetail("assignmentVersion", status.assignmentVersion())
			.withDetail("instancesByNode", status.instancesByNode())
			.withDetail("instances", status.instances());
		if (status.shortfall() != null) {
			builder.withDetail("shortfall", status.shortfall());
		}
	}

}
