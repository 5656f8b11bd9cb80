package dev.discordoo.sharding.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

class DiscordTokenFailureAnalyzerTests {

	private final DiscordTokenFailureAnalyzer analyzer = new DiscordTokenFailureAnalyzer();

	@Test
	void anInvalidTokenIsReportedWithItsReasonAndWithoutItsValue() {
		InvalidConfigurationPropertyValueException failure = new InvalidConfigurationPropertyValueException(
				ShardingProperties.TOKEN_PROPERTY, "secret-token-value", "Discord answered 401 Unauthorized");
		FailureAnalysis analysis = this.analyzer.analyze(new IllegalStateException("start-up failed", failure));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("'discordoo.sharding.discord.token'")
			.contains("Discord answered 401 Unauthorized")
			.doesNotContain("secret-token-value");
		assertThat(analysis.getAction()).doesNotContain("secret-token-value");
	}

	@Test
	void otherPropertiesAreLeftToSpringBootsAnalyzer() {
		InvalidConfigurationPropertyValueException failure = new InvalidConfigurationPropertyValueException(
				"discordoo.sharding.cluster.capacity", 0, "must be at least 1");
		assertThat(this.analyzer.analyze(failure)).isNull();
	}

}
