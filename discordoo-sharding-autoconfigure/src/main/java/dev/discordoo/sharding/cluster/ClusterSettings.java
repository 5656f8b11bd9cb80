package dev.discordoo.sharding.cluster;

import java.time.Duration;

/**
 * How a node takes part in its cluster.
 *
 * @param name the cluster's name: one bot, one name
 * @param nodeName this node's name, unique in the cluster
 * @param capacity how many shards this node may run
 * @param shardsPerInstance how many shards each instance runs, as the first leader fixes it
 * for the whole cluster
 * @param settle how long the leader waits, before the first assignment, for the membership to
 * stay unchanged: nodes started together then share the shards from the start instead of
 * the first one taking all of them and handing them over
 * @param moveMargin how long the leader waits after a node's session expired before it moves
 * that node's shards: long enough for the lost node's instances to have noticed the loss of
 * their manager and closed their sessions
 * @param handOverTimeout how long a node whose instance moved keeps it running while the new
 * owner's successor is not READY, before it gives up on the hand-over and stops anyway
 * @param rebalanceBatch how many instances the leader moves at once from one live node to
 * another (a joining node's share): the next move starts once one of these completes
 */
public record ClusterSettings(String name, String nodeName, int capacity, int shardsPerInstance, Duration settle,
		Duration moveMargin, Duration handOverTimeout, int rebalanceBatch) {

	/**
	 * Validate.
	 */
	public ClusterSettings {
		if (!ClusterPaths.isValidName(name)) {
			throw new IllegalArgumentException("cluster name '" + name + "' must be letters, digits, '.', '_' or '-'");
		}
		if (!ClusterPaths.isValidName(nodeName)) {
			throw new IllegalArgumentException("node name '" + nodeName + "' must be letters, digits, '.', '_' or '-'");
		}
		if (shardsPerInstance < 1) {
			throw new IllegalArgumentException("shards per instance must be at least 1, was " + shardsPerInstance);
		}
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
		}
		if (rebalanceBatch < 1) {
			throw new IllegalArgumentException("rebalance batch must be at least 1, was " + rebalanceBatch);
		}
	}

}
