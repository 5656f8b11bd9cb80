package dev.discordoo.sharding.ipc;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestTimeoutTests {

	private static final Duration FALLBACK = Duration.ofSeconds(60);

	@Test
	void aPeersTimeoutWithinTheBoundsIsKept() {
		assertThat(RequestTimeout.fromPeer(1L, FALLBACK)).isEqualTo(Duration.ofMillis(1));
		assertThat(RequestTimeout.fromPeer(2500L, FALLBACK)).isEqualTo(Duration.ofMillis(2500));
		assertThat(RequestTimeout.fromPeer(86_400_000L, FALLBACK)).isEqualTo(Duration.ofHours(24));
	}

	@Test
	void aPeersTimeoutAboveADayIsCutToADay() {
		assertThat(RequestTimeout.fromPeer(86_400_001L, FALLBACK)).isEqualTo(Duration.ofHours(24));
		assertThat(RequestTimeout.fromPeer(90_000_000L, FALLBACK)).isEqualTo(Duration.ofHours(24));
		assertThat(RequestTimeout.fromPeer(Long.MAX_VALUE, FALLBACK)).isEqualTo(Duration.ofHours(24));
	}

	@Test
	void aMissingOrNonPositivePeerTimeoutGivesTheFallback() {
		assertThat(RequestTimeout.fromPeer(null, FALLBACK)).isSameAs(FALLBACK);
		assertThat(RequestTimeout.fromPeer(0L, FALLBACK)).isSameAs(FALLBACK);
		assertThat(RequestTimeout.fromPeer(Long.MIN_VALUE, FALLBACK)).isSameAs(FALLBACK);
	}

	@Test
	void timerNanosAreAtLeastAMillisecondAndNeverOverflow() {
		assertThat(RequestTimeout.toTimerNanos(Duration.ZERO)).isEqualTo(1_000_000L);
		assertThat(RequestTimeout.toTimerNanos(Duration.ofSeconds(-5))).isEqualTo(1_000_000L);
		assertThat(RequestTimeout.toTimerNanos(Duration.ofSeconds(3))).isEqualTo(3_000_000_000L);
		assertThat(RequestTimeout.toTimerNanos(Duration.ofMillis(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
		assertThat(RequestTimeout.toTimerNanos(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
	}

}
