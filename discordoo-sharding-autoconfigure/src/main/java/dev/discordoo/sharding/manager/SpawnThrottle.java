package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces fresh spawns: at most {@code spawn.concurrency} instances starting at once, and at
 * least {@code spawn.delay} between two launches. A spawn holds a {@link Slot} from launch to
 * IDENTIFY; whatever ends the attempt gives the slot back through {@link Slot#close()}, which
 * may be called any number of times from any path, so a slot can never leak.
 */
final class SpawnThrottle {

	private final Semaphore slots;

	private final long delayNanos;

	private long nextLaunchNanos = System.nanoTime();

	SpawnThrottle(int concurrency, Duration delay) {
		this.slots = new Semaphore(concurrency);
		this.delayNanos = delay.toNanos();
	}

	/**
	 * Wait for a free slot and for the spawn delay.
	 * @return the slot, to close once the spawn no longer needs it
	 * @throws InterruptedException if interrupted while waiting (no slot is then held)
	 */
	Slot acquire() throws InterruptedException {
		this.slots.acquire();
		Slot slot = new Slot();
		long launchAt;
		synchronized (this) {
			launchAt = Math.max(System.nanoTime(), this.nextLaunchNanos);
			this.nextLaunchNanos = launchAt + this.delayNanos;
		}
		long wait;
		while ((wait = launchAt - System.nanoTime()) > 0) {
			LockSupport.parkNanos(wait);
			if (Thread.interrupted()) {
				slot.close();
				throw new InterruptedException();
			}
		}
		return slot;
	}

	/**
	 * Return how many slots are free now.
	 * @return the free slots
	 */
	int available() {
		return this.slots.availablePermits();
	}

	/**
	 * One spawn's share of the concurrency; given back once, however often it is closed.
	 */
	final class Slot implements AutoCloseable {

		private final AtomicBoolean released = new AtomicBoolean();

		@Override
		public void close() {
			if (this.released.compareAndSet(false, true)) {
				SpawnThrottle.this.slots.release();
			}
		}

	}

}
