package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.discordoo.sharding.InstanceState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A crash restart held by the manager's restart gate (a cluster node out of touch with
 * ZooKeeper) waits in RESTARTING without spawning anything, and spawns once the gate opens.
 */
class RestartGateTests {

	@RegisterExtension
	final ManagerExtension managers = new ManagerExtension();

	@Test
	void aKilledChildIsNotRestartedWhileTheGateIsClosedAndIsOnceItOpens() throws Exception {
		ManagerTestSupport support = this.managers.start(Map.of("discordoo.sharding.mode", "processes",
				"discordoo.sharding.shards", "1"));
		support.awaitAllReady(Duration.ofSeconds(90));
		AtomicBoolean open = new AtomicBoolean(false);
		support.manager.setRestartGate(open::get);
		long first = support.manager.instance(0).pid();
		ManagerTestSupport.signal("KILL", first);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> support.manager.instance(0).state() == InstanceState.RESTARTING);
		// well past the 100 ms backoff: still held, and no child JVM but the killed one was started
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
			.until(() -> support.manager.instance(0).state() == InstanceState.RESTARTING);
		assertThat(support.childPids()).containsExactly(first);
		open.set(true);
		await().atMost(Duration.ofSeconds(90))
			.until(() -> support.manager.instance(0).state() == InstanceState.READY);
		assertThat(support.manager.instance(0).pid()).isNotEqualTo(first);
		assertThat(support.childPids()).hasSize(2);
	}

}
