package dev.discordoo.sharding.ipc;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.ShardEventListener;
import dev.discordoo.sharding.ShardRequestHandler;
import dev.discordoo.sharding.listener.AnnotatedShardMessageHandler;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.Payloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link AnnotatedShardMessageHandler} behind a real manager-instance link on
 * loopback.
 */
class AnnotatedShardMessageHandlerIpcTests {

	private final IpcTestSupport ipc = new IpcTestSupport(IpcTestSupport.fastSettings());

	private final AnnotationConfigApplicationContext managerContext = side(ManagerBeans.class);

	private final AnnotationConfigApplicationContext instanceContext = side(InstanceBeans.class);

	private IpcLink managerLink;

	private IpcLink instanceLink;

	@AfterEach
	void close() {
		this.ipc.close();
		this.managerContext.close();
		this.instanceContext.close();
	}

	@Test
	void dispatchesReachAnnotatedListenersWithTheBoundPayloadAndTheSender() {
		connect();
		this.managerLink.dispatch("GUILD_COUNT_REQUESTED", new ShardQuery(List.of(0, 1)));
		this.instanceLink.dispatch("GUILD_COUNT", new GuildCount(1200, 1));
		InstanceBeans instance = this.instanceContext.getBean(InstanceBeans.class);
		ManagerBeans manager = this.managerContext.getBean(ManagerBeans.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> !instance.queries.isEmpty() && !manager.counts.isEmpty());
		assertThat(instance.queries).singleElement().satisfies((received) -> {
			assertThat(received.query()).isEqualTo(new ShardQuery(List.of(0, 1)));
			assertThat(received.sender().fromManager()).isTrue();
			assertThat(received.sender().senderId()).isEqualTo(this.ipc.managerId);
		});
		assertThat(manager.counts).singleElement().satisfies((received) -> {
			assertThat(received.count()).isEqualTo(new GuildCount(1200, 1));
			assertThat(received.sender().instanceIndex()).isZero();
			assertThat(received.sender().senderId()).isEqualTo(this.ipc.instanceId);
			assertThat(received.sender().shards()).containsExactly(0, 1);
		});
	}

	@Test
	void requestsAreAnsweredByAnnotatedHandlersInBothDirections() {
		connect();
		Payloads.Response counted = this.managerLink.request("guild-count", new ShardQuery(List.of(1)), null, null)
			.join();
		assertThat(counted.ok()).isTrue();
		assertThat(counted.result().get("guilds").intValue()).isEqualTo(600);
		assertThat(counted.result().get("shard").intValue()).isEqualTo(1);
		Payloads.Response version = this.instanceLink.request("version", null, null, null).join();
		assertThat(version.ok()).isTrue();
		assertThat(version.result().stringValue()).isEqualTo("manager of " + this.ipc.instanceId);
	}

	@Test
	void failingUnknownAndUnbindableRequestsGetErrorEntries() {
		connect();
		Payloads.Response failed = this.managerLink.request("fail", null, null, null).join();
		assertThat(failed.ok()).isFalse();
		assertThat(failed.error()).isEqualTo(
				new Payloads.ResponseError("IllegalStateException", "no guilds today", ErrorCode.HANDLER_FAILED));
		Payloads.Response unknown = this.managerLink.request("nope", null, null, null).join();
		assertThat(unknown.error().code()).isEqualTo(ErrorCode.NO_HANDLER);
		assertThat(unknown.error().message()).isEqualTo("no request handler named 'nope'");
		Payloads.Response unbindable = this.managerLink.request("guild-count", "not a query", null, null).join();
		assertThat(unbindable.error().code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
		assertThat(unbindable.error().message())
			.startsWith("request 'guild-count': payload does not bind to ShardQuery");
	}

	private void connect() {
		this.ipc.managerSide.messages = this.managerContext.getBean(AnnotatedShardMessageHandler.class);
		this.ipc.instanceSide.messages = this.instanceContext.getBean(AnnotatedShardMessageHandler.class);
		this.managerLink = this.ipc.connect();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.ipc.server.managerLink() != null);
		this.instanceLink = this.ipc.server.managerLink();
	}

	private AnnotationConfigApplicationContext side(Class<?> beans) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.registerBean(AnnotatedShardMessageHandler.class,
				() -> new AnnotatedShardMessageHandler(this.ipc.codec.mapper()));
		context.register(beans);
		context.refresh();
		return context;
	}

	record GuildCount(int guilds, int shard) {
	}

	record ShardQuery(List<Integer> shards) {
	}

	record ReceivedQuery(ShardQuery query, ShardEventContext sender) {
	}

	record ReceivedCount(GuildCount count, ShardEventContext sender) {
	}

	static class InstanceBeans {

		final Queue<ReceivedQuery> queries = new ConcurrentLinkedQueue<>();

		@ShardEventListener("GUILD_COUNT_REQUESTED")
		void onQuery(ShardEventContext sender, ShardQuery query) {
			this.queries.add(new ReceivedQuery(query, sender));
		}

		@ShardRequestHandler("guild-count")
		GuildCount guildCount(ShardQuery query) {
			int shard = query.shards().get(0);
			return new GuildCount(600 * shard, shard);
		}

		@ShardRequestHandler("fail")
		GuildCount fail() {
			throw new IllegalStateException("no guilds today");
		}

	}

	static class ManagerBeans {

		final Queue<ReceivedCount> counts = new ConcurrentLinkedQueue<>();

		@ShardEventListener("GUILD_COUNT")
		void onCount(GuildCount count, ShardEventContext sender) {
			this.counts.add(new ReceivedCount(count, sender));
		}

		@ShardRequestHandler("version")
		String version(ShardEventContext sender) {
			return "manager of " + sender.senderId();
		}

	}

}
