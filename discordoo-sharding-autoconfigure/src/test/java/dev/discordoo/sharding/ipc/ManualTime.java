package dev.discordoo.sharding.ipc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A clock and a timer that move only when the test says so: scheduled tasks run on the
 * test's thread, in time order, as {@link #advance(Duration)} passes their due time. Sockets
 * and reader threads stay real; only the timeouts stop depending on the wall clock.
 */
public final class ManualTime implements NanoClock {

	private final PriorityQueue<Task> tasks = new PriorityQueue<>(
			Comparator.comparingLong((Task task) -> task.due).thenComparingLong((task) -> task.sequence));

	private final Timer timer = new Timer();

	private long now;

	private long sequence;

	@Override
	public synchronized long nanoTime() {
		return this.now;
	}

	public ScheduledExecutorService timer() {
		return this.timer;
	}

	/** Run what is due now, without moving time. */
	public void runDue() {
		advance(Duration.ZERO);
	}

	/** Move time on, running every task that falls due on the way, each at its due time. */
	public void advance(Duration by) {
		long target;
		synchronized (this) {
			target = this.now + by.toNanos();
		}
		while (true) {
			Task next;
			synchronized (this) {
				next = this.tasks.peek();
				if (next == null || next.due > target) {
					this.now = target;
					return;
				}
				this.tasks.poll();
				this.now = Math.max(this.now, next.due);
			}
			next.run();
		}
	}

	private synchronized Task schedule(Runnable command, long delayNanos, long periodNanos) {
		Task task = new Task(command, this.now + Math.max(0, delayNanos), periodNanos, this.sequence++);
		this.tasks.add(task);
		return task;
	}

	private final class Task implements ScheduledFuture<Object> {

		private final Runnable command;

		private final long periodNanos;

		private final long sequence;

		private volatile long due;

		private volatile boolean cancelled;

		private volatile boolean done;

		Task(Runnable command, long due, long periodNanos, long sequence) {
			this.command = command;
			this.due = due;
			this.periodNanos = periodNanos;
			this.sequence = sequence;
		}

		void run() {
			if (this.cancelled) {
				return;
			}
			this.command.run();
			if (this.periodNanos > 0 && !this.cancelled) {
				synchronized (ManualTime.this) {
					this.due += this.periodNanos;
					ManualTime.this.tasks.add(this);
				}
			}
			else {
				this.done = true;
			}
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.due - nanoTime(), TimeUnit.NANOSECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			this.cancelled = true;
			synchronized (ManualTime.this) {
				ManualTime.this.tasks.remove(this);
			}
			return true;
		}

		@Override
		public boolean isCancelled() {
			return this.cancelled;
		}

		@Override
		public boolean isDone() {
			return this.done || this.cancelled;
		}

		@Override
		public Object get() {
			throw new UnsupportedOperationException("manual time: nothing waits for a task here");
		}

		@Override
		public Object get(long timeout, TimeUnit unit) {
			throw new UnsupportedOperationException("manual time: nothing waits for a task here");
		}

	}

	private final class Timer extends AbstractExecutorService implements ScheduledExecutorService {

		private volatile boolean shutdown;

		@Override
		public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
			return ManualTime.this.schedule(command, unit.toNanos(delay), 0);
		}

		@Override
		@SuppressWarnings("unchecked")
		public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
			return (ScheduledFuture<V>) ManualTime.this.schedule(() -> {
				try {
					callable.call();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}, unit.toNanos(delay), 0);
		}

		@Override
		public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
				TimeUnit unit) {
			return ManualTime.this.schedule(command, unit.toNanos(initialDelay), unit.toNanos(period));
		}

		@Override
		public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
				TimeUnit unit) {
			return ManualTime.this.schedule(command, unit.toNanos(initialDelay), unit.toNanos(delay));
		}

		@Override
		public void execute(Runnable command) {
			ManualTime.this.schedule(command, 0, 0);
		}

		@Override
		public void shutdown() {
			this.shutdown = true;
		}

		@Override
		public List<Runnable> shutdownNow() {
			this.shutdown = true;
			synchronized (ManualTime.this) {
				ManualTime.this.tasks.clear();
			}
			return new ArrayList<>();
		}

		@Override
		public boolean isShutdown() {
			return this.shutdown;
		}

		@Override
		public boolean isTerminated() {
			return this.shutdown;
		}

		@Override
		public boolean awaitTermination(long timeout, TimeUnit unit) {
			return true;
		}

	}

}
