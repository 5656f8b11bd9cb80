package dev.discordoo.sharding.discord;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.requests.CloseCode;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder;
import net.dv8tion.jda.api.sharding.ShardManager;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import org.jspecify.annotations.NonNull;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A real, unmodified JDA against the fake Discord: REST through JDA's base URL, the gateway
 * through a session controller that hands out the fake's WebSocket URL (as the sharding
 * manager's will), no sharding manager involved.
 */
class FakeDiscordGatewayTests {

	private static final String TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GfAke.gateway-test-token";

	private static final Duration CONNECT = Duration.ofSeconds(30);

	// Guild ids whose shard ((id >> 22) % 2) is 0 and 1
	private static final long GUILD_OF_SHARD_0 = 2L << 22;

	private static final long GUILD_OF_SHARD_1 = 3L << 22;

	private final FakeDiscord discord = FakeDiscord.start(TOKEN);

	private final List<ShutdownEvent> shutdowns = new CopyOnWriteArrayList<>();

	private ShardManager shardManager;

	@AfterEach
	void stop() {
		if (this.shardManager != null) {
			this.shardManager.shutdown();
		}
		this.discord.close();
	}

	@ParameterizedTest
	@EnumSource(value = Compression.class, names = { "NONE", "ZLIB" })
	void twoShardsConnectAndAGracefulShutdownClosesTheirSessions(Compression compression) {
		this.discord.shards(2)
			.maxConcurrency(2)
			.guild(GUILD_OF_SHARD_0, "guild zero", 10)
			.guild(GUILD_OF_SHARD_1, "guild one", 20);
		this.shardManager = build(TOKEN, 2, 2, compression);
		awaitConnected(0, 1);
		assertThat(this.discord.identifies()).hasSize(2).allSatisfy((identify) -> {
			assertThat(identify.accepted()).isTrue();
			assertThat(identify.via()).isEqualTo(FakeDiscord.Via.GATEWAY);
		});
		assertThat(this.discord.identifies()).extracting(FakeDiscord.Identify::shard).containsExactlyInAnyOrder(0, 1);
		for (int shard = 0; shard < 2; shard++) {
			assertThat(this.discord.liveSessions(shard)).singleElement().satisfies((session) -> {
				assertThat(session.compressed()).isEqualTo(compression == Compression.ZLIB);
				assertThat(session.shardTotal()).isEqualTo(2);
				assertThat(session.resumed()).isFalse();
				assertThat(session.sessionId()).isNotBlank();
			});
		}
		assertThat(this.shardManager.getShardById(0).getGuildById(GUILD_OF_SHARD_0).getName()).isEqualTo("guild zero");
		assertThat(this.shardManager.getShardById(1).getGuildById(GUILD_OF_SHARD_1).getMemberCount()).isEqualTo(20);
		assertThat(this.shardManager.getShardById(0).getSelfUser().getIdLong()).isEqualTo(this.discord.botUserId());
		assertThat(this.discord.gatewayBotCalls()).isZero();
		assertThat(this.discord.restCalls()).extracting(FakeDiscord.RestCall::path)
			.contains(FakeDiscord.API_PATH + "/users/@me");

		long shutdownAt = System.nanoTime();
		this.shardManager.shutdown();
		await().atMost(CONNECT).untilAsserted(() -> assertThat(this.discord.gatewaySessions()).hasSize(2)
			.allSatisfy((session) -> {
				assertThat(session.closed()).isTrue();
				assertThat(session.closedBy()).isEqualTo(FakeDiscord.ClosedBy.CLIENT);
				assertThat(session.closeCode()).isEqualTo(1000);
				assertThat(session.closedAtNanos() - shutdownAt).isPositive();
			}));
		assertThat(this.discord.liveSessions()).isEmpty();
	}

	@Test
	void wrongTokenFailsTheLoginOverRest() {
		// With the gateway from the session controller, JDA's first REST call is its login
		// (GET /users/@me); JDA throws InvalidTokenException only from /gateway/bot
		assertThatExceptionOfType(ErrorResponseException.class)
			.isThrownBy(() -> this.shardManager = build("wrong-token", 1, 1, Compression.NONE))
			.satisfies((ex) -> assertThat(ex.getResponse().code).isEqualTo(401));
		assertThat(this.discord.restCalls()).extracting(FakeDiscord.RestCall::path)
			.containsExactly(FakeDiscord.API_PATH + "/users/@me");
		assertThat(this.discord.gatewaySessions()).isEmpty();
		assertThat(this.discord.identifies()).isEmpty();
	}

	@Test
	void tokenTheGatewayRefusesShutsTheShardDownWith4004() {
		this.discord.gatewayToken("a-token-reset-after-the-rest-login");
		this.shardManager = build(TOKEN, 1, 1, Compression.ZLIB);
		await().atMost(CONNECT).until(() -> !this.shutdowns.isEmpty());
		assertThat(this.shutdowns).singleElement().satisfies((event) -> {
			assertThat(event.getCode()).isEqualTo(4004);
			assertThat(event.getCloseCode()).isEqualTo(CloseCode.AUTHENTICATION_FAILED);
		});
		// the refused IDENTIFY still names its shard
		assertThat(this.discord.gatewaySessions(0)).singleElement().satisfies((session) -> {
			assertThat(session.closedBy()).isEqualTo(FakeDiscord.ClosedBy.SERVER);
			assertThat(session.closeCode()).isEqualTo(4004);
			assertThat(session.readyAtNanos()).isEqualTo(-1);
		});
		assertThat(this.discord.identifies()).isEmpty();
	}

	@Test
	void disallowedIntentsCloseShutsTheShardDown() {
		this.discord.shards(2).maxConcurrency(2);
		this.shardManager = build(TOKEN, 2, 2, Compression.NONE);
		awaitConnected(0, 1);
		assertThat(this.discord.closeShard(1, 4014)).isEqualTo(1);
		await().atMost(CONNECT).until(() -> !this.shutdowns.isEmpty());
		assertThat(this.shutdowns).singleElement().satisfies((event) -> {
			assertThat(event.getJDA().getShardInfo().getShardId()).isEqualTo(1);
			assertThat(event.getCloseCode()).isEqualTo(CloseCode.DISALLOWED_INTENTS);
		});
		assertThat(this.discord.liveSessions()).extracting(FakeDiscord.GatewaySession::shard).containsExactly(0);
		assertThat(this.discord.gatewaySessions(1)).singleElement().satisfies((session) -> {
			assertThat(session.closedBy()).isEqualTo(FakeDiscord.ClosedBy.SERVER);
			assertThat(session.closeCode()).isEqualTo(4014);
		});
		assertThat(this.discord.identifies()).hasSize(2);
	}

	@Test
	void reconnectRequestIsResumedWithoutIdentify() {
		this.discord.shards(2).maxConcurrency(2);
		this.shardManager = build(TOKEN, 2, 2, Compression.ZLIB);
		awaitConnected(0, 1);
		String sessionId = this.discord.liveSessions(0).get(0).sessionId();
		assertThat(this.discord.requestReconnect(0)).isEqualTo(1);
		await().atMost(CONNECT).untilAsserted(() -> assertThat(this.discord.liveSessions(0)).singleElement()
			.satisfies((session) -> {
				assertThat(session.resumed()).isTrue();
				assertThat(session.sessionId()).isEqualTo(sessionId);
			}));
		awaitConnected(0);
		assertThat(this.discord.gatewaySessions(0)).first().satisfies((first) -> {
			assertThat(first.closedBy()).isEqualTo(FakeDiscord.ClosedBy.CLIENT);
			assertThat(first.closeCode()).isNotIn(1000, 1001);
		});
		assertThat(this.discord.identifies()).hasSize(2);
	}

	@Test
	void identifiesTooFastInOneBucketAreRefusedWithInvalidSession() {
		// the session controller believes in 2 buckets, Discord knows only 1
		this.discord.shards(2).maxConcurrency(1).identifyWindow(Duration.ofSeconds(5));
		this.shardManager = build(TOKEN, 2, 2, Compression.NONE);
		await().atMost(CONNECT).until(() -> !this.discord.violations().isEmpty());
		assertThat(this.discord.violations()).singleElement().satisfies((violation) -> {
			assertThat(violation.bucket()).isZero();
			assertThat(violation.via()).isEqualTo(FakeDiscord.Via.GATEWAY);
		});
		// JDA drops the refused connection itself and ends its session attempt with 1000
		await().atMost(CONNECT)
			.untilAsserted(() -> assertThat(this.discord.gatewaySessions())
				.anySatisfy((session) -> assertThat(session.readyAtNanos()).isEqualTo(-1))
				.filteredOn((session) -> session.readyAtNanos() == -1)
				.allSatisfy((session) -> assertThat(session.closedBy()).isEqualTo(FakeDiscord.ClosedBy.CLIENT)));
	}

	@Test
	void heartbeatsAreAcknowledgedAndCounted() {
		// Without the 4009 deadline (tested on its own): on a loaded machine a heartbeat 100ms
		// late must not end the session here. A missed ACK would: JDA reconnects after two
		this.discord.heartbeatInterval(Duration.ofMillis(200)).heartbeatTimeout(false);
		this.shardManager = build(TOKEN, 1, 1, Compression.ZLIB);
		awaitConnected(0);
		await().atMost(CONNECT)
			.untilAsserted(() -> assertThat(this.discord.liveSessions(0)).singleElement()
				.satisfies((session) -> assertThat(session.heartbeats()).isGreaterThanOrEqualTo(5)));
		assertThat(this.shardManager.getShardById(0).getStatus()).isEqualTo(JDA.Status.CONNECTED);
		assertThat(this.discord.gatewaySessions()).hasSize(1);
	}

	private void awaitConnected(int... shards) {
		await().atMost(CONNECT).untilAsserted(() -> {
			for (int shard : shards) {
				JDA jda = this.shardManager.getShardById(shard);
				assertThat(jda).isNotNull();
				assertThat(jda.getStatus()).isEqualTo(JDA.Status.CONNECTED);
			}
		});
	}

	private ShardManager build(String token, int shards, int concurrency, Compression compression) {
		return DefaultShardManagerBuilder.createLight(token)
			.setRestConfig(new RestConfig().setBaseUrl(this.discord.apiUrl() + "/"))
			.setSessionController(new FakeGatewaySessionController(this.discord.gatewayWebSocketUrl(), shards,
					concurrency))
			.setShardsTotal(shards)
			.setShards(0, shards - 1)
			.setCompression(compression)
			.addEventListeners(new ListenerAdapter() {
				@Override
				public void onShutdown(@NonNull ShutdownEvent event) {
					FakeDiscordGatewayTests.this.shutdowns.add(event);
				}
			})
			.build();
	}

	/**
	 * JDA's own session controller, with the gateway it would fetch from
	 * {@code /gateway/bot} given instead, as the sharding manager hands it out.
	 */
	private static final class FakeGatewaySessionController extends ConcurrentSessionController {

		private final String url;

		private final int shards;

		private final int concurrency;

		FakeGatewaySessionController(String url, int shards, int concurrency) {
			this.url = url;
			this.shards = shards;
			this.concurrency = concurrency;
		}

		@Override
		public @NonNull String getGateway() {
			return this.url;
		}

		@Override
		public @NonNull ShardedGateway getShardedGateway(@NonNull JDA api) {
			return new ShardedGateway(this.url, this.shards, this.concurrency);
		}

	}

}
