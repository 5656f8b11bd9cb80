package dev.discordoo.sharding.manager;

import java.util.List;

/**
 * One sharding instance of a {@link ShardAllocation}: its index and the shard ids it runs.
 *
 * @param index the instance index, from 0
 * @param shards the shard ids the instance runs, in the order they are started; never empty
 */
public record InstancePlan(int index, List<Integer> shards) {

	/**
	 * Create a new plan, copying the shard ids so that the plan stays immutable.
	 * @param index the instance index, from 0
	 * @param shards the shard ids the instance runs; not empty
	 */
	public InstancePlan {
		if (index < 0) {
			throw new IllegalArgumentException("index must not be negative, was " + index);
		}
		if (shards == null || shards.isEmpty()) {
			throw new IllegalArgumentException("an instance must run at least one shard");
		}
		shards = List.copyOf(shards);
	}

}
