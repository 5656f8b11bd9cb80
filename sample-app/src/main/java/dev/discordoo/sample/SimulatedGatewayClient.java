package dev.discordoo.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

import dev.discordoo.sharding.ShardAssignment;
import dev.discordoo.sharding.ShardClient;

/**
 * The local client of each instance: pretends to connect its Discord shards and to see a
 * number of guilds on each. A real bot would start JDA or Discord4J here.
 */
@Component
public class SimulatedGatewayClient implements ShardClient {

	private static final Log logger = LogFactory.getLog(SimulatedGatewayClient.class);

	private final Map<Integer, Integer> guildsByShard = new ConcurrentHashMap<>();

	private volatile ShardAssignment assignment;

	@Override
	public void start(ShardAssignment assignment) {
		this.assignment = assignment;
		for (int shard : assignment.shards()) {
			this.guildsByShard.put(shard, 900 + ThreadLocalRandom.current().nextInt(200));
			logger.info("Shard " + shard + "/" + assignment.totalShards() + " connected (simulated)");
		}
	}

	@Override
	public void destroy() {
		logger.info("Closing simulated shards " + this.guildsByShard.keySet());
		this.guildsByShard.clear();
	}

	/**
	 * Return the guilds seen by each of this instance's shards.
	 * @return guild counts by shard id
	 */
	public Map<Integer, Integer> guildsByShard() {
		return Map.copyOf(this.guildsByShard);
	}

	/**
	 * Return what this instance runs, once started.
	 * @return the assignment, or {@code null}
	 */
	public ShardAssignment assignment() {
		return this.assignment;
	}

}
