package dev.discordoo.sharding.manager;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.InstanceStateChangedEvent;
import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.ipc.IpcClient;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.IpcLinkHandler;
import dev.discordoo.sharding.ipc.LinkLossCause;
import dev.discordoo.sharding.ipc.Relay;
import dev.discordoo.sharding.ipc.RequestFailedException;
import dev.discordoo.sharding.ipc.RequestTimeout;
import dev.discordoo.sharding.protocol.ControlEvents;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

/**
 * One sharding instance as its manager keeps it: the state machine of {@link InstanceState}
 * and the current attempt (process or worker, IPC client, link). Callbacks of an attempt that
 * is no longer the current one are ignored, so a late exit or link loss of a replaced attempt
 * can never touch its successor.
 */
final class InstanceHandle {

	private static final Log logger = LogFactory.getLog(InstanceHandle.class);

	private static final SecureRandom random = new SecureRandom();

	/** How long to wait for a forcibly destroyed instance to be gone. */
	private static final Duration DESTROY_WAIT = Duration.ofSeconds(10);

	private final LocalShardingManager manager;

	private final InstancePlan plan;

	private final RestartHistory history;

	private InstanceState state = InstanceState.STOPPED;

	private Attempt attempt;

	private int restarts;

	private String lastFailure;

	private ScheduledFuture<?> backoff;

	private boolean restartWhenTornDown;

	private CompletableFuture<InstanceInfo> ready = new CompletableFuture<>();

	InstanceHandle(LocalShardingManager manager, InstancePlan plan) {
		this.manager = manager;
		this.plan = plan;
		this.history = new RestartHistory(plan.index());
	}

	int index() {
		return this.plan.index();
	}

	synchronized InstanceState state() {
		return this.state;
	}

	synchronized InstanceInfo info() {
		Attempt current = this.attempt;
		IpcLink link = (current != null) ? current.link : null;
		boolean linked = link != null && link.isOpen() && this.state.isLinked();
		long pid = (current != null && current.launched != null && isRunningState()) ? current.launched.pid() : -1;
		return new InstanceInfo(this.plan.index(), (current != null) ? current.instanceId : null, this.plan.shards(),
				this.manager.totalShards(), this.state, pid, linked ? link.latencyMillis() : null,
				linked ? System.currentTimeMillis() - link.lastHeartbeatEpochMillis() : null, this.restarts,
				this.lastFailure);
	}

	synchronized IpcLink link() {
		Attempt current = this.attempt;
		return (current != null && this.state.isLinked()) ? current.link : null;
	}

	/** Start a fresh attempt. */
	synchronized void spawn() {
		if (!moveTo(InstanceState.SPAWNING, null)) {
			return;
		}
		if (this.ready.isDone()) {
			this.ready = new CompletableFuture<>();
		}
		SparePool.Spare spare = this.manager.takeSpare();
		Attempt next = (spare != null) ? new Attempt(spare.instanceId(), spare.token(), spare)
				: new Attempt(DiscordooSnowflake.generate(this.plan.index(), this.manager.pid()), newToken(), null);
		this.attempt = next;
		this.manager.spawner().execute(() -> launch(next));
	}

	/** Restart by hand: brings a FAILED instance back and forgets past restarts. */
	CompletableFuture<InstanceInfo> restart() {
		CompletableFuture<Void> stopped = null;
		CompletableFuture<InstanceInfo> result;
		synchronized (this) {
			this.history.reset();
			if (this.ready.isDone()) {
				this.ready = new CompletableFuture<>();
			}
			result = this.ready;
			switch (this.state) {
				case FAILED, STOPPED -> spawn();
				case RESTARTING -> {
					cancelBackoff();
					spawn();
				}
				case LOST -> this.restartWhenTornDown = true;
				case SPAWNING, CONNECTING, IDENTIFIED, READY -> stopped = stopGracefully();
				case STOPPING -> {
					return CompletableFuture.failedFuture(
							new IllegalStateException("instance " + this.plan.index() + " is stopping"));
				}
			}
		}
		if (stopped != null) {
			stopped.thenRun(this::spawn);
		}
		return result.copy();
	}

	/** Ask the instance to stop, then destroy it forcibly after the shutdown timeout. */
	CompletableFuture<Void> stopGracefully() {
		Attempt current;
		synchronized (this) {
			cancelBackoff();
			if (this.state == InstanceState.STOPPED) {
				return CompletableFuture.completedFuture(null);
			}
			if (!moveTo(InstanceState.STOPPING, null)) {
				return CompletableFuture.completedFuture(null);
			}
			current = this.attempt;
		}
		if (current == null) {
			finishStop(null);
			return CompletableFuture.completedFuture(null);
		}
		current.cancelled = true;
		Duration timeout = this.manager.settings().shutdownTimeout();
		return current.launchedFuture.thenCompose((launched) -> {
			if (launched == null) {
				return CompletableFuture.completedFuture(null);
			}
			IpcLink link = current.link;
			boolean asked = false;
			if (link != null && link.isOpen()) {
				try {
					link.dispatch(ControlEvents.DESTROYING, null);
					asked = true;
				}
				catch (RuntimeException ex) {
					logger.debug("Could not send DESTROYING to instance " + this.plan.index(), ex);
				}
			}
			if (!asked) {
				launched.destroyGracefully();
			}
			return launched.onExit()
				.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
				.handle((how, ex) -> ex)
				.thenCompose((ex) -> {
					if (ex == null) {
						return CompletableFuture.completedFuture(null);
					}
					logger.warn("Sharding instance " + this.plan.index() + " did not stop within " + timeout.toMillis()
							+ " ms: destroying it forcibly");
					return destroyAndWait(launched);
				});
		}).whenComplete((ignored, ex) -> finishStop(current));
	}

	private synchronized void finishStop(Attempt stopped) {
		if (stopped != null) {
			stopped.close();
			this.manager.identify().instanceGone(this.plan.index(), stopped.instanceId);
		}
		if (this.state == InstanceState.STOPPING && this.attempt == stopped) {
			moveTo(InstanceState.STOPPED, null);
		}
	}

	private void launch(Attempt current) {
		if (current.spare == null) {
			// a spare is already started: only a fresh start takes a spawn slot
			try {
				this.manager.acquireSpawnSlot();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				current.launchedFuture.complete(null);
				return;
			}
			current.holdsSpawnSlot = true;
		}
		synchronized (this) {
			if (this.attempt != current || current.cancelled) {
				releaseSpawnSlot(current);
				current.launchedFuture.complete(null);
				return;
			}
			Duration timeout = this.manager.ipcSettings().spawnTimeout();
			current.deadline = this.manager.resources().timer().schedule(
					() -> failed(current, "no IDENTIFY within the spawn timeout of " + timeout.toMillis() + " ms"),
					timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		LaunchedInstance launched;
		if (current.spare != null) {
			launched = current.spare.launched();
			launched.assignedTo(this.plan.index());
			logger.info("Sharding instance " + this.plan.index() + " takes over spare " + current.spare.number()
					+ " (pid " + launched.pid() + ")");
		}
		else {
			try {
				launched = this.manager.launcher()
					.launch(new InstanceSpawn(this.plan.index(), this.manager.managerId(), current.instanceId,
							current.token));
			}
			catch (Exception ex) {
				current.launchedFuture.complete(null);
				failed(current, "could not be launched: " + ex);
				return;
			}
		}
		current.launched = launched;
		current.launchedFuture.complete(launched);
		launched.onExit().thenAccept((how) -> failed(current, "exited unexpectedly: " + how));
		if (current.cancelled) {
			launched.destroyForcibly();
			return;
		}
		launched.endpoint().whenComplete((address, ex) -> {
			if (ex != null) {
				failed(current, "ended before it announced its port: " + rootMessage(ex));
			}
			else {
				connect(current, address);
			}
		});
	}

	private void connect(Attempt current, InetSocketAddress address) {
		Payloads.Hello hello;
		synchronized (this) {
			if (this.attempt != current || !moveTo(InstanceState.CONNECTING, null)) {
				return;
			}
			current.client = new IpcClient(address.getHostString(), address.getPort(), this.manager.ipcSettings(),
					this.manager.resources(), this.manager.codec());
			hello = new Payloads.Hello(this.manager.managerId(),
					DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, this.manager.pid()), current.token,
					this.manager.ipcSettings().heartbeatInterval().toMillis(), this.plan.shards(),
					this.manager.totalShards(), this.plan.index(), Payloads.VERSION);
		}
		current.client.connect(hello, current.instanceId, new AttemptLinkHandler(current))
			.whenComplete((link, ex) -> {
				if (ex != null) {
					failed(current, "handshake failed: " + rootMessage(ex));
				}
				else {
					identified(current, link);
				}
			});
	}

	private void identified(Attempt current, IpcLink link) {
		synchronized (this) {
			current.link = link;
			if (this.attempt != current || !moveTo(InstanceState.IDENTIFIED, null)) {
				link.close("attempt replaced");
				return;
			}
			current.cancelDeadline();
			releaseSpawnSlot(current);
		}
	}

	private void connected(Attempt current) {
		InstanceInfo info;
		synchronized (this) {
			if (this.attempt != current || !moveTo(InstanceState.READY, null)) {
				return;
			}
			info = info();
			this.ready.complete(info);
		}
		this.manager.onInstanceReady();
	}

	/** The current attempt failed: destroy what is left, then restart under the policy. */
	void failed(Attempt current, String reason) {
		synchronized (this) {
			if (this.attempt != current) {
				return;
			}
			if (this.state == InstanceState.STOPPING || this.state == InstanceState.STOPPED
					|| this.state == InstanceState.LOST || this.state == InstanceState.RESTARTING
					|| this.state == InstanceState.FAILED) {
				return;
			}
			this.lastFailure = reason;
			moveTo(InstanceState.LOST, reason);
			current.cancelled = true;
			current.cancelDeadline();
			releaseSpawnSlot(current);
			// under this lock: a permit request of this attempt is either in the broker now, or refused
			this.manager.identify().instanceGone(this.plan.index(), current.instanceId);
		}
		current.close();
		current.launchedFuture
			.thenCompose((launched) -> (launched != null) ? destroyAndWait(launched)
					: CompletableFuture.completedFuture(null))
			.whenComplete((ignored, ex) -> afterTeardown(current));
	}

	private synchronized void afterTeardown(Attempt current) {
		if (this.attempt != current || this.state != InstanceState.LOST) {
			return;
		}
		if (this.restartWhenTornDown) {
			this.restartWhenTornDown = false;
			moveTo(InstanceState.RESTARTING, "restart requested by hand");
			spawn();
			return;
		}
		if (!this.manager.isRunning()) {
			return;
		}
		RestartDecision decision = this.manager.restartPolicy().decide(this.history);
		if (decision instanceof RestartDecision.Restart restart) {
			this.restarts++;
			moveTo(InstanceState.RESTARTING, "restart " + restart.attempt() + " in " + restart.delay().toMillis() + " ms");
			this.manager.onRestart(this.plan.index(), this.lastFailure);
			this.backoff = this.manager.resources().timer().schedule(() -> {
				synchronized (this) {
					if (this.state == InstanceState.RESTARTING) {
						spawn();
					}
				}
			}, restart.delay().toNanos(), TimeUnit.NANOSECONDS);
		}
		else if (decision instanceof RestartDecision.GiveUp giveUp) {
			this.lastFailure = giveUp.reason() + "; last failure: " + this.lastFailure;
			logger.error("Sharding instance " + this.plan.index() + " (shards " + this.plan.shards() + ") FAILED: "
					+ this.lastFailure + ". Restart it by hand once the cause is fixed.");
			moveTo(InstanceState.FAILED, this.lastFailure);
			this.ready.completeExceptionally(new IllegalStateException(
					"sharding instance " + this.plan.index() + " failed: " + this.lastFailure));
		}
	}

	private CompletableFuture<Void> destroyAndWait(LaunchedInstance launched) {
		launched.destroyForcibly();
		return launched.onExit()
			.orTimeout(DESTROY_WAIT.toMillis(), TimeUnit.MILLISECONDS)
			.handle((how, ex) -> {
				if (ex != null) {
					logger.error("Sharding instance " + this.plan.index() + " (pid " + launched.pid()
							+ ") is still running " + DESTROY_WAIT.toSeconds() + " s after it was destroyed forcibly");
				}
				return null;
			});
	}

	/** Move to another state if the state machine allows it; publish the change. */
	private boolean moveTo(InstanceState target, String reason) {
		InstanceState previous = this.state;
		if (!previous.canMoveTo(target)) {
			logger.debug("Sharding instance " + this.plan.index() + " stays " + previous + " (no way to " + target + ")");
			return false;
		}
		this.state = target;
		InstanceInfo info = info();
		if (target == InstanceState.LOST || target == InstanceState.FAILED) {
			logger.warn("Sharding instance " + this.plan.index() + " " + previous + " -> " + target + ": " + reason);
		}
		else {
			logger.info("Sharding instance " + this.plan.index() + " " + previous + " -> " + target
					+ ((reason != null) ? " (" + reason + ")" : ""));
		}
		this.manager.publish(new InstanceStateChangedEvent(this.manager, info, previous, reason));
		return true;
	}

	private boolean isRunningState() {
		return this.state != InstanceState.STOPPED && this.state != InstanceState.FAILED
				&& this.state != InstanceState.RESTARTING;
	}

	private void cancelBackoff() {
		if (this.backoff != null) {
			this.backoff.cancel(false);
			this.backoff = null;
		}
	}

	private void releaseSpawnSlot(Attempt current) {
		if (current.holdsSpawnSlot) {
			current.holdsSpawnSlot = false;
			this.manager.releaseSpawnSlot();
		}
	}

	/** A fresh per-spawn secret of 256 bits. */
	static String newToken() {
		byte[] secret = new byte[32];
		random.nextBytes(secret);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
	}

	private static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return String.valueOf(cause.getMessage());
	}

	/** One spawn of the instance, with everything it owns. */
	static final class Attempt {

		final String instanceId;

		final String token;

		final CompletableFuture<LaunchedInstance> launchedFuture = new CompletableFuture<>();

		volatile LaunchedInstance launched;

		volatile IpcClient client;

		volatile IpcLink link;

		volatile boolean cancelled;

		volatile boolean holdsSpawnSlot;

		volatile ScheduledFuture<?> deadline;

		final SparePool.Spare spare;

		Attempt(String instanceId, String token, SparePool.Spare spare) {
			this.instanceId = instanceId;
			this.token = token;
			this.spare = spare;
		}

		void cancelDeadline() {
			ScheduledFuture<?> current = this.deadline;
			if (current != null) {
				current.cancel(false);
			}
		}

		void close() {
			cancelDeadline();
			IpcClient current = this.client;
			if (current != null) {
				current.close();
			}
		}

	}

	private final class AttemptLinkHandler implements IpcLinkHandler {

		private final Attempt attempt;

		AttemptLinkHandler(Attempt attempt) {
			this.attempt = attempt;
		}

		@Override
		public void onDispatch(IpcLink link, String event, JsonNode data, Relay relay) {
			if (relay.targets() != null && !ControlEvents.isReserved(event)) {
				try {
					InstanceHandle.this.manager.relayDispatch(InstanceHandle.this.plan.index(), event, data,
							relay.targets());
				}
				catch (IllegalArgumentException ex) {
					logger.warn("Instance " + InstanceHandle.this.plan.index() + " sent " + event
							+ " with invalid targets: " + ex.getMessage());
					// refused, not fatal: one bad broadcast must not cost a healthy instance its link
					link.sendError(ErrorCode.INVALID_PAYLOAD, ex.getMessage());
				}
				return;
			}
			onDispatch(link, event, data);
		}

		@Override
		public void onDispatch(IpcLink link, String event, JsonNode data) {
			if (ControlEvents.CONNECTED.equals(event)) {
				connected(this.attempt);
			}
			else if (!ControlEvents.isReserved(event)) {
				InstanceHandle.this.manager.messages().onDispatch(event, data, sender(link, event));
			}
		}

		@Override
		public CompletionStage<JsonNode> onRequest(IpcLink link, Payloads.Request request) {
			if (request.targets() != null) {
				Duration timeout = RequestTimeout.fromPeer(request.timeout(),
						InstanceHandle.this.manager.ipcSettings().requestTimeout());
				try {
					return InstanceHandle.this.manager.relayRequest(InstanceHandle.this.plan.index(), request.name(),
							request.payload(), request.targets(), timeout);
				}
				catch (IllegalArgumentException ex) {
					return CompletableFuture
						.failedFuture(new RequestFailedException(ErrorCode.INVALID_PAYLOAD, ex.getMessage()));
				}
			}
			if (ManagerControlRequests.isControlRequest(request.name())) {
				return answerControlRequest(request);
			}
			return InstanceHandle.this.manager.messages().onRequest(request.name(), request.payload(),
					sender(link, request.name()));
		}

		private CompletionStage<JsonNode> answerControlRequest(Payloads.Request request) {
			synchronized (InstanceHandle.this) {
				// a lost or replaced attempt gets nothing: what it asked for is forgotten under this lock
				// CONNECTING too: the instance may ask before the handshake's completion is handled here
				InstanceState now = InstanceHandle.this.state;
				if (InstanceHandle.this.attempt != this.attempt
						|| (now != InstanceState.CONNECTING && !now.isLinked())) {
					return CompletableFuture.failedFuture(new RequestFailedException(ErrorCode.NOT_CONNECTED,
							"instance " + InstanceHandle.this.plan.index() + " is " + InstanceHandle.this.state));
				}
				return InstanceHandle.this.manager.controlRequests()
					.answer(InstanceHandle.this.plan.index(), this.attempt.instanceId, request.name(),
							request.payload());
			}
		}

		@Override
		public void onError(IpcLink link, Payloads.Error error) {
			if (ErrorCode.CLIENT_START_FAILED.equals(error.code())) {
				failed(this.attempt, "its local client failed to start: " + error.message());
			}
		}

		@Override
		public void onLost(IpcLink link, LinkLossCause cause, String detail) {
			if (cause != LinkLossCause.CLOSED_LOCALLY) {
				failed(this.attempt, "link lost: " + cause + " (" + detail + ")");
			}
		}

		private ShardEventContext sender(IpcLink link, String event) {
			return new ShardEventContext(InstanceHandle.this.plan.index(), link.remoteId(),
					InstanceHandle.this.plan.shards(), event);
		}

	}

}
