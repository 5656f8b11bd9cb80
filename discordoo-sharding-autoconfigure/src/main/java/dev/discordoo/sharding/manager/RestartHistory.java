package dev.discordoo.sharding.manager;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The recent automatic restarts of one sharding instance, kept so that a
 * {@link RestartPolicy} can grow the delay between restarts and stop a crash loop.
 *
 * <p>The sharding manager keeps one history per instance index, for the life of the manager.
 * Restarts older than the policy's window are forgotten on the policy's next decision.
 * Thread-safe.
 */
public final class RestartHistory {

	private final int instanceIndex;

	/** Restart times, oldest first. Guarded by this. */
	private final Deque<Instant> restarts = new ArrayDeque<>();

	/**
	 * Create an empty history.
	 * @param instanceIndex the index of the instance the history belongs to, from 0
	 */
	public RestartHistory(int instanceIndex) {
		if (instanceIndex < 0) {
			throw new IllegalArgumentException("instanceIndex must not be negative, was " + instanceIndex);
		}
		this.instanceIndex = instanceIndex;
	}

	/**
	 * Return the index of the instance this history belongs to.
	 * @return the instance index, from 0
	 */
	public int instanceIndex() {
		return this.instanceIndex;
	}

	/**
	 * Return the times of the restarts recorded and not yet forgotten, oldest first. Restarts
	 * that left the window are only forgotten at the next decision, so this may still list
	 * some of them.
	 * @return an immutable snapshot
	 */
	public synchronized List<Instant> restarts() {
		return List.copyOf(this.restarts);
	}

	/**
	 * Forget every restart. Called when the instance is restarted by hand, which also lifts
	 * the FAILED state of a crash loop: the next automatic restart starts again from the
	 * initial back-off.
	 */
	public synchronized void reset() {
		this.restarts.clear();
	}

	/**
	 * Forget the restarts at or before {@code windowStart}, then record a restart at
	 * {@code now} unless {@code limit} restarts remain. One atomic step, so that two reports
	 * of the same crash cannot both slip under the limit.
	 * @param now the time of this restart
	 * @param windowStart the start of the window, exclusive
	 * @param limit the most restarts allowed within the window
	 * @return the number of restarts within the window before this one
	 */
	synchronized int recordWithin(Instant now, Instant windowStart, int limit) {
		while (!this.restarts.isEmpty() && !this.restarts.peekFirst().isAfter(windowStart)) {
			this.restarts.removeFirst();
		}
		int previous = this.restarts.size();
		if (previous < limit) {
			this.restarts.addLast(now);
		}
		return previous;
	}

	@Override
	public synchronized String toString() {
		return "RestartHistory[instanceIndex=" + this.instanceIndex + ", restarts=" + this.restarts + "]";
	}

}
