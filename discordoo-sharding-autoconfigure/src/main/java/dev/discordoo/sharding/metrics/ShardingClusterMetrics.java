package dev.discordoo.sharding.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.discordoo.sharding.cluster.ClusterStatus;
import dev.discordoo.sharding.cluster.ClusterStatusSource;

/**
 * A cluster node's meters:
 * <ul>
 * <li>{@code discordoo.sharding.cluster.nodes}, a gauge of the live nodes;</li>
 * <li>{@code discordoo.sharding.cluster.assignment.version}, a gauge of the version of the
 * assignment this node follows;</li>
 * <li>{@code discordoo.sharding.cluster.reassignments}, a counter of instances whose node
 * changed from one assignment to the next, as this node saw them;</li>
 * <li>{@code discordoo.sharding.cluster.zookeeper.connected}, 1 while this node is connected
 * to ZooKeeper, else 0.</li>
 * </ul>
 */
public final class ShardingClusterMetrics implements MeterBinder {

	private final ClusterStatusSource cluster;

	/**
	 * Create the meters of a node.
	 * @param cluster the node's view of its cluster
	 */
	public ShardingClusterMetrics(ClusterStatusSource cluster) {
		this.cluster = cluster;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(MeterNames.CLUSTER_NODES, this.cluster, (cluster) -> cluster.status().nodes().size())
			.description("Live nodes of the cluster")
			.register(registry);
		Gauge.builder(MeterNames.CLUSTER_ASSIGNMENT_VERSION, this.cluster,
				(cluster) -> cluster.status().assignmentVersion())
			.description("Version of the cluster assignment this node follows")
			.register(registry);
		FunctionCounter.builder(MeterNames.CLUSTER_REASSIGNMENTS, this.cluster,
				(cluster) -> cluster.status().reassignments())
			.description("Instances moved from one node to another")
			.register(registry);
		Gauge.builder(MeterNames.CLUSTER_CONNECTED, this.cluster, ShardingClusterMetrics::connected)
			.description("Whether this node is connected to ZooKeeper (1) or not (0)")
			.register(registry);
	}

	private static double connected(ClusterStatusSource cluster) {
		ClusterStatus status = cluster.status();
		return status.connected() ? 1 : 0;
	}

}
