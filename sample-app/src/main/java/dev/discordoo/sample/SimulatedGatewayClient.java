package dev.discordoo.sample;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import dev.discordoo.sharding.IdentifyOutcome;
import dev.discordoo.sharding.IdentifyPermit;
import dev.discordoo.sharding.ShardAssignment;
import dev.discordoo.sharding.ShardClient;
import dev.discordoo.sharding.ShardingInstance;

/**
 * The local client of each instance: pretends to connect its Discord shards, to see a
 * number of guilds on each, and to have guilds join and leave now and then. Like a real
 * client it asks the manager for an identify permit before each shard, so the log shows the
 * starts paced by the manager. A real bot would start JDA or Discord4J here. Once its shards are connected it publishes
 * {@link GuildSource.Connected}.
 */
@Component
@ConditionalOnDiscordToken(false)
public class SimulatedGatewayClient implements ShardClient, GuildSource {

	private static final Log logger = LogFactory.getLog(SimulatedGatewayClient.class);

	private final Map<Integer, Integer> guildsByShard = new ConcurrentHashMap<>();

	private final ApplicationEventPublisher events;

	private final ObjectProvider<ShardingInstance> instance;

	private volatile ShardAssignment assignment;

	private volatile ScheduledExecutorService gateway;

	/**
	 * Create a client.
	 * @param events where to publish {@link GuildSource.Connected}
	 * @param instance this instance's link to its manager, for identify permits
	 */
	public SimulatedGatewayClient(ApplicationEventPublisher events, ObjectProvider<ShardingInstance> instance) {
		this.events = events;
		this.instance = instance;
	}

	@Override
	public void start(ShardAssignment assignment) throws InterruptedException {
		ShardingInstance sharding = this.instance.getObject();
		for (int shard : assignment.shards()) {
			// the manager paces identifies for the whole bot: ask before each, report after
			IdentifyPermit permit = sharding.awaitIdentify(shard);
			this.guildsByShard.put(shard, 900 + ThreadLocalRandom.current().nextInt(200));
			sharding.reportIdentify(shard, IdentifyOutcome.READY).join();
			logger.info("Shard " + shard + "/" + assignment.totalShards() + " connected (simulated; identify bucket "
					+ permit.bucket() + ", permit waited " + permit.waited().toMillis() + " ms)");
		}
		this.assignment = assignment;
		// a daemon thread: the simulated gateway must never be what keeps a JVM alive
		this.gateway = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "simulated-gateway-" + assignment.instanceIndex());
			thread.setDaemon(true);
			return thread;
		});
		this.gateway.scheduleAtFixedRate(this::guildsJoinAndLeave, 1, 1, TimeUnit.SECONDS);
		this.events.publishEvent(new Connected(assignment.shards()));
	}

	private void guildsJoinAndLeave() {
		for (int shard : this.guildsByShard.keySet()) {
			this.guildsByShard.computeIfPresent(shard,
					(id, guilds) -> Math.max(0, guilds + ThreadLocalRandom.current().nextInt(-2, 3)));
		}
	}

	@Override
	public void destroy() {
		logger.info("Closing simulated shards " + this.guildsByShard.keySet());
		ScheduledExecutorService gateway = this.gateway;
		if (gateway != null) {
			gateway.shutdownNow();
		}
		this.guildsByShard.clear();
		this.assignment = null;
	}

	@Override
	public GuildCount guildCount() {
		return GuildCount.of(this.guildsByShard);
	}

	@Override
	public boolean isConnected() {
		return this.assignment != null && !this.guildsByShard.isEmpty();
	}

	/**
	 * A simulated guild: the simulation has names for none, so any id on one of this
	 * instance's shards is a guild.
	 */
	@Override
	public @Nullable GuildInfo guild(long id) {
		ShardAssignment given = this.assignment;
		if (given == null) {
			return null;
		}
		int shard = (int) ((id >>> 22) % given.totalShards());
		return given.shards().contains(shard) ? new GuildInfo(id, "Simulated guild " + id, 42, shard) : null;
	}

}
