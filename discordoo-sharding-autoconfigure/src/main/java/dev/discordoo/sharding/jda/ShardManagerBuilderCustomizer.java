package dev.discordoo.sharding.jda;

import net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder;

/**
 * Callback interface for beans that customize the {@link DefaultShardManagerBuilder} of each
 * sharding instance, for whatever the {@code discordoo.sharding.jda.*} properties do not
 * cover. Customizers run in their {@link org.springframework.core.Ordered order}, after the
 * properties are applied; the shards, the shard total and the session controller are set
 * after them, since the manager decides those.
 */
@FunctionalInterface
public interface ShardManagerBuilderCustomizer {

	/**
	 * Customize the builder.
	 * @param builder the builder of this instance's shard manager
	 */
	void customize(DefaultShardManagerBuilder builder);

}
