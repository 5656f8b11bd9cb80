package dev.discordoo.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
import dev.discordoo.sharding.discord.FakeDiscord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample bot with a token: its instances run JDA (not the simulation) against a fake
 * Discord on loopback, and its HTTP API counts and looks up the fake's guilds. The token is
 * given to the manager on its command line only: the instances get it from the manager.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleBotWithJdaTests {

	private static final String TOKEN = "sample-bot-jda-test-token";

	private static final Duration STARTUP = Duration.ofSeconds(120);

	/** On shard (id >> 22) % 4 = 3, which instance 1 runs. */
	private static final long GUILD_ON_SHARD_3 = 3L << 22;

	/** On shard 0, which instance 0 runs. */
	private static final long GUILD_ON_SHARD_0 = 4L << 22;

	private final FakeDiscord discord = FakeDiscord.start(TOKEN)
		.shards(4)
		.maxConcurrency(2)
		.identifyWindow(Duration.ofMillis(100))
		.guild(GUILD_ON_SHARD_3, "Guild three", 33)
		.guild(GUILD_ON_SHARD_0, "Guild zero", 10);

	private final Set<Long> childPids = ConcurrentHashMap.newKeySet();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	private ConfigurableApplicationContext context;

	private String baseUrl;

	@BeforeAll
	void startBot() {
		SpringApplication application = new SpringApplication(SampleBotApplication.class);
		application.addInitializers((context) -> context
			.addApplicationListener((ApplicationListener<InstanceStateChangedEvent>) (event) -> {
				long pid = event.getInstance().pid();
				if (pid > 0 && pid != ProcessHandle.current().pid()) {
					this.childPids.add(pid);
				}
			}));
		try {
			this.context = application.run("--server.port=0", "--discordoo.sharding.shards=0-3",
					"--discordoo.sharding.total-shards=4", "--discordoo.sharding.shards-per-instance=2",
					"--discordoo.sharding.processes.main-class=" + SampleBotApplication.class.getName(),
					"--discordoo.sharding.discord.token=" + TOKEN,
					"--discordoo.sharding.discord.api-url=" + this.discord.apiUrl(),
					// the broker spaces the permits, the fake judges the IDENTIFYs: the interval
					// must exceed its window by as much as the time from a permit to its IDENTIFY
					// (JDA's websocket connect, slow for the first shard of a fresh JVM) can vary,
					// as Discord's 5 s window has the default interval's 0.5 s
					"--discordoo.sharding.identify.interval=600ms", "--discordoo.sharding.spawn.timeout=90s",
					"--discordoo.sharding.instance.properties[sample.guild-count.report-interval]=1s");
		}
		catch (RuntimeException ex) {
			destroyChildren();
			this.discord.close();
			throw ex;
		}
		this.baseUrl = "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port");
	}

	@AfterAll
	void stopBot() {
		try {
			if (this.context != null) {
				this.context.close();
			}
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.childPids).noneMatch(SampleBotWithJdaTests::isAlive));
			// every JDA session was closed when the instances stopped
			await().atMost(Duration.ofSeconds(5)).untilAsserted(
					() -> assertThat(this.discord.gatewaySessions()).allMatch(FakeDiscord.GatewaySession::closed));
		}
		finally {
			destroyChildren();
			this.discord.close();
		}
	}

	@Test
	void theInstancesRunJdaAndTheApiCountsAndFindsTheGuildsOfDiscord() throws Exception {
		await().atMost(STARTUP).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
			JsonNode live = getJson("/guilds/live", 200);
			assertThat(live.path("complete").asBoolean()).as("%s", live).isTrue();
			assertThat(live.path("total").asInt()).isEqualTo(2);
		});
		// JDA identified every shard through the manager's broker; the manager alone called REST's /gateway/bot
		assertThat(this.discord.identifies()).hasSize(4).allMatch(FakeDiscord.Identify::accepted);
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(1);
		assertThat(this.discord.liveSessions()).hasSize(4);

		JsonNode three = getJson("/guilds/" + GUILD_ON_SHARD_3, 200);
		assertThat(three.path("instance").asInt()).isEqualTo(1);
		assertThat(three.path("value").path("name").asString()).isEqualTo("Guild three");
		assertThat(three.path("value").path("members").asInt()).isEqualTo(33);
		assertThat(three.path("value").path("shard").asInt()).isEqualTo(3);
		JsonNode zero = getJson("/guilds/" + GUILD_ON_SHARD_0, 200);
		assertThat(zero.path("instance").asInt()).isZero();
		assertThat(zero.path("value").path("name").asString()).isEqualTo("Guild zero");
		// a guild none of the shards sees: its shard's instance answers, with nothing
		getJson("/guilds/" + ((2L << 22) | 7), 404);
	}

	private JsonNode getJson(String path, int expectedStatus) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create(this.baseUrl + path)).timeout(Duration.ofSeconds(10)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("%s answered %s", path, response.body()).isEqualTo(expectedStatus);
		return this.json.readTree(response.body());
	}

	private void destroyChildren() {
		for (long pid : this.childPids) {
			ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
		}
		ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
	}

	private static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

}
