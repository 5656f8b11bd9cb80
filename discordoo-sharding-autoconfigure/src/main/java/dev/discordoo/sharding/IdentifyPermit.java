package dev.discordoo.sharding;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The manager's leave for one IDENTIFY of one shard: send it now, then report how it ended
 * with {@link ShardingInstance#reportIdentify(int, IdentifyOutcome)}. A RESUME needs no
 * permit.
 *
 * @param shardId the shard that may identify
 * @param bucket its rate-limit bucket, {@code shardId % maxConcurrency}
 * @param waited how long the permit was waited for, as the manager measured it
 * @param remaining identifies left in the bot's daily budget after this one, {@code null}
 * when the manager does not know the budget (no Discord token)
 */
public record IdentifyPermit(int shardId, int bucket, Duration waited, @Nullable Integer remaining) {

}
