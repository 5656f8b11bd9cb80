package dev.discordoo.sample;

/**
 * One guild, as the instance whose shard sees it describes it.
 *
 * @param id the guild id
 * @param name its name
 * @param members its member count
 * @param shard the shard it is on, {@code (id >> 22) % total}
 */
public record GuildInfo(long id, String name, int members, int shard) {

}
