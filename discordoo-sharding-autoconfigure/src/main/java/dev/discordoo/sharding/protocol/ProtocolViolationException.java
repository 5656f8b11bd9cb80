package dev.discordoo.sharding.protocol;

/**
 * Thrown when a frame breaks the framing or envelope rules of the protocol. The receiver
 * answers with an ERROR carrying {@link #code()} and closes that connection only.
 */
public class ProtocolViolationException extends RuntimeException {

	private final String code;

	/**
	 * Create a new instance.
	 * @param code the error code sent to the peer (see {@link ErrorCode})
	 * @param message what was wrong, for the peer and the log
	 */
	public ProtocolViolationException(String code, String message) {
		super(message);
		this.code = code;
	}

	/**
	 * Create a new instance.
	 * @param code the error code sent to the peer (see {@link ErrorCode})
	 * @param message what was wrong, for the peer and the log
	 * @param cause the parser's exception
	 */
	public ProtocolViolationException(String code, String message, Throwable cause) {
		super(message, cause);
		this.code = code;
	}

	/**
	 * Return the error code sent to the peer.
	 * @return the code
	 */
	public String code() {
		return this.code;
	}

	/**
	 * Return what was wrong: always given, since the peer is told it.
	 * @return the message
	 */
	@Override
	public String getMessage() {
		return String.valueOf(super.getMessage());
	}

}
