package dev.discordoo.sharding;

import java.util.List;

/**
 * Who sent an event or a request.
 *
 * @param instanceIndex the sending instance's index, {@code null} when the manager sent it
 * @param senderId the sender's snowflake
 * @param shards the sending instance's shards, empty for the manager
 */
public record ShardEventContext(Integer instanceIndex, String senderId, List<Integer> shards) {

	/**
	 * Copy the shard list.
	 */
	public ShardEventContext {
		shards = List.copyOf(shards);
	}

	/**
	 * Return whether the manager sent it.
	 * @return whether the sender is the manager
	 */
	public boolean fromManager() {
		return this.instanceIndex == null;
	}

}
