package dev.discordoo.sharding.protocol;

/**
 * The reserved DISPATCH event names. Any other name is an application event.
 */
public final class ControlEvents {

	/** Instance to manager: every local shard is ready. {@code d: {shards}} */
	public static final String CONNECTED = "CONNECTED";

	/** Manager to instance: stop; the instance echoes it, stops its client and exits. */
	public static final String DESTROYING = "DESTROYING";

	/** Free-form text: {@code d: {message, from}}. */
	public static final String MESSAGE = "MESSAGE";

	/** Manager to instance: it is about to be restarted. */
	public static final String RESTARTING = "RESTARTING";

	/** Manager to instance: new {@code shards} and {@code total_shards}. */
	public static final String RESTRUCTURING = "RESTRUCTURING";

	private ControlEvents() {
	}

	/**
	 * Return whether an event name is reserved by the protocol.
	 * @param event the name
	 * @return whether it is reserved
	 */
	public static boolean isReserved(String event) {
		return CONNECTED.equals(event) || DESTROYING.equals(event) || MESSAGE.equals(event)
				|| RESTARTING.equals(event) || RESTRUCTURING.equals(event);
	}

}
