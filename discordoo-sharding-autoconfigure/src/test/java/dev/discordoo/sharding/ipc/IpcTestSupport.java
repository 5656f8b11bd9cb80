package dev.discordoo.sharding.ipc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.listener.ShardMessageHandler;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

/**
 * A manager and an instance on loopback, with recording handlers.
 */
final class IpcTestSupport implements AutoCloseable {

	static final long MANAGER_PID = 4242;

	final String managerId = DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, MANAGER_PID);

	final String instanceId = DiscordooSnowflake.generate(0, MANAGER_PID);

	final String token = "test-token-0123456789abcdef0123456789abcdef";

	final IpcSettings settings;

	final FrameCodec codec = new FrameCodec();

	final IpcResources managerResources;

	final IpcResources instanceResources;

	final RecordingHandler managerSide = new RecordingHandler();

	final RecordingListener instanceSide;

	final IpcServer server;

	IpcClient client;

	IpcTestSupport(IpcSettings settings) {
		this(settings, new RecordingListener(), IpcObserver.NONE, IpcObserver.NONE);
	}

	IpcTestSupport(IpcSettings settings, RecordingListener instanceSide) {
		this(settings, instanceSide, IpcObserver.NONE, IpcObserver.NONE);
	}

	IpcTestSupport(IpcSettings settings, IpcObserver managerObserver, IpcObserver instanceObserver) {
		this(settings, new RecordingListener(), managerObserver, instanceObserver);
	}

	IpcTestSupport(IpcSettings settings, RecordingListener instanceSide, IpcObserver managerObserver,
			IpcObserver instanceObserver) {
		this(settings, instanceSide, managerObserver, new IpcResources("instance", new DefaultListableBeanFactory(),
				(event) -> {
				}, instanceObserver));
	}

	/** An instance on resources of the test's own (a timer of its own, say); closed with the rest. */
	IpcTestSupport(IpcSettings settings, IpcObserver managerObserver, IpcResources instanceResources) {
		this(settings, new RecordingListener(), managerObserver, instanceResources);
	}

	private IpcTestSupport(IpcSettings settings, RecordingListener instanceSide, IpcObserver managerObserver,
			IpcResources instanceResources) {
		this.settings = settings;
		this.instanceSide = instanceSide;
		this.managerResources = new IpcResources("manager", new DefaultListableBeanFactory(), (event) -> {
		}, managerObserver);
		this.instanceResources = instanceResources;
		this.server = new IpcServer("127.0.0.1", 0,
				new IpcServer.Credentials(this.managerId, this.instanceId, this.token, 777), settings,
				this.instanceResources, this.codec, this.instanceSide);
		this.server.start();
	}

	static IpcSettings fastSettings() {
		return IpcSettings.defaults()
			// a loss takes a second of silence: quick to test, and no false loss on a busy machine
			.withHeartbeat(Duration.ofMillis(100), 10)
			.withHandshake(Duration.ofMillis(100), Duration.ofSeconds(3), Duration.ofMillis(500))
			.withRequestTimeout(Duration.ofSeconds(5));
	}

	Payloads.Hello hello(String managerId, String token) {
		return new Payloads.Hello(managerId, DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, MANAGER_PID),
				token, this.settings.heartbeatInterval().toMillis(), List.of(0, 1), 2, 0, Payloads.VERSION);
	}

	CompletableFuture<IpcLink> connect(String managerId, String token) {
		this.client = new IpcClient("127.0.0.1", this.server.port(), this.settings, this.managerResources, this.codec);
		return this.client.connect(hello(managerId, token), this.instanceId, this.managerSide);
	}

	IpcLink connect() {
		return connect(this.managerId, this.token).join();
	}

	@Override
	public void close() {
		if (this.client != null) {
			this.client.close();
		}
		this.server.close();
		this.managerResources.close();
		this.instanceResources.close();
	}

	record Dispatch(String event, JsonNode data, String thread) {
	}

	record Loss(LinkLossCause cause, String detail) {
	}

	static class RecordingHandler implements IpcLinkHandler {

		final Queue<Dispatch> dispatches = new ConcurrentLinkedQueue<>();

		final Queue<Loss> losses = new ConcurrentLinkedQueue<>();

		final Queue<Payloads.Error> errors = new ConcurrentLinkedQueue<>();

		final Map<String, Function<JsonNode, CompletionStage<JsonNode>>> requestHandlers = new ConcurrentHashMap<>();

		/**
		 * Where dispatches and requests without a handler function also go, with the sender
		 * the manager and instance runtimes would give; none when {@code null}.
		 */
		volatile ShardMessageHandler messages;

		@Override
		public void onDispatch(IpcLink link, String event, JsonNode data) {
			this.dispatches.add(new Dispatch(event, data, Thread.currentThread().getName()));
			ShardMessageHandler messages = this.messages;
			if (messages != null) {
				messages.onDispatch(event, data, sender(link, event));
			}
		}

		@Override
		public CompletionStage<JsonNode> onRequest(IpcLink link, Payloads.Request request) {
			Function<JsonNode, CompletionStage<JsonNode>> handler = this.requestHandlers.get(request.name());
			ShardMessageHandler messages = this.messages;
			if (handler == null && messages != null) {
				return messages.onRequest(request.name(), request.payload(), sender(link, request.name()));
			}
			if (handler == null) {
				throw new RequestFailedException(ErrorCode.NO_HANDLER, "no handler for '" + request.name() + "'");
			}
			return handler.apply(request.payload());
		}

		/** The sender as the runtimes give it; the instance is the one hello(...) names. */
		private static ShardEventContext sender(IpcLink link, String event) {
			return (link.side() == IpcLink.Side.MANAGER)
					? new ShardEventContext(0, link.remoteId(), List.of(0, 1), event)
					: new ShardEventContext(null, link.remoteId(), List.of(), event);
		}

		@Override
		public void onError(IpcLink link, Payloads.Error error) {
			this.errors.add(error);
		}

		@Override
		public void onLost(IpcLink link, LinkLossCause cause, String detail) {
			this.losses.add(new Loss(cause, detail));
		}

	}

	static class RecordingListener extends RecordingHandler implements IpcServer.Listener {

		final Queue<Payloads.Hello> hellos = new ConcurrentLinkedQueue<>();

		@Override
		public void onManagerConnected(IpcLink link, Payloads.Hello hello) {
			this.hellos.add(hello);
		}

	}

}
