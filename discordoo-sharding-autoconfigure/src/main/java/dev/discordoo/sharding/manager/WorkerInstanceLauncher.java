package dev.discordoo.sharding.manager;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.ipc.ShardingThreads;
import dev.discordoo.sharding.protocol.InstanceEnvironment;
import org.jspecify.annotations.Nullable;

/**
 * Starts each instance as a worker: its own Spring application context of the same
 * application inside the manager's JVM, without a web server, with its own IPC server on
 * loopback speaking the same protocol. Ending a worker closes its context only.
 */
public final class WorkerInstanceLauncher implements InstanceLauncher {

	private static final Log logger = LogFactory.getLog(WorkerInstanceLauncher.class);

	private final Class<?>[] sources;

	private final Map<String, Object> properties;

	/**
	 * Create a launcher.
	 * @param sources the application's sources (its main class)
	 * @param properties extra properties for every worker, above the application's own
	 */
	public WorkerInstanceLauncher(Class<?>[] sources, Map<String, Object> properties) {
		this.sources = sources.clone();
		this.properties = Map.copyOf(properties);
	}

	@Override
	public LaunchedInstance launch(InstanceSpawn spawn) {
		Map<String, Object> workerProperties = new LinkedHashMap<>(this.properties);
		workerProperties.putAll(spawn.environment());
		workerProperties.put(InstanceEnvironment.WORKER, "true");
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("discordooShardingWorker-" + spawn.index(), workerProperties));
		SpringApplication application = new SpringApplication(this.sources);
		application.setEnvironment(environment);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setRegisterShutdownHook(false);
		application.setLogStartupInfo(false);
		// the manager owns logging: a worker must not re-initialise the JVM's logging system
		application.setListeners(application.getListeners()
			.stream()
			.filter((listener) -> !(listener instanceof LoggingApplicationListener))
			.toList());
		LaunchedWorker worker = new LaunchedWorker(spawn.index());
		application.setApplicationContextFactory((type) -> new WorkerContext(worker));
		ShardingThreads.startDaemon("discordoo-worker-start-" + spawn.index() + "-", () -> worker.run(application));
		return worker;
	}

	/**
	 * A worker's application context, which tells its worker when it is closed: at the end of
	 * its close, after its beans (the shard client among them) are destroyed. A successor
	 * started before that would run the same shards beside a client that is still stopping,
	 * so the worker does not count as exited at the start of the close.
	 */
	private static final class WorkerContext extends AnnotationConfigApplicationContext {

		private final LaunchedWorker worker;

		WorkerContext(LaunchedWorker worker) {
			this.worker = worker;
		}

		@Override
		protected void onClose() {
			super.onClose();
			this.worker.exit.complete("worker context closed");
		}

	}

	private static final class LaunchedWorker implements LaunchedInstance {

		private final int index;

		private final CompletableFuture<InetSocketAddress> endpoint = new CompletableFuture<>();

		private final CompletableFuture<String> exit = new CompletableFuture<>();

		private volatile @Nullable ConfigurableApplicationContext context;

		private volatile boolean destroyed;

		LaunchedWorker(int index) {
			this.index = index;
		}

		void run(SpringApplication application) {
			try {
				ConfigurableApplicationContext started = application.run();
				this.context = started;
				if (this.destroyed) {
					// destroyed while it was starting
					close();
					return;
				}
				if (!started.isActive()) {
					this.exit.complete("worker context closed during start-up");
				}
				InstanceRuntime runtime = started.getBean(InstanceRuntime.class);
				this.endpoint.complete(new InetSocketAddress("127.0.0.1", runtime.port()));
			}
			catch (Throwable ex) {
				logger.error("Worker for sharding instance " + this.index + " failed to start", ex);
				this.endpoint.completeExceptionally(ex);
				this.exit.complete("worker failed to start: " + ex);
			}
		}

		@Override
		public long pid() {
			return ProcessHandle.current().pid();
		}

		@Override
		public CompletableFuture<InetSocketAddress> endpoint() {
			return this.endpoint.copy();
		}

		@Override
		public CompletableFuture<String> onExit() {
			return this.exit.copy();
		}

		@Override
		public void destroyGracefully() {
			close();
		}

		@Override
		public void destroyForcibly() {
			// threads cannot be killed: closing the context is the most a JVM allows
			close();
		}

		private void close() {
			this.destroyed = true;
			ConfigurableApplicationContext current = this.context;
			if (current != null && current.isActive()) {
				ShardingThreads.startDaemon("discordoo-worker-close-" + this.index + "-", current::close);
			}
			else if (current == null && this.endpoint.isDone()) {
				this.exit.complete("worker never started");
			}
		}

	}

}
