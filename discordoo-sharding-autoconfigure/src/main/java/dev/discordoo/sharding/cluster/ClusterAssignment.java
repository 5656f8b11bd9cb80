package dev.discordoo.sharding.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.discordoo.sharding.manager.ShardAllocation;
import dev.discordoo.sharding.manager.ShardIds;

/**
 * Which node runs which instance of the bot, as the leader published it. The instances are
 * the bot's {@code totalShards} shards cut into instances of {@code shardsPerInstance}, the
 * same plan on every node, so that an instance index means the same shards everywhere.
 *
 * @param version increases with every assignment the leader publishes
 * @param totalShards the bot's shard count, fixed by the first leader
 * @param shardsPerInstance how many shards each instance runs
 * @param gatewayUrl the gateway URL the instances connect to
 * @param maxConcurrency Discord's identify buckets
 * @param owners for each instance index, the node that runs it, or {@code null} when no node
 * has room for it
 * @param shortfall why some instances have no node, or {@code null} when every one has
 */
public record ClusterAssignment(long version, int totalShards, int shardsPerInstance, String gatewayUrl,
		int maxConcurrency, List<@Nullable String> owners, @Nullable String shortfall) {

	/**
	 * Return the instance plan every node shares.
	 * @return all the bot's shards cut into instances
	 */
	public ShardAllocation allocation() {
		return ShardAllocation.of(ShardIds.parse("0-" + (this.totalShards - 1)), this.totalShards,
				this.shardsPerInstance);
	}

	/**
	 * Return the node that runs an instance.
	 * @param instance the instance index
	 * @return the node's name, or {@code null} when none does
	 */
	public @Nullable String ownerOf(int instance) {
		return (instance >= 0 && instance < this.owners.size()) ? this.owners.get(instance) : null;
	}

	/**
	 * Return the instances a node runs.
	 * @param node the node's name
	 * @return their indexes, ascending
	 */
	public List<Integer> instancesOf(String node) {
		List<Integer> instances = new ArrayList<>();
		for (int i = 0; i < this.owners.size(); i++) {
			if (node.equals(this.owners.get(i))) {
				instances.add(i);
			}
		}
		return instances;
	}

	/**
	 * Return whether another assignment gives every instance to the same node as this one.
	 * @param other the other assignment
	 * @return whether the owners and the shortfall are the same
	 */
	boolean sameOwners(ClusterAssignment other) {
		return this.owners.equals(other.owners) && Objects.equals(this.shortfall, other.shortfall);
	}

}
