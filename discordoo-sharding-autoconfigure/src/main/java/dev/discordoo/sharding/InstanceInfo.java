package dev.discordoo.sharding;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one sharding instance, as its manager sees it.
 *
 * @param index the instance index
 * @param id the snowflake of its current spawn, {@code null} before the first
 * @param shards its Discord shard ids
 * @param totalShards the bot's total shard count
 * @param state where it stands
 * @param pid its process id (the manager's own in workers mode), {@code -1} when not running
 * @param heartbeatLatencyMillis the last heartbeat round trip, {@code null} if none yet
 * @param lastHeartbeatAgeMillis how long ago its last heartbeat came, {@code null} when unlinked
 * @param restarts how many times the manager restarted it automatically (restarts by hand
 * are not counted)
 * @param lastFailure why it was last lost or failed, in words, {@code null} if never
 * @param lastFailureCause why it was last lost or failed, {@code null} if never
 */
public record InstanceInfo(int index, @Nullable String id, List<Integer> shards, int totalShards, InstanceState state,
		long pid, @Nullable Double heartbeatLatencyMillis, @Nullable Long lastHeartbeatAgeMillis, int restarts,
		@Nullable String lastFailure, @Nullable FailureCause lastFailureCause) {

}
