package dev.discordoo.sharding.manager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Overlapped restarts (on by default): the successor starts beside the READY instance, which
 * stops only once the successor is READY. What must never happen: two owners of a shard
 * outside the planned overlap, or a successor left running.
 */
class OverlappedRestartTests {

	@RegisterExtension
	final ManagerExtension managers = new ManagerExtension();

	@TempDir
	Path temp;

	@Test
	void aSuccessorThatFailsToStartLeavesThePredecessorServing() throws Exception {
		Path failFile = this.temp.resolve("fail");
		ManagerTestSupport support = this.managers.start(Map.of("discordoo.sharding.mode", "workers",
				"discordoo.sharding.shards", "2", "discordoo.sharding.instance.properties.testbot.fail-file",
				failFile.toString()));
		support.awaitAllReady(Duration.ofSeconds(60));
		String before = support.manager.instance(0).id();
		support.transitions.clear();
		Files.createFile(failFile);
		CompletableFuture<InstanceInfo> restart = support.manager.restart(0);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> restart.get(30, TimeUnit.SECONDS))
			.withMessageContaining("overlapped restart of sharding instance 0 abandoned")
			.withMessageContaining("testbot told to fail");
		assertThat(support.manager.instance(0).state()).isEqualTo(InstanceState.READY);
		assertThat(support.manager.instance(0).id()).isEqualTo(before);
		// the failed successor's worker context is closed: two instances, two contexts
		await().atMost(Duration.ofSeconds(10)).until(() -> ManagerTestSupport.instanceTimers() == 2);
		assertThat(support.transitionsOf(0)).isEmpty();
	}

	@Test
	void stoppingTheManagerDuringAHandOverLeavesNoProcessBehind() throws Exception {
		HandOver handOver = startHangingHandOver();
		ManagerTestSupport support = handOver.support();
		long predecessor = handOver.predecessor();
		CompletableFuture<InstanceInfo> restart = handOver.restart();
		List<Long> both = childJvms();
		assertThat(both).contains(predecessor);
		support.context.close();
		assertThat(restart).isCompletedExceptionally();
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(both).noneMatch(ManagerTestSupport::isAlive));
	}

	@Test
	void aPredecessorLostDuringTheHandOverIsRestartedAfreshAndItsSuccessorDestroyed() throws Exception {
		HandOver handOver = startHangingHandOver();
		ManagerTestSupport support = handOver.support();
		long predecessor = handOver.predecessor();
		String predecessorId = handOver.predecessorId();
		CompletableFuture<InstanceInfo> restart = handOver.restart();
		long successor = childJvms().stream().filter((pid) -> pid != predecessor).findFirst().orElseThrow();
		Files.delete(this.temp.resolve("hang"));
		support.transitions.clear();
		ManagerTestSupport.signal("KILL", predecessor);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> restart.get(30, TimeUnit.SECONDS))
			.withMessageContaining("the running instance was lost");
		// the shards were uncovered: a fresh spawn takes them, never the dropped successor
		support.awaitInstance(0, Duration.ofSeconds(60), (info) -> info.state() == InstanceState.READY
				&& !predecessorId.equals(info.id()));
		await().atMost(Duration.ofSeconds(15)).until(() -> !ManagerTestSupport.isAlive(successor));
		long serving = support.manager.instance(0).pid();
		assertThat(serving).isNotIn(predecessor, successor);
		assertThat(childJvms()).containsExactly(serving);
		assertThat(support.transitionsOf(0)).containsSubsequence(InstanceState.LOST, InstanceState.RESTARTING,
				InstanceState.SPAWNING, InstanceState.READY);
	}

	/**
	 * One instance in a child JVM, restarted by hand with a successor whose client hangs
	 * while the file {@code hang} exists: the two run side by side until the test moves on.
	 */
	private HandOver startHangingHandOver() throws Exception {
		Path hangFile = this.temp.resolve("hang");
		ManagerTestSupport support = this.managers.start(Map.of("discordoo.sharding.shards", "1",
				"discordoo.sharding.instance.properties.testbot.hang-file", hangFile.toString()));
		support.awaitAllReady(Duration.ofSeconds(60));
		InstanceInfo before = support.manager.instance(0);
		Files.createFile(hangFile);
		CompletableFuture<InstanceInfo> restart = support.manager.restart(0);
		await().atMost(Duration.ofSeconds(30)).until(() -> childJvms().size() == 2);
		return new HandOver(support, before.pid(), String.valueOf(before.id()), restart);
	}

	private record HandOver(ManagerTestSupport support, long predecessor, String predecessorId,
			CompletableFuture<InstanceInfo> restart) {
	}

	/** The child JVMs of this test JVM that still run. */
	private static List<Long> childJvms() {
		return ProcessHandle.current()
			.children()
			.map(ProcessHandle::pid)
			.filter(ManagerTestSupport::isAlive)
			.toList();
	}

}
