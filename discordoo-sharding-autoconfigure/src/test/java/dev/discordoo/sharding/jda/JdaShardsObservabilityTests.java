package dev.discordoo.sharding.jda;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import net.dv8tion.jda.api.JDA;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.discordoo.sharding.ShardingInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the health indicator and the meters of an instance's JDA shards make of the shards'
 * statuses and pings.
 */
class JdaShardsObservabilityTests {

	@Test
	void healthIsUpOnlyWhenEveryShardIsConnectedAndGivesEachShardsStatusAndPing() {
		Health up = health(Map.of(0, JDA.Status.CONNECTED, 1, JDA.Status.CONNECTED), Map.of(0, 41L, 1, 39L));
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails()).extractingByKey("shards")
			.isEqualTo(Map.of("0", Map.of("status", JDA.Status.CONNECTED, "gatewayPingMillis", 41L), "1",
					Map.of("status", JDA.Status.CONNECTED, "gatewayPingMillis", 39L)));
		// reconnecting is JDA's business: out of service meanwhile, not down
		assertThat(health(Map.of(0, JDA.Status.CONNECTED, 1, JDA.Status.WAITING_TO_RECONNECT), Map.of(0, 41L))
			.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(health(Map.of(0, JDA.Status.CONNECTED, 1, JDA.Status.SHUTDOWN), Map.of()).getStatus())
			.isEqualTo(Status.DOWN);
		// before the manager assigned the shards
		assertThat(health(Map.of(), Map.of()).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

	@Test
	void metersCountShardsByStatusAndGiveEachAssignedShardsPing() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		Fixed client = new Fixed(Map.of(4, JDA.Status.CONNECTED, 5, JDA.Status.RECONNECT_QUEUED), Map.of(4, 40L));
		new JdaShardMetrics(client).bindTo(registry);
		assertThat(registry.get(JdaShardMetrics.GATEWAY_SHARDS).tag("status", "CONNECTED").gauge().value())
			.isEqualTo(1);
		assertThat(registry.get(JdaShardMetrics.GATEWAY_SHARDS).tag("status", "RECONNECT_QUEUED").gauge().value())
			.isEqualTo(1);
		assertThat(registry.get(JdaShardMetrics.GATEWAY_SHARDS).tag("status", "SHUTDOWN").gauge().value()).isZero();
		assertThat(registry.get(JdaShardMetrics.GATEWAY_LATENCY).tag("shard", "4").timeGauge().value(TimeUnit.MILLISECONDS))
			.isEqualTo(40);
		assertThat(registry.get(JdaShardMetrics.GATEWAY_LATENCY).tag("shard", "5").timeGauge().value(TimeUnit.MILLISECONDS))
			.isNaN();
		assertThat(registry.find(JdaShardMetrics.GATEWAY_LATENCY).tag("shard", "6").timeGauge()).isNull();
	}

	private static Health health(Map<Integer, JDA.Status> statuses, Map<Integer, Long> pings) {
		return new JdaShardsHealthIndicator(new Fixed(statuses, pings)).health(true);
	}

	/** A client whose shards are what the test says, assigned at once. */
	private static final class Fixed extends JdaShardClient {

		private final Map<Integer, JDA.Status> statuses;

		private final Map<Integer, Long> pings;

		Fixed(Map<Integer, JDA.Status> statuses, Map<Integer, Long> pings) {
			super(new StaticListableBeanFactory().getBeanProvider(ShardingInstance.class), () -> {
				throw new IllegalStateException("never started");
			}, Duration.ofSeconds(1));
			this.statuses = new TreeMap<>(statuses);
			this.pings = pings;
		}

		@Override
		public Map<Integer, JDA.Status> statuses() {
			return this.statuses;
		}

		@Override
		public Map<Integer, Long> gatewayPings() {
			return this.pings;
		}

		@Override
		public void whenAssigned(Consumer<List<Integer>> action) {
			action.accept(List.copyOf(this.statuses.keySet()));
		}

	}

}
