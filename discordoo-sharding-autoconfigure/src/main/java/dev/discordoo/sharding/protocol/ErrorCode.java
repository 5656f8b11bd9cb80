package dev.discordoo.sharding.protocol;

/**
 * The {@code code}s of ERROR packets and of error entries in RESPONSE packets.
 */
public final class ErrorCode {

	/** A frame broke the framing or envelope rules; the connection is closed. */
	public static final String PROTOCOL_VIOLATION = "PROTOCOL_VIOLATION";

	/** A frame's length was below 2 or above the receiver's max frame size. */
	public static final String FRAME_TOO_LARGE = "FRAME_TOO_LARGE";

	/** A packet other than HELLO came before a valid HELLO. */
	public static final String NOT_AUTHENTICATED = "NOT_AUTHENTICATED";

	/** No valid HELLO came within the handshake timeout. */
	public static final String HANDSHAKE_TIMEOUT = "HANDSHAKE_TIMEOUT";

	/** The server had too many connections waiting for HELLO. */
	public static final String TOO_MANY_CONNECTIONS = "TOO_MANY_CONNECTIONS";

	/** A reserved op (3 or 5) came; version 1 gives it no meaning. */
	public static final String UNSUPPORTED_OP = "UNSUPPORTED_OP";

	/** A packet's {@code d} did not have the fields its op requires. */
	public static final String INVALID_PAYLOAD = "INVALID_PAYLOAD";

	/** The local client (the bot) failed to start; the instance exits. */
	public static final String CLIENT_START_FAILED = "CLIENT_START_FAILED";

	/**
	 * Discord's gateway closed a shard with a code no retry can fix (a wrong token, an invalid
	 * shard, disallowed intents); the instance exits and is not restarted.
	 */
	public static final String GATEWAY_REFUSED = "GATEWAY_REFUSED";

	/** A request named no handler on the receiving side. */
	public static final String NO_HANDLER = "NO_HANDLER";

	/** A request's handler threw. */
	public static final String HANDLER_FAILED = "HANDLER_FAILED";

	/** A request was not answered in time. */
	public static final String TIMEOUT = "TIMEOUT";

	/** A request's target had no live link. */
	public static final String NOT_CONNECTED = "NOT_CONNECTED";

	/** An identify permit was asked for a shard the asking instance does not run. */
	public static final String SHARD_NOT_OWNED = "SHARD_NOT_OWNED";

	/** An identify permit was asked for a shard that already has one waiting or held. */
	public static final String PERMIT_PENDING = "PERMIT_PENDING";

	/** An identify outcome was reported for a shard the sender holds no permit for. */
	public static final String NO_PERMIT = "NO_PERMIT";

	/**
	 * A relay's target had too many bytes waiting to be written to it (it is slow or frozen):
	 * nothing was sent to it.
	 */
	public static final String BACKLOGGED = "BACKLOGGED";

	/** The link closed while a request was pending. */
	public static final String LINK_LOST = "LINK_LOST";

	private ErrorCode() {
	}

}
