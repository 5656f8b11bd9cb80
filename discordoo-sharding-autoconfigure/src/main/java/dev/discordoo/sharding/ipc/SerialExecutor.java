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
 * {@code capacity} waiting tasks and at most {@code byteCapacity} bytes of the frames they
 * carry: {@link #execute} blocks beyond either, so a connection whose handlers fall behind
 * stops being read, and TCP pushes back on its sender instead of memory growing without
 * bound. Counting bytes as well as tasks bounds a queue of large frames as tightly as one
 * of small ones.
 */
final class SerialExecutor implements Executor {

	private static final Log logger = LogFactory.getLog(SerialExecutor.class);

	private final Queue<Weighted> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean draining = new AtomicBoolean();

	private final Semaphore capacity;

	private final Semaphore bytes;

	private final int byteCapacity;

	private final Executor pool;

	SerialExecutor(Executor pool, int capacity, long byteCapacity) {
		this.pool = pool;
		this.capacity = new Semaphore(capacity);
		this.byteCapacity = (int) Math.min(Integer.MAX_VALUE, byteCapacity);
		this.bytes = new Semaphore(this.byteCapacity);
	}

	@Override
	public void execute(Runnable task) {
		execute(task, 0);
	}

	/**
	 * Queue a task that carries a frame of {@code size} bytes, waiting while the queue is full.
	 * @param task the task
	 * @param size the bytes it holds on to until it runs
	 */
	void execute(Runnable task, int size) {
		// a frame larger than the whole budget waits for an empty queue rather than for ever
		int weight = Math.min(size, this.byteCapacity);
		try {
			this.capacity.acquire();
			try {
				this.bytes.acquire(weight);
			}
			catch (InterruptedException ex) {
				this.capacity.release();
				throw ex;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		this.tasks.add(new Weighted(task, weight));
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
			Weighted task;
			while ((task = this.tasks.poll()) != null) {
				this.capacity.release();
				this.bytes.release(task.weight());
				try {
					task.task().run();
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

	private record Weighted(Runnable task, int weight) {
	}

}
