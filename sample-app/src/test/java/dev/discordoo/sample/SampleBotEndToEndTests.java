package dev.discordoo.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import dev.discordoo.sharding.InstanceStateChangedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts the sample bot as its manager, with two instances in child JVMs, and looks at it
 * the way a user of the README does: over HTTP, through the actuator and the sample's own
 * {@code /guilds}. Every child JVM started here is gone when the class is done, whether its
 * tests passed or not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleBotEndToEndTests {

	/** JVM flags that make a child start fast on two cores. */
	private static final String FAST_CHILD_JVM_ARGS = "-Xmx128m,-XX:TieredStopAtLevel=1,-XX:+UseSerialGC,"
			+ "-Xss512k,-XX:CICompilerCount=1";

	/** Long enough for two Spring Boot child JVMs to start on a busy two-core machine. */
	private static final Duration STARTUP = Duration.ofSeconds(120);

	private final Set<Long> childPids = ConcurrentHashMap.newKeySet();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	private ConfigurableApplicationContext context;

	private String baseUrl;

	@BeforeAll
	void startBot() {
		SpringApplication application = new SpringApplication(SampleBotApplication.class);
		application.addInitializers((context) -> context
			.addApplicationListener((ApplicationListener<InstanceStateChangedEvent>) this::recordPid));
		try {
			// command-line arguments, so that they win over the sample's application.yml
			this.context = application.run("--server.port=0", "--discordoo.sharding.mode=processes",
					"--discordoo.sharding.shards=0-3", "--discordoo.sharding.total-shards=4",
					"--discordoo.sharding.shards-per-instance=2",
					"--discordoo.sharding.processes.main-class=" + SampleBotApplication.class.getName(),
					"--discordoo.sharding.processes.jvm-args=" + FAST_CHILD_JVM_ARGS,
					"--discordoo.sharding.heartbeat.interval=1s", "--discordoo.sharding.heartbeat.tolerance=5",
					"--discordoo.sharding.shutdown.timeout=10s",
					"--discordoo.sharding.instance.properties[sample.guild-count.report-interval]=1s");
		}
		catch (RuntimeException ex) {
			destroyChildren();
			throw ex;
		}
		this.baseUrl = "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port");
	}

	private void recordPid(InstanceStateChangedEvent event) {
		long pid = event.getInstance().pid();
		if (pid > 0 && pid != ProcessHandle.current().pid()) {
			this.childPids.add(pid);
		}
	}

	@AfterAll
	void stopBot() {
		try {
			if (this.context != null) {
				this.context.close();
			}
			assertThat(this.childPids).as("child JVMs seen").isNotEmpty();
			// the manager waits for its instances to exit before its stop returns
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.childPids).noneMatch(SampleBotEndToEndTests::isAlive));
		}
		finally {
			destroyChildren();
		}
	}

	private void destroyChildren() {
		// whatever happened, no child of this test outlives it
		for (long pid : this.childPids) {
			ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
		}
		ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
	}

	@Test
	void healthIsUpWithEveryInstanceInItsDetails() {
		JsonNode health = awaitHealthUp();
		JsonNode details = health.path("details");
		assertThat(details.path("readyInstances").asInt()).isEqualTo(2);
		List<JsonNode> instances = list(details.path("instances"));
		assertThat(instances).extracting((instance) -> instance.path("index").asInt()).containsExactly(0, 1);
		assertThat(instances).allSatisfy((instance) -> {
			assertThat(instance.path("state").asString()).isEqualTo("READY");
			assertThat(instance.path("pid").asLong()).isPositive();
			assertThat(this.childPids).contains(instance.path("pid").asLong());
		});
		assertThat(instances).extracting((instance) -> list(instance.path("shards")).toString())
			.containsExactly("[0, 1]", "[2, 3]");
	}

	@Test
	void heartbeatLatencyIsMeasuredForEveryInstance() {
		awaitHealthUp();
		JsonNode metric = getJson("/actuator/metrics/discordoo.sharding.heartbeat.latency", 200);
		assertThat(metric.path("baseUnit").asString()).isEqualTo("seconds");
		List<JsonNode> tags = list(metric.path("availableTags"));
		assertThat(tags).extracting((tag) -> tag.path("tag").asString()).containsExactly("instance");
		assertThat(list(tags.get(0).path("values"))).extracting(JsonNode::asString)
			.containsExactlyInAnyOrder("0", "1");
		for (int index = 0; index < 2; index++) {
			String url = "/actuator/metrics/discordoo.sharding.heartbeat.latency?tag=instance:" + index;
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				JsonNode measurement = list(getJson(url, 200).path("measurements")).get(0);
				assertThat(measurement.path("statistic").asString()).isEqualTo("VALUE");
				// a gauge without a latency yet (no second heartbeat) reads "NaN", a string
				assertThat(measurement.path("value").isNumber()).as("value %s", measurement).isTrue();
				assertThat(measurement.path("value").asDouble()).isFinite().isPositive().isLessThan(5.0);
			});
		}
	}

	@Test
	void shardingEndpointListsEveryInstanceReady() {
		awaitHealthUp();
		JsonNode sharding = getJson("/actuator/sharding", 200);
		List<JsonNode> instances = list(sharding.path("instances"));
		assertThat(instances).hasSize(2);
		assertThat(instances).allSatisfy((instance) -> {
			assertThat(instance.path("state").asString()).isEqualTo("READY");
			assertThat(instance.path("totalShards").asInt()).isEqualTo(4);
			assertThat(instance.path("id").asString()).isNotBlank();
		});
		assertThat(getJson("/actuator/sharding/1", 200).path("shards").toString()).isEqualTo("[2,3]");
		getJson("/actuator/sharding/2", 404);
	}

	@Test
	void guildsAreReportedByEveryInstanceAndRefreshed() {
		awaitHealthUp();
		AtomicReference<JsonNode> first = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			JsonNode guilds = getJson("/guilds", 200);
			List<JsonNode> reports = list(guilds.path("instances"));
			assertThat(reports).extracting((report) -> report.path("instance").asInt()).containsExactly(0, 1);
			for (JsonNode report : reports) {
				// the report comes from the spawn that runs the instance now
				String currentId = getJson("/actuator/sharding/" + report.path("instance").asInt(), 200).path("id")
					.asString();
				assertThat(report.path("instanceId").asString()).isEqualTo(currentId);
			}
			first.set(guilds);
		});
		JsonNode guilds = first.get();
		List<JsonNode> reports = list(guilds.path("instances"));
		assertThat(reports).allSatisfy((report) -> assertThat(report.path("guilds").asInt()).isPositive());
		assertThat(reports.get(0).path("shards").propertyNames()).containsExactly("0", "1");
		assertThat(reports.get(1).path("shards").propertyNames()).containsExactly("2", "3");
		assertThat(guilds.path("total").asInt())
			.isEqualTo(reports.stream().mapToInt((report) -> report.path("guilds").asInt()).sum());

		// instances report every second here: each sends a newer report
		Instant reportedAt = Instant.parse(reports.get(0).path("reportedAt").asString());
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			JsonNode latest = list(getJson("/guilds", 200).path("instances")).get(0);
			assertThat(Instant.parse(latest.path("reportedAt").asString())).isAfter(reportedAt);
		});
	}

	@Test
	void liveGuildCountsAnswerFromEveryInstance() {
		awaitHealthUp();
		JsonNode live = getJson("/guilds/live", 200);
		assertThat(live.path("complete").asBoolean()).isTrue();
		List<JsonNode> results = list(live.path("instances"));
		assertThat(results).extracting((result) -> result.path("instance").asInt()).containsExactly(0, 1);
		assertThat(results).allSatisfy((result) -> {
			assertThat(result.path("ok").asBoolean()).isTrue();
			assertThat(result.path("value").path("guilds").asInt()).isPositive();
		});
		assertThat(live.path("total").asInt())
			.isEqualTo(results.stream().mapToInt((result) -> result.path("value").path("guilds").asInt()).sum());
	}

	@Test
	void restartThroughTheEndpointHandsOverWithoutDowntime() {
		awaitHealthUp();
		JsonNode before = getJson("/actuator/sharding/1", 200);
		long oldPid = before.path("pid").asLong();
		String oldId = before.path("id").asString();
		String untouchedId = getJson("/actuator/sharding/0", 200).path("id").asString();

		JsonNode answer = send(HttpRequest.newBuilder(uri("/actuator/sharding/1"))
			.POST(HttpRequest.BodyPublishers.noBody()), 200);
		assertThat(answer.path("accepted").asBoolean()).isTrue();
		assertThat(list(answer.path("instances"))).extracting(JsonNode::asInt).containsExactly(1);

		// overlapped: instance 1 answers throughout, first the old one, then its successor
		await().atMost(STARTUP).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			JsonNode live = getJson("/guilds/live", 200);
			assertThat(live.path("complete").asBoolean()).as("every instance answered: %s", live).isTrue();
			JsonNode after = getJson("/actuator/sharding/1", 200);
			assertThat(after.path("state").asString()).isEqualTo("READY");
			assertThat(after.path("id").asString()).isNotEqualTo(oldId);
			assertThat(after.path("pid").asLong()).isNotEqualTo(oldPid);
		});
		// the predecessor stops once its successor serves
		await().atMost(Duration.ofSeconds(15)).until(() -> !isAlive(oldPid));
		assertThat(getJson("/actuator/sharding/0", 200).path("id").asString()).isEqualTo(untouchedId);
		awaitHealthUp();
	}

	@Test
	void oneGuildIsAnsweredByTheInstanceThatRunsItsShard() {
		awaitHealthUp();
		// on shard (id >> 22) % 4 = 3, which instance 1 runs
		long id = (3L << 22) | 12345;
		JsonNode guild = getJson("/guilds/" + id, 200);
		assertThat(guild.path("instance").asInt()).isEqualTo(1);
		assertThat(guild.path("value").path("shard").asInt()).isEqualTo(3);
		assertThat(guild.path("value").path("name").asString()).isEqualTo("Simulated guild " + id);
	}

	private JsonNode awaitHealthUp() {
		AtomicReference<JsonNode> health = new AtomicReference<>();
		await().atMost(STARTUP).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
			HttpResponse<String> response = get("/actuator/health/sharding");
			assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
			JsonNode body = this.json.readTree(response.body());
			assertThat(body.path("status").asString()).isEqualTo("UP");
			health.set(body);
		});
		return health.get();
	}

	private JsonNode getJson(String path, int expectedStatus) {
		return send(HttpRequest.newBuilder(uri(path)).GET(), expectedStatus);
	}

	private JsonNode send(HttpRequest.Builder request, int expectedStatus) {
		HttpResponse<String> response = exchange(request);
		assertThat(response.statusCode()).as("%s answered %s", response.uri(), response.body())
			.isEqualTo(expectedStatus);
		return response.body().isEmpty() ? this.json.missingNode() : this.json.readTree(response.body());
	}

	private HttpResponse<String> get(String path) {
		return exchange(HttpRequest.newBuilder(uri(path)).GET());
	}

	private HttpResponse<String> exchange(HttpRequest.Builder request) {
		try {
			return this.http.send(request.timeout(Duration.ofSeconds(15)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private URI uri(String path) {
		return URI.create(this.baseUrl + path);
	}

	private static List<JsonNode> list(JsonNode array) {
		assertThat(array.isArray()).as("%s is an array", array).isTrue();
		List<JsonNode> list = new ArrayList<>();
		array.forEach(list::add);
		return list;
	}

	private static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

}
