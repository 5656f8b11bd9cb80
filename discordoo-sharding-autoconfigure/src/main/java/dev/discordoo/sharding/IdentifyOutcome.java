package dev.discordoo.sharding;

/**
 * How an identify that the manager permitted ended, as the instance reports it with
 * {@link ShardingInstance#reportIdentify(int, IdentifyOutcome)}. Any report frees the
 * shard's bucket for the next identify once the identify interval has passed.
 */
public enum IdentifyOutcome {

	/** The gateway answered READY: the session is up. */
	READY,

	/**
	 * The gateway answered INVALID_SESSION: the identify was spent for nothing (Discord still
	 * counts it against the daily budget).
	 */
	INVALID_SESSION,

	/** The gateway connection closed before READY. */
	CLOSED,

	/** The client gave up waiting for READY. */
	TIMED_OUT

}
