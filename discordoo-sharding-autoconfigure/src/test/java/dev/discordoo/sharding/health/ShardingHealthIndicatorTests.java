package dev.discordoo.sharding.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.discordoo.sharding.FailureCause;
import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.testbot.ScriptedShardingManager;

import static dev.discordoo.sharding.testbot.ScriptedShardingManager.instance;
import static org.assertj.core.api.Assertions.assertThat;

class ShardingHealthIndicatorTests {

	private static final Duration MAX_AGE = Duration.ofSeconds(15);

	@Test
	void upWhenEveryInstanceIsReadyWithAFreshHeartbeat() {
		Health health = health(instance(0, InstanceState.READY, 2.5, 1000L),
				instance(1, InstanceState.READY, 3.0, 15_000L));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("readyInstances", 2L)
			.containsEntry("maxHeartbeatAgeMillis", 15_000L);
	}

	@Test
	void detailsDescribeEveryInstanceAndLeaveOutWhatIsUnknown() {
		InstanceInfo failed = new InstanceInfo(1, "2002", List.of(2, 3), 4, InstanceState.FAILED, -1, null, null, 5,
				"exited unexpectedly: exit code 1", FailureCause.EXITED);
		Health health = health(instance(0, InstanceState.READY, 2.5, 1000L), failed);
		assertThat(health.getDetails().get("instances")).asInstanceOf(InstanceOfAssertFactories.list(Map.class))
			.containsExactly(
					Map.of("index", 0, "id", "10000", "shards", List.of(0, 1), "state", InstanceState.READY, "pid",
							4000L, "heartbeatLatencyMillis", 2.5, "lastHeartbeatAgeMillis", 1000L, "restarts", 0),
					Map.of("index", 1, "id", "2002", "shards", List.of(2, 3), "state", InstanceState.FAILED,
							"restarts", 5, "lastFailure", "exited unexpectedly: exit code 1", "lastFailureCause",
							FailureCause.EXITED));
	}

	@Test
	void downWhenAnInstanceFailed() {
		Health health = health(instance(0, InstanceState.READY, 2.5, 1000L),
				instance(1, InstanceState.FAILED, null, null));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("readyInstances", 1L);
	}

	@Test
	void downWhenAnInstanceIsLostEvenWhileOthersStart() {
		Health health = health(instance(0, InstanceState.SPAWNING, null, null),
				instance(1, InstanceState.LOST, null, null));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void downWhenAReadyInstanceHeartbeatIsStale() {
		Health health = health(instance(0, InstanceState.READY, 2.5, 15_001L));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("readyInstances", 0L);
	}

	@Test
	void downWhenAReadyInstanceHasNoLink() {
		Health health = health(instance(0, InstanceState.READY, null, null));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void outOfServiceWhileInstancesStartOrRestart() {
		assertThat(health(instance(0, InstanceState.READY, 2.5, 1000L),
				instance(1, InstanceState.CONNECTING, null, null))
			.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(health(instance(0, InstanceState.IDENTIFIED, 1.0, 10L)).getStatus())
			.isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(health(instance(0, InstanceState.RESTARTING, null, null)).getStatus())
			.isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(health(instance(0, InstanceState.STOPPED, null, null)).getStatus())
			.isEqualTo(Status.OUT_OF_SERVICE);
	}

	private static Health health(InstanceInfo... instances) {
		return new ShardingHealthIndicator(new ScriptedShardingManager(instances), MAX_AGE, null).health(true);
	}

}
