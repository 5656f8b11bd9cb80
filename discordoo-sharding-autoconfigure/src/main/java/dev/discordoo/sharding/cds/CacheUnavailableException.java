package dev.discordoo.sharding.cds;

import java.io.Serial;

/**
 * Why children start without class data sharing, when it is an expected condition rather
 * than a failure: logged as its message alone.
 */
class CacheUnavailableException extends Exception {

	@Serial
	private static final long serialVersionUID = 1L;

	private final String reason;

	CacheUnavailableException(String reason) {
		super(reason);
		this.reason = reason;
	}

	String reason() {
		return this.reason;
	}

}
