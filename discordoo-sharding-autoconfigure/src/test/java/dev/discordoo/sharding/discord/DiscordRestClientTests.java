package dev.discordoo.sharding.discord;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

@ExtendWith(OutputCaptureExtension.class)
class DiscordRestClientTests {

	private static final String TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GfAke.secret-token-value";

	private final FakeDiscord discord = FakeDiscord.start(TOKEN);

	@AfterEach
	void closeDiscord() {
		this.discord.close();
	}

	@Test
	void readsGatewayBot() {
		this.discord.shards(12)
			.maxConcurrency(16)
			.gatewayUrl("wss://gateway.discord.gg")
			.sessionStartLimit(1000, 987, Duration.ofHours(3));
		GatewayBot bot = client(Duration.ofSeconds(5)).gatewayBot();
		assertThat(bot.url()).isEqualTo("wss://gateway.discord.gg");
		assertThat(bot.shards()).isEqualTo(12);
		assertThat(bot.sessionStartLimit().total()).isEqualTo(1000);
		assertThat(bot.sessionStartLimit().remaining()).isEqualTo(987);
		assertThat(bot.sessionStartLimit().maxConcurrency()).isEqualTo(16);
		assertThat(bot.sessionStartLimit().resetAfter()).isBetween(Duration.ofHours(3).minusSeconds(30),
				Duration.ofHours(3));
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(1);
	}

	@Test
	void trailingSlashOfTheApiUrlIsIgnored() {
		DiscordRestClient client = new DiscordRestClient(URI.create(this.discord.apiUrl() + "/"), TOKEN,
				Duration.ofSeconds(5));
		assertThat(client.apiUrl()).isEqualTo(URI.create(this.discord.apiUrl()));
		assertThat(client.gatewayBot().shards()).isEqualTo(1);
	}

	@Test
	void rateLimitIsWaitedOutAndRetried(CapturedOutput output) {
		this.discord.rateLimitNext(2, Duration.ofMillis(200));
		long start = System.nanoTime();
		GatewayBot bot = client(Duration.ofSeconds(10)).gatewayBot();
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		assertThat(bot.shards()).isEqualTo(1);
		assertThat(bot.sessionStartLimit().remaining()).isEqualTo(1000);
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(3);
		// a lower bound only: two waits of 200ms each
		assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(350));
		assertThat(output).contains("Discord rate-limited GET /gateway/bot; waiting 200ms before retrying")
			.doesNotContain(TOKEN);
	}

	@Test
	void rateLimitLongerThanRetryForGivesUpAtOnce() {
		this.discord.rateLimitNext(1, Duration.ofSeconds(30));
		long start = System.nanoTime();
		assertThatIllegalStateException().isThrownBy(() -> client(Duration.ofSeconds(1)).gatewayBot())
			.withMessageContaining(DiscordRestClient.API_URL_PROPERTY)
			.withMessageContaining("429 Too Many Requests, retry after 30s")
			.withMessageNotContaining(TOKEN);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(1);
	}

	@Test
	void wrongTokenFailsAtOnceWithoutShowingTheToken(CapturedOutput output) {
		String wrongToken = "wrong-token-that-must-stay-secret";
		DiscordRestClient client = new DiscordRestClient(URI.create(this.discord.apiUrl()), wrongToken,
				Duration.ofSeconds(10));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(client::gatewayBot)
			.withMessageContaining("Discord answered 401 Unauthorized to GET /gateway/bot")
			.withMessageNotContaining(wrongToken)
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("discordoo.sharding.discord.token");
				assertThat(ex.getValue()).isEqualTo("<redacted>");
			});
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(1);
		assertThat(output).doesNotContain(wrongToken);
	}

	@Test
	void badGatewayIsRetried(CapturedOutput output) {
		this.discord.failNext(2);
		GatewayBot bot = client(Duration.ofSeconds(20)).gatewayBot();
		assertThat(bot.shards()).isEqualTo(1);
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(3);
		assertThat(output).contains("failed (502 Bad Gateway); retrying in 500ms")
			.contains("failed (502 Bad Gateway); retrying in 1s")
			.doesNotContain(TOKEN);
	}

	@Test
	void otherClientErrorFailsAtOnceWithDiscordsMessage() {
		URI wrongVersion = URI.create("http://127.0.0.1:" + this.discord.port() + "/api/v9");
		DiscordRestClient client = new DiscordRestClient(wrongVersion, TOKEN, Duration.ofSeconds(10));
		long start = System.nanoTime();
		assertThatIllegalStateException().isThrownBy(client::gatewayBot)
			.withMessage("Discord answered 404 Not Found to GET /gateway/bot at " + wrongVersion
					+ ": 404: Not Found");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void unreachableDiscordGivesUpAfterRetryFor(CapturedOutput output) throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		URI nowhere = URI.create("http://127.0.0.1:" + port + "/api/v10");
		DiscordRestClient client = new DiscordRestClient(nowhere, TOKEN, Duration.ofSeconds(1));
		long start = System.nanoTime();
		assertThatIllegalStateException().isThrownBy(client::gatewayBot)
			.withMessageStartingWith("Could not GET /gateway/bot from Discord at " + nowhere
					+ " (discordoo.sharding.discord.api-url) within 1s; last failure: ")
			.withMessageContaining("ConnectException: could not connect to 127.0.0.1:" + port)
			.withMessageNotContaining(TOKEN);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		assertThat(output).contains("retrying in 500ms").doesNotContain(TOKEN);
	}

	@Test
	void zeroRetryForTriesOnce() {
		this.discord.failNext(1);
		assertThatIllegalStateException().isThrownBy(() -> client(Duration.ZERO).gatewayBot())
			.withMessageEndingWith("within 0ms; last failure: 502 Bad Gateway");
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(1);
	}

	@Test
	void toStringShowsTheApiUrlButNotTheToken() {
		DiscordRestClient client = client(Duration.ofSeconds(5));
		assertThat(client.toString()).contains(this.discord.apiUrl()).doesNotContain(TOKEN);
	}

	@Test
	void rejectsInvalidArguments() {
		URI apiUrl = URI.create(this.discord.apiUrl());
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> new DiscordRestClient(apiUrl, " ", Duration.ZERO))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("discordoo.sharding.discord.token"));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> new DiscordRestClient(URI.create("/api/v10"), TOKEN, Duration.ZERO))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("discordoo.sharding.discord.api-url"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DiscordRestClient(apiUrl, TOKEN, Duration.ofSeconds(-1)))
			.withMessage("retryFor must not be negative, was PT-1S");
	}

	@Test
	void gatewayBotRejectsImpossibleValues() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new GatewayBot("wss://gateway", 0, limit(1, 1, Duration.ZERO, 1)))
			.withMessage("shards must be at least 1, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> limit(-1, 0, Duration.ZERO, 1))
			.withMessage("total must not be negative, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> limit(1, -1, Duration.ZERO, 1))
			.withMessage("remaining must not be negative, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> limit(1, 1, Duration.ZERO, 0))
			.withMessage("maxConcurrency must be at least 1, was 0");
	}

	private DiscordRestClient client(Duration retryFor) {
		return new DiscordRestClient(URI.create(this.discord.apiUrl()), TOKEN, retryFor);
	}

	private static GatewayBot.SessionStartLimit limit(int total, int remaining, Duration resetAfter,
			int maxConcurrency) {
		return new GatewayBot.SessionStartLimit(total, remaining, resetAfter, maxConcurrency);
	}

}
