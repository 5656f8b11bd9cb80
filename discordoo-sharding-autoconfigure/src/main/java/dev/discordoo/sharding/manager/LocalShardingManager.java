package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;


import dev.discordoo.sharding.AllShardsReadyEvent;
import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.ipc.ShardingThreads;
import dev.discordoo.sharding.listener.ShardMessageHandler;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

/**
 * The sharding manager for instances on this host (child processes or in-JVM workers). As a
 * {@link SmartLifecycle} it spawns every instance on start and, on stop, asks each to stop,
 * destroying forcibly whatever is still running after the shutdown timeout.
 *
 * <p>Most of its length is the public {@link ShardingManager} API and the lifecycle; the
 * work is done by its {@link InstanceHandle}s, its {@link InstanceRouter} and its
 * {@link SparePool}.
 */
public final class LocalShardingManager implements ShardingManager, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(LocalShardingManager.class);

	private final ShardAllocation allocation;

	private final InstanceLauncher launcher;

	private final IpcSettings ipcSettings;

	private final ManagerSettings settings;

	private final ApplicationEventPublisher publisher;

	private final long pid = ProcessHandle.current().pid();

	private final String managerId = DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, this.pid);

	private final InstanceRouter router;

	private final ManagerContext context;

	private final List<InstanceHandle> handles;

	// the instances this manager runs: all of them, unless it started idle (a cluster node)
	private final Set<Integer> local = ConcurrentHashMap.newKeySet();

	private boolean startIdle;

	private volatile BooleanSupplier restartGate = () -> true;

	private @Nullable SparePool spares;

	private final ExecutorService spawner;

	// events leave in transition order, on one thread, and never while a handle's lock is held
	private final ExecutorService events;

	private volatile boolean running;

	private boolean autoStartup = true;

	private final CountDownLatch stopped = new CountDownLatch(1);

	/**
	 * Create a manager; {@link #start()} spawns the instances.
	 * @param allocation which instances run which shards
	 * @param launcher starts the instances
	 * @param restartPolicy decides restarts
	 * @param ipcSettings IPC limits and timings
	 * @param settings spawn pacing, shutdown and ready timeouts
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
		this.ipcSettings = ipcSettings;
		this.settings = settings;
		this.publisher = publisher;
		this.spawner = ShardingThreads.cachedDaemons("discordoo-spawner-");
		this.events = ShardingThreads.singleDaemon("discordoo-manager-events-");
		this.router = new InstanceRouter(allocation, messages,
				new ManagerControlRequests(allocation, identify, codec.mapper()), codec, this::liveLink,
				this::whyNoLink);
		this.context = new ManagerContext(this.managerId, this.pid, allocation.totalShards(), ipcSettings, settings,
				launcher, restartPolicy, resources, codec,
				new SpawnThrottle(settings.spawnConcurrency(), settings.spawnDelay()), this.spawner, identify,
				this.router, new Lifecycle());
		this.handles = allocation.instances().stream().map((plan) -> new InstanceHandle(this.context, plan)).toList();
		this.handles.forEach((handle) -> this.local.add(handle.index()));
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		// the instances are this application's work: keep the JVM alive while they run, even
		// when nothing else (a web server, the bot's own threads) would. Not Boot's
		// spring.main.keep-alive: that is fixed before the context knows whether it shards at all,
		// and an application without @EnableSharding must be able to end
		ShardingThreads.startNonDaemon("discordoo-manager-keep-alive-", () -> {
			try {
				this.stopped.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		if (this.startIdle) {
			logger.info("Sharding manager " + this.managerId + " started idle for " + this.allocation + " with "
					+ this.launcher + ": it runs the instances it is given");
			return;
		}
		logger.info("Sharding manager " + this.managerId + " starting " + this.handles.size() + " instances for "
				+ this.allocation + " with " + this.launcher);
		this.handles.forEach(InstanceHandle::spawn);
	}

	/**
	 * Start no instance on {@link #start()}: a cluster node runs only the instances the
	 * cluster assigns it, through {@link #run(int)} and {@link #release(int)}.
	 * @param startIdle whether to start with no instance running
	 */
	public void setStartIdle(boolean startIdle) {
		this.startIdle = startIdle;
		if (startIdle) {
			this.local.clear();
		}
		else {
			this.handles.forEach((handle) -> this.local.add(handle.index()));
		}
	}

	/**
	 * Hold crash restarts while a condition is false: an instance that crashed meanwhile waits
	 * in RESTARTING, its backoff over, and spawns once the condition holds again (asked every
	 * 200 ms). A cluster node holds them while it is not in good standing with
	 * ZooKeeper. Restarts by hand are not held.
	 * @param mayRestart whether a crash restart may spawn now
	 */
	public void setRestartGate(BooleanSupplier mayRestart) {
		this.restartGate = mayRestart;
	}

	/**
	 * Run an instance on this manager, if it does not run already: a cluster node adopting
	 * an instance assigned to it.
	 * @param index the instance index
	 * @return completes when the instance is next READY; fails if it is still stopping
	 */
	public CompletableFuture<InstanceInfo> run(int index) {
		InstanceHandle handle = handle(index);
		this.local.add(index);
		return handle.runIfStopped();
	}

	/**
	 * Stop an instance and no longer count it among this manager's: a cluster node whose
	 * instance moved to another node, or that lost its hold on the cluster.
	 * @param index the instance index
	 * @return completes when the instance is confirmed gone
	 */
	public CompletableFuture<Void> release(int index) {
		InstanceHandle handle = handle(index);
		return handle.stopGracefully().whenComplete((done, ex) -> {
			if (handle.state() == InstanceState.STOPPED) {
				this.local.remove(index);
			}
		});
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
		// the graceful stop, then as long again for a forced one to be confirmed, and a margin
		long waitMillis = 2 * this.settings.shutdownTimeout().toMillis() + 5_000;
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
		this.spares = (count > 0) ? new SparePool(this.context, this.handles.size(), count) : null;
	}

	/**
	 * Return the process ids of the spares waiting now (the manager's own pid for workers).
	 * @return the pids, empty without spares
	 */
	public List<Long> sparePids() {
		SparePool pool = this.spares;
		return (pool != null) ? pool.pids() : List.of();
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
		return localHandles().map(InstanceHandle::info).toList();
	}

	private Stream<InstanceHandle> localHandles() {
		return this.handles.stream().filter((handle) -> this.local.contains(handle.index()));
	}

	@Override
	public InstanceInfo instance(int index) {
		return handle(index).info();
	}

	@Override
	public CompletableFuture<InstanceInfo> restart(int index) {
		InstanceHandle handle = handle(index);
		if (!this.local.contains(index)) {
			// a cluster node's instance that runs on another node: starting it here would give its
			// shards a second owner
			return CompletableFuture.failedFuture(
					new IllegalStateException("sharding instance " + index + " does not run on this node"));
		}
		return handle.restart();
	}

	@Override
	public CompletableFuture<List<InstanceInfo>> restartAll() {
		CompletableFuture<List<InstanceInfo>> done = CompletableFuture.completedFuture(new ArrayList<>());
		for (InstanceHandle handle : localHandles().toList()) {
			done = done.thenCompose((list) -> handle.restart().thenApply((info) -> {
				list.add(info);
				return list;
			}));
		}
		return done;
	}

	@Override
	public void send(int index, String event, @Nullable Object payload) {
		IpcLink link = handle(index).link();
		if (link == null) {
			throw new IllegalStateException("sharding instance " + index + " has no live link");
		}
		link.dispatch(event, payload);
	}

	@Override
	public void broadcast(String event, @Nullable Object payload) {
		this.router.broadcast(event, payload);
	}

	@Override
	public <T> CompletableFuture<List<InstanceResult<T>>> request(String name, @Nullable Object payload,
			Targets targets, Class<T> type) {
		return request(name, payload, targets, type, this.ipcSettings.requestTimeout());
	}

	@Override
	public <T> CompletableFuture<List<InstanceResult<T>>> request(String name, @Nullable Object payload,
			Targets targets, Class<T> type, Duration timeout) {
		return this.router.request(name, payload, targets, type, timeout);
	}

	@Override
	public int instanceForGuild(long guildId) {
		return this.router.resolve(Targets.guild(guildId), -1).get(0);
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
	public @Nullable IpcLink link(int index) {
		return handle(index).link();
	}

	private InstanceHandle handle(int index) {
		if (index < 0 || index >= this.handles.size()) {
			throw new IllegalArgumentException(
					"no sharding instance " + index + " (instances are 0 to " + (this.handles.size() - 1) + ")");
		}
		return this.handles.get(index);
	}

	private @Nullable IpcLink liveLink(int index) {
		return (index >= 0 && index < this.handles.size()) ? this.handles.get(index).link() : null;
	}

	private String whyNoLink(int index) {
		return (index < 0 || index >= this.handles.size()) ? "no instance " + index
				: "instance " + index + " is " + this.handles.get(index).state();
	}

	/** The manager's side of its instances' lives, for {@link ManagerContext}. */
	private final class Lifecycle implements ManagerContext.Lifecycle {

		@Override
		public boolean isRunning() {
			return LocalShardingManager.this.running;
		}

		@Override
		public boolean mayRestart() {
			return LocalShardingManager.this.restartGate.getAsBoolean();
		}

		@Override
		public SparePool.@Nullable Spare takeSpare() {
			SparePool pool = LocalShardingManager.this.spares;
			return (pool != null) ? pool.take() : null;
		}

		@Override
		public void publish(ApplicationEvent event) {
			try {
				LocalShardingManager.this.events.execute(() -> {
					try {
						LocalShardingManager.this.publisher.publishEvent(event);
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

		@Override
		public Object eventSource() {
			return LocalShardingManager.this;
		}

		@Override
		public void instanceReady() {
			List<InstanceInfo> all = instances();
			if (!all.isEmpty() && all.stream().allMatch((info) -> info.state() == InstanceState.READY)) {
				SparePool pool = LocalShardingManager.this.spares;
				if (pool != null) {
					pool.fill();
				}
				logger.info("All " + all.size() + " sharding instances are READY");
				publish(new AllShardsReadyEvent(LocalShardingManager.this, all));
			}
		}

	}

}
