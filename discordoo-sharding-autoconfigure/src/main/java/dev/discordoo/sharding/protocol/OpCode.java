package dev.discordoo.sharding.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The op codes of the sharding IPC protocol, version 1. Ops 0, 1, 2, 4, 5 and 6 keep the
 * numbers of the original TypeScript design.
 */
public enum OpCode {

	/** An event; {@code t} names it. Both directions. */
	DISPATCH(0),

	/** The instance answers a valid HELLO. Instance to manager. */
	IDENTIFY(1),

	/** The manager opens a session. Manager to instance. */
	HELLO(2),

	/** Reserved for cache operations: recognised, not supported. */
	CACHE_OPERATION(3),

	/** Something went wrong. Both directions. */
	ERROR(4),

	/** Reserved for a global rate-limit emergency: recognised, not supported. */
	GLOBAL_RATE_LIMIT(5),

	/** The instance refuses a HELLO. Instance to manager. */
	INVALID_SESSION(6),

	/** Instance to manager, every heartbeat interval. */
	HEARTBEAT(7),

	/** Manager to instance, answering a HEARTBEAT at once. */
	HEARTBEAT_ACK(8),

	/** Ask named handlers to run. Both directions. */
	REQUEST(9),

	/** Answer a REQUEST. Both directions. */
	RESPONSE(10);

	private static final OpCode[] BY_CODE = new OpCode[11];

	static {
		for (OpCode op : values()) {
			BY_CODE[op.code] = op;
		}
	}

	private final int code;

	OpCode(int code) {
		this.code = code;
	}

	/**
	 * Return the number of this op on the wire.
	 * @return the op code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return whether this op is reserved: its number is taken, but version 1 gives it no
	 * meaning.
	 * @return whether the op is reserved
	 */
	public boolean isReserved() {
		return this == CACHE_OPERATION || this == GLOBAL_RATE_LIMIT;
	}

	/**
	 * Find the op with a given number.
	 * @param code the number on the wire
	 * @return the op, or {@code null} when the number is unknown
	 */
	public static @Nullable OpCode of(int code) {
		return (code >= 0 && code < BY_CODE.length) ? BY_CODE[code] : null;
	}

}
