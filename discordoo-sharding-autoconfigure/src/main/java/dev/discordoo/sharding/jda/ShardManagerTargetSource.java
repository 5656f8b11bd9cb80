package dev.discordoo.sharding.jda;

import net.dv8tion.jda.api.sharding.ShardManager;

import org.springframework.aop.TargetSource;

/**
 * The target of the {@code ShardManager} bean: the client's shard manager, which exists only
 * once the manager has told this instance its shards. The bean can be injected anywhere; a
 * call before the shards are started fails naming why.
 */
public final class ShardManagerTargetSource implements TargetSource {

	private final JdaShardClient client;

	/**
	 * Create a target source.
	 * @param client the client that builds the shard manager
	 */
	public ShardManagerTargetSource(JdaShardClient client) {
		this.client = client;
	}

	@Override
	public Class<?> getTargetClass() {
		return ShardManager.class;
	}

	@Override
	public Object getTarget() {
		ShardManager manager = this.client.shardManager();
		if (manager == null) {
			throw new IllegalStateException("JDA's ShardManager is not started yet: a sharding instance builds it "
					+ "once its manager has assigned it shards");
		}
		return manager;
	}

}
