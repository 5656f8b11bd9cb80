package dev.discordoo.sharding.ipc;

/**
 * Thrown by a request handler, or given to a failed stage, to answer a REQUEST with an
 * error entry carrying a machine-readable code.
 */
public class RequestFailedException extends RuntimeException {

	private final String code;

	/**
	 * Create a new instance.
	 * @param code the error code (see {@link dev.discordoo.sharding.protocol.ErrorCode})
	 * @param message what failed
	 */
	public RequestFailedException(String code, String message) {
		super(message);
		this.code = code;
	}

	/**
	 * Return the error code.
	 * @return the code
	 */
	public String code() {
		return this.code;
	}

}
