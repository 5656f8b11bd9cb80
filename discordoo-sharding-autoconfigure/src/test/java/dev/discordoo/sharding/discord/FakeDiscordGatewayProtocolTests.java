package dev.discordoo.sharding.discord;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fake gateway's protocol, payload by payload, through the JDK's WebSocket client: what
 * Discord answers and how it closes on each mistake a client can make.
 */
class FakeDiscordGatewayProtocolTests {

	private static final String TOKEN = "fake-gateway-protocol-token";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final FakeDiscord discord = FakeDiscord.start(TOKEN);

	@AfterEach
	void closeDiscord() {
		this.discord.close();
	}

	@Test
	void helloThenHeartbeatAck() throws Exception {
		this.discord.heartbeatInterval(Duration.ofMillis(12_345));
		try (GatewayClient client = connect("")) {
			JsonNode hello = client.next();
			assertThat(hello.path("op").intValue()).isEqualTo(10);
			assertThat(hello.path("d").path("heartbeat_interval").intValue()).isEqualTo(12_345);
			client.send("{\"op\":1,\"d\":null}");
			assertThat(client.next().path("op").intValue()).isEqualTo(11);
			assertThat(this.discord.gatewaySessions()).singleElement()
				.satisfies((session) -> assertThat(session.heartbeats()).isEqualTo(1));
		}
	}

	@Test
	void readyListsTheShardsGuildsAndGuildCreatesFollowWithSequenceNumbers() throws Exception {
		long guildOfShard1 = 1L << 22;
		long otherGuildOfShard1 = 3L << 22;
		this.discord.shards(2).guild(guildOfShard1, "one", 5).guild(otherGuildOfShard1, "three", 7).guild(0, "zero", 1);
		try (GatewayClient client = connect("&compress=zlib-stream")) {
			assertThat(client.next().path("op").intValue()).isEqualTo(10);
			client.send(identify(TOKEN, "[1,2]", 0));
			JsonNode ready = client.next();
			assertThat(ready.path("t").asString()).isEqualTo("READY");
			assertThat(ready.path("s").intValue()).isEqualTo(1);
			JsonNode data = ready.path("d");
			assertThat(data.path("v").intValue()).isEqualTo(10);
			assertThat(data.path("session_id").asString()).isNotBlank();
			assertThat(data.path("resume_gateway_url").asString()).isEqualTo(this.discord.gatewayWebSocketUrl());
			assertThat(data.path("shard").toString()).isEqualTo("[1,2]");
			assertThat(data.path("user").path("bot").booleanValue()).isTrue();
			assertThat(data.path("guilds").toString()).isEqualTo("[{\"id\":\"" + guildOfShard1
					+ "\",\"unavailable\":true},{\"id\":\"" + otherGuildOfShard1 + "\",\"unavailable\":true}]");
			JsonNode first = client.next();
			JsonNode second = client.next();
			assertThat(first.path("t").asString()).isEqualTo("GUILD_CREATE");
			assertThat(first.path("s").intValue()).isEqualTo(2);
			assertThat(first.path("d").path("name").asString()).isEqualTo("one");
			assertThat(second.path("s").intValue()).isEqualTo(3);
			assertThat(second.path("d").path("member_count").intValue()).isEqualTo(7);
		}
		assertThat(this.discord.identifies()).singleElement().satisfies((identify) -> {
			assertThat(identify.shard()).isEqualTo(1);
			assertThat(identify.via()).isEqualTo(FakeDiscord.Via.GATEWAY);
		});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			presence update before IDENTIFY | {"op":3,"d":{}}                                  | 4003
			unknown op                      | {"op":42,"d":null}                               | 4001
			not JSON                        | hello                                            | 4002
			no op                           | {"d":null}                                       | 4002
			wrong token                     | {"op":2,"d":{"token":"nope","properties":{},"intents":0}} | 4004
			shard id not below the total    | IDENTIFY [2,2] 0                                 | 4010
			shard total above Discord's     | IDENTIFY [0,3] 0                                 | 4010
			shard total below Discord's     | IDENTIFY [0,1] 0                                 | 4011
			no shard while sharding         | IDENTIFY null 0                                  | 4011
			unknown intent                  | IDENTIFY [0,2] 1073741824                        | 4013
			privileged intent not allowed   | IDENTIFY [0,2] 2                                 | 4014
			""")
	void mistakesCloseTheConnectionWithDiscordsCode(String mistake, String payload, int code) throws Exception {
		this.discord.shards(2);
		try (GatewayClient client = connect("")) {
			client.next();
			String[] identify = payload.split(" ");
			client.send(payload.startsWith("IDENTIFY ")
					? identify(TOKEN, identify[1], Integer.parseInt(identify[2])) : payload);
			assertThat(client.closeCode()).isEqualTo(code);
		}
		assertThat(this.discord.gatewaySessions()).singleElement().satisfies((session) -> {
			assertThat(session.closedBy()).isEqualTo(FakeDiscord.ClosedBy.SERVER);
			assertThat(session.closeCode()).isEqualTo(code);
			assertThat(session.readyAtNanos()).isEqualTo(-1);
		});
		assertThat(this.discord.identifies()).isEmpty();
		assertThat(this.discord.remaining()).isEqualTo(1000);
	}

	@Test
	void allowedPrivilegedIntentIsAccepted() throws Exception {
		this.discord.allowPrivilegedIntents(FakeDiscord.GUILD_MEMBERS | FakeDiscord.MESSAGE_CONTENT);
		try (GatewayClient client = connect("")) {
			client.next();
			client.send(identify(TOKEN, "[0,1]", FakeDiscord.GUILD_MEMBERS | FakeDiscord.MESSAGE_CONTENT | 1));
			assertThat(client.next().path("t").asString()).isEqualTo("READY");
		}
	}

	@Test
	void secondIdentifyOnAConnectionIsClosedWith4005() throws Exception {
		try (GatewayClient client = connect("")) {
			client.next();
			client.send(identify(TOKEN, null, 0));
			assertThat(client.next().path("t").asString()).isEqualTo("READY");
			client.send(identify(TOKEN, null, 0));
			assertThat(client.closeCode()).isEqualTo(4005);
		}
		assertThat(this.discord.identifies()).hasSize(1);
	}

	@Test
	void wrongApiVersionIsClosedWith4012() throws Exception {
		try (GatewayClient client = new GatewayClient(this.discord.gatewayWebSocketUrl() + "/?v=9&encoding=json",
				false)) {
			assertThat(client.closeCode()).isEqualTo(4012);
		}
	}

	@Test
	void resumeOfAKnownSessionIsResumedAndOfAnEndedOneIsInvalid() throws Exception {
		String sessionId;
		try (GatewayClient client = connect("")) {
			client.next();
			client.send(identify(TOKEN, null, 0));
			sessionId = client.next().path("d").path("session_id").asString();
			// 4000: a close that keeps the session, as after a network failure
			assertThat(this.discord.closeShard(0, 4000)).isEqualTo(1);
			assertThat(client.closeCode()).isEqualTo(4000);
		}
		try (GatewayClient client = connect("&compress=zlib-stream")) {
			client.next();
			client.send(resume(TOKEN, sessionId, 2));
			assertThat(client.next().path("op").intValue()).as("a sequence past the last dispatch").isEqualTo(9);
		}
		try (GatewayClient client = connect("&compress=zlib-stream")) {
			client.next();
			client.send(resume(TOKEN, sessionId, 1));
			JsonNode resumed = client.next();
			assertThat(resumed.path("t").asString()).isEqualTo("RESUMED");
			assertThat(resumed.path("s").intValue()).isEqualTo(2);
			// Discord ends the session of a client that closes with 1000
			client.close(1000);
		}
		try (GatewayClient client = connect("")) {
			client.next();
			client.send(resume(TOKEN, sessionId, 2));
			JsonNode invalid = client.next();
			assertThat(invalid.path("op").intValue()).isEqualTo(9);
			assertThat(invalid.path("d").booleanValue()).isFalse();
		}
		assertThat(this.discord.identifies()).hasSize(1);
		assertThat(this.discord.gatewaySessions()).extracting(FakeDiscord.GatewaySession::resumed)
			.containsExactly(false, false, true, false);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.discord.gatewaySessions().get(2)).satisfies((s) -> {
			assertThat(s.closedBy()).isEqualTo(FakeDiscord.ClosedBy.CLIENT);
			assertThat(s.closeCode()).isEqualTo(1000);
		}));
	}

	@Test
	void connectionWithoutHeartbeatsTimesOutWith4009() throws Exception {
		this.discord.heartbeatInterval(Duration.ofMillis(200));
		try (GatewayClient client = connect("")) {
			client.next();
			client.send(identify(TOKEN, null, 0));
			assertThat(client.next().path("t").asString()).isEqualTo("READY");
			long readyAt = System.nanoTime();
			assertThat(client.closeCode()).isEqualTo(4009);
			// 1.5 intervals after the last heartbeat, here the HELLO
			assertThat(Duration.ofNanos(System.nanoTime() - readyAt)).isLessThan(WAIT);
		}
		assertThat(this.discord.liveSessions()).isEmpty();
	}

	@Test
	void moreThan120PayloadsAMinuteAreClosedWith4008() throws Exception {
		try (GatewayClient client = connect("")) {
			client.next();
			for (int i = 0; i < 121; i++) {
				client.send("{\"op\":1,\"d\":null}");
			}
			assertThat(client.closeCode()).isEqualTo(4008);
		}
		assertThat(this.discord.gatewaySessions()).singleElement()
			.satisfies((session) -> assertThat(session.heartbeats()).isEqualTo(120));
	}

	@Test
	void connectionDroppedWithoutACloseFrameIsRecordedAsLost() throws Exception {
		try (GatewayClient client = connect("")) {
			client.next();
			client.send(identify(TOKEN, null, 0));
			client.next();
		}
		// the client's close() drops the TCP connection, as a killed process does
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.discord.gatewaySessions()).singleElement()
			.satisfies((session) -> {
				assertThat(session.closedBy()).isEqualTo(FakeDiscord.ClosedBy.CONNECTION_LOST);
				assertThat(session.closeCode()).isEqualTo(1006);
			}));
	}

	@Test
	void gatewayAndRestStandInShareTheBucketWindow() throws Exception {
		this.discord.shards(2).maxConcurrency(1).identifyWindow(Duration.ofSeconds(30));
		HttpResponse<String> rest = this.http.send(
				HttpRequest.newBuilder(URI.create(this.discord.apiUrl() + "/fake-gateway/identify"))
					.header("Authorization", "Bot " + TOKEN)
					.POST(HttpRequest.BodyPublishers.ofString("{\"shard\":[0,2]}"))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(rest.body()).contains("READY");
		try (GatewayClient client = connect("")) {
			client.next();
			client.send(identify(TOKEN, "[1,2]", 0));
			JsonNode invalid = client.next();
			assertThat(invalid.path("op").intValue()).isEqualTo(9);
			assertThat(invalid.path("d").booleanValue()).isFalse();
		}
		assertThat(this.discord.identifies()).extracting(FakeDiscord.Identify::via)
			.containsExactly(FakeDiscord.Via.REST_STAND_IN, FakeDiscord.Via.GATEWAY);
		assertThat(this.discord.violations()).singleElement()
			.satisfies((violation) -> assertThat(violation.shard()).isEqualTo(1));
		assertThat(this.discord.remaining()).isEqualTo(998);
	}

	@Test
	void liveThroughoutSeesAGapBetweenTwoSessionsOfAShard() throws Exception {
		this.discord.identifyWindow(Duration.ZERO);
		long start;
		try (GatewayClient first = connect("")) {
			first.next();
			first.send(identify(TOKEN, null, 0));
			first.next();
			start = System.nanoTime();
			try (GatewayClient second = connect("")) {
				second.next();
				second.send(identify(TOKEN, null, 0));
				second.next();
				// two live sessions of shard 0 overlap: no gap so far
				assertThat(this.discord.liveSessions(0)).hasSize(2);
				first.close(1000);
				assertThat(this.discord.shardLiveThroughout(0, start, System.nanoTime())).isTrue();
				second.close(1000);
			}
		}
		await().atMost(WAIT).until(() -> this.discord.liveSessions().isEmpty());
		long end = System.nanoTime();
		assertThat(this.discord.shardLiveThroughout(0, start, end)).isFalse();
		assertThat(this.discord.shardLiveThroughout(1, start, start)).isFalse();
	}

	@Test
	void closeEndsEveryConnectionAsGoingAway() throws Exception {
		try (GatewayClient client = connect("")) {
			client.next();
			client.send(identify(TOKEN, null, 0));
			client.next();
			this.discord.close();
			assertThat(client.closeCode()).isEqualTo(1001);
		}
		assertThat(this.discord.gatewaySessions()).singleElement().satisfies((session) -> {
			assertThat(session.closedBy()).isEqualTo(FakeDiscord.ClosedBy.SERVER);
			assertThat(session.closeCode()).isEqualTo(1001);
		});
		// Jetty's threads, its scheduler among them, are gone (test classes run one at a time)
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
				.noneMatch((name) -> name.startsWith("fake-discord")));
	}

	private GatewayClient connect(String extraQuery) throws Exception {
		return new GatewayClient(this.discord.gatewayWebSocketUrl() + "/?v=10&encoding=json" + extraQuery,
				extraQuery.contains("zlib-stream"));
	}

	private static String identify(String token, String shard, int intents) {
		return "{\"op\":2,\"d\":{\"token\":\"" + token + "\",\"properties\":{\"os\":\"linux\",\"browser\":\"test\","
				+ "\"device\":\"test\"},\"intents\":" + intents + ((shard != null && !"null".equals(shard))
						? ",\"shard\":" + shard : "")
				+ "}}";
	}

	private static String resume(String token, String sessionId, int seq) {
		return "{\"op\":6,\"d\":{\"token\":\"" + token + "\",\"session_id\":\"" + sessionId + "\",\"seq\":" + seq
				+ "}}";
	}

	/** A bare gateway client: every payload it receives, inflated when compressed. */
	private static final class GatewayClient implements WebSocket.Listener, AutoCloseable {

		private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

		private final CompletableFuture<Integer> closed = new CompletableFuture<>();

		private final Inflater inflater;

		private final StringBuilder text = new StringBuilder();

		private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

		private final WebSocket socket;

		GatewayClient(String url, boolean compressed) throws Exception {
			this.inflater = compressed ? new Inflater() : null;
			this.socket = HttpClient.newHttpClient()
				.newWebSocketBuilder()
				.buildAsync(URI.create(url), this)
				.get(10, TimeUnit.SECONDS);
		}

		JsonNode next() throws InterruptedException {
			JsonNode payload = this.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(payload).as("a payload within %s", WAIT).isNotNull();
			return payload;
		}

		void send(String payload) {
			this.socket.sendText(payload, true).join();
		}

		int closeCode() throws Exception {
			return this.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		}

		void close(int code) {
			this.socket.sendClose(code, "test").join();
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				this.received.add(mapper.readTree(this.text.toString()));
				this.text.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
			byte[] bytes = new byte[data.remaining()];
			data.get(bytes);
			this.binary.writeBytes(bytes);
			if (last) {
				this.received.add(mapper.readTree(inflate(this.binary.toByteArray())));
				this.binary.reset();
			}
			webSocket.request(1);
			return null;
		}

		private byte[] inflate(byte[] compressed) {
			assertThat(compressed).as("ends with a sync flush").endsWith(0, 0, 0xff, 0xff);
			this.inflater.setInput(compressed);
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			try {
				int read;
				while ((read = this.inflater.inflate(buffer)) > 0) {
					out.write(buffer, 0, read);
				}
			}
			catch (DataFormatException ex) {
				throw new IllegalStateException(ex);
			}
			return out.toByteArray();
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closed.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.closed.completeExceptionally(error);
		}

		@Override
		public void close() {
			this.socket.abort();
			if (this.inflater != null) {
				this.inflater.end();
			}
		}

	}

}
