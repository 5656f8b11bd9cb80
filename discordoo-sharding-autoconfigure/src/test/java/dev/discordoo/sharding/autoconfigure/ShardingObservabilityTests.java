package dev.discordoo.sharding.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.endpoint.ShardingEndpoint;
import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.manager.InstanceLauncher;
import dev.discordoo.sharding.manager.LocalShardingManager;
import dev.discordoo.sharding.metrics.ShardingManagerMetrics;
import dev.discordoo.sharding.protocol.InstanceEnvironment;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;
import dev.discordoo.sharding.testbot.InProcessInstances;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The observability auto-configurations beside the real sharding auto-configuration: a
 * manager running instances in this JVM, and an instance linked to a manager.
 */
class ShardingObservabilityTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final InProcessInstances instances = new InProcessInstances();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				ShardingMetricsAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				HealthContributorRegistryAutoConfiguration.class, ShardingHealthContributorAutoConfiguration.class,
				ShardingEndpointAutoConfiguration.class))
		.withUserConfiguration(ShardingMarkerConfiguration.class)
		.withPropertyValues("discordoo.sharding.heartbeat.interval=100ms", "discordoo.sharding.heartbeat.tolerance=50",
				"discordoo.sharding.shutdown.timeout=2s", "management.endpoints.web.exposure.include=sharding");

	@AfterEach
	void close() {
		this.instances.close();
	}

	@Test
	void managerReportsItsInstancesThroughMetersHealthAndEndpoint() {
		this.contextRunner.withPropertyValues("discordoo.sharding.shards=2")
			.withBean(InstanceLauncher.class, this.instances::launcher)
			.run((context) -> {
				assertThat(context).hasSingleBean(LocalShardingManager.class)
					.hasSingleBean(ShardingManagerMetrics.class)
					.hasSingleBean(ShardingEndpoint.class);
				HealthIndicator health = (HealthIndicator) context.getBean(HealthContributorRegistry.class)
					.getContributor("sharding");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(WAIT).until(() -> health.health(true).getStatus().equals(Status.UP));
				assertThat(registry.get("discordoo.sharding.instances").tag("state", "ready").gauge().value())
					.isEqualTo(2);
				await().atMost(WAIT)
					.until(() -> !Double.isNaN(latency(registry, "0")) && !Double.isNaN(latency(registry, "1")));
				// the manager's own IPC resources report its side of both links
				assertThat(frames(registry, "out", "hello")).isGreaterThanOrEqualTo(2);
				assertThat(frames(registry, "in", "identify")).isGreaterThanOrEqualTo(2);
				assertThat(frames(registry, "in", "dispatch")).isGreaterThanOrEqualTo(2);
				await().atMost(WAIT).until(() -> frames(registry, "in", "heartbeat") >= 2
						&& frames(registry, "out", "heartbeat_ack") >= 2);
				assertThat(frames(registry, "out", "heartbeat")).isZero();

				ShardingEndpoint endpoint = context.getBean(ShardingEndpoint.class);
				assertThat(endpoint.instances().instances()).extracting(ShardingEndpoint.InstanceDescriptor::state)
					.containsExactly(InstanceState.READY, InstanceState.READY);
				String firstSpawn = endpoint.instance(1).id();
				assertThat(endpoint.restart(1).accepted()).isTrue();
				LocalShardingManager manager = context.getBean(LocalShardingManager.class);
				await().atMost(WAIT).until(() -> {
					InstanceInfo info = manager.instance(1);
					return info.state() == InstanceState.READY && !firstSpawn.equals(info.id());
				});
				await().atMost(WAIT).until(() -> health.health(true).getStatus().equals(Status.UP));
			});
	}

	@Test
	void instanceReportsItsManagerLinkThroughMetersAndHealth() {
		long pid = ProcessHandle.current().pid();
		this.contextRunner
			.withPropertyValues(InstanceEnvironment.MANAGER_ID + "="
					+ DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, pid),
					InstanceEnvironment.INSTANCE_ID + "=" + DiscordooSnowflake.generate(4, pid),
					InstanceEnvironment.INSTANCE_INDEX + "=4",
					InstanceEnvironment.TOKEN + "=test-token-0123456789abcdef0123456789",
					InstanceEnvironment.WORKER + "=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(InstanceRuntime.class)
					.doesNotHaveBean(ShardingManagerMetrics.class)
					.doesNotHaveBean(ShardingEndpoint.class);
				HealthIndicator health = (HealthIndicator) context.getBean(HealthContributorRegistry.class)
					.getContributor("sharding");
				assertThat(health.health(true).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
				this.instances.link(context.getBean(InstanceRuntime.class), List.of(8, 9));
				await().atMost(WAIT).until(() -> health.health(true).getStatus().equals(Status.UP));
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(frames(registry, "in", "hello")).isGreaterThanOrEqualTo(1);
				assertThat(frames(registry, "out", "identify")).isGreaterThanOrEqualTo(1);
				await().atMost(WAIT).until(() -> !Double.isNaN(latency(registry, "4")));
			});
	}

	private static double latency(MeterRegistry registry, String instance) {
		return registry.get("discordoo.sharding.heartbeat.latency")
			.tag("instance", instance)
			.timeGauge()
			.value(TimeUnit.MILLISECONDS);
	}

	private static double frames(MeterRegistry registry, String direction, String op) {
		return registry.get("discordoo.sharding.ipc.frames")
			.tag("direction", direction)
			.tag("op", op)
			.counter()
			.count();
	}

}
