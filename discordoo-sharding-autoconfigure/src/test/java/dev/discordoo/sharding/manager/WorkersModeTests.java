package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.InstanceStateChangedEvent;
import dev.discordoo.sharding.metrics.ShardingManagerMetrics;
import dev.discordoo.sharding.testbot.RecordingMessageHandler;
import dev.discordoo.sharding.testbot.TestBotApplication;
import dev.discordoo.sharding.testbot.TestBotHandlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The manager in workers mode: every instance is its own application context inside the
 * test JVM, with its own IPC server on loopback.
 */
class WorkersModeTests {

	@RegisterExtension
	final ManagerExtension managers = new ManagerExtension();

	private ManagerTestSupport support;

	@Test
	void fourWorkersOfTwoShardsStartSurviveACrashAndStop() {
		long start = System.nanoTime();
		this.support = this.managers.start(Map.of("discordoo.sharding.mode", "workers",
				"discordoo.sharding.shards", "8", "discordoo.sharding.shards-per-instance", "2"));
		this.support.awaitAllReady(Duration.ofSeconds(60));
		System.out.printf("workers mode: 4 instances READY %d ms after the manager started%n",
				Duration.ofNanos(System.nanoTime() - start).toMillis());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.support.assigned().size() == 4);
		Map<Integer, RecordingMessageHandler.Received> byIndex = this.support.assigned();
		long self = ProcessHandle.current().pid();
		for (int index = 0; index < 4; index++) {
			RecordingMessageHandler.Received received = byIndex.get(index);
			assertThat(received.data().get("shards").values().stream().map((node) -> node.intValue()).toList())
				.containsExactly(2 * index, 2 * index + 1);
			assertThat(received.data().get("total").intValue()).isEqualTo(8);
			assertThat(received.data().get("pid").longValue()).isEqualTo(self);
		}
		List<String> ids = this.support.manager.instances().stream().map(InstanceInfo::id).toList();
		assertThat(ids).doesNotHaveDuplicates();
		assertThat(ManagerTestSupport.instanceTimers()).isEqualTo(4);
		// ready to take traffic only once every shard is
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.support.context.getBean(ApplicationAvailability.class)
				.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC);
		this.support.readiness.clear();

		// a worker whose context ends abruptly is lost and replaced; the others are untouched
		this.support.transitions.clear();
		long crashedAt = System.nanoTime();
		this.support.manager.send(1, TestBotHandlers.CRASH, null);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.support.transitionsOf(1).contains(InstanceState.LOST));
		this.support.awaitInstance(1, Duration.ofSeconds(30), (info) -> info.state() == InstanceState.READY);
		System.out.printf("workers mode: crash -> READY again in %d ms%n",
				Duration.ofNanos(System.nanoTime() - crashedAt).toMillis());
		assertThat(this.support.manager.instance(1).id()).isNotEqualTo(ids.get(1));
		assertThat(this.support.transitionsOf(1)).containsSubsequence(InstanceState.LOST, InstanceState.RESTARTING,
				InstanceState.SPAWNING, InstanceState.READY);
		for (int index : new int[] { 0, 2, 3 }) {
			assertThat(this.support.manager.instance(index).id()).isEqualTo(ids.get(index));
			assertThat(this.support.transitionsOf(index)).isEmpty();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> ManagerTestSupport.instanceTimers() == 4);
		// not ready while an instance was lost, ready again once it is back
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.support.readiness).containsExactly(ReadinessState.REFUSING_TRAFFIC,
					ReadinessState.ACCEPTING_TRAFFIC));

		// stopping the manager closes every worker context
		this.support.context.close();
		assertThat(this.support.manager.instances()).allMatch((info) -> info.state() == InstanceState.STOPPED);
		await().atMost(Duration.ofSeconds(10)).until(() -> ManagerTestSupport.instanceTimers() == 0);
	}

	@Test
	void restartAllIsRollingOneInstanceAtATime() throws Exception {
		this.support = this.managers.start(Map.of("discordoo.sharding.mode", "workers",
				"discordoo.sharding.shards", "3", "discordoo.sharding.restart.overlap", "false"));
		this.support.awaitAllReady(Duration.ofSeconds(60));
		List<String> before = this.support.manager.instances().stream().map(InstanceInfo::id).toList();
		this.support.transitions.clear();
		List<InstanceInfo> after = this.support.manager.restartAll().get(60, TimeUnit.SECONDS);
		assertThat(after).extracting(InstanceInfo::index).containsExactly(0, 1, 2);
		assertThat(after).allMatch((info) -> info.state() == InstanceState.READY);
		for (int index = 0; index < 3; index++) {
			assertThat(this.support.manager.instance(index).id()).isNotEqualTo(before.get(index));
		}
		// the next instance only stops once the previous one is READY again (events arrive
		// on the manager's event thread, possibly just after the future completed)
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			List<String> order = this.support.transitions.stream()
				.filter((event) -> event.getState() == InstanceState.STOPPING
						|| event.getState() == InstanceState.READY)
				.map((event) -> event.getInstance().index() + ":" + event.getState())
				.toList();
			assertThat(order).containsExactly("0:STOPPING", "0:READY", "1:STOPPING", "1:READY", "2:STOPPING",
					"2:READY");
		});
	}

	@Test
	void anOverlappedRestartAllStopsEachPredecessorOnlyOnceItsSuccessorIsReady() throws Exception {
		// a generous heartbeat tolerance: a loss on a starved machine would restart an instance
		// under a new id, and this test is about planned hand-overs only
		this.support = this.managers.start(Map.of("discordoo.sharding.mode", "workers",
				"discordoo.sharding.shards", "3", "discordoo.sharding.heartbeat.tolerance", "10"));
		this.support.awaitAllReady(Duration.ofSeconds(60));
		List<String> before = this.support.manager.instances().stream().map(InstanceInfo::id).toList();
		this.support.transitions.clear();
		TestBotApplication.LIFECYCLE.clear();
		List<InstanceInfo> after = this.support.manager.restartAll().get(60, TimeUnit.SECONDS);
		assertThat(after).extracting(InstanceInfo::index).containsExactly(0, 1, 2);
		assertThat(after).allMatch((info) -> info.state() == InstanceState.READY);
		// every predecessor is destroyed, and only after its successor started; the next
		// instance's successor only starts once the previous hand-over is done
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			List<String> expected = new ArrayList<>();
			for (int index = 0; index < 3; index++) {
				expected.add("started " + after.get(index).id());
				expected.add("destroyed " + before.get(index));
			}
			assertThat(List.copyOf(TestBotApplication.LIFECYCLE)).containsSubsequence(expected);
		});
		for (int index = 0; index < 3; index++) {
			assertThat(after.get(index).id()).isNotEqualTo(before.get(index));
			assertThat(this.support.manager.instance(index).id()).isEqualTo(after.get(index).id());
		}
		// the instances never stopped serving: READY throughout, one hand-over each
		assertThat(this.support.transitions).allSatisfy((event) -> {
			assertThat(event.getPreviousState()).isEqualTo(InstanceState.READY);
			assertThat(event.getState()).isEqualTo(InstanceState.READY);
			assertThat(event.getReason()).startsWith("handed over to " + event.getInstance().id());
		});
		assertThat(this.support.transitions).extracting((event) -> event.getInstance().index())
			.containsExactly(0, 1, 2);
	}

	@Test
	void theHeartbeatLatencyIsKnownRightAfterTheHandshakeNotAnIntervalLater() {
		this.support = this.managers.start(Map.of("discordoo.sharding.mode", "workers", "discordoo.sharding.shards",
				"2", "discordoo.sharding.shards-per-instance", "2", "discordoo.sharding.heartbeat.interval", "60s"));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new ShardingManagerMetrics(this.support.manager).bindTo(registry);
		TimeGauge latency = registry.get("discordoo.sharding.heartbeat.latency").tag("instance", "0").timeGauge();
		// far within the first interval of 60 s: only the heartbeats sent at once can count
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.support.manager.instance(0).heartbeatLatencyMillis() != null);
		assertThat(this.support.manager.instance(0).heartbeatLatencyMillis()).isPositive();
		assertThat(latency.value(TimeUnit.MILLISECONDS)).isPositive();
	}

	@Test
	void aClientThatThrowsAnErrorIsReportedAndRestartedNotLeftIdentified() {
		this.support = this.managers.start(Map.of("discordoo.sharding.mode", "workers", "discordoo.sharding.shards", "1",
				"discordoo.sharding.restart.max-restarts", "1",
				"discordoo.sharding.instance.properties.testbot.fail-with-error", "true"));
		this.support.awaitInstance(0, Duration.ofSeconds(30), (info) -> info.state() == InstanceState.FAILED);
		assertThat(this.support.transitions.stream()
			.filter((event) -> event.getState() == InstanceState.LOST)
			.map(InstanceStateChangedEvent::getReason)).hasSize(2)
			.allMatch((reason) -> reason.contains("NoClassDefFoundError: testbot told to fail with an Error"));
		assertThat(this.support.transitionsOf(0)).containsSubsequence(InstanceState.IDENTIFIED, InstanceState.LOST,
				InstanceState.RESTARTING, InstanceState.SPAWNING, InstanceState.IDENTIFIED, InstanceState.LOST,
				InstanceState.FAILED);
	}

}
