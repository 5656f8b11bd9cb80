package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.AllShardsReadyEvent;
import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.ipc.FanOutResults;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.Relay;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.listener.ShardMessageHandler;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

/**
 * The sharding manager for instances on this host (child processes or in-JVM workers). As a
 * {@link SmartLifecycle} it spawns every instance on start and, on stop, asks each to stop,
 * destroying forcibly whatever is still running after the shutdown timeout.
 */
public final class LocalShardingManager implements ShardingManager, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(LocalShardingManager.class);

	private final ShardAllocation allocation;

	private final InstanceLauncher launcher;

	private final RestartPolicy restartPolicy;

	private final IpcSettings ipcSettings;

	private final ManagerSettings settings;

	private final IpcResources resources;

	private final FrameCodec codec;

	private final ShardMessageHandler messages;

	private final IdentifyBroker identify;

	private final ManagerControlRequests controlRequests;

	private final ApplicationEventPublisher publisher;

	private final long pid = ProcessHandle.current().pid();

	private final String managerId = DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, this.pid);

	private final List<InstanceHandle> handles;

	private final RequestFanOut fanOut = new RequestFanOut();

	private SparePool spares;

	private final FanOutResults results;

	private final Semaphore spawnSlots;

	private final ExecutorService spawner;

	// events leave in transition order, on one thread, and never while a handle's lock is held
	private final ExecutorService events;

	private final List<RestartListener> restartListeners = new CopyOnWriteArrayList<>();

	private long nextLaunchNanos = System.nanoTime();

	private volatile boolean running;

	private boolean autoStartup = true;

	private final CountDownLatch stopped = new CountDownLatch(1);

	/**
	 * Told of every automatic restart, for metrics.
	 */
	@FunctionalInterface
	public interface RestartListener {

		/**
		 * An instance is being restarted.
		 * @param index the instance index
		 * @param reason why it was lost
		 */
		void onRestart(int index, String reason);

	}

	/**
	 * Create a manager; {@link #start()} spawns the instances.
	 * @param allocation which instances run which shards
	 * @param launcher starts the instances
	 * @param restartPolicy decides restarts
	 * @param ipcSettings IPC limits and timings
	 * @param settings spawn pacing and shutdown timeout
	 * @param resources IPC threads
	 * @param codec the frame codec
	 * @param messages receives the instances' application events and requests
	 * @param identify paces the instances' identifies
	 * @param publisher publishes the instances' state changes
	 */
	public LocalShardingManager(ShardAllocation allocation, InstanceLauncher launcher, RestartPolicy restartPolicy,
			IpcSettings ipcSettings, ManagerSettings settings, IpcResources resources, FrameCodec codec,
			ShardMessageHandler messages, IdentifyBroker identify, ApplicationEventPublisher publisher) {
		this.allocation = allocation;
		this.launcher = launcher;
		this.restartPolicy = restartPolicy;
		this.ipcSettings = ipcSettings;
		this.settings = settings;
		this.resources = resources;
		this.codec = codec;
		this.messages = messages;
		this.identify = identify;
		this.controlRequests = new ManagerControlRequests(allocation, identify, codec.mapper());
		this.publisher = publisher;
		this.spawnSlots = new Semaphore(settings.spawnConcurrency());
		this.handles = allocation.instances().stream().map((plan) -> new InstanceHandle(this, plan)).toList();
		this.results = new FanOutResults(codec.mapper());
		this.spawner = Executors.newCachedThreadPool(daemons("discordoo-spawner-"));
		this.events = Executors.newSingleThreadExecutor(daemons("discordoo-manager-events-"));
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		// the instances are this application's work: keep the JVM alive while they run, even
		// when nothing else (a web server, the bot's own threads) would
		Thread keepAlive = new Thread(() -> {
			try {
				this.stopped.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "discordoo-manager-keep-alive");
		keepAlive.setDaemon(false);
		keepAlive.start();
		logger.info("Sharding manager " + this.managerId + " starting " + this.handles.size() + " instances for "
				+ this.allocation + " with " + this.launcher);
		this.handles.forEach(InstanceHandle::spawn);
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		List<CompletableFuture<Void>> stops = new ArrayList<>();
		for (InstanceHandle handle : this.handles) {
			stops.add(handle.stopGracefully());
		}
		long waitMillis = this.settings.shutdownTimeout().toMillis() + 15_000;
		try {
			CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(waitMillis, TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.error("Sharding instances still stopping after " + waitMillis + " ms: " + instances());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			logger.error("Stopping sharding instances failed", ex.getCause());
		}
		if (this.spares != null) {
			this.spares.destroyAll();
		}
		this.spawner.shutdownNow();
		this.events.shutdown();
		this.stopped.countDown();
		logger.info("Sharding manager " + this.managerId + " stopped");
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	/**
	 * Keep instances started ahead of need, so that a lost instance is replaced by one that
	 * already runs instead of waiting for a new JVM (or worker context) to start. The pool is
	 * filled once every instance is first READY, and refilled after each take-over.
	 * @param count how many spares to keep; 0 for none (the default)
	 */
	public void setSpares(int count) {
		if (count < 0) {
			throw new IllegalArgumentException("spares must not be negative, was " + count);
		}
		this.spares = (count > 0) ? new SparePool(this, count) : null;
	}

	/**
	 * Return the process ids of the spares waiting now (the manager's own pid for workers).
	 * @return the pids, empty without spares
	 */
	public List<Long> sparePids() {
		return (this.spares != null) ? this.spares.pids() : List.of();
	}

	/**
	 * Set whether the manager spawns its instances when the application context starts.
	 * @param autoStartup whether to start with the context (the default)
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public int getPhase() {
		// start after the application's own beans, stop before them
		return SmartLifecycle.DEFAULT_PHASE - 1000;
	}

	@Override
	public List<InstanceInfo> instances() {
		return this.handles.stream().map(InstanceHandle::info).toList();
	}

	@Override
	public InstanceInfo instance(int index) {
		return handle(index).info();
	}

	@Override
	public CompletableFuture<InstanceInfo> restart(int index) {
		return handle(index).restart();
	}

	@Override
	public CompletableFuture<List<InstanceInfo>> restartAll() {
		CompletableFuture<List<InstanceInfo>> done = CompletableFuture.completedFuture(new ArrayList<>());
		for (InstanceHandle handle : this.handles) {
			done = done.thenCompose((list) -> handle.restart().thenApply((info) -> {
				list.add(info);
				return list;
			}));
		}
		return done;
	}

	@Override
	public void send(int index, String event, Object payload) {
		IpcLink link = handle(index).link();
		if (link == null) {
			throw new IllegalStateException("sharding instance " + index + " has no live link");
		}
		link.dispatch(event, payload);
	}

	@Override
	public void broadcast(String event, Object payload) {
		for (InstanceHandle handle : this.handles) {
			IpcLink link = handle.link();
			if (link != null) {
				try {
					link.dispatch(event, payload);
				}
				catch (IllegalStateException ex) {
					logger.debug("Broadcast of " + event + " missed instance " + handle.index() + ": " + ex.getMessage());
				}
			}
		}
	}

	@Override
	public <T> CompletableFuture<List<InstanceResult<T>>> request(String name, Object payload, Targets targets,
			Class<T> type) {
		return request(name, payload, targets, type, this.ipcSettings.requestTimeout());
	}

	@Override
	public <T> CompletableFuture<List<InstanceResult<T>>> request(String name, Object payload, Targets targets,
			Class<T> type, Duration timeout) {
		List<Integer> indices = resolve(targets, -1);
		JsonNode tree = (payload instanceof JsonNode node) ? node : this.codec.mapper().valueToTree(payload);
		return fanOut(name, tree, indices, timeout, null)
			.thenApply((answers) -> this.results.bind(answers, type));
	}

	@Override
	public int instanceForGuild(long guildId) {
		return resolve(Targets.guild(guildId), -1).get(0);
	}

	/**
	 * Return the manager's snowflake.
	 * @return the manager id
	 */
	public String managerId() {
		return this.managerId;
	}

	/**
	 * Return the live link to an instance.
	 * @param index the instance index
	 * @return the link, or {@code null} when the instance is not identified or ready
	 */
	public IpcLink link(int index) {
		return handle(index).link();
	}

	/**
	 * Register a listener told of every automatic restart.
	 * @param listener the listener
	 */
	public void addRestartListener(RestartListener listener) {
		this.restartListeners.add(listener);
	}

	private InstanceHandle handle(int index) {
		if (index < 0 || index >= this.handles.size()) {
			throw new IllegalArgumentException(
					"no sharding instance " + index + " (instances are 0 to " + (this.handles.size() - 1) + ")");
		}
		return this.handles.get(index);
	}

	List<Integer> resolve(Targets targets, int self) {
		return targets.resolve(this.handles.size(), this.allocation.totalShards(),
				this.allocation::instanceOf, self);
	}

	/** Resolve the wire form of targets: {@code "all"} or a list of instance indices. */
	List<Integer> resolve(JsonNode targets) {
		return RelayTargets.parse(targets, this.handles.size());
	}

	CompletableFuture<List<InstanceResult<JsonNode>>> fanOut(String name, JsonNode payload, List<Integer> indices,
			Duration timeout, Integer from) {
		return this.fanOut.send(name, payload, indices, timeout, from, this::liveLink,
				(index) -> (index < 0 || index >= this.handles.size()) ? "no instance " + index
						: "instance " + index + " is " + this.handles.get(index).state());
	}

	/** Relay an instance's broadcast to its targets, naming it as the sender. */
	void relayDispatch(int from, String event, JsonNode data, JsonNode targets) {
		Relay relay = new Relay(null, from);
		for (int index : resolve(targets)) {
			IpcLink link = liveLink(index);
			if (link == null) {
				logger.debug("Relay of " + event + " from instance " + from + " missed instance " + index);
				continue;
			}
			try {
				link.dispatch(event, data, relay);
			}
			catch (IllegalStateException ex) {
				logger.debug("Relay of " + event + " from instance " + from + " missed instance " + index, ex);
			}
		}
	}

	/** Relay an instance's request to its targets; the result is the list of entries. */
	CompletableFuture<JsonNode> relayRequest(int from, String name, JsonNode payload, JsonNode targets,
			Duration timeout) {
		return fanOut(name, payload, resolve(targets), timeout, from).thenApply(this.results::toJson);
	}

	ManagerControlRequests controlRequests() {
		return this.controlRequests;
	}

	IdentifyBroker identify() {
		return this.identify;
	}

	private IpcLink liveLink(int index) {
		return (index >= 0 && index < this.handles.size()) ? this.handles.get(index).link() : null;
	}

	SparePool.Spare takeSpare() {
		return (this.spares != null) ? this.spares.take() : null;
	}

	int instanceCount() {
		return this.handles.size();
	}

	void onInstanceReady() {
		List<InstanceInfo> all = instances();
		if (all.stream().allMatch((info) -> info.state() == InstanceState.READY)) {
			if (this.spares != null) {
				this.spares.fill();
			}
			logger.info("All " + all.size() + " sharding instances are READY");
			publish(new AllShardsReadyEvent(this, all));
		}
	}

	void onRestart(int index, String reason) {
		for (RestartListener listener : this.restartListeners) {
			listener.onRestart(index, reason);
		}
	}

	void publish(ApplicationEvent event) {
		try {
			this.events.execute(() -> {
				try {
					this.publisher.publishEvent(event);
				}
				catch (RuntimeException ex) {
					logger.error("Sharding event listener failed on " + event, ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Manager stopped: dropped " + event);
		}
	}

	void acquireSpawnSlot() throws InterruptedException {
		this.spawnSlots.acquire();
		long launchAt;
		synchronized (this) {
			launchAt = Math.max(System.nanoTime(), this.nextLaunchNanos);
			this.nextLaunchNanos = launchAt + this.settings.spawnDelay().toNanos();
		}
		long wait;
		while ((wait = launchAt - System.nanoTime()) > 0) {
			LockSupport.parkNanos(wait);
			if (Thread.interrupted()) {
				this.spawnSlots.release();
				throw new InterruptedException();
			}
		}
	}

	void releaseSpawnSlot() {
		this.spawnSlots.release();
	}

	int totalShards() {
		return this.allocation.totalShards();
	}

	long pid() {
		return this.pid;
	}

	InstanceLauncher launcher() {
		return this.launcher;
	}

	RestartPolicy restartPolicy() {
		return this.restartPolicy;
	}

	IpcSettings ipcSettings() {
		return this.ipcSettings;
	}

	ManagerSettings settings() {
		return this.settings;
	}

	IpcResources resources() {
		return this.resources;
	}

	FrameCodec codec() {
		return this.codec;
	}

	ShardMessageHandler messages() {
		return this.messages;
	}

	ExecutorService spawner() {
		return this.spawner;
	}

	private static ThreadFactory daemons(String prefix) {
		CustomizableThreadFactory threads = new CustomizableThreadFactory(prefix);
		threads.setDaemon(true);
		return threads;
	}

}
