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

	private ControlRequests() {
	}

}
