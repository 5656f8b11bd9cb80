package dev.discordoo.sharding.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.discordoo.sharding.discord.FakeDiscord;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.manager.ShardAllocation;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the manager takes from Discord at start, against a fake Discord on loopback: one
 * {@code GET /gateway/bot} per start, the shard total for {@code shards: auto}, the identify
 * limits, and start-up failures that name the property to fix.
 */
class DiscordStartupTests {

	private static final String TOKEN = "fake-token-of-the-test-bot";

	private final FakeDiscord discord = FakeDiscord.start(TOKEN);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class))
		.withUserConfiguration(ShardingAutoConfigurationTests.ShardedApplication.class)
		.withPropertyValues("discordoo.sharding.auto-startup=false");

	@AfterEach
	void stopDiscord() {
		this.discord.close();
	}

	@Test
	void shardsAutoTakesTheTotalAndTheLimitsFromOneGatewayBotCall() {
		this.discord.shards(6).maxConcurrency(4).gatewayUrl("wss://gateway.fake.test");
		withDiscord().withPropertyValues("discordoo.sharding.shards=auto", "discordoo.sharding.shards-per-instance=2")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ShardAllocation allocation = context.getBean(ShardAllocation.class);
				assertThat(allocation.totalShards()).isEqualTo(6);
				assertThat(allocation.instances()).hasSize(3);
				IdentifyBroker broker = context.getBean(IdentifyBroker.class);
				assertThat(broker.gateway().url()).isEqualTo("wss://gateway.fake.test");
				assertThat(broker.gateway().totalShards()).isEqualTo(6);
				assertThat(broker.gateway().maxConcurrency()).isEqualTo(4);
				assertThat(broker.status().budget().remaining()).isEqualTo(1000);
				assertThat(broker.status().budget().reserve()).isEqualTo(100);
				assertThat(this.discord.gatewayBotCalls()).isEqualTo(1);
			});
	}

	@Test
	void anExplicitTotalWinsOverDiscordsRecommendation() {
		this.discord.shards(6);
		withDiscord().withPropertyValues("discordoo.sharding.shards=auto", "discordoo.sharding.total-shards=4",
				"discordoo.sharding.identify.reserve=50")
			.run((context) -> {
				assertThat(context.getBean(ShardAllocation.class).totalShards()).isEqualTo(4);
				assertThat(context.getBean(IdentifyBroker.class).status().budget().reserve()).isEqualTo(50);
			});
	}

	@Test
	void aRateLimitedGatewayBotCallIsRetriedAfterRetryAfter() {
		this.discord.rateLimitNext(1, Duration.ofMillis(200)).shards(2);
		withDiscord().withPropertyValues("discordoo.sharding.shards=auto").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ShardAllocation.class).totalShards()).isEqualTo(2);
			assertThat(this.discord.gatewayBotCalls()).isEqualTo(2);
		});
	}

	@Test
	void aWrongTokenFailsStartupNamingThePropertyWithoutRetrying() {
		this.runner
			.withPropertyValues("discordoo.sharding.discord.token=not-the-token",
					"discordoo.sharding.discord.api-url=" + this.discord.apiUrl())
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("discordoo.sharding.discord.token")
					.hasMessageContaining("401")
					.hasMessageNotContaining("not-the-token");
				assertThat(this.discord.gatewayBotCalls()).isEqualTo(1);
			});
	}

	@Test
	void shardsAutoWithoutATokenFailsStartupNamingTheTokenProperty() {
		this.runner.withPropertyValues("discordoo.sharding.shards=auto").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("discordoo.sharding.discord.token")
				.hasMessageContaining("total-shards");
		});
	}

	@Test
	void withoutATokenDiscordIsNeverCalledAndTheLimitsComeFromProperties() {
		this.runner
			.withPropertyValues("discordoo.sharding.shards=4", "discordoo.sharding.identify.max-concurrency=3",
					"discordoo.sharding.identify.interval=1s",
					"discordoo.sharding.discord.api-url=" + this.discord.apiUrl())
			.run((context) -> {
				IdentifyBroker broker = context.getBean(IdentifyBroker.class);
				assertThat(broker.gateway().maxConcurrency()).isEqualTo(3);
				assertThat(broker.gateway().totalShards()).isEqualTo(4);
				assertThat(broker.status().interval()).isEqualTo(Duration.ofSeconds(1));
				assertThat(broker.status().budget()).isNull();
				assertThat(this.discord.gatewayBotCalls()).isZero();
			});
	}

	@Test
	void theTokenIsMaskedInActuatorEndpointsAndNeverPrinted() {
		withDiscord().run((context) -> {
			SanitizingFunction sanitizer = context.getBean(SanitizingFunction.class);
			for (String key : new String[] { "discordoo.sharding.discord.token", "DISCORD_TOKEN" }) {
				SanitizableData data = new SanitizableData(null, key, TOKEN);
				assertThat(sanitizer.applyUnlessFiltered(data).getValue()).isEqualTo(SanitizableData.SANITIZED_VALUE);
			}
			SanitizableData other = new SanitizableData(null, "discordoo.sharding.shards", "4");
			assertThat(sanitizer.applyUnlessFiltered(other).getValue()).isEqualTo("4");
			assertThat(context.getBean(ShardingProperties.class).toString()).doesNotContain(TOKEN);
		});
	}

	private ApplicationContextRunner withDiscord() {
		return this.runner.withPropertyValues("discordoo.sharding.discord.token=" + TOKEN,
				"discordoo.sharding.discord.api-url=" + this.discord.apiUrl());
	}

}
