package dev.discordoo.sharding.protocol;

/**
 * The environment variables a manager starts an instance with. An application started with
 * them is a sharding instance, whoever started it.
 */
public final class InstanceEnvironment {

	/** The manager's snowflake; a HELLO must carry it. */
	public static final String MANAGER_ID = "DISCORDOO_SHARDING_MANAGER_ID";

	/** The instance's own snowflake, fresh for every spawn. */
	public static final String INSTANCE_ID = "DISCORDOO_SHARDING_INSTANCE_ID";

	/** The instance index. */
	public static final String INSTANCE_INDEX = "DISCORDOO_SHARDING_INSTANCE_INDEX";

	/** The per-spawn secret (at least 128 bits); never logged, never on a command line. */
	public static final String TOKEN = "DISCORDOO_SHARDING_TOKEN";

	/**
	 * Not part of the wire protocol: set (to {@code true}) for in-JVM workers, which close
	 * their context instead of exiting the JVM.
	 */
	public static final String WORKER = "DISCORDOO_SHARDING_WORKER";

	/**
	 * Not part of the wire protocol: set (to {@code true}) for a spare, started ahead of need.
	 * A spare waits for its manager's HELLO without the spawn timeout (it still dies with its
	 * manager) and takes its instance index from that HELLO.
	 */
	public static final String SPARE = "DISCORDOO_SHARDING_SPARE";

	/**
	 * Not part of the wire protocol: set (to {@code true}) by a manager that holds the child's
	 * stdin open and never writes to it. The instance exits when its stdin ends: the manager
	 * is gone, whatever became of its pid. Without it an instance leaves its stdin alone, so
	 * that one started by hand with stdin at its end (a service, {@code nohup}) is not ended.
	 */
	public static final String STDIN_GUARD = "DISCORDOO_SHARDING_STDIN_GUARD";

	/**
	 * Not part of the wire protocol: the console log pattern of a child whose output its
	 * manager logs again (with its own date, pid and thread). The instance uses it below every
	 * other source of {@code logging.pattern.console}, so a pattern the user gives still wins.
	 */
	public static final String CONSOLE_LOG_PATTERN = "DISCORDOO_SHARDING_CONSOLE_LOG_PATTERN";

	/** The line an instance prints on stdout once it listens: {@code READY_LINE_PREFIX port=<port> id=<id>}. */
	public static final String READY_LINE_PREFIX = "DISCORDOO-IPC-READY";

	private InstanceEnvironment() {
	}

}
