package dev.discordoo.sharding.ipc;

/**
 * A monotonic clock in nanoseconds, the time base of heartbeat silence and request timing.
 * Injected through {@link IpcResources} together with the timer, so that a test can move
 * both by hand instead of waiting for the wall clock.
 */
@FunctionalInterface
public interface NanoClock {

	/** The JVM's own monotonic clock, {@link System#nanoTime()}. */
	NanoClock SYSTEM = System::nanoTime;

	/**
	 * Return the current value of the clock; meaningful only as a difference to another.
	 * @return nanoseconds
	 */
	long nanoTime();

}
