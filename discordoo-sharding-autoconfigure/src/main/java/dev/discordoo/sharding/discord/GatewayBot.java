package dev.discordoo.sharding.discord;

import java.time.Duration;

/**
 * Discord's answer to {@code GET /gateway/bot}: where the gateway is, how many shards Discord
 * recommends, and how many sessions the bot may still start.
 *
 * @param url the WebSocket URL of the gateway
 * @param shards the number of shards Discord recommends; at least 1
 * @param sessionStartLimit the bot's session start budget
 */
public record GatewayBot(String url, int shards, SessionStartLimit sessionStartLimit) {

	/**
	 * Create a validated answer.
	 * @param url the WebSocket URL of the gateway; not empty
	 * @param shards the number of shards Discord recommends; at least 1
	 * @param sessionStartLimit the bot's session start budget; not null
	 * @throws IllegalArgumentException if a value is out of range
	 */
	public GatewayBot {
		if (url == null || url.isBlank()) {
			throw new IllegalArgumentException("url must not be empty");
		}
		if (shards < 1) {
			throw new IllegalArgumentException("shards must be at least 1, was " + shards);
		}
		if (sessionStartLimit == null) {
			throw new IllegalArgumentException("sessionStartLimit must not be null");
		}
	}

	/**
	 * The {@code session_start_limit} of the answer. Discord lets a bot start (IDENTIFY)
	 * {@code total} sessions per day; once {@code remaining} reaches zero, a further IDENTIFY
	 * resets the bot's token.
	 *
	 * @param total the number of session starts allowed per day; not negative
	 * @param remaining the number of session starts left until the budget resets; not
	 * negative
	 * @param resetAfter the time until {@code remaining} goes back to {@code total}; not
	 * negative
	 * @param maxConcurrency the number of shards that may IDENTIFY at once, one per bucket of
	 * {@code shardId % maxConcurrency}; at least 1
	 */
	public record SessionStartLimit(int total, int remaining, Duration resetAfter, int maxConcurrency) {

		/**
		 * Create a validated session start limit.
		 * @param total the number of session starts allowed per day; not negative
		 * @param remaining the number of session starts left; not negative
		 * @param resetAfter the time until the budget resets; not negative
		 * @param maxConcurrency the number of shards that may IDENTIFY at once; at least 1
		 * @throws IllegalArgumentException if a value is out of range
		 */
		public SessionStartLimit {
			if (total < 0) {
				throw new IllegalArgumentException("total must not be negative, was " + total);
			}
			if (remaining < 0) {
				throw new IllegalArgumentException("remaining must not be negative, was " + remaining);
			}
			if (resetAfter == null || resetAfter.isNegative()) {
				throw new IllegalArgumentException("resetAfter must not be negative, was " + resetAfter);
			}
			if (maxConcurrency < 1) {
				throw new IllegalArgumentException("maxConcurrency must be at least 1, was " + maxConcurrency);
			}
		}

	}

}
