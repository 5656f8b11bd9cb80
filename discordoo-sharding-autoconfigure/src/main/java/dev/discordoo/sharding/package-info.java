/**
 * The public API of discordoo-sharding: {@link dev.discordoo.sharding.EnableSharding}, the
 * local client ({@link dev.discordoo.sharding.ShardClient}), the manager's and an instance's
 * views ({@link dev.discordoo.sharding.ShardingManager},
 * {@link dev.discordoo.sharding.ShardingInstance}), their events and values.
 */
@NullMarked
package dev.discordoo.sharding;

import org.jspecify.annotations.NullMarked;
