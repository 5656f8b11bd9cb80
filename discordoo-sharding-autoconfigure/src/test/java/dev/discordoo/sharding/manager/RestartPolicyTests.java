package dev.discordoo.sharding.manager;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.discordoo.sharding.manager.RestartDecision.GiveUp;
import dev.discordoo.sharding.manager.RestartDecision.Restart;
import dev.discordoo.sharding.manager.RestartPolicy.Settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RestartPolicyTests {

	private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

	private final MutableClock clock = new MutableClock(START);

	@Test
	void defaultsMatchTheDocumentedValues() {
		Settings settings = Settings.defaults();
		assertThat(settings.enabled()).isTrue();
		assertThat(settings.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
		assertThat(settings.maxBackoff()).isEqualTo(Duration.ofSeconds(60));
		assertThat(settings.multiplier()).isEqualTo(2.0);
		assertThat(settings.jitter()).isEqualTo(Duration.ZERO);
		assertThat(settings.maxRestarts()).isEqualTo(5);
		assertThat(settings.window()).isEqualTo(Duration.ofMinutes(10));
	}

	@Test
	void firstRestartWaitsTheInitialBackoff() {
		RestartPolicy policy = new RestartPolicy(Settings.defaults(), this.clock);
		RestartHistory history = new RestartHistory(0);
		assertThat(policy.decide(history)).isEqualTo(new Restart(Duration.ofSeconds(1), 1));
		assertThat(history.restarts()).containsExactly(START);
	}

	@Test
	void delaysGrowByTheMultiplierAndCapAtMaxBackoff() {
		RestartPolicy policy = new RestartPolicy(settings(true, 1000, 60_000, 2.0, 0, 10, Duration.ofHours(1)),
				this.clock);
		RestartHistory history = new RestartHistory(3);
		List<RestartDecision> decisions = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			decisions.add(policy.decide(history));
			this.clock.advance(Duration.ofSeconds(1));
		}
		assertThat(decisions).containsExactly(restart(1000, 1), restart(2000, 2), restart(4000, 3), restart(8000, 4),
				restart(16_000, 5), restart(32_000, 6), restart(60_000, 7), restart(60_000, 8), restart(60_000, 9),
				restart(60_000, 10));
	}

	@Test
	void fractionalMultiplier() {
		RestartPolicy policy = new RestartPolicy(settings(true, 1000, 5000, 1.5, 0, 5, Duration.ofMinutes(10)),
				this.clock);
		assertThat(List.of(policy.delayFor(1), policy.delayFor(2), policy.delayFor(3), policy.delayFor(4),
				policy.delayFor(5)))
			.containsExactly(Duration.ofMillis(1000), Duration.ofMillis(1500), Duration.ofMillis(2250),
					Duration.ofMillis(3375), Duration.ofMillis(5000));
	}

	@Test
	void multiplierOfOneKeepsTheDelayFixed() {
		RestartPolicy policy = new RestartPolicy(settings(true, 750, 60_000, 1.0, 0, 5, Duration.ofMinutes(10)),
				this.clock);
		assertThat(policy.delayFor(1)).isEqualTo(Duration.ofMillis(750));
		assertThat(policy.delayFor(5)).isEqualTo(Duration.ofMillis(750));
	}

	@Test
	void initialBackoffEqualToMaxBackoffIsFixed() {
		RestartPolicy policy = new RestartPolicy(settings(true, 3000, 3000, 2.0, 0, 5, Duration.ofMinutes(10)),
				this.clock);
		assertThat(policy.delayFor(1)).isEqualTo(Duration.ofSeconds(3));
		assertThat(policy.delayFor(4)).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void jitterKeepsEachDelayWithinItsBounds() {
		// ExponentialBackOff scales the jitter with the interval: attempt n of interval i may
		// be moved by jitter * (i / initial), but never below initial or above max
		RestartPolicy policy = new RestartPolicy(settings(true, 1000, 60_000, 2.0, 500, 7, Duration.ofHours(1)),
				this.clock);
		long[][] bounds = { { 1000, 1500 }, { 1000, 3000 }, { 2000, 6000 }, { 4000, 12_000 }, { 8000, 24_000 },
				{ 16_000, 48_000 }, { 30_000, 60_000 } };
		Set<Duration> firstDelays = new HashSet<>();
		for (int run = 0; run < 200; run++) {
			RestartHistory history = new RestartHistory(0);
			for (int attempt = 1; attempt <= bounds.length; attempt++) {
				RestartDecision decision = policy.decide(history);
				assertThat(decision).isInstanceOf(Restart.class);
				Restart restart = (Restart) decision;
				assertThat(restart.attempt()).isEqualTo(attempt);
				assertThat(restart.delay().toMillis()).isBetween(bounds[attempt - 1][0], bounds[attempt - 1][1]);
				if (attempt == 1) {
					firstDelays.add(restart.delay());
				}
			}
		}
		// 200 draws from a 500ms spread: the jitter is really applied
		assertThat(firstDelays).hasSizeGreaterThan(1);
	}

	@Test
	void crashLoopLimitGivesUp() {
		RestartPolicy policy = new RestartPolicy(Settings.defaults(), this.clock);
		RestartHistory history = new RestartHistory(2);
		for (int i = 1; i <= 5; i++) {
			assertThat(policy.decide(history)).isEqualTo(new Restart(Duration.ofSeconds(1L << (i - 1)), i));
			this.clock.advance(Duration.ofMinutes(1));
		}
		assertThat(policy.decide(history)).isEqualTo(new GiveUp("instance 2 restarted 5 times within 10m "
				+ "(discordoo.sharding.restart.max-restarts=5, discordoo.sharding.restart.window=10m); "
				+ "it stays FAILED until restarted by hand"));
		// a refusal is not a restart: the history still holds the five restarts
		assertThat(history.restarts()).hasSize(5);
	}

	@Test
	void maxRestartsOfOneAllowsOneRestartPerWindow() {
		RestartPolicy policy = new RestartPolicy(settings(true, 1000, 60_000, 2.0, 0, 1, Duration.ofSeconds(90)),
				this.clock);
		RestartHistory history = new RestartHistory(0);
		assertThat(policy.decide(history)).isEqualTo(restart(1000, 1));
		assertThat(policy.decide(history)).isEqualTo(new GiveUp("instance 0 restarted 1 time within 90s "
				+ "(discordoo.sharding.restart.max-restarts=1, discordoo.sharding.restart.window=90s); "
				+ "it stays FAILED until restarted by hand"));
	}

	@Test
	void restartsOutsideTheWindowAreForgotten() {
		RestartPolicy policy = new RestartPolicy(Settings.defaults(), this.clock);
		RestartHistory history = new RestartHistory(0);
		policy.decide(history);
		this.clock.advance(Duration.ofMinutes(4));
		policy.decide(history);
		this.clock.advance(Duration.ofMinutes(4));
		assertThat(policy.decide(history)).isEqualTo(restart(4000, 3));
		// the first restart is now exactly one window old: it is forgotten
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(policy.decide(history)).isEqualTo(restart(4000, 3));
		assertThat(history.restarts()).containsExactly(START.plus(Duration.ofMinutes(4)),
				START.plus(Duration.ofMinutes(8)), START.plus(Duration.ofMinutes(10)));
	}

	@Test
	void restartJustInsideTheWindowIsRemembered() {
		RestartPolicy policy = new RestartPolicy(Settings.defaults(), this.clock);
		RestartHistory history = new RestartHistory(0);
		policy.decide(history);
		this.clock.advance(Duration.ofMinutes(10).minusMillis(1));
		assertThat(policy.decide(history)).isEqualTo(restart(2000, 2));
	}

	@Test
	void stableRunStartsAgainFromTheInitialBackoff() {
		RestartPolicy policy = new RestartPolicy(Settings.defaults(), this.clock);
		RestartHistory history = new RestartHistory(0);
		for (int i = 0; i < 4; i++) {
			policy.decide(history);
		}
		this.clock.advance(Duration.ofMinutes(11));
		assertThat(policy.decide(history)).isEqualTo(restart(1000, 1));
		assertThat(history.restarts()).containsExactly(START.plus(Duration.ofMinutes(11)));
	}

	@Test
	void crashLoopLiftsOnceTheWindowHasPassed() {
		RestartPolicy policy = new RestartPolicy(Settings.defaults(), this.clock);
		RestartHistory history = new RestartHistory(0);
		for (int i = 0; i < 5; i++) {
			policy.decide(history);
		}
		assertThat(policy.decide(history)).isInstanceOf(GiveUp.class);
		this.clock.advance(Duration.ofMinutes(10));
		assertThat(policy.decide(history)).isEqualTo(restart(1000, 1));
	}

	@Test
	void resetForgetsEveryRestart() {
		RestartPolicy policy = new RestartPolicy(Settings.defaults(), this.clock);
		RestartHistory history = new RestartHistory(1);
		for (int i = 0; i < 5; i++) {
			policy.decide(history);
		}
		assertThat(policy.decide(history)).isInstanceOf(GiveUp.class);
		history.reset();
		assertThat(history.restarts()).isEmpty();
		assertThat(policy.decide(history)).isEqualTo(restart(1000, 1));
	}

	@Test
	void historiesAreIndependent() {
		RestartPolicy policy = new RestartPolicy(Settings.defaults(), this.clock);
		RestartHistory first = new RestartHistory(0);
		RestartHistory second = new RestartHistory(1);
		policy.decide(first);
		policy.decide(first);
		assertThat(policy.decide(second)).isEqualTo(restart(1000, 1));
		assertThat(policy.decide(first)).isEqualTo(restart(4000, 3));
	}

	@Test
	void disabledGivesUpWithoutRecording() {
		RestartPolicy policy = new RestartPolicy(settings(false, 1000, 60_000, 2.0, 0, 5, Duration.ofMinutes(10)),
				this.clock);
		RestartHistory history = new RestartHistory(0);
		assertThat(policy.decide(history))
			.isEqualTo(new GiveUp("automatic restarts are disabled (discordoo.sharding.restart.enabled=false)"));
		assertThat(history.restarts()).isEmpty();
	}

	@Test
	void concurrentDecisionsNeverExceedTheLimit() throws Exception {
		RestartPolicy policy = new RestartPolicy(Settings.defaults(), this.clock);
		RestartHistory history = new RestartHistory(0);
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Callable<RestartDecision>> tasks = new ArrayList<>();
			for (int i = 0; i < 40; i++) {
				tasks.add(() -> policy.decide(history));
			}
			Set<Integer> attempts = new HashSet<>();
			int giveUps = 0;
			for (Future<RestartDecision> future : executor.invokeAll(tasks)) {
				RestartDecision decision = future.get();
				if (decision instanceof Restart restart) {
					assertThat(attempts.add(restart.attempt())).isTrue();
				}
				else {
					giveUps++;
				}
			}
			assertThat(attempts).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
			assertThat(giveUps).isEqualTo(35);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void delayForRejectsAttemptBelowOne() {
		RestartPolicy policy = new RestartPolicy(Settings.defaults(), this.clock);
		assertThatIllegalArgumentException().isThrownBy(() -> policy.delayFor(0))
			.withMessage("attempt must be at least 1, was 0");
	}

	@Test
	void rejectsInitialBackoffBelowOneMillisecond() {
		assertRejected(() -> settings(true, 0, 60_000, 2.0, 0, 5, Duration.ofMinutes(10)),
				"discordoo.sharding.restart.initial-backoff",
				"Property discordoo.sharding.restart.initial-backoff with value '0s' is invalid: must be at least 1ms");
		assertRejected(
				() -> new Settings(true, Duration.ofNanos(500), Duration.ofSeconds(1), 2.0, Duration.ZERO, 5,
						Duration.ofMinutes(10)),
				"discordoo.sharding.restart.initial-backoff",
				"Property discordoo.sharding.restart.initial-backoff with value 'PT0.0000005S' is invalid: must be at least 1ms");
		assertRejected(
				() -> new Settings(true, null, Duration.ofSeconds(1), 2.0, Duration.ZERO, 5, Duration.ofMinutes(10)),
				"discordoo.sharding.restart.initial-backoff",
				"Property discordoo.sharding.restart.initial-backoff with value 'null' is invalid: must be at least 1ms");
	}

	@Test
	void rejectsMaxBackoffBelowInitialBackoff() {
		assertRejected(() -> settings(true, 2000, 1500, 2.0, 0, 5, Duration.ofMinutes(10)),
				"discordoo.sharding.restart.max-backoff", "Property discordoo.sharding.restart.max-backoff with value '1500ms' is invalid: "
						+ "must not be less than discordoo.sharding.restart.initial-backoff (2s)");
	}

	@Test
	void rejectsMultiplierBelowOne() {
		String reason = "must be a finite number of at least 1 (1 keeps the delay fixed)";
		assertRejected(() -> settings(true, 1000, 60_000, 0.5, 0, 5, Duration.ofMinutes(10)),
				"discordoo.sharding.restart.multiplier",
				"Property discordoo.sharding.restart.multiplier with value '0.5' is invalid: " + reason);
		assertRejected(() -> settings(true, 1000, 60_000, Double.NaN, 0, 5, Duration.ofMinutes(10)),
				"discordoo.sharding.restart.multiplier",
				"Property discordoo.sharding.restart.multiplier with value 'NaN' is invalid: " + reason);
		assertRejected(() -> settings(true, 1000, 60_000, Double.POSITIVE_INFINITY, 0, 5, Duration.ofMinutes(10)),
				"discordoo.sharding.restart.multiplier",
				"Property discordoo.sharding.restart.multiplier with value 'Infinity' is invalid: " + reason);
	}

	@Test
	void rejectsNegativeJitter() {
		assertRejected(() -> settings(true, 1000, 60_000, 2.0, -1, 5, Duration.ofMinutes(10)),
				"discordoo.sharding.restart.jitter",
				"Property discordoo.sharding.restart.jitter with value '-1ms' is invalid: must not be negative");
	}

	@Test
	void rejectsMaxRestartsBelowOne() {
		assertRejected(() -> settings(true, 1000, 60_000, 2.0, 0, 0, Duration.ofMinutes(10)),
				"discordoo.sharding.restart.max-restarts", "Property discordoo.sharding.restart.max-restarts with value '0' is invalid: "
						+ "must be at least 1 (set discordoo.sharding.restart.enabled=false to never restart)");
	}

	@Test
	void rejectsWindowThatIsNotPositive() {
		assertRejected(() -> settings(true, 1000, 60_000, 2.0, 0, 5, Duration.ZERO),
				"discordoo.sharding.restart.window",
				"Property discordoo.sharding.restart.window with value '0s' is invalid: must be positive");
		assertRejected(() -> settings(true, 1000, 60_000, 2.0, 0, 5, Duration.ofMinutes(-1)),
				"discordoo.sharding.restart.window",
				"Property discordoo.sharding.restart.window with value '-1m' is invalid: must be positive");
	}

	@Test
	void settingsAreValidatedEvenWhenDisabled() {
		assertRejected(() -> settings(false, 1000, 60_000, 2.0, 0, 0, Duration.ofMinutes(10)),
				"discordoo.sharding.restart.max-restarts", "Property discordoo.sharding.restart.max-restarts with value '0' is invalid: "
						+ "must be at least 1 (set discordoo.sharding.restart.enabled=false to never restart)");
	}

	@Test
	void formatPrintsDurationsAsPropertiesWriteThem() {
		assertThat(RestartPolicy.format(Duration.ofHours(2))).isEqualTo("2h");
		assertThat(RestartPolicy.format(Duration.ofMinutes(90))).isEqualTo("90m");
		assertThat(RestartPolicy.format(Duration.ofSeconds(90))).isEqualTo("90s");
		assertThat(RestartPolicy.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
		assertThat(RestartPolicy.format(Duration.ZERO)).isEqualTo("0s");
	}

	@Test
	void decisionsRejectImpossibleValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Restart(Duration.ofSeconds(-1), 1))
			.withMessage("delay must not be negative, was PT-1S");
		assertThatIllegalArgumentException().isThrownBy(() -> new Restart(Duration.ZERO, 0))
			.withMessage("attempt must be at least 1, was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new GiveUp(" "))
			.withMessage("reason must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new RestartHistory(-1))
			.withMessage("instanceIndex must not be negative, was -1");
	}

	@Test
	void historyKnowsItsInstance() {
		assertThat(new RestartHistory(4).instanceIndex()).isEqualTo(4);
	}

	private static Settings settings(boolean enabled, long initialMillis, long maxMillis, double multiplier,
			long jitterMillis, int maxRestarts, Duration window) {
		return new Settings(enabled, Duration.ofMillis(initialMillis), Duration.ofMillis(maxMillis), multiplier,
				Duration.ofMillis(jitterMillis), maxRestarts, window);
	}

	private static Restart restart(long delayMillis, int attempt) {
		return new Restart(Duration.ofMillis(delayMillis), attempt);
	}

	private static void assertRejected(Callable<Settings> settings, String property, String message) {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(settings::call)
			.withMessage(message)
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo(property));
	}

	/**
	 * A clock the test moves by hand, so that windows are crossed without waiting.
	 */
	private static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			throw new UnsupportedOperationException("fixed to UTC");
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
