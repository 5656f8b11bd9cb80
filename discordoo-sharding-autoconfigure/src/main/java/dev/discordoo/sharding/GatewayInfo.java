package dev.discordoo.sharding;

/**
 * What a Discord client needs to connect its shards, as the manager knows it from
 * {@code GET /gateway/bot} (or from properties without a Discord token). Instances never call
 * Discord's REST API for it: they ask their manager with {@link ShardingInstance#gateway()}.
 *
 * @param url the gateway's WebSocket URL
 * @param totalShards the bot's total shard count, for IDENTIFY's {@code shard} field
 * @param maxConcurrency how many buckets may identify at once
 */
public record GatewayInfo(String url, int totalShards, int maxConcurrency) {

}
