/**
 * JDA on the sharding instances: a {@link dev.discordoo.sharding.ShardClient} that runs a JDA
 * {@code ShardManager} over the shards the manager assigned, with identifies paced by the
 * manager's broker, and its health and meters per shard. Used only when JDA is on the class
 * path.
 */
@NullMarked
package dev.discordoo.sharding.jda;

import org.jspecify.annotations.NullMarked;
