package dev.discordoo.sharding.autoconfigure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.health.ShardingHealthIndicator;
import dev.discordoo.sharding.health.ShardingInstanceHealthIndicator;
import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.testbot.InProcessInstances;
import dev.discordoo.sharding.testbot.ScriptedShardingManager;

import static dev.discordoo.sharding.testbot.ScriptedShardingManager.instance;
import static org.assertj.core.api.Assertions.assertThat;

class ShardingHealthContributorAutoConfigurationTests {

	private final InProcessInstances instances = new InProcessInstances();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
				HealthContributorRegistryAutoConfiguration.class, ShardingHealthContributorAutoConfiguration.class));

	@AfterEach
	void close() {
		this.instances.close();
	}

	@Test
	void managerIndicatorIsContributedAsSharding() {
		this.contextRunner
			.withBean(ShardingManager.class,
					() -> new ScriptedShardingManager(instance(0, InstanceState.READY, 2.0, 14_000L)))
			.withPropertyValues("discordoo.sharding.heartbeat.interval=5s", "discordoo.sharding.heartbeat.tolerance=3")
			.run((context) -> {
				assertThat(context).hasSingleBean(ShardingHealthIndicator.class)
					.doesNotHaveBean(ShardingInstanceHealthIndicator.class);
				HealthIndicator sharding = (HealthIndicator) context.getBean(HealthContributorRegistry.class)
					.getContributor("sharding");
				assertThat(sharding).isInstanceOf(ShardingHealthIndicator.class);
				assertThat(sharding.health(true).getStatus()).isEqualTo(Status.UP);
			});
	}

	@Test
	void managerIndicatorTakesItsHeartbeatLimitFromTheProperties() {
		// 14 s without a heartbeat is fresh under 5 s x 3, stale under 2 s x 3
		this.contextRunner
			.withBean(ShardingManager.class,
					() -> new ScriptedShardingManager(instance(0, InstanceState.READY, 2.0, 14_000L)))
			.withPropertyValues("discordoo.sharding.heartbeat.interval=2s")
			.run((context) -> assertThat(context.getBean(ShardingHealthIndicator.class).health(true).getStatus())
				.isEqualTo(Status.DOWN));
	}

	@Test
	void instanceIndicatorIsContributedAsSharding() {
		this.contextRunner.withBean(InstanceRuntime.class, () -> this.instances.runtime(0)).run((context) -> {
			assertThat(context).hasSingleBean(ShardingInstanceHealthIndicator.class)
				.doesNotHaveBean(ShardingHealthIndicator.class);
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("sharding"))
				.isInstanceOf(ShardingInstanceHealthIndicator.class);
		});
	}

	@Test
	void nothingWithoutAManagerOrAnInstance() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ShardingHealthIndicator.class)
			.doesNotHaveBean(ShardingInstanceHealthIndicator.class));
	}

	@Test
	void nothingWhenTheIndicatorIsDisabled() {
		this.contextRunner.withBean(ShardingManager.class, ScriptedShardingManager::new)
			.withPropertyValues("management.health.sharding.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ShardingHealthIndicator.class));
	}

	@Test
	void nothingWhenDefaultIndicatorsAreDisabled() {
		this.contextRunner.withBean(ShardingManager.class, ScriptedShardingManager::new)
			.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ShardingHealthIndicator.class));
	}

	@Test
	void nothingWithoutSpringBootHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.withBean(ShardingManager.class, ScriptedShardingManager::new)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ShardingHealthIndicator.class));
	}

	@Test
	void backsOffFromAUserDefinedShardingIndicator() {
		HealthIndicator own = () -> Health.up().build();
		this.contextRunner.withBean(ShardingManager.class, ScriptedShardingManager::new)
			.withBean("shardingHealthIndicator", HealthIndicator.class, () -> own)
			.run((context) -> assertThat(context).doesNotHaveBean(ShardingHealthIndicator.class));
	}

}
