package dev.discordoo.sharding;

import java.util.List;

/**
 * What one sharding instance runs: its Discord shards out of the bot's total.
 *
 * @param instanceIndex the instance's index (0, 1, 2, …)
 * @param instanceId the instance's DiscordooSnowflake, fresh for every spawn
 * @param shards the Discord shard ids to connect
 * @param totalShards the bot's total shard count, for the gateway's identify
 */
public record ShardAssignment(int instanceIndex, String instanceId, List<Integer> shards, int totalShards) {

	/**
	 * Copy the shard list.
	 */
	public ShardAssignment {
		shards = List.copyOf(shards);
	}

}
