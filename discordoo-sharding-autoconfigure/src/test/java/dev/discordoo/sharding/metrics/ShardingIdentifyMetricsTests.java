package dev.discordoo.sharding.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.IdentifyOutcome;
import dev.discordoo.sharding.discord.GatewayBot;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.identify.IdentifyBudget;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ShardingIdentifyMetrics}.
 */
class ShardingIdentifyMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final IdentifyBroker broker = new IdentifyBroker(new GatewayInfo("wss://gateway.invalid", 4, 1),
			Duration.ofMinutes(1), Duration.ofMinutes(1),
			new IdentifyBudget(new GatewayBot.SessionStartLimit(1000, 500, Duration.ofHours(1), 1), null, null),
			(shard) -> shard / 2);

	@AfterEach
	void closeBroker() {
		this.broker.close();
	}

	@Test
	void countsGrantsRefusalsAndReleasesAndGaugesTheQueueAndBudget() {
		new ShardingIdentifyMetrics(this.broker).bindTo(this.registry);
		assertThat(permits("granted")).isZero();
		assertThat(permits("shard_not_owned")).isZero();
		assertThat(releases("ready")).isZero();
		assertThat(this.registry.get("discordoo.sharding.identify.remaining").gauge().value()).isEqualTo(500);
		this.broker.request(0, "i0", 0);
		this.broker.request(0, "i0", 1);
		this.broker.request(0, "i0", 3);
		assertThat(permits("granted")).isEqualTo(1);
		assertThat(permits("shard_not_owned")).isEqualTo(1);
		assertThat(this.registry.get("discordoo.sharding.identify.waiting").gauge().value()).isEqualTo(1);
		assertThat(this.registry.get("discordoo.sharding.identify.remaining").gauge().value()).isEqualTo(499);
		assertThat(this.registry.get("discordoo.sharding.identify.wait").timer().count()).isEqualTo(1);
		this.broker.report(0, "i0", 0, IdentifyOutcome.READY);
		assertThat(releases("ready")).isEqualTo(1);
		this.broker.instanceGone(0, "i0");
		assertThat(this.registry.get("discordoo.sharding.identify.waiting").gauge().value()).isZero();
	}

	private double permits(String outcome) {
		return this.registry.get("discordoo.sharding.identify.permits").tag("outcome", outcome).counter().count();
	}

	private double releases(String reason) {
		return this.registry.get("discordoo.sharding.identify.releases").tag("reason", reason).counter().count();
	}

}
