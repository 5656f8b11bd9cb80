package dev.discordoo.sharding.manager;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import dev.discordoo.sharding.AllShardsReadyEvent;
import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.InstanceStateChangedEvent;
import dev.discordoo.sharding.listener.ShardMessageHandler;
import dev.discordoo.sharding.testbot.RecordingMessageHandler;
import dev.discordoo.sharding.testbot.TestBotApplication;

import static org.awaitility.Awaitility.await;

/**
 * Runs {@link TestBotApplication} as a manager in the test JVM, records what it publishes,
 * and makes sure every instance it started is gone afterwards.
 */
final class ManagerTestSupport implements AutoCloseable {

	/** JVM flags that make a child start fast on two cores. */
	static final String FAST_CHILD_JVM_ARGS = "-XX:TieredStopAtLevel=1,-XX:+UseSerialGC,-Xss512k,-XX:CICompilerCount=1";

	final RecordingMessageHandler messages = new RecordingMessageHandler();

	final Queue<InstanceStateChangedEvent> transitions = new ConcurrentLinkedQueue<>();

	final Queue<AllShardsReadyEvent> allReady = new ConcurrentLinkedQueue<>();

	final Queue<ReadinessState> readiness = new ConcurrentLinkedQueue<>();

	final List<Long> seenPids = new ArrayList<>();

	final ConfigurableApplicationContext context;

	final LocalShardingManager manager;

	ManagerTestSupport(Map<String, Object> properties) {
		this(properties, UnaryOperator.identity());
	}

	/**
	 * Start a manager whose instance launcher is wrapped, to hold, count or break launches.
	 */
	ManagerTestSupport(Map<String, Object> properties, UnaryOperator<InstanceLauncher> launchers) {
		Map<String, Object> all = new LinkedHashMap<>();
		all.put("discordoo.sharding.processes.main-class", TestBotApplication.class.getName());
		all.put("discordoo.sharding.processes.jvm-args", FAST_CHILD_JVM_ARGS);
		all.put("discordoo.sharding.heartbeat.interval", "500ms");
		all.put("discordoo.sharding.heartbeat.tolerance", "3");
		all.put("discordoo.sharding.restart.initial-backoff", "100ms");
		all.put("discordoo.sharding.restart.max-backoff", "1s");
		all.put("discordoo.sharding.shutdown.timeout", "5s");
		all.put("discordoo.sharding.spawn.concurrency", "4");
		all.put("logging.level.dev.discordoo", "info");
		all.putAll(properties);
		SpringApplication application = new SpringApplication(TestBotApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(all);
		application.addInitializers((context) -> {
			context.getBeanFactory().registerSingleton("recordingMessageHandler", this.messages);
			context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					return (bean instanceof InstanceLauncher launcher) ? launchers.apply(launcher) : bean;
				}

			});
			context.addApplicationListener((ApplicationListener<InstanceStateChangedEvent>) this::record);
			context.addApplicationListener((ApplicationListener<AllShardsReadyEvent>) this.allReady::add);
			context.addApplicationListener((ApplicationListener<AvailabilityChangeEvent<?>>) (event) -> {
				if (event.getState() instanceof ReadinessState state) {
					this.readiness.add(state);
				}
			});
		});
		this.context = application.run();
		this.manager = this.context.getBean(LocalShardingManager.class);
		ShardMessageHandler used = this.context.getBean(ShardMessageHandler.class);
		if (used != this.messages) {
			throw new IllegalStateException("recording handler not used");
		}
	}

	private void record(InstanceStateChangedEvent event) {
		this.transitions.add(event);
		synchronized (this.seenPids) {
			if (event.getInstance().pid() > 0 && !this.seenPids.contains(event.getInstance().pid())) {
				this.seenPids.add(event.getInstance().pid());
			}
		}
	}

	void awaitAllReady(Duration timeout) {
		await().atMost(timeout)
			.until(() -> this.manager.instances().stream().allMatch((info) -> info.state() == InstanceState.READY));
	}

	void awaitInstance(int index, Duration timeout, Predicate<InstanceInfo> condition) {
		await().atMost(timeout).until(() -> condition.test(this.manager.instance(index)));
	}

	/** The ASSIGNED events the instances sent, the latest per instance index. */
	Map<Integer, RecordingMessageHandler.Received> assigned() {
		return this.messages.received.stream()
			.filter((received) -> received.event().equals(TestBotApplication.ASSIGNED))
			.collect(Collectors.toMap((received) -> received.sender().instanceIndex(), (received) -> received,
					(first, second) -> second));
	}

	/** The states one instance went through, as published, since the last clear. */
	List<InstanceState> transitionsOf(int index) {
		return this.transitions.stream()
			.filter((event) -> event.getInstance().index() == index)
			.map(InstanceStateChangedEvent::getState)
			.toList();
	}

	List<Long> childPids() {
		synchronized (this.seenPids) {
			long self = ProcessHandle.current().pid();
			return this.seenPids.stream().filter((pid) -> pid != self).toList();
		}
	}

	@Override
	public void close() {
		try {
			this.context.close();
		}
		finally {
			// whatever happened, no child of this test outlives it
			for (long pid : childPids()) {
				ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
			}
			ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
		}
	}

	/**
	 * Whether a process runs. A process that exited but whose parent has not reaped it (a
	 * frozen or killed parent never will) is a zombie: still listed, no longer running.
	 */
	static boolean isAlive(long pid) {
		Optional<ProcessHandle> handle = ProcessHandle.of(pid);
		if (handle.isEmpty() || !handle.get().isAlive()) {
			return false;
		}
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
		}
		catch (IOException ex) {
			// no procfs (macOS), or the process vanished meanwhile
			return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
		}
	}

	/** How many worker contexts are open: each has one IPC timer thread for as long as it lives. */
	static long instanceTimers() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith("discordoo-instance-ipc-timer"))
			.count();
	}

	/**
	 * Start {@link TestBotApplication} as a manager in a JVM of its own (so that a test can
	 * kill it), echo its output prefixed with {@code [separate manager]}, and wait until it
	 * logs that all its instances are READY.
	 * @param instances how many instances it runs
	 * @param environment extra environment variables of the manager
	 * @param arguments its command-line arguments
	 * @return the manager's process; the caller destroys it
	 */
	static Process startSeparateManager(int instances, Map<String, String> environment, List<String> arguments)
			throws Exception {
		List<String> command = new ArrayList<>(
				ChildJvmCommand.forCurrentJvm(TestBotApplication.class.getName()).toCommandLine());
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().putAll(environment);
		Process manager = builder.start();
		CompletableFuture<Void> allReady = new CompletableFuture<>();
		String ready = "All " + instances + " sharding instances are READY";
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(manager.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					System.out.println("[separate manager] " + line);
					if (line.contains(ready)) {
						allReady.complete(null);
					}
				}
			}
			catch (Exception ex) {
				allReady.completeExceptionally(ex);
			}
		});
		reader.setDaemon(true);
		reader.start();
		try {
			allReady.get(180, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			manager.descendants().forEach(ProcessHandle::destroyForcibly);
			manager.destroyForcibly();
			throw ex;
		}
		return manager;
	}

	static void signal(String signal, long pid) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
		if (kill.waitFor() != 0) {
			throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
		}
	}

}
