package dev.discordoo.sharding.protocol;

/**
 * Request names the manager answers itself, before any application handler. An application
 * handler cannot take these names.
 */
public final class ControlRequests {

	/**
	 * Which instance runs which shards. No payload; the result is
	 * {@code {"total_shards": 8, "instances": [{"index": 0, "shards": [0, 1]}, …]}}. Instances
	 * ask it once, to route to a shard or guild and to address "every other instance".
	 */
	public static final String ALLOCATION = "discordoo.allocation";

	/**
	 * What a Discord client needs to connect. No payload; the result is
	 * {@code {"url": "wss://…", "total_shards": 8, "max_concurrency": 1}}.
	 */
	public static final String GATEWAY = "discordoo.gateway";

	/**
	 * Leave to send one IDENTIFY. Payload {@code {"shard_id": 5}}; answered only once granted
	 * (which may take minutes) with {@code {"shard_id": 5, "bucket": 0, "waited_ms": 5500,
	 * "remaining": 987}} ({@code remaining} is {@code null} when the manager has no token), or
	 * refused at once with {@code SHARD_NOT_OWNED} or {@code PERMIT_PENDING}.
	 */
	public static final String IDENTIFY = "discordoo.identify";

	/**
	 * How a permitted identify ended. Payload {@code {"shard_id": 5, "outcome": "READY"}}, the
	 * outcome one of {@code READY}, {@code INVALID_SESSION}, {@code CLOSED}, {@code TIMED_OUT};
	 * the result is {@code {"shard_id": 5}}, or {@code NO_PERMIT} when the sender holds no
	 * permit for that shard.
	 */
	public static final String IDENTIFY_OUTCOME = "discordoo.identify.outcome";

	private ControlRequests() {
	}

}
