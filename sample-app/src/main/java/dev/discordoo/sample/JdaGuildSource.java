package dev.discordoo.sample;

import java.util.Map;
import java.util.TreeMap;

import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.sharding.ShardManager;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import dev.discordoo.sample.ConditionalOnShardingRole.Role;

/**
 * The guilds of a real bot, from the caches of the JDA {@link ShardManager} the starter runs
 * on this instance's shards. As a JDA {@link EventListener} bean it is registered on every
 * shard by the starter, and hears each shard's {@link ReadyEvent}.
 */
@Component
@ConditionalOnShardingRole(Role.INSTANCE)
@ConditionalOnDiscordToken
public class JdaGuildSource implements GuildSource, EventListener {

	private final ShardManager shards;

	private final ApplicationEventPublisher events;

	/**
	 * Create a source.
	 * @param shards this instance's shard manager (the starter's bean)
	 * @param events publishes {@link GuildSource.Connected}
	 */
	public JdaGuildSource(ShardManager shards, ApplicationEventPublisher events) {
		this.shards = shards;
		this.events = events;
	}

	@Override
	public void onEvent(GenericEvent event) {
		if (event instanceof ReadyEvent && isConnected()) {
			this.events.publishEvent(new Connected(
					this.shards.getShards().stream().map((shard) -> shard.getShardInfo().getShardId()).sorted().toList()));
		}
	}

	@Override
	public GuildCount guildCount() {
		Map<Integer, Integer> byShard = new TreeMap<>();
		for (JDA shard : this.shards.getShards()) {
			byShard.put(shard.getShardInfo().getShardId(), (int) shard.getGuildCache().size());
		}
		return GuildCount.of(byShard);
	}

	@Override
	public boolean isConnected() {
		return this.shards.getShards().stream().allMatch((shard) -> shard.getStatus() == JDA.Status.CONNECTED);
	}

	@Override
	public @Nullable GuildInfo guild(long id) {
		Guild guild = this.shards.getGuildById(id);
		return (guild != null)
				? new GuildInfo(id, guild.getName(), guild.getMemberCount(), guild.getJDA().getShardInfo().getShardId())
				: null;
	}

}
