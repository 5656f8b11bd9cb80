package dev.discordoo.sharding;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Who sent an event or a request, and which one it was.
 *
 * @param instanceIndex the sending instance's index, {@code null} when the manager sent it
 * @param senderId the sender's snowflake
 * @param shards the sending instance's shards, empty for the manager
 * @param event the name of what arrived: for an event its name (the DISPATCH's {@code t}),
 * for a request the request's name; {@code null} when whoever created the context did not
 * say
 */
public record ShardEventContext(@Nullable Integer instanceIndex, @Nullable String senderId, List<Integer> shards,
		@Nullable String event) {

	/**
	 * Copy the shard list.
	 */
	public ShardEventContext {
		shards = List.copyOf(shards);
	}

	/**
	 * Create a context that does not name the event, as before the event name was added.
	 * @param instanceIndex the sending instance's index, {@code null} when the manager sent it
	 * @param senderId the sender's snowflake
	 * @param shards the sending instance's shards, empty for the manager
	 */
	public ShardEventContext(@Nullable Integer instanceIndex, @Nullable String senderId, List<Integer> shards) {
		this(instanceIndex, senderId, shards, null);
	}

	/**
	 * Return whether the manager sent it.
	 * @return whether the sender is the manager
	 */
	public boolean fromManager() {
		return this.instanceIndex == null;
	}

}
