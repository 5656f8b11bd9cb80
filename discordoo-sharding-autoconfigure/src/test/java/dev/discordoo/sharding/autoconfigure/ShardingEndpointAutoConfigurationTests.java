package dev.discordoo.sharding.autoconfigure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.endpoint.ShardingEndpoint;
import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.testbot.InProcessInstances;
import dev.discordoo.sharding.testbot.ScriptedShardingManager;

import static org.assertj.core.api.Assertions.assertThat;

class ShardingEndpointAutoConfigurationTests {

	private final InProcessInstances instances = new InProcessInstances();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardingEndpointAutoConfiguration.class))
		.withBean(ShardingManager.class, ScriptedShardingManager::new);

	@AfterEach
	void close() {
		this.instances.close();
	}

	@Test
	void endpointWhenExposedOnTheWeb() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=sharding")
			.run((context) -> assertThat(context).hasSingleBean(ShardingEndpoint.class));
	}

	@Test
	void endpointWhenExposedOverJmx() {
		this.contextRunner
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=sharding")
			.run((context) -> assertThat(context).hasSingleBean(ShardingEndpoint.class));
	}

	@Test
	void noEndpointWhenNotExposed() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ShardingEndpoint.class));
	}

	@Test
	void noEndpointWhenItsAccessIsNone() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=sharding",
					"management.endpoint.sharding.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(ShardingEndpoint.class));
	}

	@Test
	void noEndpointInAnInstance() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ShardingEndpointAutoConfiguration.class))
			.withBean(InstanceRuntime.class, () -> this.instances.runtime(0))
			.withPropertyValues("management.endpoints.web.exposure.include=sharding")
			.run((context) -> assertThat(context).doesNotHaveBean(ShardingEndpoint.class));
	}

	@Test
	void noEndpointWithoutTheActuator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=sharding")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ShardingEndpoint.class));
	}

}
