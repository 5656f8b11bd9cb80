package dev.discordoo.sharding.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.sharding.ShardManager;
import net.dv8tion.jda.api.utils.Compression;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.discordoo.sharding.EnableSharding;
import dev.discordoo.sharding.ShardAssignment;
import dev.discordoo.sharding.ShardClient;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.discord.GatewayBotSource;
import dev.discordoo.sharding.jda.JdaShardClient;
import dev.discordoo.sharding.jda.JdaShardMetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * When the JDA client is configured, and when it stays out of the way.
 */
class JdaAutoConfigurationTests {

	private final ApplicationContextRunner instance = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class, JdaAutoConfiguration.class))
		.withUserConfiguration(Application.class)
		.withPropertyValues(ShardingAutoConfigurationTests.instanceEnvironment());

	@Test
	void anInstanceWithATokenRunsJdaWithAShardManagerBean() {
		this.instance
			.withPropertyValues("discordoo.sharding.discord.token=a-token", "discordoo.sharding.jda.intents=guild-messages",
					"discordoo.sharding.jda.compression=none")
			.run((context) -> {
				assertThat(context).hasSingleBean(JdaShardClient.class).hasSingleBean(ShardManager.class);
				JdaProperties properties = context.getBean(JdaProperties.class);
				assertThat(properties.intents()).containsExactly(GatewayIntent.GUILD_MESSAGES);
				assertThat(properties.compression()).isEqualTo(Compression.NONE);
				// the bean exists at once; the shard manager behind it only once the shards are assigned
				ShardManager shardManager = context.getBean(ShardManager.class);
				assertThatIllegalStateException().isThrownBy(shardManager::getShardsTotal)
					.withMessageContaining("not started yet");
			});
	}

	@Test
	void withoutATokenOrWithABlankOneThereIsNoJda() {
		this.instance.run((context) -> assertThat(context).doesNotHaveBean(JdaShardClient.class)
			.doesNotHaveBean(ShardManager.class));
		this.instance.withPropertyValues("discordoo.sharding.discord.token=")
			.run((context) -> assertThat(context).doesNotHaveBean(JdaShardClient.class));
	}

	@Test
	void anApplicationsOwnShardClientOrEnabledFalseKeepsJdaOut() {
		this.instance.withPropertyValues("discordoo.sharding.discord.token=a-token")
			.withUserConfiguration(OwnClient.class)
			.run((context) -> assertThat(context).doesNotHaveBean(JdaShardClient.class)
				.hasSingleBean(ShardClient.class));
		this.instance.withPropertyValues("discordoo.sharding.discord.token=a-token", "discordoo.sharding.jda.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(JdaShardClient.class));
	}

	@Test
	void theManagerRunsNoJda() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class, JdaAutoConfiguration.class))
			.withUserConfiguration(Application.class, NoDiscord.class)
			.withPropertyValues("discordoo.sharding.auto-startup=false", "discordoo.sharding.discord.token=a-token",
					"discordoo.sharding.processes.main-class=" + Application.class.getName())
			.run((context) -> assertThat(context).hasSingleBean(ShardingManager.class)
				.doesNotHaveBean(JdaShardClient.class)
				.doesNotHaveBean(ShardManager.class));
	}

	@Test
	void theJdaMetersWaitForTheAssignedShards() {
		this.instance.withPropertyValues("discordoo.sharding.discord.token=a-token").run((context) -> {
			JdaShardClient client = context.getBean(JdaShardClient.class);
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new JdaShardMetrics(client).bindTo(registry);
			assertThat(registry.find(JdaShardMetrics.GATEWAY_LATENCY).meters()).isEmpty();
			assertThat(registry.find(JdaShardMetrics.GATEWAY_SHARDS).tag("status", "CONNECTED").gauge().value())
				.isZero();
		});
	}

	@Test
	void againstDiscordItselfTheIdentifyIntervalIsNeverBelowFiveSeconds() {
		assertThat(interval("https://discord.com/api/v10", "500ms", true)).isEqualTo(Duration.ofMillis(5500));
		assertThat(interval("https://discord.com/api/v10", "6s", true)).isEqualTo(Duration.ofSeconds(6));
		// a fake, or no token (nothing talks to Discord): as configured
		assertThat(interval("http://127.0.0.1:8080/api/v10", "500ms", true)).isEqualTo(Duration.ofMillis(500));
		assertThat(interval("https://discord.com/api/v10", "500ms", false)).isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void theInstancesGetTheTokenAndTheApiUrlAsPropertiesHoweverTheManagerGotThem() {
		Map<String, String> given = ShardingAutoConfiguration.ManagerConfiguration.instanceProperties(
				bind(Map.of("discordoo.sharding.discord.token", "a-token", "discordoo.sharding.discord.api-url",
						"http://127.0.0.1:9/api/v10", "discordoo.sharding.instance.properties.x", "1")));
		assertThat(given).containsEntry("discordoo.sharding.discord.token", "a-token")
			.containsEntry("discordoo.sharding.discord.api-url", "http://127.0.0.1:9/api/v10")
			.containsEntry("x", "1");
		assertThat(ShardingAutoConfiguration.ManagerConfiguration.instanceProperties(bind(Map.of())))
			.doesNotContainKey("discordoo.sharding.discord.token");
	}

	private static Duration interval(String apiUrl, String interval, boolean withToken) {
		ShardingProperties properties = bind(Map.of("discordoo.sharding.discord.api-url",
				URI.create(apiUrl).toString(), "discordoo.sharding.identify.interval", interval));
		return ShardingAutoConfiguration.ManagerConfiguration.interval(properties, withToken);
	}

	private static ShardingProperties bind(Map<String, String> values) {
		ApplicationConversionService conversion = new ApplicationConversionService();
		conversion.addConverter(new ShardIdsConverter());
		return new Binder(List.of(new MapConfigurationPropertySource(values)), null, conversion)
			.bindOrCreate("discordoo.sharding", ShardingProperties.class);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableSharding
	static class Application {

	}

	/** The manager asks Discord nothing: the test is about which role runs JDA. */
	@Configuration(proxyBeanMethods = false)
	static class NoDiscord {

		@Bean
		GatewayBotSource gatewayBotSource() {
			return new GatewayBotSource(null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClient {

		@Bean
		ShardClient ownClient() {
			return new ShardClient() {

				@Override
				public void start(ShardAssignment assignment) {
				}

				@Override
				public void destroy() {
				}

			};
		}

	}

}
