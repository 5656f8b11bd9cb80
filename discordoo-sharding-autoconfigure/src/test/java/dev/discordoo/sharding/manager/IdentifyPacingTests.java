package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.discord.FakeDiscord;
import dev.discordoo.sharding.health.ShardingHealthIndicator;
import dev.discordoo.sharding.identify.IdentifyBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Identifies paced across every instance by the manager's broker, checked where Discord would
 * check them: at a fake Discord on loopback, which is as strict as Discord about buckets
 * (an identify in a bucket within the window is answered INVALID_SESSION and recorded as a
 * violation) and about the daily budget (running out resets the token).
 */
class IdentifyPacingTests {

	private static final String TOKEN = "fake-token-of-the-test-bot";

	/**
	 * Discord's window in these tests. The manager's interval adds the same margin as 5.5 s does
	 * to Discord's 5 s: a permit reaches its instance and the identify reaches Discord a little
	 * later than the grant, and by how much varies, most of all while eight instances start on
	 * two cores (with a 200 ms margin, a loaded machine broke the window now and then).
	 */
	private static final Duration WINDOW = Duration.ofMillis(100);

	private static final Duration INTERVAL = Duration.ofMillis(600);

	@RegisterExtension
	final ManagerExtension managers = new ManagerExtension();

	private final FakeDiscord discord = FakeDiscord.start(TOKEN).identifyWindow(WINDOW);

	@AfterEach
	void stopDiscord() {
		this.discord.close();
	}

	@Test
	void sixteenShardsOverEightWorkersIdentifyOneAtATimeWithOneGatewayBotCall() {
		this.discord.shards(16).maxConcurrency(1);
		ManagerTestSupport support = start("workers", 2, Map.of("discordoo.sharding.shards", "auto"));
		support.awaitAllReady(Duration.ofSeconds(60));
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(1);
		assertThat(this.discord.violations()).isEmpty();
		List<FakeDiscord.Identify> identifies = this.discord.identifies();
		assertThat(identifies).extracting(FakeDiscord.Identify::shard)
			.containsExactlyInAnyOrderElementsOf(range(16));
		assertSpacedAtLeast(identifies, WINDOW);
		assertThat(support.context.getBean(IdentifyBroker.class).status().granted()).isEqualTo(16);
	}

	@Test
	void withMaxConcurrencyFourFourBucketsIdentifyInParallel() {
		this.discord.shards(16).maxConcurrency(4);
		ManagerTestSupport support = start("workers", 2, Map.of("discordoo.sharding.shards", "auto"));
		support.awaitAllReady(Duration.ofSeconds(60));
		assertThat(this.discord.violations()).isEmpty();
		List<FakeDiscord.Identify> identifies = this.discord.identifies();
		assertThat(identifies).hasSize(16);
		// within a bucket an interval apart; across buckets closer than that, which one bucket
		// at a time could never do
		for (int bucket = 0; bucket < 4; bucket++) {
			int b = bucket;
			assertSpacedAtLeast(identifies.stream().filter((identify) -> identify.bucket() == b).toList(),
					WINDOW);
		}
		long closestAcrossBuckets = Long.MAX_VALUE;
		for (int i = 1; i < identifies.size(); i++) {
			closestAcrossBuckets = Math.min(closestAcrossBuckets,
					identifies.get(i).atNanos() - identifies.get(i - 1).atNanos());
		}
		assertThat(Duration.ofNanos(closestAcrossBuckets)).isLessThan(WINDOW);
	}

	@Test
	void anInstanceKilledWhileWaitingLosesItsTurnAndItsSuccessorWaitsForANewOne() throws Exception {
		this.discord.shards(8).maxConcurrency(1);
		// a long interval, so that the last instance is still waiting when it is killed
		ManagerTestSupport support = start("processes", 2,
				Map.of("discordoo.sharding.shards", "auto", "discordoo.sharding.identify.interval", "1500ms"));
		await().atMost(Duration.ofSeconds(60))
			.until(() -> support.manager.instances().stream().allMatch((info) -> info.state().isLinked()));
		// an instance still waiting for a permit (not all of its shards identified)
		InstanceInfo victim = support.manager.instances()
			.stream()
			.filter((info) -> info.state() == InstanceState.IDENTIFIED)
			.reduce((first, second) -> second)
			.orElseThrow();
		Map<Integer, Long> identifiedBefore = countByShard(this.discord.identifies());
		ManagerTestSupport.signal("KILL", victim.pid());
		support.awaitInstance(victim.index(), Duration.ofSeconds(30), (info) -> info.pid() != victim.pid());
		support.awaitAllReady(Duration.ofSeconds(90));
		// the others went on: never restarted
		assertThat(support.manager.instances()).filteredOn((info) -> info.index() != victim.index())
			.allMatch((info) -> info.restarts() == 0);
		assertThat(this.discord.violations()).isEmpty();
		Map<Integer, Long> identified = countByShard(this.discord.identifies());
		for (int shard = 0; shard < 8; shard++) {
			// the successor identifies the victim's shards once more, whatever the victim had done
			long expected = victim.shards().contains(shard) ? identifiedBefore.getOrDefault(shard, 0L) + 1 : 1;
			assertThat(identified.get(shard)).as("identifies of shard %d", shard).isEqualTo(expected);
		}
		// no permit went to the dead instance beyond what it had used
		long identifiesSeen = identified.values().stream().mapToLong(Long::longValue).sum();
		assertThat(support.context.getBean(IdentifyBroker.class).status().granted()).isEqualTo(identifiesSeen);
	}

	@Test
	void theDailyBudgetStopsAtTheReserveSaysSoInHealthAndRecoversAfterTheReset() {
		this.discord.shards(16).maxConcurrency(16).sessionStartLimit(1000, 20, Duration.ofSeconds(8));
		ManagerTestSupport support = start("workers", 2,
				Map.of("discordoo.sharding.shards", "auto", "discordoo.sharding.identify.reserve", "10"));
		IdentifyBroker broker = support.context.getBean(IdentifyBroker.class);
		// each instance asks for its second shard once its first is up, so some ask only later
		await().atMost(Duration.ofSeconds(30))
			.until(() -> broker.status().holdReason() != null && this.discord.identifies().size() == 10);
		ShardingHealthIndicator health = new ShardingHealthIndicator(support.manager, Duration.ofSeconds(5), broker);
		Health held = health.health(true);
		assertThat(held.getStatus()).isEqualTo(Status.DOWN);
		assertThat(String.valueOf(held.getDetails().get("reason"))).contains("10 of 1000 left").contains("reserve 10");
		assertThat(this.discord.identifies()).hasSize(10);
		assertThat(this.discord.remaining()).isEqualTo(10);
		assertThat(this.discord.tokenReset()).isFalse();
		// the reset comes, the manager reads the budget again, and the held shards go
		support.awaitAllReady(Duration.ofSeconds(60));
		assertThat(this.discord.identifies()).hasSize(16);
		assertThat(this.discord.violations()).isEmpty();
		assertThat(this.discord.gatewayBotCalls()).isGreaterThanOrEqualTo(2);
		assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void instancesLearnTheGatewayFromTheManagerAndAreRefusedPermitsForShardsNotTheirs() {
		this.discord.shards(4).maxConcurrency(1).gatewayUrl("wss://gateway.fake.test");
		ManagerTestSupport support = start("workers", 2, Map.of("discordoo.sharding.shards", "auto"));
		support.awaitAllReady(Duration.ofSeconds(60));
		// what the instance knows of the gateway, it learnt from its manager
		GatewayInfo gateway = support.manager.request("gateway", null, Targets.instances(1), GatewayInfo.class)
			.join()
			.get(0)
			.value();
		assertThat(gateway).isEqualTo(new GatewayInfo("wss://gateway.fake.test", 4, 1));
		List<InstanceResult<String>> notOwned = support.manager
			.request("ask-permit", Map.of("shard", 2), Targets.instances(0), String.class)
			.join();
		assertThat(notOwned.get(0).value()).startsWith("SHARD_NOT_OWNED").contains("shard 2");
		// shard 0 is granted again (a reconnect), and asked once more before its outcome: refused
		List<InstanceResult<String>> first = support.manager
			.request("ask-permit", Map.of("shard", 0), Targets.instances(0), String.class)
			.join();
		assertThat(first.get(0).value()).isEqualTo("GRANTED");
		List<InstanceResult<String>> second = support.manager
			.request("ask-permit", Map.of("shard", 0), Targets.instances(0), String.class)
			.join();
		assertThat(second.get(0).value()).startsWith("PERMIT_PENDING");
		// nothing else changed: every instance still READY, never restarted
		assertThat(support.manager.instances()).allMatch((info) -> info.state() == InstanceState.READY)
			.allMatch((info) -> info.restarts() == 0);
	}

	private ManagerTestSupport start(String mode, int shardsPerInstance, Map<String, Object> extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("discordoo.sharding.mode", mode);
		properties.put("discordoo.sharding.shards-per-instance", shardsPerInstance);
		properties.put("discordoo.sharding.spawn.concurrency", 8);
		properties.put("discordoo.sharding.discord.token", TOKEN);
		properties.put("discordoo.sharding.discord.api-url", this.discord.apiUrl());
		properties.put("discordoo.sharding.identify.interval", INTERVAL.toMillis() + "ms");
		properties.put("discordoo.sharding.instance.properties.testbot.identify-url",
				this.discord.apiUrl() + "/fake-gateway/identify");
		properties.put("discordoo.sharding.instance.properties.testbot.token", TOKEN);
		properties.putAll(extra);
		return this.managers.start(properties);
	}

	private static void assertSpacedAtLeast(List<FakeDiscord.Identify> identifies, Duration least) {
		for (int i = 1; i < identifies.size(); i++) {
			assertThat(Duration.ofNanos(identifies.get(i).atNanos() - identifies.get(i - 1).atNanos()))
				.as("identifies %d and %d", i - 1, i)
				.isGreaterThanOrEqualTo(least);
		}
	}

	private static Map<Integer, Long> countByShard(List<FakeDiscord.Identify> identifies) {
		return new HashMap<>(identifies.stream()
			.collect(Collectors.groupingBy(FakeDiscord.Identify::shard, Collectors.counting())));
	}

	private static List<Integer> range(int count) {
		return java.util.stream.IntStream.range(0, count).boxed().toList();
	}

}
