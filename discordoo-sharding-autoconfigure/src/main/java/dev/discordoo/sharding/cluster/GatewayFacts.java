package dev.discordoo.sharding.cluster;

import org.jspecify.annotations.Nullable;

import dev.discordoo.sharding.discord.GatewayBot;

/**
 * What the leader learns from Discord (or from configuration, without a token) before the
 * first assignment, and publishes with it: the cluster's only call to {@code GET /gateway/bot}.
 *
 * @param totalShards the bot's shard count
 * @param gatewayUrl the gateway URL
 * @param maxConcurrency Discord's identify buckets
 * @param limit the daily identify budget, or {@code null} without a Discord token
 */
public record GatewayFacts(int totalShards, String gatewayUrl, int maxConcurrency,
		GatewayBot.@Nullable SessionStartLimit limit) {
}
