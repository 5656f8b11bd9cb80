package dev.discordoo.sharding.manager;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Decides whether, and after how long, a sharding instance that stopped unexpectedly is
 * restarted. The one place that makes this decision, driven by the
 * {@code discordoo.sharding.restart.*} properties.
 *
 * <p>Each automatic restart is recorded in the instance's {@link RestartHistory}. The attempt
 * number is the count of restarts within the last {@link Settings#window() window}, plus one,
 * and the delay is the back-off of that attempt from Spring's {@link ExponentialBackOff}:
 * {@code initialBackoff}, then multiplied by {@code multiplier} each attempt up to
 * {@code maxBackoff}, with {@code jitter} applied as {@code ExponentialBackOff} does. Once
 * {@code maxRestarts} restarts happened within the window the policy gives up and the instance
 * stays FAILED until restarted by hand, which {@link RestartHistory#reset() resets} its history.
 *
 * <p>Restarts are forgotten as they leave the window, so an instance that runs for a whole
 * window without a restart starts again from {@code initialBackoff}, and one that crashes
 * less often than {@code maxRestarts} times per window is restarted forever. No separate
 * "stable run" timer is needed: time alone heals the history.
 *
 * <p>Thread-safe.
 */
public final class RestartPolicy {

	/** The prefix of the restart properties. */
	public static final String PREFIX = "discordoo.sharding.restart";

	private final Settings settings;

	private final Clock clock;

	private final ExponentialBackOff backOff;

	/**
	 * Create a policy that reads the system clock.
	 * @param settings the restart settings
	 */
	public RestartPolicy(Settings settings) {
		this(settings, Clock.systemUTC());
	}

	/**
	 * Create a policy.
	 * @param settings the restart settings
	 * @param clock the clock that dates restarts
	 */
	public RestartPolicy(Settings settings, Clock clock) {
		if (settings == null) {
			throw new IllegalArgumentException("settings must not be null");
		}
		if (clock == null) {
			throw new IllegalArgumentException("clock must not be null");
		}
		this.settings = settings;
		this.clock = clock;
		this.backOff = new ExponentialBackOff(settings.initialBackoff().toMillis(), settings.multiplier());
		this.backOff.setMaxInterval(settings.maxBackoff().toMillis());
		this.backOff.setJitter(settings.jitter().toMillis());
	}

	/**
	 * Return the settings of this policy.
	 * @return the settings
	 */
	public Settings settings() {
		return this.settings;
	}

	/**
	 * Decide what to do with an instance that stopped unexpectedly just now. A decision to
	 * restart is recorded in the history at once, so call this once per stop.
	 * @param history the history of the instance
	 * @return {@link RestartDecision.Restart} with the delay and attempt number, or
	 * {@link RestartDecision.GiveUp} when restarts are disabled or the crash-loop limit is
	 * reached
	 */
	public RestartDecision decide(RestartHistory history) {
		if (history == null) {
			throw new IllegalArgumentException("history must not be null");
		}
		if (!this.settings.enabled()) {
			return new RestartDecision.GiveUp(
					"automatic restarts are disabled (" + PREFIX + ".enabled=false)");
		}
		Instant now = this.clock.instant();
		int previous = history.recordWithin(now, now.minus(this.settings.window()), this.settings.maxRestarts());
		if (previous >= this.settings.maxRestarts()) {
			String window = format(this.settings.window());
			return new RestartDecision.GiveUp("instance " + history.instanceIndex() + " restarted " + previous
					+ ((previous != 1) ? " times" : " time") + " within " + window + " (" + PREFIX
					+ ".max-restarts=" + this.settings.maxRestarts() + ", " + PREFIX + ".window=" + window
					+ "); it stays FAILED until restarted by hand");
		}
		int attempt = previous + 1;
		return new RestartDecision.Restart(delayFor(attempt), attempt);
	}

	/**
	 * Return the delay before the given restart attempt, with jitter if configured.
	 * @param attempt the attempt number within the window, from 1
	 * @return the delay, between {@code initialBackoff} and {@code maxBackoff}
	 */
	public Duration delayFor(int attempt) {
		if (attempt < 1) {
			throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
		}
		// A fresh execution per call keeps the policy stateless; the attempt count is bounded
		// by max-restarts, so replaying the sequence costs nothing worth caching.
		BackOffExecution execution = this.backOff.start();
		long delay = 0;
		for (int i = 0; i < attempt; i++) {
			delay = execution.nextBackOff();
		}
		return Duration.ofMillis(delay);
	}

	@Override
	public String toString() {
		return "RestartPolicy[" + this.settings + "]";
	}

	/**
	 * Print a duration the way it is written in properties ({@code 10m}, {@code 90s},
	 * {@code 1500ms}), so that messages quote values the user recognises.
	 */
	static String format(Duration duration) {
		if (duration == null) {
			return "null";
		}
		if (duration.getNano() % 1_000_000 != 0) {
			return duration.toString();
		}
		long millis = duration.toMillis();
		if (millis == 0) {
			return "0s";
		}
		if (millis % 3_600_000 == 0) {
			return (millis / 3_600_000) + "h";
		}
		if (millis % 60_000 == 0) {
			return (millis / 60_000) + "m";
		}
		if (millis % 1000 == 0) {
			return (millis / 1000) + "s";
		}
		return millis + "ms";
	}

	/**
	 * The {@code discordoo.sharding.restart.*} settings. Invalid values are rejected when the
	 * settings are created, with an {@link InvalidConfigurationPropertyValueException} naming the
	 * property.
	 *
	 * @param enabled whether instances are restarted automatically at all
	 * @param initialBackoff the delay before the first restart within the window; at least 1ms
	 * @param maxBackoff the longest delay; not less than {@code initialBackoff}
	 * @param multiplier the factor between successive delays; at least 1 (1 keeps the delay
	 * fixed)
	 * @param jitter the random spread around each delay, scaled by the multiplier as
	 * {@link ExponentialBackOff#setJitter(long)} does, and never taking a delay outside
	 * {@code initialBackoff} to {@code maxBackoff}; zero for exact delays
	 * @param maxRestarts how many automatic restarts are allowed within the window before the
	 * instance is left FAILED; at least 1
	 * @param window the span of time restarts are remembered for; positive
	 */
	public record Settings(boolean enabled, Duration initialBackoff, Duration maxBackoff, double multiplier,
			Duration jitter, int maxRestarts, Duration window) {

		/** The default initial back-off: 1 second. */
		public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);

		/** The default maximum back-off: 60 seconds. */
		public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(60);

		/** The default multiplier: 2, doubling each delay. */
		public static final double DEFAULT_MULTIPLIER = 2.0;

		/** The default jitter: none, so that delays are exactly as documented. */
		public static final Duration DEFAULT_JITTER = Duration.ZERO;

		/** The default number of restarts allowed within the window: 5. */
		public static final int DEFAULT_MAX_RESTARTS = 5;

		/** The default window: 10 minutes. */
		public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

		/**
		 * Create validated settings.
		 * @param enabled whether instances are restarted automatically at all
		 * @param initialBackoff the delay before the first restart; at least 1ms
		 * @param maxBackoff the longest delay; not less than {@code initialBackoff}
		 * @param multiplier the factor between successive delays; at least 1
		 * @param jitter the random spread around each delay; not negative
		 * @param maxRestarts the restarts allowed within the window; at least 1
		 * @param window the span of time restarts are remembered for; positive
		 * @throws InvalidConfigurationPropertyValueException if a value is out of range
		 */
		public Settings {
			// ExponentialBackOff divides by the initial interval in milliseconds when it
			// applies jitter, and works in whole milliseconds throughout
			if (initialBackoff == null || initialBackoff.toMillis() < 1) {
				throw invalid("initial-backoff", format(initialBackoff), "must be at least 1ms");
			}
			if (maxBackoff == null || maxBackoff.toMillis() < initialBackoff.toMillis()) {
				throw invalid("max-backoff", format(maxBackoff), "must not be less than " + PREFIX
						+ ".initial-backoff (" + format(initialBackoff) + ")");
			}
			if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
				throw invalid("multiplier", multiplier,
						"must be a finite number of at least 1 (1 keeps the delay fixed)");
			}
			if (jitter == null || jitter.isNegative()) {
				throw invalid("jitter", format(jitter), "must not be negative");
			}
			if (maxRestarts < 1) {
				throw invalid("max-restarts", maxRestarts,
						"must be at least 1 (set " + PREFIX + ".enabled=false to never restart)");
			}
			if (window == null || window.isNegative() || window.isZero()) {
				throw invalid("window", format(window), "must be positive");
			}
		}

		/**
		 * Return the default settings: enabled, 1s initial back-off, 60s maximum back-off,
		 * multiplier 2, no jitter, 5 restarts within 10 minutes.
		 * @return the default settings
		 */
		public static Settings defaults() {
			return new Settings(true, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MULTIPLIER,
					DEFAULT_JITTER, DEFAULT_MAX_RESTARTS, DEFAULT_WINDOW);
		}

		private static InvalidConfigurationPropertyValueException invalid(String name, Object value, String reason) {
			return new InvalidConfigurationPropertyValueException(PREFIX + "." + name, value, reason);
		}

	}

}
