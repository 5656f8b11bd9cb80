package dev.discordoo.sharding.testbot;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;

import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.instance.InstanceIdentity;
import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.ipc.IpcClient;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.IpcLinkHandler;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.ipc.LinkLossCause;
import dev.discordoo.sharding.listener.ShardMessageHandler;
import dev.discordoo.sharding.manager.InstanceLauncher;
import dev.discordoo.sharding.manager.LaunchedInstance;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

/**
 * Sharding instances as plain {@link InstanceRuntime}s in the test JVM, on loopback, without
 * a child process or a Spring context of their own: a launcher for a real manager, or single
 * runtimes linked to an {@link IpcClient} playing the manager. Closing stops them all.
 */
public final class InProcessInstances implements AutoCloseable {

	/**
	 * Heartbeats fast enough for tests to see several, with a tolerance (5 s) that a loaded
	 * machine cannot exceed by accident.
	 */
	public static final IpcSettings SETTINGS = IpcSettings.defaults()
		.withHeartbeat(Duration.ofMillis(100), 50)
		.withHandshake(Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(5))
		.withRequestTimeout(Duration.ofSeconds(5));

	private static final long MANAGER_PID = ProcessHandle.current().pid();

	private final IpcResources instanceResources = new IpcResources("test-instance");

	private final IpcResources managerResources = new IpcResources("test-manager");

	private final FrameCodec codec = new FrameCodec();

	private final Queue<InstanceRuntime> runtimes = new ConcurrentLinkedQueue<>();

	private final Queue<IpcClient> clients = new ConcurrentLinkedQueue<>();

	/**
	 * Return a launcher whose instances are runtimes in this JVM, ready as soon as linked.
	 * @return the launcher
	 */
	public InstanceLauncher launcher() {
		return (spawn) -> {
			CompletableFuture<String> exit = new CompletableFuture<>();
			InstanceRuntime runtime = runtime(new InstanceIdentity(spawn.managerId(), spawn.instanceId(), spawn.index(),
					spawn.token(), true, spawn.spare()), exit);
			return new LaunchedRuntime(runtime, exit);
		};
	}

	/**
	 * Start an instance runtime that no manager has linked yet.
	 * @param index the instance index
	 * @return the running runtime, with the identity a manager must present
	 */
	public InstanceRuntime runtime(int index) {
		String managerId = DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, MANAGER_PID);
		String instanceId = DiscordooSnowflake.generate(index, MANAGER_PID);
		return runtime(new InstanceIdentity(managerId, instanceId, index, "test-token-0123456789abcdef0123456789",
				true, false), new CompletableFuture<>());
	}

	/**
	 * Link a runtime to a manager played by an {@link IpcClient} of this support.
	 * @param runtime the runtime
	 * @param shards the shards the manager assigns
	 * @return the manager's end of the link
	 */
	public IpcLink link(InstanceRuntime runtime, List<Integer> shards) {
		InstanceIdentity identity = runtime.identity();
		IpcClient client = new IpcClient("127.0.0.1", runtime.port(), SETTINGS, this.managerResources, this.codec);
		this.clients.add(client);
		Payloads.Hello hello = new Payloads.Hello(identity.managerId(),
				DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, MANAGER_PID), identity.token(),
				SETTINGS.heartbeatInterval().toMillis(), shards,
				shards.stream().mapToInt(Integer::intValue).max().orElse(0) + 1, identity.index(), Payloads.VERSION);
		return client.connect(hello, identity.instanceId(), new SilentManager()).join();
	}

	private InstanceRuntime runtime(InstanceIdentity identity, CompletableFuture<String> exit) {
		InstanceRuntime runtime = new InstanceRuntime(identity, "127.0.0.1", 0, SETTINGS, this.instanceResources,
				this.codec, null, ShardMessageHandler.NONE, (port, id) -> {
				}, (code) -> exit.complete("exit code " + code));
		runtime.start();
		this.runtimes.add(runtime);
		return runtime;
	}

	@Override
	public void close() {
		this.clients.forEach(IpcClient::close);
		this.runtimes.forEach(InstanceRuntime::stop);
		this.managerResources.close();
		this.instanceResources.close();
	}

	private static final class LaunchedRuntime implements LaunchedInstance {

		private final InstanceRuntime runtime;

		private final CompletableFuture<String> exit;

		LaunchedRuntime(InstanceRuntime runtime, CompletableFuture<String> exit) {
			this.runtime = runtime;
			this.exit = exit;
		}

		@Override
		public long pid() {
			return ProcessHandle.current().pid();
		}

		@Override
		public CompletableFuture<InetSocketAddress> endpoint() {
			return CompletableFuture.completedFuture(new InetSocketAddress("127.0.0.1", this.runtime.port()));
		}

		@Override
		public CompletableFuture<String> onExit() {
			return this.exit.copy();
		}

		@Override
		public void destroyGracefully() {
			destroyForcibly();
		}

		@Override
		public void destroyForcibly() {
			this.runtime.stop();
			this.exit.complete("destroyed");
		}

	}

	/** A manager end that answers nothing and records nothing. */
	private static final class SilentManager implements IpcLinkHandler {

		@Override
		public void onDispatch(IpcLink link, String event, JsonNode data) {
		}

		@Override
		public CompletionStage<JsonNode> onRequest(IpcLink link, Payloads.Request request) {
			return CompletableFuture.failedFuture(new IllegalStateException("no requests here"));
		}

		@Override
		public void onLost(IpcLink link, LinkLossCause cause, String detail) {
		}

	}

}
