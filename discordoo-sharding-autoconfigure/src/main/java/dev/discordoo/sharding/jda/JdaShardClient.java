package dev.discordoo.sharding.jda;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.StatusChangeEvent;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.requests.CloseCode;
import net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder;
import net.dv8tion.jda.api.sharding.ShardManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.ShardAssignment;
import dev.discordoo.sharding.ShardClient;
import dev.discordoo.sharding.ShardingInstance;

/**
 * A {@link ShardClient} that runs a JDA {@link ShardManager} over exactly the shards the
 * manager assigned to this instance, out of the manager's shard total, with every IDENTIFY
 * paced by the manager's identify broker (see {@link BrokeredSessionController}).
 *
 * <p>{@link #start} returns once every shard is {@link JDA.Status#CONNECTED CONNECTED}: only
 * then does the instance report ready. A shard that Discord's gateway closes with a code no
 * retry can fix (a wrong token, an invalid shard, disallowed intents) makes the instance fail
 * with that code, whenever it happens; the manager then does not restart it. Disconnects
 * that can be resumed stay JDA's business: it resumes without an identify.
 */
public class JdaShardClient implements ShardClient {

	private static final Log logger = LogFactory.getLog(JdaShardClient.class);

	/** How long {@link #start} waits for the manager's gateway data. */
	private static final Duration GATEWAY_WAIT = Duration.ofSeconds(30);

	private final ObjectProvider<ShardingInstance> sharding;

	private final Supplier<DefaultShardManagerBuilder> builders;

	private final Duration shutdownTimeout;

	private final Map<Integer, JDA.Status> statuses = new ConcurrentHashMap<>();

	private final CompletableFuture<Void> connected = new CompletableFuture<>();

	private final CompletableFuture<List<Integer>> assigned = new CompletableFuture<>();

	private volatile @Nullable ShardManager shardManager;

	private volatile @Nullable BrokeredSessionController controller;

	private volatile boolean destroyed;

	/**
	 * Create a client.
	 * @param sharding this instance's link to its manager, looked up when the client starts
	 * @param builders a new shard manager builder, with the token, the application's settings,
	 * listeners and customizers applied; the client then sets the shards, the shard total and
	 * the session controller, which no customizer may change
	 * @param shutdownTimeout how long {@link #destroy()} waits for the gateway sessions to close
	 */
	public JdaShardClient(ObjectProvider<ShardingInstance> sharding, Supplier<DefaultShardManagerBuilder> builders,
			Duration shutdownTimeout) {
		this.sharding = sharding;
		this.builders = builders;
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public void start(ShardAssignment assignment) throws Exception {
		ShardingInstance instance = this.sharding.getObject();
		// every assigned shard has a status from here on: "all connected" is read off them
		assignment.shards().forEach((shard) -> this.statuses.put(shard, JDA.Status.INITIALIZING));
		this.assigned.complete(assignment.shards());
		GatewayInfo gateway = instance.gateway().get(GATEWAY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		if (gateway.totalShards() != assignment.totalShards()) {
			throw new IllegalStateException("the manager's gateway data counts " + gateway.totalShards()
					+ " shards, the assignment " + assignment.totalShards());
		}
		BrokeredSessionController sessions = new BrokeredSessionController(instance, gateway);
		this.controller = sessions;
		DefaultShardManagerBuilder builder = this.builders.get()
			.addEventListeners(new ShardWatcher(instance))
			.setSessionController(sessions)
			.setShardsTotal(assignment.totalShards())
			.setShards(assignment.shards())
			// the instance owns the shutdown: JDA's hook would race the self-destruct
			.setEnableShutdownHook(false);
		synchronized (this) {
			if (this.destroyed) {
				throw new IllegalStateException("destroyed before it started");
			}
			try {
				this.shardManager = builder.build();
			}
			catch (RuntimeException ex) {
				if (isTokenRefused(ex)) {
					// Discord's REST API refused the token at login: the gateway would close 4004
					instance.reportGatewayRefused(assignment.shards().get(0), CloseCode.AUTHENTICATION_FAILED.getCode(),
							"Discord's REST API refused the token at login (401)");
				}
				throw ex;
			}
		}
		try {
			this.connected.get();
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
		logger.info("JDA shards " + assignment.shards() + " of " + assignment.totalShards() + " connected");
	}

	@Override
	public void destroy() {
		ShardManager manager;
		synchronized (this) {
			this.destroyed = true;
			manager = this.shardManager;
		}
		BrokeredSessionController sessions = this.controller;
		if (sessions != null) {
			sessions.close();
		}
		this.connected.completeExceptionally(new IllegalStateException("the JDA client was destroyed"));
		if (manager == null) {
			return;
		}
		manager.shutdown();
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
		for (JDA shard : manager.getShards()) {
			try {
				long left = Math.max(0, deadline - System.nanoTime());
				if (!shard.awaitShutdown(left, TimeUnit.NANOSECONDS)) {
					logger.warn("JDA shard " + shard.getShardInfo().getShardId() + " did not close within "
							+ this.shutdownTimeout.toMillis() + " ms: closing it now");
					shard.shutdownNow();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				shard.shutdownNow();
			}
		}
	}

	/** Whether JDA's login failed because the token is wrong: no retry can fix that. */
	private static boolean isTokenRefused(RuntimeException ex) {
		if (ex instanceof InvalidTokenException) {
			return true;
		}
		return ex instanceof ErrorResponseException response && response.getResponse() != null
				&& response.getResponse().code == 401;
	}

	/**
	 * Run an action with this instance's shards once the manager has assigned them (at once
	 * if it has).
	 * @param action what to run, on the thread that starts the client
	 */
	public void whenAssigned(Consumer<List<Integer>> action) {
		this.assigned.thenAccept(action);
	}

	/**
	 * Return the running shard manager.
	 * @return the shard manager, or {@code null} before {@link #start} built it
	 */
	public @Nullable ShardManager shardManager() {
		return this.shardManager;
	}

	/**
	 * Return the status of each of this instance's shards, as JDA last reported it.
	 * @return the statuses by shard id, in shard order; empty before the client started
	 */
	public Map<Integer, JDA.Status> statuses() {
		return new TreeMap<>(this.statuses);
	}

	/**
	 * Return the gateway ping of each connected shard.
	 * @return milliseconds by shard id, in shard order; a shard that has not measured it yet
	 * is absent
	 */
	public Map<Integer, Long> gatewayPings() {
		Map<Integer, Long> pings = new TreeMap<>();
		ShardManager manager = this.shardManager;
		if (manager != null) {
			for (JDA shard : manager.getShards()) {
				long ping = shard.getGatewayPing();
				if (ping >= 0) {
					pings.put(shard.getShardInfo().getShardId(), ping);
				}
			}
		}
		return pings;
	}

	/** Follows every shard's status, and turns an unrecoverable close into the instance's failure. */
	private final class ShardWatcher implements EventListener {

		private final ShardingInstance instance;

		ShardWatcher(ShardingInstance instance) {
			this.instance = instance;
		}

		@Override
		public void onEvent(GenericEvent event) {
			if (event instanceof StatusChangeEvent change) {
				// replace, never add: JDA reports a shard's first statuses before it knows its
				// shard info, as shard 0 of 1, which is not a shard of this instance
				JdaShardClient.this.statuses.replace(shardOf(change.getJDA()), change.getNewStatus());
				if (allConnected()) {
					JdaShardClient.this.connected.complete(null);
				}
			}
			else if (event instanceof ShutdownEvent shutdown) {
				onShutdown(shardOf(shutdown.getJDA()), shutdown.getCloseCode(), shutdown.getCode());
			}
		}

		private void onShutdown(int shard, @Nullable CloseCode closeCode, int code) {
			if (JdaShardClient.this.destroyed || closeCode == null || closeCode.isReconnect()) {
				return;
			}
			JdaShardClient.this.connected.completeExceptionally(new IllegalStateException(
					"Discord's gateway closed shard " + shard + " with " + code + ": " + closeCode.getMeaning()));
			this.instance.reportGatewayRefused(shard, code, closeCode.getMeaning());
		}

		private boolean allConnected() {
			Map<Integer, JDA.Status> statuses = JdaShardClient.this.statuses;
			return !statuses.isEmpty() && statuses.values().stream().allMatch((status) -> status == JDA.Status.CONNECTED);
		}

		private static int shardOf(JDA jda) {
			return jda.getShardInfo().getShardId();
		}

	}

}
