package dev.discordoo.sharding.manager;

import java.time.Duration;

/**
 * What a {@link RestartPolicy} decided for a sharding instance that stopped unexpectedly:
 * {@link Restart restart it} after a delay, or {@link GiveUp give up} and leave it FAILED.
 */
public sealed interface RestartDecision permits RestartDecision.Restart, RestartDecision.GiveUp {

	/**
	 * Restart the instance once the delay has passed.
	 *
	 * @param delay how long to wait before spawning the instance again; not negative
	 * @param attempt the number of this restart within the policy's window, from 1
	 */
	record Restart(Duration delay, int attempt) implements RestartDecision {

		/**
		 * Create a new decision to restart.
		 * @param delay how long to wait before spawning the instance again; not negative
		 * @param attempt the number of this restart within the policy's window, from 1
		 */
		public Restart {
			if (delay == null || delay.isNegative()) {
				throw new IllegalArgumentException("delay must not be negative, was " + delay);
			}
			if (attempt < 1) {
				throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
			}
		}

	}

	/**
	 * Do not restart the instance: it becomes FAILED until restarted by hand.
	 *
	 * @param reason why, in words fit for a log line or a health detail
	 */
	record GiveUp(String reason) implements RestartDecision {

		/**
		 * Create a new decision to give up.
		 * @param reason why, in words fit for a log line or a health detail
		 */
		public GiveUp {
			if (reason == null || reason.isBlank()) {
				throw new IllegalArgumentException("reason must not be empty");
			}
		}

	}

}
