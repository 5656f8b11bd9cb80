package dev.discordoo.sharding.manager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.InstanceStateChangedEvent;
import dev.discordoo.sharding.testbot.RecordingMessageHandler;
import dev.discordoo.sharding.testbot.TestBotApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The manager in processes mode, with real child JVMs: start, kill -9, SIGSTOP, stop.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProcessesModeTests {

	private static final Pattern SECOND_TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}");

	@RegisterExtension
	final ManagerExtension managers = new ManagerExtension();

	private ManagerTestSupport support;

	@Test
	void fourInstancesOfTwoShardsStartAndSurviveKillAndStop() throws Exception {
		long start = System.nanoTime();
		this.support = this.managers.start(Map.of("discordoo.sharding.mode", "processes",
				"discordoo.sharding.shards", "8", "discordoo.sharding.shards-per-instance", "2"));
		this.support.awaitAllReady(Duration.ofSeconds(90));
		System.out.printf("processes mode: 4 instances READY %d ms after the manager started%n",
				Duration.ofNanos(System.nanoTime() - start).toMillis());
		// published off the instances' threads, in order, a moment after the last READY
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.support.allReady.isEmpty());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.support.assigned().size() == 4);
		Map<Integer, RecordingMessageHandler.Received> byIndex = this.support.assigned();
		for (int index = 0; index < 4; index++) {
			RecordingMessageHandler.Received received = byIndex.get(index);
			assertThat(received.sender().instanceIndex()).isEqualTo(index);
			assertThat(received.data().get("shards").values().stream().map((node) -> node.intValue()).toList())
				.containsExactly(2 * index, 2 * index + 1);
			assertThat(received.data().get("total").intValue()).isEqualTo(8);
			assertThat(received.data().get("pid").longValue()).isEqualTo(this.support.manager.instance(index).pid());
		}
		List<Long> pids = this.support.manager.instances().stream().map(InstanceInfo::pid).toList();
		assertThat(pids).doesNotHaveDuplicates().allMatch(ManagerTestSupport::isAlive);

		// kill -9 one child: detected, the old process gone before a new one spawns, READY again
		long victim = pids.get(1);
		this.support.transitions.clear();
		long killedAt = System.nanoTime();
		ManagerTestSupport.signal("KILL", victim);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.support.manager.instance(1).pid() != victim);
		this.support.awaitInstance(1, Duration.ofSeconds(60), (info) -> info.state() == InstanceState.READY);
		System.out.printf("processes mode: kill -9 -> READY again in %d ms%n",
				Duration.ofNanos(System.nanoTime() - killedAt).toMillis());
		assertThat(ManagerTestSupport.isAlive(victim)).isFalse();
		assertThat(this.support.transitionsOf(1)).containsSubsequence(InstanceState.LOST, InstanceState.RESTARTING,
				InstanceState.SPAWNING, InstanceState.CONNECTING, InstanceState.IDENTIFIED, InstanceState.READY);
		assertThat(this.support.manager.instance(1).restarts()).isEqualTo(1);
		assertThat(this.support.manager.instance(1).lastFailure()).isNotBlank();
		// the others were never touched
		for (int index : new int[] { 0, 2, 3 }) {
			assertThat(this.support.manager.instance(index).pid()).isEqualTo(pids.get(index));
			assertThat(this.support.transitionsOf(index)).isEmpty();
		}

		// SIGSTOP another: its heartbeats stop, the manager notices within interval x tolerance
		long frozen = this.support.manager.instance(2).pid();
		this.support.transitions.clear();
		long stoppedAt = System.nanoTime();
		ManagerTestSupport.signal("STOP", frozen);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.support.transitionsOf(2).contains(InstanceState.LOST));
		long detectedMillis = Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis();
		System.out.printf("processes mode: SIGSTOP detected in %d ms (interval 500 ms x tolerance 3)%n",
				detectedMillis);
		InstanceStateChangedEvent lost = this.support.transitions.stream()
			.filter((event) -> event.getState() == InstanceState.LOST)
			.findFirst()
			.orElseThrow();
		assertThat(lost.getReason()).contains("HEARTBEAT_TIMEOUT");
		this.support.awaitInstance(2, Duration.ofSeconds(60), (info) -> info.state() == InstanceState.READY);
		await().atMost(Duration.ofSeconds(10)).until(() -> !ManagerTestSupport.isAlive(frozen));

		// stopping the manager stops every instance
		List<Long> running = this.support.manager.instances().stream().map(InstanceInfo::pid).toList();
		this.support.context.close();
		assertThat(this.support.manager.instances()).allMatch((info) -> info.state() == InstanceState.STOPPED);
		await().atMost(Duration.ofSeconds(10)).until(() -> running.stream().noneMatch(ManagerTestSupport::isAlive));
	}

	/**
	 * Instance properties may hold secrets: they reach the child through its environment, never
	 * its command line (which {@code ps} shows every user); the logged command line hides the
	 * values of JVM arguments; and the child logs compactly, since the manager logs each of its
	 * lines again with a date, pid and thread of its own.
	 */
	@Test
	@EnabledOnOs(OS.LINUX)
	void instancePropertiesReachAChildOutsideItsCommandLineAndItsLogIsCompact(CapturedOutput output)
			throws Exception {
		String secret = "instance-secret-" + System.nanoTime();
		String jvmSecret = "jvm-secret-" + System.nanoTime();
		this.support = this.managers.start(Map.of("discordoo.sharding.shards", "1",
				"discordoo.sharding.processes.jvm-args",
				ManagerTestSupport.FAST_CHILD_JVM_ARGS + ",-Ddiscordoo.test.secret=" + jvmSecret,
				"discordoo.sharding.instance.properties.testbot.echo", secret));
		this.support.awaitAllReady(Duration.ofSeconds(90));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.support.assigned().containsKey(0));
		assertThat(this.support.assigned().get(0).data().get("echo").asString()).isEqualTo(secret);
		long pid = this.support.manager.instance(0).pid();
		String commandLine = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
		assertThat(commandLine).contains(TestBotApplication.class.getName()).doesNotContain(secret);

		assertThat(output.getAll()).contains("-Ddiscordoo.test.secret=******")
			.doesNotContain(jvmSecret)
			.doesNotContain(secret);
		List<String> forwarded = output.getAll()
			.lines()
			.filter((line) -> line.contains("[instance 0] "))
			.map((line) -> line.substring(line.indexOf("[instance 0] ")))
			.toList();
		assertThat(forwarded).anyMatch((line) -> line.contains("listening on"))
			.noneMatch((line) -> SECOND_TIMESTAMP.matcher(line).find());
	}

}
