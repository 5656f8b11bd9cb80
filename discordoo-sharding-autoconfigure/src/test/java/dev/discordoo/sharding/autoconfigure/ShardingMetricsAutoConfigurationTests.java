package dev.discordoo.sharding.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.metrics.ShardingInstanceMetrics;
import dev.discordoo.sharding.metrics.ShardingIpcMetrics;
import dev.discordoo.sharding.metrics.ShardingManagerMetrics;
import dev.discordoo.sharding.testbot.InProcessInstances;
import dev.discordoo.sharding.testbot.ScriptedShardingManager;

import static dev.discordoo.sharding.testbot.ScriptedShardingManager.instance;
import static org.assertj.core.api.Assertions.assertThat;

class ShardingMetricsAutoConfigurationTests {

	private final InProcessInstances instances = new InProcessInstances();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				ShardingMetricsAutoConfiguration.class));

	@AfterEach
	void close() {
		this.instances.close();
	}

	@Test
	void managerMetersAreBoundBesideAShardingManager() {
		this.contextRunner
			.withBean(ShardingManager.class,
					() -> new ScriptedShardingManager(instance(0, InstanceState.READY, 4.0, 100L)))
			.run((context) -> {
				assertThat(context).hasSingleBean(ShardingManagerMetrics.class)
					.doesNotHaveBean(ShardingInstanceMetrics.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("discordoo.sharding.instances").tag("state", "ready").gauge().value())
					.isEqualTo(1);
				assertThat(registry.get("discordoo.sharding.heartbeat.latency").tag("instance", "0").timeGauge())
					.isNotNull();
			});
	}

	@Test
	void ipcMetersNeedTheIpcResourcesOfSharding() {
		this.contextRunner.withBean(ShardingManager.class, ScriptedShardingManager::new)
			.run((context) -> assertThat(context).doesNotHaveBean(ShardingIpcMetrics.class));
	}

	@Test
	void instanceMetersAreBoundBesideAnInstanceRuntime() {
		this.contextRunner.withBean(InstanceRuntime.class, () -> this.instances.runtime(5)).run((context) -> {
			assertThat(context).hasSingleBean(ShardingInstanceMetrics.class)
				.doesNotHaveBean(ShardingManagerMetrics.class);
			assertThat(context.getBean(MeterRegistry.class)
				.get("discordoo.sharding.heartbeat.latency")
				.tag("instance", "5")
				.timeGauge()).isNotNull();
		});
	}

	@Test
	void nothingWithoutAManagerOrAnInstance() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ShardingManagerMetrics.class)
			.doesNotHaveBean(ShardingInstanceMetrics.class)
			.doesNotHaveBean(ShardingIpcMetrics.class));
	}

	@Test
	void nothingWithoutAMeterRegistry() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ShardingMetricsAutoConfiguration.class))
			.withBean(ShardingManager.class, ScriptedShardingManager::new)
			.run((context) -> assertThat(context).doesNotHaveBean(ShardingManagerMetrics.class));
	}

	@Test
	void nothingWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.withBean(ShardingManager.class, ScriptedShardingManager::new)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ShardingManagerMetrics.class));
	}

	@Test
	void backsOffFromUserDefinedManagerMeters() {
		ShardingManager manager = new ScriptedShardingManager();
		ShardingManagerMetrics own = new ShardingManagerMetrics(manager);
		this.contextRunner.withBean(ShardingManager.class, () -> manager)
			.withBean("ownManagerMetrics", ShardingManagerMetrics.class, () -> own)
			.run((context) -> assertThat(context).getBean(ShardingManagerMetrics.class).isSameAs(own));
	}

}
