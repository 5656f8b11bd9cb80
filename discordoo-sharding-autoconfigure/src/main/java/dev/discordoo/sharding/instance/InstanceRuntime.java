package dev.discordoo.sharding.instance;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.context.SmartLifecycle;

import dev.discordoo.sharding.ShardAssignment;
import dev.discordoo.sharding.ShardClient;
import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcServer;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.ipc.LinkLossCause;
import dev.discordoo.sharding.ipc.Relay;
import dev.discordoo.sharding.ipc.ShardingThreads;
import dev.discordoo.sharding.listener.ShardMessageHandler;
import dev.discordoo.sharding.protocol.ControlEvents;
import dev.discordoo.sharding.protocol.ControlRequests;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.InstanceEnvironment;
import dev.discordoo.sharding.protocol.Payloads;
import org.jspecify.annotations.Nullable;

/**
 * The life of a sharding instance (seed steps 3 to 7): listen, announce the port, accept its
 * manager's HELLO, start the local client on the assigned shards, report CONNECTED, and
 * self-destruct (stop the client and exit) when the manager asks, when the manager link is
 * lost, or when no manager turns up within the spawn timeout.
 */
public final class InstanceRuntime implements SmartLifecycle, IpcServer.Listener {

	private static final Log logger = LogFactory.getLog(InstanceRuntime.class);

	/** Exit code of an instance that stopped because its manager asked it to. */
	public static final int EXIT_STOPPED = 0;

	/** Exit code of an instance that lost its manager. */
	public static final int EXIT_MANAGER_LOST = 3;

	/** Exit code of an instance whose local client failed to start. */
	public static final int EXIT_CLIENT_START_FAILED = 4;

	/** Exit code of an instance whose shard Discord's gateway refused for good. */
	public static final int EXIT_GATEWAY_REFUSED = 5;

	/** How long an instance whose client failed waits for its manager to close the link. */
	private static final Duration CLIENT_FAILURE_GRACE = Duration.ofSeconds(2);

	private enum Phase {

		CREATED, LISTENING, LINKED, READY, DESTROYING

	}

	private final InstanceIdentity identity;

	private final String host;

	private final int port;

	private final IpcSettings settings;

	private final IpcResources resources;

	private final FrameCodec codec;

	private final @Nullable ShardClient client;

	private final ShardMessageHandler messages;

	private final PortAnnouncer announcer;

	private final IntConsumer exit;

	private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.CREATED);

	private volatile @Nullable IpcServer server;

	private volatile @Nullable ShardAssignment assignment;

	private volatile @Nullable ScheduledFuture<?> managerDeadline;

	private volatile @Nullable CompletableFuture<InstanceAllocation> allocation;

	/** The exit code of a failure already reported to the manager, or 0 when none was. */
	private final AtomicInteger reportedFailure = new AtomicInteger();

	/**
	 * Announces the port an instance listens on to whoever spawned it.
	 */
	@FunctionalInterface
	public interface PortAnnouncer {

		/** Print the ready line on stdout, for a manager that spawned a child process. */
		PortAnnouncer STDOUT = (port, instanceId) -> {
			System.out.println(InstanceEnvironment.READY_LINE_PREFIX + " port=" + port + " id=" + instanceId);
			System.out.flush();
		};

		/**
		 * The instance listens.
		 * @param port the port
		 * @param instanceId the instance's snowflake
		 */
		void announce(int port, String instanceId);

	}

	/**
	 * Create the runtime; {@link #start()} begins listening.
	 * @param identity who this instance is
	 * @param host the address to listen on
	 * @param port the port, 0 for an ephemeral one
	 * @param settings IPC limits and timings
	 * @param resources IPC threads
	 * @param codec the frame codec
	 * @param client the local client, or {@code null} to report ready at once
	 * @param messages receives application events and requests
	 * @param announcer announces the port
	 * @param exit ends the instance with an exit code: exits the JVM, or closes a worker's context
	 */
	public InstanceRuntime(InstanceIdentity identity, String host, int port, IpcSettings settings,
			IpcResources resources, FrameCodec codec, @Nullable ShardClient client, ShardMessageHandler messages,
			PortAnnouncer announcer, IntConsumer exit) {
		this.identity = identity;
		this.host = host;
		this.port = port;
		this.settings = settings;
		this.resources = resources;
		this.codec = codec;
		this.client = client;
		this.messages = messages;
		this.announcer = announcer;
		this.exit = exit;
	}

	@Override
	public void start() {
		if (!this.phase.compareAndSet(Phase.CREATED, Phase.LISTENING)) {
			return;
		}
		IpcServer created = new IpcServer(this.host, this.port,
				new IpcServer.Credentials(this.identity.managerId(), this.identity.instanceId(), this.identity.token(),
						ProcessHandle.current().pid()),
				this.settings, this.resources, this.codec, this);
		int listening = created.start();
		this.server = created;
		if (!this.identity.spare()) {
			// a spare waits as long as its manager lives; anything else must be claimed in time
			this.managerDeadline = this.resources.timer().schedule(() -> {
				if (this.phase.get() == Phase.LISTENING) {
					selfDestruct("no manager HELLO within " + this.settings.spawnTimeout().toMillis() + " ms",
							EXIT_MANAGER_LOST);
				}
			}, this.settings.spawnTimeout().toNanos(), TimeUnit.NANOSECONDS);
		}
		if (!this.identity.worker()) {
			ignoreInterrupts();
			if (this.identity.stdinGuard()) {
				watchStdin();
			}
			// a manager that died before or without closing the link (kill -9 while we start up)
			ProcessHandle.of(this.identity.managerPid())
				.ifPresentOrElse(
						(manager) -> manager.onExit()
							.thenRun(() -> selfDestruct("manager process " + manager.pid() + " exited",
									EXIT_MANAGER_LOST)),
						() -> selfDestruct("manager process " + this.identity.managerPid() + " is not running",
								EXIT_MANAGER_LOST));
		}
		logger.info("Sharding instance " + this.identity.index() + " (" + this.identity.instanceId()
				+ ") listening on " + this.host + ":" + listening);
		this.announcer.announce(listening, this.identity.instanceId());
	}

	@Override
	public void stop() {
		// the context is closing: whatever the reason, the client goes with it
		Phase previous = this.phase.getAndSet(Phase.DESTROYING);
		if (previous != Phase.DESTROYING) {
			destroyClient();
			closeServer();
		}
	}

	@Override
	public boolean isRunning() {
		Phase current = this.phase.get();
		return current != Phase.CREATED && current != Phase.DESTROYING;
	}

	@Override
	public int getPhase() {
		// start late (after the user's beans), stop early (before them)
		return SmartLifecycle.DEFAULT_PHASE - 1000;
	}

	/**
	 * Return the port listened on, once started.
	 * @return the port
	 */
	public int port() {
		IpcServer current = this.server;
		if (current == null) {
			throw new IllegalStateException("sharding instance " + this.identity.index() + " is not listening yet");
		}
		return current.port();
	}

	/**
	 * Return who this instance is.
	 * @return the identity
	 */
	public InstanceIdentity identity() {
		return this.identity;
	}

	/**
	 * Return the shards this instance was given, once its manager said HELLO.
	 * @return the assignment, or {@code null}
	 */
	public @Nullable ShardAssignment assignment() {
		return this.assignment;
	}

	/**
	 * Return the manager link, once a manager passed the handshake.
	 * @return the link, or {@code null}
	 */
	public @Nullable IpcLink managerLink() {
		IpcServer current = this.server;
		return (current != null) ? current.managerLink() : null;
	}

	@Override
	public void onManagerConnected(IpcLink link, Payloads.Hello hello) {
		if (!this.phase.compareAndSet(Phase.LISTENING, Phase.LINKED)) {
			return;
		}
		ScheduledFuture<?> deadline = this.managerDeadline;
		if (deadline != null) {
			deadline.cancel(false);
		}
		// the manager's HELLO names the index: a spare learns which instance it now is
		ShardAssignment given = new ShardAssignment(hello.instance(), this.identity.instanceId(), hello.shards(),
				hello.totalShards());
		this.assignment = given;
		// asked once, ahead of need: routing to a shard, a guild or "every other instance" needs it
		this.allocation = requestAllocation(link);
		// the client may block for as long as its shards take to connect: never on an IPC thread
		ShardingThreads.startDaemon("discordoo-shard-client-" + this.identity.index() + "-",
				() -> startClient(link, given));
	}

	private void startClient(IpcLink link, ShardAssignment given) {
		if (this.client == null) {
			logger.warn("No ShardClient bean: sharding instance " + given.instanceIndex()
					+ " reports ready without connecting shards " + given.shards());
		}
		else {
			try {
				this.client.start(given);
			}
			catch (Throwable ex) {
				// an Error too (a class missing, a stack overflow): swallowed, it would leave the
				// instance IDENTIFIED for ever, its shards never connected
				if (this.reportedFailure.get() != 0) {
					// the client reported why itself (a refused shard): that is the cause
					logger.debug("Local client of sharding instance " + given.instanceIndex() + " gave up", ex);
					return;
				}
				logger.error("Local client of sharding instance " + given.instanceIndex() + " failed to start", ex);
				reportFailure(link, ErrorCode.CLIENT_START_FAILED, ex.getClass().getSimpleName() + ": " + ex.getMessage(),
						EXIT_CLIENT_START_FAILED);
				return;
			}
		}
		if (this.phase.compareAndSet(Phase.LINKED, Phase.READY)) {
			try {
				link.dispatch(ControlEvents.CONNECTED, Map.of("shards", given.shards()));
			}
			catch (IllegalStateException ex) {
				// the link closed while the client started: its loss is already on its way here
				logger.debug("Could not report CONNECTED: " + ex.getMessage());
			}
		}
	}

	/**
	 * Discord's gateway closed a shard with a code that no retry can fix: tell the manager,
	 * which fails this instance without restarting it, then self-destruct. Only the first
	 * failure is reported.
	 * @param shardId the shard
	 * @param closeCode the gateway's close code
	 * @param reason what the code means
	 */
	void gatewayRefused(int shardId, int closeCode, String reason) {
		IpcLink link = managerLink();
		String message = "shard " + shardId + ": close code " + closeCode + " (" + reason + ")";
		logger.error("Discord's gateway refused shard " + shardId + " of sharding instance " + this.identity.index()
				+ " with close code " + closeCode + " (" + reason + "): retrying cannot fix that");
		if (link == null) {
			selfDestruct("gateway refused " + message, EXIT_GATEWAY_REFUSED);
			return;
		}
		reportFailure(link, ErrorCode.GATEWAY_REFUSED, message, EXIT_GATEWAY_REFUSED);
	}

	/**
	 * Send the manager an ERROR saying why this instance ends, then self-destruct once the
	 * manager closed the link, or after a grace period.
	 */
	private void reportFailure(IpcLink link, String code, String message, int exitCode) {
		if (!this.reportedFailure.compareAndSet(0, exitCode)) {
			return;
		}
		String reason = (exitCode == EXIT_GATEWAY_REFUSED) ? "gateway refused " + message
				: "local client failed to start";
		try {
			link.sendError(code, message);
			// the manager answers by closing the link; wait for that, so that it learns why
			// from the ERROR rather than from an exit racing it, but not forever
			this.resources.timer()
				.schedule(() -> selfDestruct(reason, exitCode), CLIENT_FAILURE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException sendFailed) {
			logger.debug("Could not report " + code, sendFailed);
			selfDestruct(reason, exitCode);
		}
	}

	/**
	 * Return which instance runs which shards, as the manager told it; asked again if the
	 * first answer failed.
	 */
	CompletableFuture<InstanceAllocation> allocation() {
		CompletableFuture<InstanceAllocation> current = this.allocation;
		IpcLink link = managerLink();
		if (current == null || link == null) {
			return CompletableFuture.failedFuture(new IllegalStateException("no manager link yet"));
		}
		if (current.isCompletedExceptionally()) {
			current = requestAllocation(link);
			this.allocation = current;
		}
		return current;
	}

	private static CompletableFuture<InstanceAllocation> requestAllocation(IpcLink link) {
		return link.request(ControlRequests.ALLOCATION, null, null, null).thenApply((response) -> {
			if (!response.ok()) {
				throw new IllegalStateException("manager did not tell the allocation: " + response.error());
			}
			JsonNode result = response.result();
			if (result == null) {
				throw new IllegalStateException("manager told no allocation");
			}
			return InstanceAllocation.fromJson(result);
		});
	}

	@Override
	public void onDispatch(IpcLink link, String event, @Nullable JsonNode data, Relay relay) {
		if (relay.from() != null && !ControlEvents.isReserved(event)) {
			this.messages.onDispatch(event, data, relayedContext(relay.from(), event));
			return;
		}
		onDispatch(link, event, data);
	}

	@Override
	public CompletionStage<JsonNode> onRequest(IpcLink link, Payloads.Request request, @Nullable Integer from) {
		if (from != null) {
			return this.messages.onRequest(request.name(), request.payload(), relayedContext(from, request.name()));
		}
		return onRequest(link, request);
	}

	private ShardEventContext relayedContext(int from, String event) {
		CompletableFuture<InstanceAllocation> known = this.allocation;
		List<Integer> shards = (known != null && known.isDone() && !known.isCompletedExceptionally())
				? known.join().shardsOf(from) : List.of();
		return new ShardEventContext(from, null, shards, event);
	}

	@Override
	public void onDispatch(IpcLink link, String event, @Nullable JsonNode data) {
		if (ControlEvents.DESTROYING.equals(event)) {
			try {
				link.dispatch(ControlEvents.DESTROYING, null);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not echo DESTROYING", ex);
			}
			selfDestruct("manager asked it to stop", EXIT_STOPPED);
			return;
		}
		if (ControlEvents.isReserved(event)) {
			logger.debug("Sharding instance " + this.identity.index() + " got control event " + event);
			return;
		}
		this.messages.onDispatch(event, data, managerContext(link, event));
	}

	@Override
	public CompletionStage<JsonNode> onRequest(IpcLink link, Payloads.Request request) {
		return this.messages.onRequest(request.name(), request.payload(), managerContext(link, request.name()));
	}

	@Override
	public void onLost(IpcLink link, LinkLossCause cause, String detail) {
		int reported = this.reportedFailure.get();
		if (reported != 0) {
			selfDestruct("its failure was reported (" + cause + ")", reported);
			return;
		}
		selfDestruct("lost its manager: " + cause + " (" + detail + ")", EXIT_MANAGER_LOST);
	}

	private ShardEventContext managerContext(IpcLink link, String event) {
		return new ShardEventContext(null, link.remoteId(), List.of(), event);
	}

	/** Stop the local client and end the instance, once, whatever asked first. */
	private void selfDestruct(String reason, int exitCode) {
		Phase previous = this.phase.getAndSet(Phase.DESTROYING);
		if (previous == Phase.DESTROYING) {
			return;
		}
		if (exitCode == EXIT_STOPPED) {
			logger.info("Sharding instance " + this.identity.index() + " stopping: " + reason);
		}
		else {
			logger.warn("Sharding instance " + this.identity.index() + " self-destructing: " + reason);
		}
		destroyClient();
		closeServer();
		// ending the context calls stop() on this bean: never from a thread the context waits for
		// a child's must not be a daemon: its JVM would end with 0 once the context closed, before
		// this thread calls System.exit with the code. A worker's only closes its context, and
		// must not keep the manager's JVM alive
		String name = "discordoo-instance-exit-" + this.identity.index() + "-";
		Runnable exiting = () -> this.exit.accept(exitCode);
		if (this.identity.worker()) {
			ShardingThreads.startDaemon(name, exiting);
		}
		else {
			ShardingThreads.startNonDaemon(name, exiting);
		}
	}

	/**
	 * The manager holds our stdin open and never writes to it: its end means the manager is
	 * gone, even when its pid was meanwhile reused by another process, which the pid watch
	 * cannot tell.
	 */
	private void watchStdin() {
		ShardingThreads.startDaemon("discordoo-instance-stdin-" + this.identity.index() + "-", () -> {
			try {
				while (System.in.read() != -1) {
					// nothing is ever written: only the end matters
				}
			}
			catch (IOException ex) {
				logger.debug("Reading stdin failed: taking it as its end", ex);
			}
			selfDestruct("stdin from the manager closed", EXIT_MANAGER_LOST);
		});
	}

	/**
	 * Ctrl-C in a terminal signals the whole process group, children included: leave it to the
	 * manager, which stops its instances in order (DESTROYING, then the shutdown timeout).
	 * SIGTERM and the loss of the manager still end this process.
	 */
	@SuppressWarnings("removal")
	private static void ignoreInterrupts() {
		try {
			sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
		}
		catch (RuntimeException | LinkageError ex) {
			logger.debug("Could not ignore SIGINT; Ctrl-C will end this instance directly", ex);
		}
	}

	private void destroyClient() {
		if (this.client != null && this.assignment != null) {
			try {
				this.client.destroy();
			}
			catch (RuntimeException ex) {
				logger.error("Local client of sharding instance " + this.identity.index() + " failed to destroy", ex);
			}
		}
	}

	private void closeServer() {
		IpcServer current = this.server;
		if (current != null) {
			current.close();
		}
	}

}
