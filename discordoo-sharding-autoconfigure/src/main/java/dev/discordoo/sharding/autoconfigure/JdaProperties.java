package dev.discordoo.sharding.autoconfigure;

import java.util.Set;

import net.dv8tion.jda.api.OnlineStatus;
import net.dv8tion.jda.api.entities.Activity;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import net.dv8tion.jda.api.utils.cache.CacheFlag;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What users set most on the JDA shard manager of each sharding instance. Everything else
 * goes through a {@link dev.discordoo.sharding.jda.ShardManagerBuilderCustomizer} bean.
 *
 * @param enabled Whether instances run a JDA shard manager when JDA is on the class path and
 * a Discord token is set
 * @param intents Gateway intents; empty for JDA's default (every intent that is not
 * privileged)
 * @param enabledCache Cache flags to enable on top of those the intents allow
 * @param disabledCache Cache flags to disable
 * @param memberCachePolicy Which members JDA keeps in its cache
 * @param compression Gateway transport compression: zlib (zlib-stream) or none
 * @param status Online status shown while connected
 * @param activity Activity shown while connected
 */
@ConfigurationProperties("discordoo.sharding.jda")
public record JdaProperties(@DefaultValue("true") boolean enabled, @DefaultValue Set<GatewayIntent> intents,
		@DefaultValue Set<CacheFlag> enabledCache, @DefaultValue Set<CacheFlag> disabledCache,
		@DefaultValue("default") MemberCache memberCachePolicy, @DefaultValue("zlib") Compression compression,
		@DefaultValue("online") OnlineStatus status, @DefaultValue JdaActivity activity) {

	/**
	 * JDA's member cache policies by name.
	 */
	public enum MemberCache {

		/** No members but the bot itself. */
		NONE(MemberCachePolicy.NONE),

		/** Every member (needs the GUILD_MEMBERS intent to be complete). */
		ALL(MemberCachePolicy.ALL),

		/** Guild owners. */
		OWNER(MemberCachePolicy.OWNER),

		/** Online members (needs GUILD_PRESENCES). */
		ONLINE(MemberCachePolicy.ONLINE),

		/** Members in a voice channel. */
		VOICE(MemberCachePolicy.VOICE),

		/** Members who boost a guild. */
		BOOSTER(MemberCachePolicy.BOOSTER),

		/** JDA's default: owners and voice members. */
		DEFAULT(MemberCachePolicy.DEFAULT);

		private final MemberCachePolicy policy;

		MemberCache(MemberCachePolicy policy) {
			this.policy = policy;
		}

		/**
		 * Return JDA's policy.
		 * @return the policy
		 */
		public MemberCachePolicy policy() {
			return this.policy;
		}

		/**
		 * Return the chunking JDA needs for this policy: every member is fetched only for
		 * {@link #ALL}.
		 * @return the chunking filter
		 */
		public ChunkingFilter chunking() {
			return (this == ALL) ? ChunkingFilter.ALL : ChunkingFilter.NONE;
		}

	}

	/**
	 * The activity a bot shows.
	 *
	 * @param type Activity type
	 * @param name Activity text; no activity when empty
	 * @param url Stream URL, for the streaming type
	 */
	public record JdaActivity(@DefaultValue("playing") Activity.ActivityType type, @Nullable String name,
			@Nullable String url) {

		/**
		 * Return JDA's activity.
		 * @return the activity, or {@code null} when no name is set
		 */
		public @Nullable Activity toActivity() {
			return (this.name != null && !this.name.isBlank()) ? Activity.of(this.type, this.name, this.url) : null;
		}

	}

}
