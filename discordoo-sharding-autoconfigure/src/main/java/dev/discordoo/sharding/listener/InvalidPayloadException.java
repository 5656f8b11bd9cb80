package dev.discordoo.sharding.listener;

/**
 * A payload did not bind to an annotated method's payload parameter.
 */
final class InvalidPayloadException extends Exception {

	InvalidPayloadException(String reason) {
		super(reason);
	}

}
