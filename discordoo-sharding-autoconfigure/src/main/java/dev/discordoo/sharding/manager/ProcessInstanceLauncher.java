package dev.discordoo.sharding.manager;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Starts each instance as a child JVM of the same application, with the protocol's
 * environment variables, and learns its port from its {@code DISCORDOO-IPC-READY} line.
 */
public final class ProcessInstanceLauncher implements InstanceLauncher {

	private final ChildJvmCommand command;

	private final Map<String, String> environment;

	private final String host;

	/**
	 * Create a launcher.
	 * @param command the child's command line
	 * @param environment extra environment variables for every child
	 * @param host the address the children's IPC servers listen on
	 */
	public ProcessInstanceLauncher(ChildJvmCommand command, Map<String, String> environment, String host) {
		this.command = command;
		this.environment = Map.copyOf(environment);
		this.host = host;
	}

	@Override
	public LaunchedInstance launch(InstanceSpawn spawn) throws Exception {
		Map<String, String> variables = new LinkedHashMap<>(this.environment);
		// the protocol's variables win over anything a user configured under the same names
		variables.putAll(spawn.environment());
		ChildProcess child = ChildProcess.start(spawn.index(), this.command.toCommandLine(), variables);
		if (spawn.spare()) {
			child.setLabel("spare " + spawn.index());
		}
		return new LaunchedProcess(child, spawn, this.host);
	}

	@Override
	public String toString() {
		return "ProcessInstanceLauncher[" + this.command + "]";
	}

	private record LaunchedProcess(ChildProcess child, InstanceSpawn spawn, String host) implements LaunchedInstance {

		@Override
		public long pid() {
			return this.child.pid();
		}

		@Override
		public CompletableFuture<InetSocketAddress> endpoint() {
			return this.child.ready().thenApply((ready) -> {
				if (!this.spawn.instanceId().equals(ready.id())) {
					throw new IllegalStateException("instance " + this.spawn.index() + " announced id " + ready.id()
							+ ", expected " + this.spawn.instanceId());
				}
				return new InetSocketAddress(this.host, ready.port());
			});
		}

		@Override
		public CompletableFuture<String> onExit() {
			return this.child.onExit().thenApply((code) -> "process " + this.child.pid() + " exited with code " + code);
		}

		@Override
		public void destroyGracefully() {
			this.child.destroyGracefully();
		}

		@Override
		public void destroyForcibly() {
			this.child.destroyForcibly();
		}

		@Override
		public void assignedTo(int index) {
			this.child.setLabel("instance " + index);
		}

	}

}
