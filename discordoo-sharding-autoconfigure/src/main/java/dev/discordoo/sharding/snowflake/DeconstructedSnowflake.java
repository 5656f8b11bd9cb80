package dev.discordoo.sharding.snowflake;

/**
 * The parts of a {@link DiscordooSnowflake}.
 *
 * @param timestamp epoch milliseconds
 * @param workerId the worker id, the manager's process id
 * @param shardId the shard id: an instance index, or {@link DiscordooSnowflake#MANAGER_SHARD_ID}
 * @param increment the per-process increment
 */
public record DeconstructedSnowflake(long timestamp, long workerId, long shardId, long increment) {
}
