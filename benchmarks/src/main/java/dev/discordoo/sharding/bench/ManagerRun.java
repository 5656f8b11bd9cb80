package dev.discordoo.sharding.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import dev.discordoo.sharding.AllShardsReadyEvent;
import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.InstanceStateChangedEvent;
import dev.discordoo.sharding.autoconfigure.ShardingProperties;
import dev.discordoo.sharding.bench.bot.BenchBotApplication;
import dev.discordoo.sharding.cds.ClassDataCache;
import dev.discordoo.sharding.manager.InstanceLauncher;
import dev.discordoo.sharding.manager.LocalShardingManager;
import dev.discordoo.sharding.manager.ProcessInstanceLauncher;

/**
 * A real sharding manager of {@link BenchBotApplication} in this JVM, started the way an
 * application starts it, with every state change time-stamped on arrival. Closing it stops
 * the manager and destroys whatever it left behind.
 */
final class ManagerRun implements AutoCloseable {

	/**
	 * The bench bot as an executable jar, which child instances run from (so that class data
	 * sharing applies, as for a user's bot); {@code benchmarks/run} builds it.
	 */
	static final String BOT_JAR = System.getProperty("bench.bot-jar", "target/bench-bot.jar");

	/** Where the children's class data cache lives: kept between runs, keyed by jar and JDK. */
	static final String CLASS_DATA_CACHE = System.getProperty("bench.class-data-cache", "target/class-data");

	/** How long to wait for the class data archive of a new jar, JDK or set of JVM arguments. */
	static final Duration CLASS_DATA_TIMEOUT = Duration.ofMinutes(3);

	static final String HEARTBEAT_INTERVAL = "500ms";

	static final int HEARTBEAT_TOLERANCE = 3;

	static final int SPAWN_CONCURRENCY = 4;

	/**
	 * One state change, as the manager published it.
	 * @param nanos {@link System#nanoTime()} on arrival
	 * @param index the instance
	 * @param state its new state
	 * @param pid its process id
	 */
	record Transition(long nanos, int index, InstanceState state, long pid) {
	}

	final Queue<Transition> transitions = new ConcurrentLinkedQueue<>();

	final long startNanos;

	volatile long allReadyNanos;

	final ConfigurableApplicationContext context;

	final LocalShardingManager manager;

	ManagerRun(String mode, int instances) {
		this(mode, instances, Map.of());
	}

	ManagerRun(String mode, int instances, Map<String, Object> overrides) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("discordoo.sharding.mode", mode);
		properties.put("discordoo.sharding.shards", Integer.toString(instances));
		properties.put("discordoo.sharding.shards-per-instance", "1");
		// the library's default JVM arguments of children: they are what is measured
		properties.put("discordoo.sharding.processes.jar", BOT_JAR);
		properties.put("discordoo.sharding.processes.class-data-cache-directory", CLASS_DATA_CACHE);
		properties.put("discordoo.sharding.spawn.concurrency", Integer.toString(SPAWN_CONCURRENCY));
		properties.put("discordoo.sharding.heartbeat.interval", HEARTBEAT_INTERVAL);
		properties.put("discordoo.sharding.heartbeat.tolerance", Integer.toString(HEARTBEAT_TOLERANCE));
		properties.put("discordoo.sharding.restart.initial-backoff", "1ms");
		properties.put("discordoo.sharding.restart.max-backoff", "1ms");
		properties.put("discordoo.sharding.restart.multiplier", "1");
		properties.put("discordoo.sharding.restart.max-restarts", "1000");
		properties.put("discordoo.sharding.shutdown.timeout", "5s");
		// a busy machine (other builds beside the benchmarks) must not turn slow starts into failures
		properties.put("discordoo.sharding.spawn.timeout", "120s");
		properties.put("discordoo.sharding.instance.properties.spring.main.banner-mode", "off");
		properties.put("discordoo.sharding.instance.properties.spring.main.log-startup-info", "false");
		properties.put("logging.level.root", "warn");
		properties.put("discordoo.sharding.instance.properties.logging.level.root", "warn");
		// losses are what failover provokes: keep the expected warnings out of the table
		properties.put("logging.level.dev.discordoo", "error");
		properties.put("discordoo.sharding.instance.properties.logging.level.dev.discordoo", "error");
		properties.putAll(overrides);
		SpringApplication application = new SpringApplication(BenchBotApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setRegisterShutdownHook(false);
		application.setDefaultProperties(properties);
		application.addInitializers((context) -> {
			context.addApplicationListener((ApplicationListener<InstanceStateChangedEvent>) (event) -> this.transitions
				.add(new Transition(System.nanoTime(), event.getInstance().index(), event.getState(),
						event.getInstance().pid())));
			context.addApplicationListener((ApplicationListener<AllShardsReadyEvent>) (event) -> {
				if (this.allReadyNanos == 0) {
					this.allReadyNanos = System.nanoTime();
				}
			});
		});
		this.startNanos = System.nanoTime();
		this.context = application.run();
		this.manager = this.context.getBean(LocalShardingManager.class);
	}

	/**
	 * Return the library's default JVM arguments of children ({@code processes.jvm-args}).
	 * @return the arguments
	 */
	static List<String> defaultChildJvmArgs() {
		return new Binder().bindOrCreate("discordoo.sharding.processes", ShardingProperties.Processes.class).jvmArgs();
	}

	static String describeSettings(String mode) {
		String common = "spawn.concurrency=" + SPAWN_CONCURRENCY;
		return mode.equals("processes") ? common + ", children from the bot jar with the default JVM args" : common;
	}

	/**
	 * Wait until children of this manager start from a class data archive, or until it is
	 * clear that they never will.
	 * @return what children start from, for the table's notes
	 */
	String awaitClassData() throws Exception {
		if (!(this.context.getBean(InstanceLauncher.class) instanceof ProcessInstanceLauncher launcher)
				|| launcher.getClassDataCache() == null) {
			return "no class data sharing";
		}
		ClassDataCache cache = launcher.getClassDataCache();
		boolean available = cache.availability().get(CLASS_DATA_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		if (!available) {
			return "no class data sharing: " + cache.unavailableReason();
		}
		String archive = "class data " + (Runtime.version().feature() >= 25 ? "AOT cache" : "AppCDS archive");
		String springAot = cache.springAotUnavailableReason();
		return archive + ((springAot == null) ? ", Spring AOT" : ", no Spring AOT: " + springAot);
	}

	/** Wait until every instance is READY; return the nanoTime of the first all-READY event. */
	long awaitAllReady(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.allReadyNanos == 0) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("not all READY within " + timeout + ": " + this.manager.instances());
			}
			Thread.sleep(1);
		}
		// the event can be ahead of the snapshot by a hair
		while (!this.manager.instances().stream().allMatch((info) -> info.state() == InstanceState.READY)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("not all READY within " + timeout + ": " + this.manager.instances());
			}
			Thread.sleep(1);
		}
		return this.allReadyNanos;
	}

	/** Wait for a transition after a moment; return it. */
	Transition await(long afterNanos, Duration timeout, Predicate<Transition> matches) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			for (Transition transition : this.transitions) {
				if (transition.nanos() >= afterNanos && matches.test(transition)) {
					return transition;
				}
			}
			Thread.sleep(1);
		}
		throw new IllegalStateException("no such transition within " + timeout + ": " + this.manager.instances());
	}

	List<Long> childPids() {
		long self = ProcessHandle.current().pid();
		return this.manager.instances().stream().map(InstanceInfo::pid).filter((pid) -> pid > 0 && pid != self).toList();
	}

	@Override
	public void close() {
		try {
			this.context.close();
		}
		finally {
			// whatever happened, no instance of this run outlives it
			ProcessHandle.current().descendants().forEach((handle) -> Children.destroyTree(handle));
		}
	}

}
