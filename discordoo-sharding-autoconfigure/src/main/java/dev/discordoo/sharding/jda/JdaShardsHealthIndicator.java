package dev.discordoo.sharding.jda;

import java.util.LinkedHashMap;
import java.util.Map;

import net.dv8tion.jda.api.JDA;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of this instance's JDA shards: {@code UP} when every shard is connected,
 * {@code OUT_OF_SERVICE} while any is still connecting or reconnecting, {@code DOWN} once any
 * is shut down. The details give each shard's status and gateway ping.
 */
public class JdaShardsHealthIndicator extends AbstractHealthIndicator {

	private final JdaShardClient client;

	/**
	 * Create an indicator.
	 * @param client the JDA client
	 */
	public JdaShardsHealthIndicator(JdaShardClient client) {
		super("JDA shards health check failed");
		this.client = client;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Map<Integer, JDA.Status> statuses = this.client.statuses();
		Map<Integer, Long> pings = this.client.gatewayPings();
		Map<String, Object> shards = new LinkedHashMap<>();
		boolean down = false;
		boolean connecting = statuses.isEmpty();
		for (Map.Entry<Integer, JDA.Status> entry : statuses.entrySet()) {
			JDA.Status status = entry.getValue();
			down |= status == JDA.Status.SHUTDOWN || status == JDA.Status.FAILED_TO_LOGIN;
			connecting |= status != JDA.Status.CONNECTED;
			Map<String, Object> shard = new LinkedHashMap<>();
			shard.put("status", status);
			Long ping = pings.get(entry.getKey());
			if (ping != null) {
				shard.put("gatewayPingMillis", ping);
			}
			shards.put(Integer.toString(entry.getKey()), shard);
		}
		if (down) {
			builder.down();
		}
		else if (connecting) {
			builder.outOfService();
		}
		else {
			builder.up();
		}
		builder.withDetail("shards", shards);
	}

}
