package dev.discordoo.sharding.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

/**
 * Refuses a node-link HELLO that was captured on a plain-TCP link and sent again. The
 * proof covers the HELLO's {@code event_id}, a snowflake whose timestamp the sender cannot
 * change without the secret: a HELLO is accepted once, and only while that timestamp is
 * within {@link #WINDOW} of this host's clock, so that the ids seen need keeping for that
 * long only. Inside TLS nobody can capture a HELLO, and this guard is not used.
 */
final class HelloReplayGuard {

	/** How far a HELLO's time may be from this host's, either way: hosts' clocks must agree that well. */
	static final Duration WINDOW = Duration.ofMinutes(5);

	private final LongSupplier wallClockMillis;

	/** The event ids accepted within the window, with their timestamps. */
	private final Map<String, Long> seen = new ConcurrentHashMap<>();

	HelloReplayGuard() {
		this(System::currentTimeMillis);
	}

	HelloReplayGuard(LongSupplier wallClockMillis) {
		this.wallClockMillis = wallClockMillis;
	}

	/**
	 * Accept an event id with a valid proof once, or say why not.
	 * @param eventId the HELLO's event id
	 * @return why it is refused, or {@code null} to accept it
	 */
	@Nullable String refusalOf(String eventId) {
		long sent;
		try {
			sent = DiscordooSnowflake.deconstruct(eventId).timestamp();
		}
		catch (IllegalArgumentException | ArithmeticException ex) {
			return "node link HELLO event_id is not a snowflake";
		}
		long now = this.wallClockMillis.getAsLong();
		long window = WINDOW.toMillis();
		this.seen.values().removeIf((timestamp) -> timestamp < now - window);
		if (Math.abs(now - sent) > window) {
			return "node link HELLO is " + (Math.abs(now - sent) / 1000) + " s " + ((sent < now) ? "old" : "ahead")
					+ ": the two hosts' clocks differ by more than " + WINDOW.toMinutes()
					+ " minutes, or it was captured and sent again";
		}
		if (this.seen.putIfAbsent(eventId, sent) != null) {
			return "node link HELLO was accepted before: a captured HELLO sent again";
		}
		return null;
	}

}
