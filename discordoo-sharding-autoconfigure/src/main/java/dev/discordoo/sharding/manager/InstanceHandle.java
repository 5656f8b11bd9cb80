package dev.discordoo.sharding.manager;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.FailureCause;
import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.InstanceStateChangedEvent;
import dev.discordoo.sharding.ipc.IpcClient;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.RequestFailedException;
import dev.discordoo.sharding.protocol.ControlEvents;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

/**
 * One sharding instance as its manager keeps it: the state machine of {@link InstanceState},
 * its restarts, and its current {@link InstanceAttempt}. Callbacks of an attempt that is no
 * longer the current one are ignored, so a late exit or link loss of a replaced attempt can
 * never touch its successor; and a successor is only started once its predecessor is
 * confirmed gone; when it cannot be confirmed, the instance is FAILED
 * ({@link FailureCause#NOT_CONFIRMED_GONE}) rather than doubled.
 *
 * <p>Longer than the other classes of this package on purpose: one lock guards the state
 * machine and the current attempt, and every step of an instance's life (spawn, launch,
 * handshake, ready, loss, teardown, restart, stop) takes it. Split over classes, that lock
 * would have to be shared, and the order of the transitions would no longer read in one
 * place. What an attempt holds is {@link InstanceAttempt}'s, its traffic
 * {@link AttemptLinkHandler}'s and {@link InstanceRouter}'s.
 */
final class InstanceHandle {

	private static final Log logger = LogFactory.getLog(InstanceHandle.class);

	/** How often a held crash restart asks again whether it may spawn. */
	private static final Duration HELD_RESTART_RECHECK = Duration.ofMillis(200);

	private final ManagerContext context;

	private final InstancePlan plan;

	private final RestartHistory history;

	private InstanceState state = InstanceState.STOPPED;

	private @Nullable InstanceAttempt attempt;

	/** The overlapped restart under way, if any. */
	private @Nullable HandOver handOver;

	private int restarts;

	private @Nullable String lastFailure;

	private @Nullable FailureCause lastCause;

	private @Nullable ScheduledFuture<?> backoff;

	private boolean restartWhenTornDown;

	private @Nullable CompletableFuture<Void> stopping;

	private CompletableFuture<InstanceInfo> ready = new CompletableFuture<>();

	InstanceHandle(ManagerContext context, InstancePlan plan) {
		this.context = context;
		this.plan = plan;
		this.history = new RestartHistory(plan.index());
	}

	int index() {
		return this.plan.index();
	}

	List<Integer> shards() {
		return this.plan.shards();
	}

	synchronized InstanceState state() {
		return this.state;
	}

	synchronized InstanceInfo info() {
		InstanceAttempt current = this.attempt;
		IpcLink link = (current != null) ? current.link : null;
		IpcLink live = (link != null && link.isOpen() && this.state.isLinked()) ? link : null;
		LaunchedInstance launched = (current != null) ? current.launched : null;
		long pid = (launched != null && isRunningState()) ? launched.pid() : -1;
		return new InstanceInfo(this.plan.index(), (current != null) ? current.instanceId : null, this.plan.shards(),
				this.context.totalShards(), this.state, pid, (live != null) ? live.latencyMillis() : null,
				(live != null) ? System.currentTimeMillis() - live.lastHeartbeatEpochMillis() : null, this.restarts,
				this.lastFailure, this.lastCause);
	}

	synchronized @Nullable IpcLink link() {
		InstanceAttempt current = this.attempt;
		return (current != null && this.state.isLinked()) ? current.link : null;
	}

	/** Start a fresh attempt, unless the manager is not running. */
	synchronized boolean spawn() {
		if (!this.context.lifecycle().isRunning()) {
			this.ready.completeExceptionally(new IllegalStateException("the sharding manager is not running"));
			return false;
		}
		if (!moveTo(InstanceState.SPAWNING, null, null)) {
			return false;
		}
		if (this.ready.isDone()) {
			this.ready = new CompletableFuture<>();
		}
		SparePool.Spare spare = this.context.lifecycle().takeSpare();
		InstanceAttempt next = (spare != null) ? InstanceAttempt.takingOver(spare)
				: InstanceAttempt.fresh(DiscordooSnowflake.generate(this.plan.index(), this.context.pid()));
		this.attempt = next;
		try {
			this.context.spawner().execute(() -> launch(next));
		}
		catch (RejectedExecutionException ex) {
			// the manager is stopping: its stop() moves this instance on
			next.close();
			next.launchedFuture.complete(null);
		}
		return true;
	}

	/**
	 * Restart by hand: brings a FAILED instance back and forgets past restarts. A READY
	 * instance is restarted overlapped when {@code restart.overlap} is on: its successor
	 * starts first, and it stops only once the successor is READY.
	 */
	CompletableFuture<InstanceInfo> restart() {
		CompletableFuture<Void> stopped = null;
		CompletableFuture<InstanceInfo> result;
		synchronized (this) {
			this.history.reset();
			if (this.state == InstanceState.READY && this.context.settings().overlapRestarts()) {
				return handOver().copy();
			}
			if (this.ready.isDone()) {
				this.ready = new CompletableFuture<>();
			}
			result = this.ready;
			switch (this.state) {
				case FAILED, STOPPED -> {
					String alive = predecessorStillRunning();
					if (alive != null) {
						return CompletableFuture.failedFuture(new IllegalStateException(alive));
					}
					spawn();
				}
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
			stopped.thenRun(this::spawnIfStopped);
		}
		return result.copy();
	}

	/**
	 * Start a successor beside the READY attempt, once; see {@link HandOver}. Holds the lock.
	 */
	private CompletableFuture<InstanceInfo> handOver() {
		HandOver pending = this.handOver;
		if (pending != null) {
			return pending.done;
		}
		InstanceAttempt current = this.attempt;
		SparePool.Spare spare = this.context.lifecycle().takeSpare();
		InstanceAttempt next = (spare != null) ? InstanceAttempt.takingOver(spare)
				: InstanceAttempt.fresh(DiscordooSnowflake.generate(this.plan.index(), this.context.pid()));
		HandOver started = new HandOver(next);
		this.handOver = started;
		logger.info("Sharding instance " + this.plan.index() + " restarts overlapped: " + next.instanceId
				+ " starts beside " + ((current != null) ? current.instanceId : "none")
				+ ", which stops once its successor is READY");
		try {
			this.context.spawner().execute(() -> launch(next));
		}
		catch (RejectedExecutionException ex) {
			dropSuccessor("the sharding manager is stopping").get();
		}
		return started.done;
	}

	/**
	 * Give up the successor of an overlapped restart: destroy it and fail the hand-over; the
	 * running attempt keeps the shards. Holds the lock; returns what to run once it is
	 * released, which completes once the successor is gone.
	 */
	private Supplier<CompletableFuture<Boolean>> dropSuccessor(String reason) {
		HandOver abandoned = this.handOver;
		if (abandoned == null) {
			return () -> CompletableFuture.completedFuture(true);
		}
		this.handOver = null;
		InstanceAttempt dropped = abandoned.successor;
		CompletableFuture<InstanceInfo> done = abandoned.done;
		dropped.close();
		if (!dropped.launching) {
			dropped.launchedFuture.complete(null);
		}
		this.context.identify().instanceGone(this.plan.index(), dropped.instanceId);
		logger.warn("Overlapped restart of sharding instance " + this.plan.index() + " abandoned: " + reason);
		return () -> {
			CompletableFuture<Boolean> gone = teardown(dropped);
			done.completeExceptionally(new IllegalStateException(
					"overlapped restart of sharding instance " + this.plan.index() + " abandoned: " + reason));
			return gone;
		};
	}

	/** Destroy what is left of an attempt that is no longer wanted; completes once it is gone. */
	private CompletableFuture<Boolean> teardown(InstanceAttempt dropped) {
		return dropped.launchedFuture.thenCompose((launched) -> (launched != null) ? destroyAndConfirm(launched)
				: CompletableFuture.completedFuture(true));
	}

	/** Whether callbacks of an attempt still count: the current one, or its successor. */
	private boolean isLive(InstanceAttempt candidate) {
		return candidate == this.attempt || isSuccessor(candidate);
	}

	/**
	 * Move an attempt on: the current one moves the instance's state, a successor only its
	 * own.
	 */
	private boolean advance(InstanceAttempt candidate, InstanceState target) {
		if (candidate == this.attempt) {
			return moveTo(target, null, null);
		}
		HandOver current = this.handOver;
		if (current != null && current.successor == candidate && current.state.canMoveTo(target)) {
			current.state = target;
			logger.debug("Successor of sharding instance " + this.plan.index() + " is " + target);
			return true;
		}
		return false;
	}

	/** Whether an attempt is the successor of the overlapped restart under way. Holds the lock. */
	private boolean isSuccessor(InstanceAttempt candidate) {
		HandOver current = this.handOver;
		return current != null && current.successor == candidate;
	}

	/**
	 * Run the instance if it is stopped, as a cluster node does with an instance assigned to
	 * it; otherwise leave it as it is.
	 * @return completes when it is next READY
	 */
	synchronized CompletableFuture<InstanceInfo> runIfStopped() {
		if (this.state == InstanceState.STOPPING) {
			return CompletableFuture.failedFuture(
					new IllegalStateException("instance " + this.plan.index() + " is stopping"));
		}
		if (this.state == InstanceState.STOPPED) {
			spawn();
		}
		return this.ready.copy();
	}

	private synchronized void spawnIfStopped() {
		if (this.state == InstanceState.STOPPED) {
			spawn();
		}
	}

	/**
	 * Ask the instance to stop, then destroy it forcibly after the shutdown timeout. Asked
	 * again while it stops, the same stop is returned.
	 */
	CompletableFuture<Void> stopGracefully() {
		InstanceAttempt current;
		CompletableFuture<Void> stop;
		Supplier<CompletableFuture<Boolean>> afterDrop;
		synchronized (this) {
			cancelBackoff();
			this.restartWhenTornDown = false;
			if (this.stopping != null) {
				return this.stopping;
			}
			if (this.state == InstanceState.STOPPED || !moveTo(InstanceState.STOPPING, null, null)) {
				return CompletableFuture.completedFuture(null);
			}
			afterDrop = dropSuccessor("the instance is stopping");
			stop = new CompletableFuture<>();
			this.stopping = stop;
			current = this.attempt;
			if (current != null) {
				current.cancelled = true;
				if (!current.launching) {
					// not launched, and now never will be: nothing to wait for
					current.launchedFuture.complete(null);
				}
			}
		}
		// a stop is over only once a dropped successor is gone too: nothing may outlive it
		CompletableFuture<Boolean> successorGone = afterDrop.get();
		if (current == null) {
			successorGone.whenComplete((gone, ex) -> finishStop(null, true));
			return stop;
		}
		stopAttempt(current)
			.thenCombine(successorGone.exceptionally((ex) -> false), (gone, successorToo) -> gone)
			.whenComplete((gone, ex) -> finishStop(current, Boolean.TRUE.equals(gone)));
		return stop;
	}

	/**
	 * Ask an attempt to stop, and destroy it forcibly if it has not exited within the
	 * shutdown timeout.
	 * @return completes with whether it is confirmed gone
	 */
	private CompletableFuture<Boolean> stopAttempt(InstanceAttempt current) {
		Duration timeout = this.context.settings().shutdownTimeout();
		return current.launchedFuture.thenCompose((launched) -> {
			if (launched == null) {
				return CompletableFuture.completedFuture(true);
			}
			askToStop(current, launched);
			return launched.onExit()
				.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
				.handle((how, ex) -> ex)
				.thenCompose((ex) -> {
					if (ex == null) {
						return CompletableFuture.completedFuture(true);
					}
					logger.warn("Sharding instance " + this.plan.index() + " did not stop within " + timeout.toMillis()
							+ " ms: destroying it forcibly");
					return destroyAndConfirm(launched);
				});
		});
	}

	private void askToStop(InstanceAttempt current, LaunchedInstance launched) {
		IpcLink link = current.link;
		if (link != null && link.isOpen()) {
			try {
				link.dispatch(ControlEvents.DESTROYING, null);
				return;
			}
			catch (RuntimeException ex) {
				logger.debug("Could not send DESTROYING to instance " + this.plan.index(), ex);
			}
		}
		launched.destroyGracefully();
	}

	private void finishStop(@Nullable InstanceAttempt stopped, boolean gone) {
		CompletableFuture<Void> stop;
		synchronized (this) {
			if (stopped != null) {
				stopped.close();
				this.context.identify().instanceGone(this.plan.index(), stopped.instanceId);
			}
			if (this.state == InstanceState.STOPPING && this.attempt == stopped) {
				if (gone) {
					moveTo(InstanceState.STOPPED, null, null);
				}
				else if (stopped != null) {
					fail(notGone(stopped), FailureCause.NOT_CONFIRMED_GONE);
				}
			}
			stop = this.stopping;
			this.stopping = null;
		}
		if (stop != null) {
			stop.complete(null);
		}
	}

	private void launch(InstanceAttempt current) {
		if (current.spare == null) {
			// a spare is already started: only a fresh start takes a spawn slot
			try {
				current.holdSlot(this.context.spawns().acquire());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				current.launchedFuture.complete(null);
				return;
			}
		}
		synchronized (this) {
			if (!isLive(current) || current.cancelled) {
				current.close();
				current.launchedFuture.complete(null);
				return;
			}
			current.launching = true;
			Duration timeout = this.context.ipc().spawnTimeout();
			current.deadline(schedule(() -> failed(current, FailureCause.SPAWN_TIMEOUT,
					"no IDENTIFY within the spawn timeout of " + timeout.toMillis() + " ms"), timeout));
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
				launched = this.context.launcher()
					.launch(new InstanceSpawn(this.plan.index(), this.context.managerId(), current.instanceId,
							current.token));
			}
			catch (Exception ex) {
				current.launchedFuture.complete(null);
				failed(current, FailureCause.LAUNCH_FAILED, "could not be launched: " + ex);
				return;
			}
		}
		current.launched = launched;
		current.launchedFuture.complete(launched);
		launched.onExit().thenAccept((how) -> failed(current, FailureCause.EXITED, "exited unexpectedly: " + how));
		if (current.cancelled) {
			return;
		}
		launched.endpoint().whenComplete((address, ex) -> {
			if (ex != null) {
				failed(current, FailureCause.EXITED, "ended before it announced its port: " + rootMessage(ex));
			}
			else {
				connect(current, address);
			}
		});
	}

	private void connect(InstanceAttempt current, InetSocketAddress address) {
		Payloads.Hello hello;
		IpcClient client;
		synchronized (this) {
			if (!advance(current, InstanceState.CONNECTING)) {
				return;
			}
			client = new IpcClient(address.getHostString(), address.getPort(), this.context.ipc(),
					this.context.resources(), this.context.codec());
			current.client = client;
			hello = new Payloads.Hello(this.context.managerId(),
					DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, this.context.pid()), current.token,
					this.context.ipc().heartbeatInterval().toMillis(), this.plan.shards(), this.context.totalShards(),
					this.plan.index(), Payloads.VERSION);
		}
		client.connect(hello, current.instanceId,
				new AttemptLinkHandler(this, current, this.context.router(), this.context.ipc().requestTimeout()))
			.whenComplete((link, ex) -> {
				if (ex != null) {
					failed(current, FailureCause.LINK_LOST, "handshake failed: " + rootMessage(ex));
				}
				else {
					identified(current, link);
				}
			});
	}

	private void identified(InstanceAttempt current, IpcLink link) {
		synchronized (this) {
			current.link = link;
			if (!advance(current, InstanceState.IDENTIFIED)) {
				link.close("attempt replaced");
				return;
			}
			current.releaseSlot();
			// the client may wait minutes for identify permits, but not for ever
			Duration timeout = this.context.settings().readyTimeout();
			current.deadline(schedule(() -> failed(current, FailureCause.READY_TIMEOUT,
					"not READY within the ready timeout of " + timeout.toMillis() + " ms after IDENTIFY"), timeout));
		}
	}

	void connected(InstanceAttempt current) {
		InstanceAttempt predecessor = null;
		CompletableFuture<InstanceInfo> handedOver = null;
		InstanceInfo now;
		synchronized (this) {
			HandOver swap = this.handOver;
			if (swap != null && swap.successor == current && this.state == InstanceState.READY
					&& swap.state.canMoveTo(InstanceState.READY)) {
				// the overlapped restart's swap: from here on the successor serves the shards
				predecessor = this.attempt;
				handedOver = swap.done;
				this.attempt = current;
				this.handOver = null;
				String reason = "handed over to " + current.instanceId + " (overlapped restart)";
				logger.info("Sharding instance " + this.plan.index() + " " + reason
						+ ((predecessor != null) ? "; stopping " + predecessor.instanceId : ""));
				this.context.lifecycle()
					.publish(new InstanceStateChangedEvent(this.context.lifecycle().eventSource(), info(),
							InstanceState.READY, reason, null));
			}
			else if (this.attempt != current || !moveTo(InstanceState.READY, null, null)) {
				return;
			}
			current.deadline(null);
			now = info();
			this.ready.complete(now);
		}
		if (predecessor != null) {
			retire(predecessor);
		}
		if (handedOver != null) {
			handedOver.complete(now);
		}
		this.context.lifecycle().instanceReady();
	}

	/** Stop the predecessor of an overlapped restart, now that its successor serves. */
	private void retire(InstanceAttempt predecessor) {
		// no longer live: its exit and the loss of its link are not the instance's
		stopAttempt(predecessor).whenComplete((gone, ex) -> {
			predecessor.close();
			this.context.identify().instanceGone(this.plan.index(), predecessor.instanceId);
			if (!Boolean.TRUE.equals(gone)) {
				logger.error("The predecessor " + predecessor.instanceId + " of sharding instance " + this.plan.index()
						+ " could not be confirmed gone after an overlapped restart");
			}
		});
	}

	/** A control request of an attempt, answered only while that attempt is the current one. */
	CompletionStage<JsonNode> answerControlRequest(InstanceAttempt current, Payloads.Request request) {
		synchronized (this) {
			// CONNECTING too: the instance may ask before the handshake's completion is handled
			// here; a lost or replaced attempt gets nothing, and what it asked is forgotten under
			// this lock
			HandOver pending = this.handOver;
			InstanceState of = (pending != null && pending.successor == current) ? pending.state
					: (this.attempt == current) ? this.state : InstanceState.STOPPED;
			if (of != InstanceState.CONNECTING && !of.isLinked()) {
				return CompletableFuture.failedFuture(new RequestFailedException(ErrorCode.NOT_CONNECTED,
						"instance " + this.plan.index() + " is " + this.state));
			}
			return this.context.router()
				.answerControlRequest(this.plan.index(), current.instanceId, request.name(), request.payload());
		}
	}

	/** The current attempt failed: destroy what is left, then restart under the policy. */
	void failed(InstanceAttempt current, FailureCause cause, String reason) {
		Supplier<CompletableFuture<Boolean>> afterDrop;
		boolean successorFailed;
		synchronized (this) {
			successorFailed = isSuccessor(current);
			if (successorFailed) {
				// the running attempt keeps the shards; dropping destroys what is left
				afterDrop = dropSuccessor("its successor " + reason);
			}
			else if (this.attempt != current || !this.state.canMoveTo(InstanceState.LOST)) {
				return;
			}
			else {
				// a successor about to take over is no use now: the instance restarts afresh. Under
				// the same lock as the move to LOST, so that no new successor starts in between
				afterDrop = dropSuccessor("the running instance was lost: " + reason);
				this.lastFailure = reason;
				this.lastCause = cause;
				moveTo(InstanceState.LOST, reason, cause);
				current.close();
				if (!current.launching) {
					current.launchedFuture.complete(null);
				}
				this.context.identify().instanceGone(this.plan.index(), current.instanceId);
			}
		}
		CompletableFuture<Boolean> successorGone = afterDrop.get();
		if (successorFailed) {
			return;
		}
		current.launchedFuture
			.thenCompose((launched) -> (launched != null) ? destroyAndConfirm(launched)
					: CompletableFuture.completedFuture(true))
			// the restart waits for a dropped successor too: it ran the same shards
			.thenCombine(successorGone.exceptionally((ex) -> false), (gone, successorToo) -> gone && successorToo)
			.whenComplete((gone, ex) -> afterTeardown(current, Boolean.TRUE.equals(gone)));
	}

	private synchronized void afterTeardown(InstanceAttempt current, boolean gone) {
		if (this.attempt != current || this.state != InstanceState.LOST) {
			return;
		}
		if (!gone) {
			fail(notGone(current), FailureCause.NOT_CONFIRMED_GONE);
			return;
		}
		if (this.restartWhenTornDown) {
			this.restartWhenTornDown = false;
			moveTo(InstanceState.RESTARTING, "restart requested by hand", this.lastCause);
			spawn();
			return;
		}
		if (!this.context.lifecycle().isRunning()) {
			return;
		}
		if (this.lastCause == FailureCause.GATEWAY_REFUSED) {
			// a restart would identify again only to be refused again, spending the daily budget
			fail(String.valueOf(this.lastFailure), FailureCause.GATEWAY_REFUSED);
			return;
		}
		RestartDecision decision = this.context.restartPolicy().decide(this.history);
		if (decision instanceof RestartDecision.Restart restart) {
			this.restarts++;
			moveTo(InstanceState.RESTARTING,
					"restart " + restart.attempt() + " in " + restart.delay().toMillis() + " ms", this.lastCause);
			this.backoff = schedule(this::spawnIfRestarting, restart.delay());
		}
		else if (decision instanceof RestartDecision.GiveUp giveUp) {
			fail(giveUp.reason() + "; last failure: " + this.lastFailure, FailureCause.CRASH_LOOP);
		}
	}

	private synchronized void spawnIfRestarting() {
		if (this.state != InstanceState.RESTARTING) {
			return;
		}
		if (!this.context.lifecycle().mayRestart()) {
			// held (a cluster node out of touch with ZooKeeper): its backoff is over, ask again shortly
			this.backoff = schedule(this::spawnIfRestarting, HELD_RESTART_RECHECK);
			return;
		}
		spawn();
	}

	/** Move to FAILED: no more automatic restarts, and whoever waits for READY is told. */
	private void fail(String reason, FailureCause cause) {
		this.lastFailure = reason;
		this.lastCause = cause;
		logger.error("Sharding instance " + this.plan.index() + " (shards " + this.plan.shards() + ") FAILED: "
				+ reason + ". Restart it by hand once the cause is fixed.");
		moveTo(InstanceState.FAILED, reason, cause);
		this.ready.completeExceptionally(
				new IllegalStateException("sharding instance " + this.plan.index() + " failed: " + reason));
	}

	private String notGone(InstanceAttempt current) {
		LaunchedInstance launched = current.launched;
		return "could not confirm that instance " + this.plan.index()
				+ ((launched != null) ? " (pid " + launched.pid() + ")" : "") + " is gone "
				+ this.context.settings().shutdownTimeout().toMillis()
				+ " ms after it was destroyed forcibly; a successor would run its shards beside it";
	}

	/** Why a FAILED or STOPPED instance cannot be spawned again, or {@code null} if it can. */
	private @Nullable String predecessorStillRunning() {
		InstanceAttempt previous = this.attempt;
		LaunchedInstance launched = (previous != null) ? previous.launched : null;
		if (launched == null || launched.onExit().isDone()) {
			return null;
		}
		launched.destroyForcibly();
		return "sharding instance " + this.plan.index() + " (pid " + launched.pid()
				+ ") is still running; it is restarted only once it is gone";
	}

	private CompletableFuture<Boolean> destroyAndConfirm(LaunchedInstance launched) {
		launched.destroyForcibly();
		Duration wait = this.context.settings().shutdownTimeout();
		return launched.onExit().orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS).handle((how, ex) -> {
			if (ex != null) {
				logger.error("Sharding instance " + this.plan.index() + " (pid " + launched.pid()
						+ ") is still running " + wait.toMillis() + " ms after it was destroyed forcibly");
				return false;
			}
			return true;
		});
	}

	/** Move to another state if the state machine allows it; publish the change. */
	private boolean moveTo(InstanceState target, @Nullable String reason, @Nullable FailureCause cause) {
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
		this.context.lifecycle()
			.publish(new InstanceStateChangedEvent(this.context.lifecycle().eventSource(), info, previous, reason,
					cause));
		return true;
	}

	private boolean isRunningState() {
		return this.state != InstanceState.STOPPED && this.state != InstanceState.FAILED
				&& this.state != InstanceState.RESTARTING;
	}

	private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
		return this.context.resources().timer().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
	}

	private void cancelBackoff() {
		if (this.backoff != null) {
			this.backoff.cancel(false);
			this.backoff = null;
		}
	}

	private static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return String.valueOf(cause.getMessage());
	}

	/**
	 * An overlapped restart: the attempt that takes over while {@link #attempt} still serves the
	 * shards. Its progress is not the instance's state, which stays READY until the successor
	 * is READY too and the two swap. Guarded by the handle's lock.
	 */
	private static final class HandOver {

		final InstanceAttempt successor;

		/** Completes with the instance once the successor took over. */
		final CompletableFuture<InstanceInfo> done = new CompletableFuture<>();

		InstanceState state = InstanceState.SPAWNING;

		HandOver(InstanceAttempt successor) {
			this.successor = successor;
		}

	}

}
