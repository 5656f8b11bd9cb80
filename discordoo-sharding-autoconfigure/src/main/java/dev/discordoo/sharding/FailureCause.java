package dev.discordoo.sharding;

/**
 * Why a sharding instance was lost or failed, as {@link InstanceStateChangedEvent#getCause()}
 * and {@link InstanceInfo#lastFailureCause()} tell it: a value to switch on, where the
 * reason text is for people.
 */
public enum FailureCause {

	/** The process or worker ended on its own, or before it announced its port. */
	EXITED("exited"),

	/** No heartbeat for {@code heartbeat.interval} × {@code heartbeat.tolerance}. */
	HEARTBEAT_TIMEOUT("heartbeat"),

	/** The link closed, broke the protocol, or the handshake failed. */
	LINK_LOST("link"),

	/** No IDENTIFY within {@code spawn.timeout}. */
	SPAWN_TIMEOUT("spawn-timeout"),

	/** IDENTIFIED, but not READY within {@code spawn.ready-timeout}. */
	READY_TIMEOUT("ready-timeout"),

	/** Its {@link ShardClient} failed to start. */
	CLIENT_START_FAILED("start-failed"),

	/**
	 * Discord's gateway closed one of its shards with a code no retry can fix (4004 a wrong
	 * token, 4010/4011 sharding, 4012 API version, 4013/4014 intents): the instance is FAILED
	 * at once, not restarted, so that no identify is spent on an error that would repeat.
	 */
	GATEWAY_REFUSED("gateway-refused"),

	/** It could not be launched at all (a bad command line, a worker that failed to start). */
	LAUNCH_FAILED("launch-failed"),

	/**
	 * It could not be confirmed gone after it was destroyed: it is left FAILED rather than
	 * succeeded, since a successor would run the same shards beside it.
	 */
	NOT_CONFIRMED_GONE("not-gone"),

	/** It was restarted {@code restart.max-restarts} times within {@code restart.window}. */
	CRASH_LOOP("crash-loop");

	private final String tag;

	FailureCause(String tag) {
		this.tag = tag;
	}

	/**
	 * Return the cause as a metric tag value.
	 * @return the tag, lower case
	 */
	public String tag() {
		return this.tag;
	}

}
