package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.testbot.TestBotHandlers;
import dev.discordoo.sharding.testbot.TestBotHandlers.Echo;
import dev.discordoo.sharding.testbot.TestBotHandlers.Load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests and broadcasts across eight workers, over real loopback links. One manager for
 * the class; the test that takes an instance down runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class CrossInstanceWorkersTests {

	private static final int INSTANCES = 8;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private ManagerTestSupport support;

	@BeforeAll
	void start() {
		this.support = new ManagerTestSupport(Map.of("discordoo.sharding.mode", "workers",
				"discordoo.sharding.shards", "16", "discordoo.sharding.shards-per-instance", "2",
				"discordoo.sharding.restart.enabled", "false", "discordoo.sharding.spawn.concurrency", "8"));
		this.support.awaitAllReady(Duration.ofSeconds(60));
	}

	@AfterAll
	void stop() {
		this.support.close();
	}

	@Test
	@org.junit.jupiter.api.Order(1)
	void aFanOutToAllAnswersOncePerInstanceInOrder() throws Exception {
		List<InstanceResult<Echo>> results = this.support.manager
			.request("echo", Map.of("q", "count"), Targets.all(), Echo.class)
			.get(10, TimeUnit.SECONDS);
		assertThat(results).hasSize(INSTANCES);
		for (int index = 0; index < INSTANCES; index++) {
			InstanceResult<Echo> result = results.get(index);
			assertThat(result.instance()).isEqualTo(index);
			assertThat(result.ok()).isTrue();
			assertThat(result.value().instance()).isEqualTo(index);
			assertThat(result.value().from()).isNull();
			assertThat(result.value().request()).isEqualTo("echo");
			assertThat(result.value().payload().path("q").stringValue()).isEqualTo("count");
		}
	}

	@Test
	@org.junit.jupiter.api.Order(2)
	void aSlowTargetTimesOutAndTheOthersStillAnswer() throws Exception {
		long start = System.nanoTime();
		List<InstanceResult<Echo>> results = this.support.manager
			.request("slow", Map.of("slow", 5, "millis", 3000), Targets.all(), Echo.class, Duration.ofMillis(500))
			.get(10, TimeUnit.SECONDS);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(500)).isLessThan(Duration.ofMillis(1500));
		assertThat(results).hasSize(INSTANCES);
		assertThat(results.get(5).ok()).isFalse();
		assertThat(results.get(5).error().code()).isEqualTo(ErrorCode.TIMEOUT);
		assertThat(results).filteredOn(InstanceResult::ok).hasSize(INSTANCES - 1)
			.allMatch((result) -> result.value().instance() == result.instance());
		// let the slow one finish before the next test
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.support.manager.request("echo", null, Targets.instances(5), Echo.class)
				.get(10, TimeUnit.SECONDS)
				.get(0)
				.ok());
	}

	@Test
	@org.junit.jupiter.api.Order(3)
	void aThrowingHandlerGivesItsErrorAndUnknownTargetsAnswerNotConnected() throws Exception {
		List<InstanceResult<Echo>> results = this.support.manager
			.request("boom", Map.of("fail", 2), Targets.instances(1, 2, 42), Echo.class)
			.get(10, TimeUnit.SECONDS);
		assertThat(results).extracting(InstanceResult::instance).containsExactly(1, 2, 42);
		assertThat(results.get(0).ok()).isTrue();
		assertThat(results.get(1).error().code()).isEqualTo(ErrorCode.HANDLER_FAILED);
		assertThat(results.get(1).error().message()).contains("instance 2 was told to fail");
		assertThat(results.get(2).error().code()).isEqualTo(ErrorCode.NOT_CONNECTED);
		List<InstanceResult<Echo>> unknown = this.support.manager
			.request("no-such-handler", null, Targets.instances(0), Echo.class)
			.get(10, TimeUnit.SECONDS);
		assertThat(unknown.get(0).error().code()).isEqualTo(ErrorCode.NO_HANDLER);
	}

	@Test
	@org.junit.jupiter.api.Order(4)
	void routingByGuildHitsExactlyTheOwningInstance() throws Exception {
		long[] guilds = { 0L, 81384788765712384L, 175928847299117063L, 613425648685547541L, 1160987324588048404L,
				Long.MIN_VALUE, -1L };
		for (long guild : guilds) {
			int shard = (int) Long.remainderUnsigned(guild >>> 22, 16);
			int owner = shard / 2;
			assertThat(this.support.manager.instanceForGuild(guild)).isEqualTo(owner);
			List<InstanceResult<Echo>> results = this.support.manager
				.request("echo", Map.of("guild", Long.toUnsignedString(guild)), Targets.guild(guild), Echo.class)
				.get(10, TimeUnit.SECONDS);
			assertThat(results).singleElement().satisfies((result) -> {
				assertThat(result.instance()).isEqualTo(owner);
				assertThat(result.value().instance()).isEqualTo(owner);
			});
		}
		assertThat(this.support.manager.request("echo", null, Targets.shard(0), Echo.class)
			.get(10, TimeUnit.SECONDS)
			.get(0)
			.value()
			.instance()).isZero();
	}

	@Test
	@org.junit.jupiter.api.Order(5)
	void instancesAskAndGreetEachOtherThroughTheManagerUnderTheirOwnName() throws Exception {
		List<InstanceResult<JsonNode>> asked = this.support.manager
			.request("ask-others", Map.of("hi", 1), Targets.instances(3), JsonNode.class)
			.get(10, TimeUnit.SECONDS);
		JsonNode nested = asked.get(0).value();
		assertThat(nested).hasSize(INSTANCES - 1);
		for (JsonNode entry : nested) {
			assertThat(entry.path("instance").asInt()).isNotEqualTo(3);
			assertThat(entry.path("ok").asBoolean()).isTrue();
			assertThat(entry.path("value").path("from").asInt()).isEqualTo(3);
			assertThat(entry.path("value").path("request").asString()).isEqualTo("echo");
			assertThat(entry.path("value").path("instance").asInt()).isEqualTo(entry.path("instance").asInt());
		}

		this.support.manager.request("greet-others", Map.of("from-test", true), Targets.instances(6), Integer.class)
			.get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			List<InstanceResult<JsonNode>> seen = this.support.manager
				.request("seen", null, Targets.all(), JsonNode.class)
				.get(10, TimeUnit.SECONDS);
			for (InstanceResult<JsonNode> result : seen) {
				if (result.instance() == 6) {
					assertThat(result.value()).isEmpty();
				}
				else {
					assertThat(result.value()).singleElement()
						.satisfies((greeting) -> assertThat(greeting.path("from").asInt()).isEqualTo(6));
				}
			}
		});
	}

	@Test
	@org.junit.jupiter.api.Order(6)
	void tenThousandConcurrentRequestsFromInstancesAndTheManagerGetTheirOwnAnswers() throws Exception {
		List<CompletableFuture<List<InstanceResult<Load>>>> loads = new ArrayList<>();
		// four instances each send 1,000 requests to random instances, through the manager
		loads.add(this.support.manager.request("load", Map.of("count", 1000, "instances", INSTANCES),
				Targets.instances(0, 1, 2, 3), Load.class, Duration.ofSeconds(60)));
		// meanwhile the manager sends 750 fan-outs to all eight: 6,000 more
		List<CompletableFuture<List<InstanceResult<Echo>>>> fanOuts = new ArrayList<>();
		for (int n = 0; n < 750; n++) {
			fanOuts.add(this.support.manager.request("echo", Map.of("n", n), Targets.all(), Echo.class,
					Duration.ofSeconds(60)));
		}
		for (int n = 0; n < fanOuts.size(); n++) {
			List<InstanceResult<Echo>> results = fanOuts.get(n).get(60, TimeUnit.SECONDS);
			assertThat(results).hasSize(INSTANCES);
			for (InstanceResult<Echo> result : results) {
				assertThat(result.ok()).isTrue();
				assertThat(result.value().instance()).isEqualTo(result.instance());
				assertThat(result.value().payload().path("n").asInt()).isEqualTo(n);
			}
		}
		for (InstanceResult<Load> load : loads.get(0).get(60, TimeUnit.SECONDS)) {
			assertThat(load.ok()).isTrue();
			assertThat(load.value().answered()).isEqualTo(1000);
			assertThat(load.value().mismatched()).isZero();
		}
	}

	@Test
	@org.junit.jupiter.api.Order(7)
	void anInstanceThatIsDownAnswersNotConnectedAtOnce() throws Exception {
		this.support.manager.send(3, TestBotHandlers.CRASH, null);
		this.support.awaitInstance(3, Duration.ofSeconds(10), (info) -> info.state() == InstanceState.FAILED);
		long start = System.nanoTime();
		List<InstanceResult<Echo>> results = this.support.manager
			.request("echo", null, Targets.all(), Echo.class, Duration.ofSeconds(30))
			.get(10, TimeUnit.SECONDS);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(results).hasSize(INSTANCES);
		assertThat(results.get(3).ok()).isFalse();
		assertThat(results.get(3).error().code()).isEqualTo(ErrorCode.NOT_CONNECTED);
		assertThat(results.get(3).error().message()).contains("FAILED");
		assertThat(results).filteredOn(InstanceResult::ok).hasSize(INSTANCES - 1);
	}

}
