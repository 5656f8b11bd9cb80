package dev.discordoo.sharding.cluster;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The cluster as one node sees it, for health and the {@code sharding} endpoint.
 *
 * @param cluster the cluster's name
 * @param node this node's name
 * @param connected whether this node is connected to ZooKeeper
 * @param leader the leader node's name, or {@code null} when unknown
 * @param nodes the live nodes, longest-lived first
 * @param assignmentVersion the version of the assignment this node follows, or -1 before
 * the first
 * @param shortfall why some instances run nowhere, or {@code null}
 * @param reassignments how many instances changed node from one assignment to the next, as
 * this node saw them
 * @param instances each instance's assigned node and, from its ownership znode, the node that
 * owns it and the state that node reported
 */
public record ClusterStatus(String cluster, String node, boolean connected, @Nullable String leader,
		List<NodeRecord> nodes, long assignmentVersion, @Nullable String shortfall, long reassignments,
		List<InstanceStatus> instances) {

	/**
	 * Return the instances of each node, by assignment.
	 * @return node name to instance indexes
	 */
	public Map<String, List<Integer>> instancesByNode() {
		Map<String, List<Integer>> byNode = new java.util.TreeMap<>();
		for (InstanceStatus instance : this.instances) {
			if (instance.assignedTo() != null) {
				byNode.computeIfAbsent(instance.assignedTo(), (key) -> new java.util.ArrayList<>())
					.add(instance.index());
			}
		}
		return byNode;
	}

	/**
	 * One instance, cluster-wide.
	 *
	 * @param index the instance index
	 * @param shards its shards
	 * @param assignedTo the node the assignment gives it to, or {@code null}
	 * @param ownedBy the node holding its ownership, or {@code null} when none does
	 * @param state the state its owner last reported, or {@code null}
	 */
	public record InstanceStatus(int index, List<Integer> shards, @Nullable String assignedTo,
			@Nullable String ownedBy, @Nullable String state) {
	}

}
