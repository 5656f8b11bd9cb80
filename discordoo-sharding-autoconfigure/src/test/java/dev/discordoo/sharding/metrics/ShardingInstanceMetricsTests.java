package dev.discordoo.sharding.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.testbot.InProcessInstances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ShardingInstanceMetricsTests {

	private final InProcessInstances instances = new InProcessInstances();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@AfterEach
	void close() {
		this.instances.close();
	}

	@Test
	void heartbeatLatencyIsMeasuredOnceLinkedAndTaggedWithTheOwnIndex() {
		InstanceRuntime runtime = this.instances.runtime(3);
		new ShardingInstanceMetrics(runtime).bindTo(this.registry);
		TimeGauge latency = this.registry.get("discordoo.sharding.heartbeat.latency").tag("instance", "3").timeGauge();
		assertThat(latency.value(TimeUnit.MILLISECONDS)).isNaN();
		IpcLink manager = this.instances.link(runtime, List.of(6, 7));
		await().atMost(Duration.ofSeconds(5)).until(() -> !Double.isNaN(latency.value(TimeUnit.MILLISECONDS)));
		assertThat(latency.value(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(0);
		manager.close("test");
		await().atMost(Duration.ofSeconds(5)).until(() -> Double.isNaN(latency.value(TimeUnit.MILLISECONDS)));
	}

}
