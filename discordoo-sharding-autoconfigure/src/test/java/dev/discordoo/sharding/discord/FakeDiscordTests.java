package dev.discordoo.sharding.discord;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

class FakeDiscordTests {

	private static final String TOKEN = "fake-discord-test-token";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final FakeDiscord discord = FakeDiscord.start(TOKEN);

	@AfterEach
	void closeDiscord() {
		this.discord.close();
	}

	@Test
	void gatewayBotAnswersTheConfiguredValues() throws Exception {
		this.discord.shards(4).maxConcurrency(2).gatewayUrl("wss://gateway.example.invalid");
		HttpResponse<String> response = get("/gateway/bot", "Bot " + TOKEN);
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = mapper.readTree(response.body());
		assertThat(body.path("url").asString()).isEqualTo("wss://gateway.example.invalid");
		assertThat(body.path("shards").intValue()).isEqualTo(4);
		JsonNode limit = body.path("session_start_limit");
		assertThat(limit.path("total").intValue()).isEqualTo(1000);
		assertThat(limit.path("remaining").intValue()).isEqualTo(1000);
		assertThat(limit.path("max_concurrency").intValue()).isEqualTo(2);
		assertThat(limit.path("reset_after").longValue()).isBetween(Duration.ofHours(24).minusMinutes(1).toMillis(),
				Duration.ofHours(24).toMillis());
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(1);
	}

	@Test
	void requestsWithoutTheRightTokenAreUnauthorized() throws Exception {
		assertThat(get("/gateway/bot", null).statusCode()).isEqualTo(401);
		assertThat(get("/gateway/bot", TOKEN).statusCode()).isEqualTo(401);
		HttpResponse<String> wrong = get("/gateway/bot", "Bot other-token");
		assertThat(wrong.statusCode()).isEqualTo(401);
		assertThat(wrong.body()).isEqualTo("{\"message\":\"401: Unauthorized\",\"code\":0}");
		assertThat(identify(0, 1, "Bot other-token").statusCode()).isEqualTo(401);
		assertThat(this.discord.identifies()).isEmpty();
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(3);
	}

	@Test
	void usersMeAnswersTheBotUserAndEveryCallIsRecorded() throws Exception {
		HttpResponse<String> me = get("/users/@me", "Bot " + TOKEN);
		assertThat(me.statusCode()).isEqualTo(200);
		JsonNode user = mapper.readTree(me.body());
		assertThat(user.path("id").asString()).isEqualTo(Long.toUnsignedString(this.discord.botUserId()));
		assertThat(user.path("bot").booleanValue()).isTrue();
		assertThat(get("/users/@me", "Bot wrong").statusCode()).isEqualTo(401);
		assertThat(post("/users/@me", "{}").statusCode()).isEqualTo(405);
		assertThat(this.discord.restCalls()).extracting(FakeDiscord.RestCall::method, FakeDiscord.RestCall::path)
			.containsExactly(tuple("GET", "/api/v10/users/@me"), tuple("GET", "/api/v10/users/@me"),
					tuple("POST", "/api/v10/users/@me"));
		assertThat(this.discord.gatewayBotCalls()).isZero();
	}

	@Test
	void botUserIdIsTheFirstPartOfADiscordLikeToken() {
		try (FakeDiscord other = FakeDiscord.start("MTA5ODc2NTQzMjEwOTg3NjU0.GfAke.secret")) {
			assertThat(other.botUserId()).isEqualTo(109876543210987654L);
		}
	}

	@Test
	void unknownPathsAreNotFound() throws Exception {
		assertThat(get("/guilds/1", "Bot " + TOKEN).statusCode()).isEqualTo(404);
	}

	@Test
	void rateLimitAndFailuresApplyToTheNextCalls() throws Exception {
		this.discord.rateLimitNext(1, Duration.ofMillis(200)).failNext(1);
		assertThat(get("/gateway/bot", "Bot " + TOKEN).statusCode()).isEqualTo(502);
		HttpResponse<String> limited = get("/gateway/bot", "Bot " + TOKEN);
		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.headers().firstValue("Retry-After")).hasValue("0.2");
		JsonNode body = mapper.readTree(limited.body());
		assertThat(body.path("message").asString()).isEqualTo("You are being rate limited.");
		assertThat(body.path("retry_after").doubleValue()).isEqualTo(0.2);
		assertThat(body.path("global").booleanValue()).isFalse();
		assertThat(get("/gateway/bot", "Bot " + TOKEN).statusCode()).isEqualTo(200);
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(3);
	}

	@Test
	void secondIdentifyOfABucketInsideTheWindowIsAViolation() throws Exception {
		this.discord.identifyWindow(Duration.ofSeconds(5));
		assertThat(op(identify(0, 2))).isEqualTo(0);
		HttpResponse<String> second = identify(0, 2);
		assertThat(second.statusCode()).isEqualTo(200);
		assertThat(second.body()).isEqualTo("{\"op\":9,\"d\":false}");
		assertThat(this.discord.identifies()).extracting(FakeDiscord.Identify::accepted).containsExactly(true, false);
		assertThat(this.discord.violations()).singleElement().satisfies((violation) -> {
			assertThat(violation.shard()).isEqualTo(0);
			assertThat(violation.bucket()).isEqualTo(0);
		});
		// Discord charges the refused IDENTIFY too
		assertThat(this.discord.remaining()).isEqualTo(998);
	}

	@Test
	void shardsOfDifferentBucketsMayIdentifyTogether() throws Exception {
		this.discord.shards(2).maxConcurrency(2);
		HttpResponse<String> first = identify(0, 2);
		HttpResponse<String> second = identify(1, 2);
		assertThat(first.body()).isEqualTo("{\"op\":0,\"t\":\"READY\",\"d\":{\"shard\":[0,2]}}");
		assertThat(second.body()).isEqualTo("{\"op\":0,\"t\":\"READY\",\"d\":{\"shard\":[1,2]}}");
		assertThat(this.discord.identifies()).extracting(FakeDiscord.Identify::bucket).containsExactly(0, 1);
		assertThat(this.discord.violations()).isEmpty();
	}

	@Test
	void identifyAfterTheWindowIsAccepted() throws Exception {
		this.discord.identifyWindow(Duration.ofMillis(100));
		assertThat(op(identify(0, 1))).isEqualTo(0);
		long first = this.discord.identifies().get(0).atNanos();
		// Awaitility instead of sleeping: identify again only once the window has passed
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> System.nanoTime() - first > Duration.ofMillis(150).toNanos());
		assertThat(op(identify(0, 1))).isEqualTo(0);
		assertThat(this.discord.violations()).isEmpty();
	}

	@Test
	void malformedIdentifyIsRejected() throws Exception {
		assertThat(post("/fake-gateway/identify", "{\"shard\":[2,2]}").statusCode()).isEqualTo(400);
		assertThat(post("/fake-gateway/identify", "not json").statusCode()).isEqualTo(400);
		assertThat(get("/fake-gateway/identify", "Bot " + TOKEN).statusCode()).isEqualTo(405);
		assertThat(this.discord.identifies()).isEmpty();
		assertThat(this.discord.remaining()).isEqualTo(1000);
	}

	@Test
	void identifyWithNoBudgetLeftResetsTheToken() throws Exception {
		this.discord.sessionStartLimit(1000, 1, Duration.ofHours(1));
		assertThat(op(identify(0, 1))).isEqualTo(0);
		assertThat(this.discord.remaining()).isZero();
		assertThat(this.discord.tokenReset()).isFalse();
		assertThat(identify(0, 1).statusCode()).isEqualTo(401);
		assertThat(this.discord.tokenReset()).isTrue();
		assertThat(this.discord.violations()).hasSize(1);
		// the token is dead everywhere from now on
		assertThat(get("/gateway/bot", "Bot " + TOKEN).statusCode()).isEqualTo(401);
		assertThat(identify(0, 1).statusCode()).isEqualTo(401);
	}

	@Test
	void budgetResetsLazilyOnceItsResetTimePasses() throws Exception {
		// a first request warms the server and the client up, so that the next one comes
		// well inside the 300ms
		assertThat(remainingFromGatewayBot()).isEqualTo(1000);
		this.discord.sessionStartLimit(10, 0, Duration.ofMillis(300));
		assertThat(remainingFromGatewayBot()).isZero();
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> assertThat(remainingFromGatewayBot()).isEqualTo(10));
		assertThat(this.discord.remaining()).isEqualTo(10);
		JsonNode limit = mapper.readTree(get("/gateway/bot", "Bot " + TOKEN).body()).path("session_start_limit");
		assertThat(limit.path("reset_after").longValue()).isGreaterThan(Duration.ofHours(23).toMillis());
		assertThat(op(identify(0, 1))).isEqualTo(0);
		assertThat(this.discord.tokenReset()).isFalse();
	}

	@Test
	void closeStopsTheServer() {
		this.discord.close();
		assertThatIOException().isThrownBy(() -> get("/gateway/bot", "Bot " + TOKEN));
	}

	private int remainingFromGatewayBot() throws Exception {
		HttpResponse<String> response = get("/gateway/bot", "Bot " + TOKEN);
		assertThat(response.statusCode()).isEqualTo(200);
		return mapper.readTree(response.body()).path("session_start_limit").path("remaining").intValue();
	}

	private int op(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(200);
		return mapper.readTree(response.body()).path("op").intValue();
	}

	private HttpResponse<String> identify(int shard, int total) throws Exception {
		return identify(shard, total, "Bot " + TOKEN);
	}

	private HttpResponse<String> identify(int shard, int total, String authorization) throws Exception {
		return send(request("/fake-gateway/identify", authorization)
			.POST(HttpRequest.BodyPublishers.ofString("{\"shard\":[" + shard + "," + total + "]}")));
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		return send(request(path, "Bot " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
		return send(request(path, authorization).GET());
	}

	private HttpRequest.Builder request(String path, String authorization) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.discord.apiUrl() + path))
			.timeout(Duration.ofSeconds(5));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return request;
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
