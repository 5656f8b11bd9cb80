package dev.discordoo.sample;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where an instance's guilds come from: JDA's caches when a Discord token is set
 * ({@link JdaGuildSource}), the simulation otherwise ({@link SimulatedGatewayClient}).
 */
public interface GuildSource {

	/**
	 * Return the guilds this instance's shards see now.
	 * @return the count, in all and by shard
	 */
	GuildCount guildCount();

	/**
	 * Return whether every shard of this instance is connected.
	 * @return whether the counts mean anything yet
	 */
	boolean isConnected();

	/**
	 * Look a guild up among this instance's shards.
	 * @param id the guild id
	 * @return the guild, or {@code null} when none of this instance's shards sees it
	 */
	@Nullable GuildInfo guild(long id);

	/**
	 * Published once every shard of this instance is connected.
	 *
	 * @param shards the shards
	 */
	record Connected(List<Integer> shards) {

	}

}
