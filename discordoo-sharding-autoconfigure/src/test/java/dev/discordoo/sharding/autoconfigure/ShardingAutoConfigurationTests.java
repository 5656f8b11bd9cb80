package dev.discordoo.sharding.autoconfigure;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.discordoo.sharding.EnableSharding;
import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.ShardEventListener;
import dev.discordoo.sharding.listener.AnnotatedShardMessageHandler;
import dev.discordoo.sharding.listener.ShardMessageHandler;
import dev.discordoo.sharding.manager.InstanceLauncher;
import dev.discordoo.sharding.protocol.FrameCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ShardingAutoConfiguration}.
 */
class ShardingAutoConfigurationTests {

	private static final ShardEventContext FROM_INSTANCE = new ShardEventContext(0, "2002", List.of(0));

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class))
		.withUserConfiguration(ShardedApplication.class)
		// the manager starts with the context: give it an instance that fails once, for good
		.withPropertyValues("discordoo.sharding.restart.enabled=false");

	@Test
	void messageHandlerCallsAnnotatedMethodsWithTheFrameCodecsMapper() {
		JsonMapper snakeCase = FrameCodec.defaultMapper()
			.rebuild()
			.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
			.build();
		this.runner.withBean(FrameCodec.class, () -> new FrameCodec(snakeCase))
			.withBean(GuildCountListener.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(ShardMessageHandler.class)
					.getBean(ShardMessageHandler.class)
					.isInstanceOf(AnnotatedShardMessageHandler.class);
				context.getBean(ShardMessageHandler.class)
					.onDispatch("GUILD_COUNT", snakeCase.readTree("{\"guild_count\":12}"), FROM_INSTANCE);
				assertThat(context.getBean(GuildCountListener.class).received).containsExactly(new GuildCount(12));
			});
	}

	@Test
	void messageHandlerBacksOffForTheApplicationsOwn() {
		this.runner.withBean("ownHandler", ShardMessageHandler.class, () -> ShardMessageHandler.NONE)
			.run((context) -> {
				assertThat(context).hasSingleBean(ShardMessageHandler.class)
					.doesNotHaveBean(AnnotatedShardMessageHandler.class);
				assertThat(context.getBean(ShardMessageHandler.class)).isSameAs(ShardMessageHandler.NONE);
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableSharding
	static class ShardedApplication {

		@Bean
		InstanceLauncher refusingLauncher() {
			return (spawn) -> {
				throw new IllegalStateException("this test runs no instances");
			};
		}

	}

	record GuildCount(int guildCount) {
	}

	static final class GuildCountListener {

		final Queue<GuildCount> received = new ConcurrentLinkedQueue<>();

		@ShardEventListener("GUILD_COUNT")
		void onCount(GuildCount count) {
			this.received.add(count);
		}

	}

}
