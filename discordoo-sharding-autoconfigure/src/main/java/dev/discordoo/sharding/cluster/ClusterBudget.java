package dev.discordoo.sharding.cluster;

/**
 * The bot's daily identify budget as the cluster shares it in ZooKeeper: written by the
 * leader from Discord's {@code session_start_limit}, one less for each identify any node
 * grants.
 *
 * @param total identifies per day
 * @param remaining identifies left until the reset
 * @param resetAtEpochMillis when the budget resets
 */
public record ClusterBudget(int total, int remaining, long resetAtEpochMillis) {
}
