package dev.discordoo.sharding.ipc;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool. Holds at most
 * {@code capacity} waiting tasks: {@link #execute} blocks beyond that, so a connection whose
 * handlers fall behind stops being read, and TCP pushes back on its sender instead of
 * memory growing without bound.
 */
final class SerialExecutor implements Executor {

	private static final Log logger = LogFactory.getLog(SerialExecutor.class);

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean draining = new AtomicBoolean();

	private final Semaphore capacity;

	private final Executor pool;

	SerialExecutor(Executor pool, int capacity) {
		this.pool = pool;
		this.capacity = new Semaphore(capacity);
	}

	@Override
	public void execute(Runnable task) {
		try {
			this.capacity.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		this.tasks.add(task);
		scheduleDrain();
	}

	private void scheduleDrain() {
		if (!this.tasks.isEmpty() && this.draining.compareAndSet(false, true)) {
			try {
				this.pool.execute(this::drain);
			}
			catch (RuntimeException ex) {
				// the pool is shut down: nothing will run any more
				this.draining.set(false);
				this.tasks.clear();
			}
		}
	}

	private void drain() {
		try {
			Runnable task;
			while ((task = this.tasks.poll()) != null) {
				this.capacity.release();
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					logger.error("Packet handler failed", ex);
				}
			}
		}
		finally {
			this.draining.set(false);
		}
		// a task may have been added between the last poll and the reset of the flag
		scheduleDrain();
	}

}
