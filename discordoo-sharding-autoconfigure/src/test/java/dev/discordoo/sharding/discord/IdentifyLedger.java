package dev.discordoo.sharding.discord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What Discord keeps about a bot's IDENTIFYs, shared by the fake's WebSocket gateway and its
 * REST stand-in {@code POST /fake-gateway/identify}, so that both count against one daily
 * budget and one window per bucket: the session start budget, the time of the last accepted
 * IDENTIFY of each bucket ({@code shard % maxConcurrency}), every IDENTIFY admitted so far and
 * whether the token was reset.
 *
 * <p>The daily budget resets lazily: every method that reads or charges it first checks
 * whether the reset time has passed and, if so, refills {@code remaining} to {@code total}
 * and sets the next reset 24 hours later.
 *
 * <p>Thread-safe: every method holds this ledger's monitor.
 */
final class IdentifyLedger {

	private static final Duration DAY = Duration.ofHours(24);

	private int maxConcurrency = 1;

	private int total = 1000;

	private int remaining = 1000;

	private long resetAtNanos = System.nanoTime() + DAY.toNanos();

	private Duration identifyWindow = Duration.ofSeconds(5);

	private boolean tokenReset;

	private final List<FakeDiscord.Identify> identifies = new ArrayList<>();

	private final Map<Integer, Long> lastAcceptedByBucket = new HashMap<>();

	synchronized void maxConcurrency(int maxConcurrency) {
		this.maxConcurrency = maxConcurrency;
	}

	synchronized int maxConcurrency() {
		return this.maxConcurrency;
	}

	synchronized void sessionStartLimit(int total, int remaining, Duration resetAfter) {
		this.total = total;
		this.remaining = remaining;
		this.resetAtNanos = System.nanoTime() + resetAfter.toNanos();
	}

	synchronized void identifyWindow(Duration identifyWindow) {
		this.identifyWindow = identifyWindow;
	}

	/**
	 * Admit one authenticated, well-formed IDENTIFY as Discord does: with no budget left it
	 * resets the token; otherwise it charges the budget (accepted or not) and refuses the
	 * IDENTIFY when it comes inside the window of an accepted one of the same bucket.
	 */
	synchronized Admission admit(int shard, FakeDiscord.Via via) {
		long now = System.nanoTime();
		resetBudgetIfDue(now);
		int bucket = shard % this.maxConcurrency;
		if (this.remaining == 0) {
			// Discord resets the token of a bot that keeps identifying past its budget
			this.tokenReset = true;
			this.identifies.add(new FakeDiscord.Identify(shard, bucket, now, false, via));
			return Admission.TOKEN_RESET;
		}
		// Accepted or not, Discord charges every IDENTIFY to the budget
		this.remaining--;
		Long last = this.lastAcceptedByBucket.get(bucket);
		if (last != null && now - last < this.identifyWindow.toNanos()) {
			this.identifies.add(new FakeDiscord.Identify(shard, bucket, now, false, via));
			return Admission.INVALID_SESSION;
		}
		this.lastAcceptedByBucket.put(bucket, now);
		this.identifies.add(new FakeDiscord.Identify(shard, bucket, now, true, via));
		return Admission.READY;
	}

	synchronized boolean tokenReset() {
		return this.tokenReset;
	}

	synchronized SessionStartLimit sessionStartLimit() {
		long now = System.nanoTime();
		resetBudgetIfDue(now);
		return new SessionStartLimit(this.total, this.remaining, Math.max(0, this.resetAtNanos - now),
				this.maxConcurrency);
	}

	synchronized List<FakeDiscord.Identify> identifies() {
		return List.copyOf(this.identifies);
	}

	private void resetBudgetIfDue(long now) {
		if (now - this.resetAtNanos >= 0) {
			this.remaining = this.total;
			this.resetAtNanos = now + DAY.toNanos();
		}
	}

	/** How Discord answers an authenticated, well-formed IDENTIFY. */
	enum Admission {

		/** Accepted: the session starts and READY follows. */
		READY,

		/** Refused inside the bucket's window: INVALID_SESSION ({@code op 9, d: false}). */
		INVALID_SESSION,

		/** No budget left: the token was reset and stops working everywhere. */
		TOKEN_RESET

	}

	record SessionStartLimit(int total, int remaining, long resetAfterNanos, int maxConcurrency) {
	}

}
