package dev.discordoo.sharding.manager;

import java.time.Duration;

/**
 * How a manager paces spawns and stops.
 *
 * @param spawnDelay the least time between two spawns
 * @param spawnConcurrency how many instances may be starting (not yet identified) at once
 * @param shutdownTimeout how long an instance may take to stop gracefully before it is
 * destroyed forcibly, and then to be gone after that
 * @param readyTimeout how long an instance's local client may take from IDENTIFY to READY
 * @param overlapRestarts whether a restart by hand of a READY instance starts its successor
 * first and stops it only once the successor is READY
 */
public record ManagerSettings(Duration spawnDelay, int spawnConcurrency, Duration shutdownTimeout,
		Duration readyTimeout, boolean overlapRestarts) {

	/**
	 * Settings without overlapped restarts.
	 * @param spawnDelay the least time between two spawns
	 * @param spawnConcurrency how many instances may be starting at once
	 * @param shutdownTimeout how long an instance may take to stop gracefully
	 * @param readyTimeout how long an instance's local client may take from IDENTIFY to READY
	 */
	public ManagerSettings(Duration spawnDelay, int spawnConcurrency, Duration shutdownTimeout,
			Duration readyTimeout) {
		this(spawnDelay, spawnConcurrency, shutdownTimeout, readyTimeout, false);
	}

	/**
	 * Validate the settings.
	 */
	public ManagerSettings {
		if (spawnDelay == null || spawnDelay.isNegative()) {
			throw new IllegalArgumentException("spawnDelay must not be negative, was " + spawnDelay);
		}
		if (spawnConcurrency < 1) {
			throw new IllegalArgumentException("spawnConcurrency must be at least 1, was " + spawnConcurrency);
		}
		if (shutdownTimeout == null || shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
			throw new IllegalArgumentException("shutdownTimeout must be positive, was " + shutdownTimeout);
		}
		if (readyTimeout == null || readyTimeout.isNegative() || readyTimeout.isZero()) {
			throw new IllegalArgumentException("readyTimeout must be positive, was " + readyTimeout);
		}
	}

}
