package dev.discordoo.sharding.health;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.testbot.InProcessInstances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ShardingInstanceHealthIndicatorTests {

	private final InProcessInstances instances = new InProcessInstances();

	@AfterEach
	void close() {
		this.instances.close();
	}

	@Test
	void outOfServiceUntilAManagerLinks() {
		InstanceRuntime runtime = this.instances.runtime(2);
		Health health = new ShardingInstanceHealthIndicator(runtime).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(health.getDetails()).containsEntry("index", 2)
			.containsEntry("instanceId", runtime.identity().instanceId())
			.containsEntry("managerId", runtime.identity().managerId())
			.doesNotContainKeys("shards", "heartbeatLatencyMillis");
	}

	@Test
	void upWhileTheManagerLinkIsOpenThenDownOnceItIsLost() {
		InstanceRuntime runtime = this.instances.runtime(1);
		ShardingInstanceHealthIndicator indicator = new ShardingInstanceHealthIndicator(runtime);
		IpcLink manager = this.instances.link(runtime, List.of(2, 3));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> indicator.health(true).getDetails().containsKey("heartbeatLatencyMillis"));
		Health up = indicator.health(true);
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails()).containsEntry("index", 1)
			.containsEntry("managerId", runtime.identity().managerId())
			.containsEntry("shards", List.of(2, 3));
		assertThat((Double) up.getDetails().get("heartbeatLatencyMillis")).isGreaterThanOrEqualTo(0);
		manager.close("test");
		await().atMost(Duration.ofSeconds(5)).until(() -> indicator.health(true).getStatus().equals(Status.DOWN));
	}

}
