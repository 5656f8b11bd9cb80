package dev.discordoo.sharding.identify;

import dev.discordoo.sharding.IdentifyOutcome;

/**
 * Why a granted identify permit stopped holding its bucket.
 */
public enum PermitRelease {

	/** Reported {@link IdentifyOutcome#READY}. */
	READY,

	/** Reported {@link IdentifyOutcome#INVALID_SESSION}. */
	INVALID_SESSION,

	/** Reported {@link IdentifyOutcome#CLOSED}. */
	CLOSED,

	/** Reported {@link IdentifyOutcome#TIMED_OUT}. */
	TIMED_OUT,

	/** Nothing was reported within the permit timeout. */
	EXPIRED,

	/** The instance holding it was lost or stopped. */
	INSTANCE_GONE;

	static PermitRelease of(IdentifyOutcome outcome) {
		return switch (outcome) {
			case READY -> READY;
			case INVALID_SESSION -> INVALID_SESSION;
			case CLOSED -> CLOSED;
			case TIMED_OUT -> TIMED_OUT;
		};
	}

}
