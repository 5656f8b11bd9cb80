package dev.discordoo.sharding.manager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.InstanceStateChangedEvent;
import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.protocol.InstanceEnvironment;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;
import dev.discordoo.sharding.testbot.SilentInstanceMain;
import dev.discordoo.sharding.testbot.TestBotApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Instances that fail to start, never identify, or will not stop, and a manager killed
 * with {@code kill -9}: each done for real with child JVMs.
 */
class ProcessesFailureTests {

	@RegisterExtension
	final ManagerExtension managers = new ManagerExtension();

	private ManagerTestSupport support;

	private Process separateManager;

	@AfterEach
	void close() {
		if (this.separateManager != null) {
			List<ProcessHandle> tree = new ArrayList<>(this.separateManager.descendants().toList());
			this.separateManager.destroyForcibly();
			tree.forEach(ProcessHandle::destroyForcibly);
		}
	}

	@Test
	void anInstanceThatNeverIdentifiesIsDestroyedAfterTheSpawnTimeout() {
		long start = System.nanoTime();
		this.support = this.managers.start(Map.of("discordoo.sharding.shards", "1",
				"discordoo.sharding.processes.main-class", SilentInstanceMain.class.getName(),
				"discordoo.sharding.spawn.timeout", "3s", "discordoo.sharding.spawn.hello-interval", "200ms",
				"discordoo.sharding.restart.max-restarts", "1"));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.support.transitions.stream().anyMatch((event) -> event.getState() == InstanceState.LOST));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
		InstanceStateChangedEvent lost = this.support.transitions.stream()
			.filter((event) -> event.getState() == InstanceState.LOST)
			.findFirst()
			.orElseThrow();
		assertThat(lost.getReason()).contains("no IDENTIFY");
		long silentPid = this.support.childPids().get(0);
		await().atMost(Duration.ofSeconds(15)).until(() -> !ManagerTestSupport.isAlive(silentPid));
		// it is retried, once, and then FAILED
		this.support.awaitInstance(0, Duration.ofSeconds(30), (info) -> info.state() == InstanceState.FAILED);
		assertThat(this.support.childPids()).hasSize(2).noneMatch(ManagerTestSupport::isAlive);
	}

	@Test
	void stoppingDestroysForciblyWhatDoesNotStopWithinTheShutdownTimeout() {
		this.support = this.managers.start(Map.of("discordoo.sharding.shards", "2",
				"discordoo.sharding.shutdown.timeout", "2s",
				"discordoo.sharding.instance.properties.testbot.hang-on-destroy", "true"));
		this.support.awaitAllReady(Duration.ofSeconds(90));
		List<Long> pids = this.support.manager.instances().stream().map(InstanceInfo::pid).toList();
		long start = System.nanoTime();
		this.support.context.close();
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(20));
		assertThat(this.support.manager.instances()).allMatch((info) -> info.state() == InstanceState.STOPPED);
		await().atMost(Duration.ofSeconds(10)).until(() -> pids.stream().noneMatch(ManagerTestSupport::isAlive));
	}

	/**
	 * A manager killed outright, or frozen: either way its instances must not outlive it. A
	 * killed manager's children see its process exit and its links close; a frozen one's only
	 * see its heartbeat acks stop.
	 */
	@ParameterizedTest(name = "manager gets SIG{0}")
	@ValueSource(strings = { "KILL", "STOP" })
	void aManagerThatDiesOrFreezesLeavesNoInstanceBehind(String signal) throws Exception {
		this.separateManager = ManagerTestSupport.startSeparateManager(2, Map.of(),
				List.of("--discordoo.sharding.shards=2",
						"--discordoo.sharding.processes.main-class=" + TestBotApplication.class.getName(),
						"--discordoo.sharding.processes.jvm-args=" + ManagerTestSupport.FAST_CHILD_JVM_ARGS,
						"--discordoo.sharding.heartbeat.interval=300ms", "--discordoo.sharding.spawn.concurrency=2"));
		List<ProcessHandle> instances = this.separateManager.children().toList();
		assertThat(instances).hasSize(2).allMatch(ProcessHandle::isAlive);

		// Ctrl-C reaches every process of a terminal's group: an instance leaves it to its manager
		ManagerTestSupport.signal("INT", instances.get(0).pid());
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.until(() -> ManagerTestSupport.isAlive(instances.get(0).pid()));

		long killedAt = System.nanoTime();
		ManagerTestSupport.signal(signal, this.separateManager.pid());
		// every instance must be gone within the heartbeat tolerance (900 ms here), plus its own exit
		await().atMost(Duration.ofSeconds(10))
			.until(() -> instances.stream().noneMatch((instance) -> ManagerTestSupport.isAlive(instance.pid())));
		System.out.printf("processes mode: manager SIG%s -> all instances exited in %d ms%n", signal,
				Duration.ofNanos(System.nanoTime() - killedAt).toMillis());
	}

	/**
	 * The manager holds a child's stdin open: its end means the manager is gone, even while the
	 * manager's pid, which the child also watches, still runs (reused by another process).
	 * Played here by the test JVM, whose pid the child is given as its manager's.
	 */
	@Test
	void anInstanceWhoseStdinEndsExitsAlthoughItsManagersPidRuns(@TempDir Path dir) throws Exception {
		long managerPid = ProcessHandle.current().pid();
		List<String> command = ChildJvmCommand.forCurrentJvm(TestBotApplication.class.getName())
			.withJvmArgs(List.of(ManagerTestSupport.FAST_CHILD_JVM_ARGS.split(",")))
			.toCommandLine();
		Path log = dir.resolve("instance.log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile());
		// a spare: no spawn timeout, so only its stdin or its manager's pid can end it
		builder.environment()
			.putAll(Map.of(InstanceEnvironment.MANAGER_ID,
					DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, managerPid),
					InstanceEnvironment.INSTANCE_ID, DiscordooSnowflake.generate(0, managerPid),
					InstanceEnvironment.INSTANCE_INDEX, "0", InstanceEnvironment.TOKEN,
					"0123456789abcdef0123456789abcdef", InstanceEnvironment.SPARE, "true",
					InstanceEnvironment.STDIN_GUARD, "true"));
		this.separateManager = builder.start();
		Process instance = this.separateManager;
		await().atMost(Duration.ofSeconds(60))
			.until(() -> Files.readString(log).contains(InstanceEnvironment.READY_LINE_PREFIX));
		assertThat(instance.isAlive()).isTrue();
		long closedAt = System.nanoTime();
		instance.getOutputStream().close();
		assertThat(instance.waitFor(15, TimeUnit.SECONDS)).as("exited after its stdin closed").isTrue();
		System.out.printf("processes mode: stdin closed -> instance exited in %d ms%n",
				Duration.ofNanos(System.nanoTime() - closedAt).toMillis());
		assertThat(instance.exitValue()).isEqualTo(InstanceRuntime.EXIT_MANAGER_LOST);
		assertThat(ProcessHandle.of(managerPid)).hasValueSatisfying((manager) -> assertThat(manager.isAlive()).isTrue());
		assertThat(Files.readString(log)).contains("stdin");
	}

}
