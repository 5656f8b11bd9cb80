package dev.discordoo.sharding.manager;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.discordoo.sharding.cds.ClassDataCache;
import dev.discordoo.sharding.protocol.InstanceEnvironment;

/**
 * Starts each instance as a child JVM of the same application, with the protocol's
 * environment variables, and learns its port from its {@code DISCORDOO-IPC-READY} line.
 *
 * <p>Everything a child is given beyond its command line goes into its environment, which
 * other users of the machine cannot read: the instance properties as
 * {@code SPRING_APPLICATION_JSON} (merged into one the user gave), the compact console log
 * pattern of a child whose output the manager logs again, and the stdin guard: the manager
 * holds each child's stdin open, and the child exits when it ends.
 */
public final class ProcessInstanceLauncher implements InstanceLauncher, AutoCloseable {

	/**
	 * The console log pattern of a child: level, logger and message. Its manager logs each
	 * line again with its own date, pid and thread.
	 */
	public static final String CHILD_CONSOLE_LOG_PATTERN = "%5p %-40.40logger{39} : %m%n%wEx";

	static final String SPRING_APPLICATION_JSON = "SPRING_APPLICATION_JSON";

	private static final JsonMapper json = JsonMapper.builder().build();

	private final ChildJvmCommand command;

	private final Map<String, String> environment;

	private final String host;

	private final @Nullable ClassDataCache classData;

	/**
	 * Create a launcher that gives children no extra properties.
	 * @param command the child's command line
	 * @param environment extra environment variables for every child
	 * @param host the address the children's IPC servers listen on
	 */
	public ProcessInstanceLauncher(ChildJvmCommand command, Map<String, String> environment, String host) {
		this(command, environment, Map.of(), host);
	}

	/**
	 * Create a launcher.
	 * @param command the child's command line
	 * @param environment extra environment variables for every child
	 * @param properties extra application properties for every child, passed in its
	 * environment, above a {@code SPRING_APPLICATION_JSON} given in {@code environment} or
	 * inherited from this JVM
	 * @param host the address the children's IPC servers listen on
	 * @throws IllegalArgumentException if that {@code SPRING_APPLICATION_JSON} is not a JSON
	 * object
	 */
	public ProcessInstanceLauncher(ChildJvmCommand command, Map<String, String> environment,
			Map<String, String> properties, String host) {
		this(command, environment, properties, host, null);
	}

	/**
	 * Create a launcher whose children start from a class data cache once it is ready.
	 * @param command the child's command line
	 * @param environment extra environment variables for every child
	 * @param properties extra application properties for every child, as in
	 * {@link #ProcessInstanceLauncher(ChildJvmCommand, Map, Map, String)}
	 * @param host the address the children's IPC servers listen on
	 * @param classData the class data cache of the command's jar, or {@code null} to start
	 * every child with the command as it is; closed with this launcher
	 */
	public ProcessInstanceLauncher(ChildJvmCommand command, Map<String, String> environment,
			Map<String, String> properties, String host, @Nullable ClassDataCache classData) {
		this.command = command;
		this.environment = childEnvironment(environment, properties, System.getenv(SPRING_APPLICATION_JSON));
		this.host = host;
		this.classData = classData;
	}

	/**
	 * Return the environment every child gets on top of this JVM's own, before the protocol's
	 * variables of each spawn.
	 * @param environment extra environment variables for every child
	 * @param properties extra application properties for every child
	 * @param inheritedJson the {@code SPRING_APPLICATION_JSON} of this JVM, if any
	 * @return the variables
	 * @throws IllegalArgumentException if the {@code SPRING_APPLICATION_JSON} the properties
	 * are merged into is not a JSON object
	 */
	public static Map<String, String> childEnvironment(Map<String, String> environment, Map<String, String> properties,
			@Nullable String inheritedJson) {
		Map<String, String> variables = new LinkedHashMap<>(environment);
		if (!properties.isEmpty()) {
			String given = environment.getOrDefault(SPRING_APPLICATION_JSON, inheritedJson);
			variables.put(SPRING_APPLICATION_JSON, mergeJson(given, properties));
		}
		variables.putIfAbsent(InstanceEnvironment.CONSOLE_LOG_PATTERN, CHILD_CONSOLE_LOG_PATTERN);
		variables.put(InstanceEnvironment.STDIN_GUARD, "true");
		return Map.copyOf(variables);
	}

	/**
	 * Merge properties into a {@code SPRING_APPLICATION_JSON}, flattened the way Spring Boot
	 * flattens it ({@code {"a":{"b":1}}} is {@code a.b}), so that a property given in both
	 * takes the value given here.
	 */
	private static String mergeJson(@Nullable String given, Map<String, String> properties) {
		Map<String, Object> flat = new LinkedHashMap<>();
		if (given != null && !given.isBlank()) {
			Object parsed;
			try {
				parsed = json.readValue(given, Object.class);
			}
			catch (JacksonException ex) {
				// never the value: it may hold secrets
				throw new IllegalArgumentException(SPRING_APPLICATION_JSON + " of the sharding instances is not JSON");
			}
			if (!(parsed instanceof Map<?, ?> map)) {
				throw new IllegalArgumentException(SPRING_APPLICATION_JSON + " of the sharding instances is not a JSON object");
			}
			flatten(null, map, flat);
		}
		flat.putAll(properties);
		return json.writeValueAsString(flat);
	}

	private static void flatten(@Nullable String prefix, Map<?, ?> map, Map<String, Object> flat) {
		map.forEach((key, value) -> extract(((prefix != null) ? prefix + "." : "") + key, value, flat));
	}

	private static void extract(String name, @Nullable Object value, Map<String, Object> flat) {
		if (value instanceof Map<?, ?> map && !map.isEmpty()) {
			flatten(name, map, flat);
		}
		else if (value instanceof List<?> list && !list.isEmpty()) {
			for (int index = 0; index < list.size(); index++) {
				extract(name + "[" + index + "]", list.get(index), flat);
			}
		}
		else {
			flat.put(name, value);
		}
	}

	@Override
	public LaunchedInstance launch(InstanceSpawn spawn) throws Exception {
		Map<String, String> variables = new LinkedHashMap<>(this.environment);
		// the protocol's variables win over anything a user configured under the same names
		variables.putAll(spawn.environment());
		ChildProcess child = ChildProcess.start(spawn.index(), commandLine(variables), variables);
		if (spawn.spare()) {
			child.setLabel("spare " + spawn.index());
		}
		return new LaunchedProcess(child, spawn, this.host);
	}

	/**
	 * The command of a child: from the class data cache's extracted jar with its archive
	 * once that is ready, the configured command otherwise.
	 */
	private List<String> commandLine(Map<String, String> variables) {
		ClassDataCache.Launch fast = (this.classData != null) ? this.classData.launch(variables) : null;
		if (fast == null) {
			return this.command.toCommandLine();
		}
		List<String> jvmArgs = new ArrayList<>(this.command.getJvmArgs());
		jvmArgs.addAll(fast.jvmOptions());
		return this.command.withJar(fast.jar()).withJvmArgs(jvmArgs).toCommandLine();
	}

	/**
	 * Return the class data cache children start from, if any.
	 * @return the cache, or {@code null} if children always start with the command as it is
	 */
	public @Nullable ClassDataCache getClassDataCache() {
		return this.classData;
	}

	/**
	 * Close the class data cache: a training run in progress is stopped.
	 */
	@Override
	public void close() {
		if (this.classData != null) {
			this.classData.close();
		}
	}

	@Override
	public String toString() {
		return "ProcessInstanceLauncher[" + this.command + ((this.classData != null) ? ", " + this.classData : "")
				+ "]";
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
