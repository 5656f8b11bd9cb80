package dev.discordoo.sharding.jda;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.utils.SessionController;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.IdentifyOutcome;
import dev.discordoo.sharding.ShardingInstance;
import dev.discordoo.sharding.ipc.ShardingThreads;

/**
 * JDA's {@link SessionController} on the manager's identify broker: every IDENTIFY of a
 * shard of this instance waits for the broker's permit, so that identifies are paced for the
 * whole bot, across instances, by Discord's buckets; and the gateway JDA connects to, the
 * shard total and the concurrency are the manager's (an instance never calls
 * {@code /gateway/bot}).
 *
 * <p>JDA hands over a connect node for each session start: the first connect of a shard and
 * each reconnect that cannot resume. Resumes never pass through here: they spend no identify.
 * Each node waits for its permit on a thread of its own, so shards of different buckets
 * connect in parallel as far as the broker allows; once the node's IDENTIFY has been answered
 * (READY, or the connection dropped), the outcome is reported, which frees the bucket.
 */
final class BrokeredSessionController implements SessionController {

	private static final Log logger = LogFactory.getLog(BrokeredSessionController.class);

	private final ShardingInstance sharding;

	private final GatewayInfo gateway;

	private final Set<SessionConnectNode> waiting = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	BrokeredSessionController(ShardingInstance sharding, GatewayInfo gateway) {
		this.sharding = sharding;
		this.gateway = gateway;
	}

	@Override
	public void appendSession(SessionConnectNode node) {
		if (this.closed) {
			return;
		}
		this.waiting.add(node);
		int shard = node.getShardInfo().getShardId();
		// JDA calls this from its own threads (the builder's, a reconnecting socket's): never
		// block one of them for as long as a permit takes
		ShardingThreads.startDaemon("discordoo-jda-identify-" + shard + "-", () -> connect(node, shard));
	}

	@Override
	public void removeSession(SessionConnectNode node) {
		this.waiting.remove(node);
	}

	@Override
	public String getGateway() {
		return this.gateway.url();
	}

	@Override
	public ShardedGateway getShardedGateway(JDA api) {
		return new ShardedGateway(this.gateway.url(), this.gateway.totalShards(), this.gateway.maxConcurrency());
	}

	/** Stop connecting: the client is being destroyed. Nodes waiting for a permit are dropped. */
	void close() {
		this.closed = true;
		this.waiting.clear();
	}

	private void connect(SessionConnectNode node, int shard) {
		try {
			this.sharding.awaitIdentify(shard);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (RuntimeException ex) {
			// refused or the manager is gone: in both cases this instance is on its way out
			if (!this.closed) {
				logger.warn("No identify permit for shard " + shard + ": " + ex.getMessage());
			}
			return;
		}
		IdentifyOutcome outcome = IdentifyOutcome.CLOSED;
		try {
			if (this.waiting.remove(node) && !this.closed) {
				// returns once the session is READY, queued to reconnect, or shut down
				node.run(false);
				outcome = identified(node.getJDA().getStatus()) ? IdentifyOutcome.READY : IdentifyOutcome.CLOSED;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.warn("Shard " + shard + " could not connect to the gateway", ex);
		}
		IdentifyOutcome reported = outcome;
		this.sharding.reportIdentify(shard, reported).whenComplete((done, ex) -> {
			if (ex != null) {
				logger.debug("Could not report the identify outcome " + reported + " of shard " + shard, ex);
			}
		});
	}

	/** Whether the gateway answered the IDENTIFY with READY (JDA is loading or connected). */
	private static boolean identified(JDA.Status status) {
		return status == JDA.Status.LOADING_SUBSYSTEMS || status == JDA.Status.CONNECTED;
	}

}
