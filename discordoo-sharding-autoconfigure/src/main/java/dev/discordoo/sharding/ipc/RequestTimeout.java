package dev.discordoo.sharding.ipc;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The bounds of request timeouts. A {@code timeout} a peer sends is only a number: it is
 * clamped to {@link #MIN} … {@link #MAX_FROM_PEER} before it drives a timer, so that no peer
 * can make this side wait for ever or overflow its clock arithmetic.
 */
public final class RequestTimeout {

	/** The shortest timeout: a request always gets at least this long. */
	public static final Duration MIN = Duration.ofMillis(1);

	/** The longest timeout a peer may ask for. */
	public static final Duration MAX_FROM_PEER = Duration.ofHours(24);

	private RequestTimeout() {
	}

	/**
	 * Return the timeout a peer asked for, within {@link #MIN} … {@link #MAX_FROM_PEER}.
	 * @param millis the peer's {@code timeout} in milliseconds, {@code null} when it sent none
	 * @param fallback the timeout when the peer sent none, or zero or less (the protocol
	 * gives a non-positive timeout no meaning)
	 * @return the timeout to use
	 */
	public static Duration fromPeer(@Nullable Long millis, Duration fallback) {
		if (millis == null || millis <= 0) {
			return fallback;
		}
		return (millis > MAX_FROM_PEER.toMillis()) ? MAX_FROM_PEER : Duration.ofMillis(millis);
	}

	/**
	 * Return a timeout as nanoseconds for a timer: at least {@link #MIN}, and
	 * {@link Long#MAX_VALUE} for one too long to count in nanoseconds (about 292 years)
	 * instead of an overflow.
	 * @param timeout the timeout
	 * @return the nanoseconds
	 */
	public static long toTimerNanos(Duration timeout) {
		if (timeout.compareTo(MIN) < 0) {
			return MIN.toNanos();
		}
		try {
			return timeout.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

}
