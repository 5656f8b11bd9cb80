package dev.discordoo.sharding.ipc;

/**
 * A manager's handshake with an instance failed: no IDENTIFY within the spawn timeout,
 * an INVALID_SESSION, or an IDENTIFY from the wrong instance.
 */
public class HandshakeException extends RuntimeException {

	/**
	 * Create a new instance.
	 * @param message what failed
	 */
	public HandshakeException(String message) {
		super(message);
	}

}
