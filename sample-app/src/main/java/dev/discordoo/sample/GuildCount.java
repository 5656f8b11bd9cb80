package dev.discordoo.sample;

import java.util.Map;
import java.util.TreeMap;

/**
 * The guilds one instance sees: the payload of the {@code GUILD_COUNT} event an instance
 * dispatches to its manager, and the answer to the {@code guild-count} request.
 *
 * @param guilds the instance's guilds, over all its shards
 * @param shards guilds by shard id
 */
public record GuildCount(int guilds, Map<Integer, Integer> shards) {

	/**
	 * Copy the shard map, sorted by shard id so that it reads well as JSON.
	 */
	public GuildCount {
		shards = (shards != null) ? new TreeMap<>(shards) : new TreeMap<>();
	}

	/**
	 * Count the guilds of some shards.
	 * @param guildsByShard guilds by shard id
	 * @return the count
	 */
	public static GuildCount of(Map<Integer, Integer> guildsByShard) {
		return new GuildCount(guildsByShard.values().stream().mapToInt(Integer::intValue).sum(), guildsByShard);
	}

}
