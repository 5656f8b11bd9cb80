package dev.discordoo.sharding.ipc;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Where every thread of discordoo-sharding comes from: Spring's
 * {@link CustomizableThreadFactory}, names that say whose thread it is, and daemon threads
 * unless a thread must keep the JVM alive. One place, so that a thread dump names them all
 * the same way and none keeps a JVM alive by accident.
 */
public final class ShardingThreads {

	private ShardingThreads() {
	}

	/**
	 * Return a factory of daemon threads named {@code prefix} and a number.
	 * @param prefix the name prefix, ending with a dash
	 * @return the factory
	 */
	public static ThreadFactory daemons(String prefix) {
		return factory(prefix, true);
	}

	/**
	 * Return a pool of daemon threads made as tasks need them, for work that may block.
	 * @param prefix the name prefix, ending with a dash
	 * @return the pool
	 */
	public static ExecutorService cachedDaemons(String prefix) {
		return Executors.newCachedThreadPool(daemons(prefix));
	}

	/**
	 * Return one daemon thread running tasks in order.
	 * @param prefix the name prefix, ending with a dash
	 * @return the executor
	 */
	public static ExecutorService singleDaemon(String prefix) {
		return Executors.newSingleThreadExecutor(daemons(prefix));
	}

	/**
	 * Return daemon threads running scheduled tasks. A cancelled task leaves the queue at
	 * once: cancelled timeouts are the common case, and must not stay queued until they
	 * would have run.
	 * @param prefix the name prefix, ending with a dash
	 * @param threads how many threads
	 * @return the executor
	 */
	public static ScheduledExecutorService scheduledDaemons(String prefix, int threads) {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(threads, daemons(prefix));
		executor.setRemoveOnCancelPolicy(true);
		return executor;
	}

	/**
	 * Start a daemon thread for one task.
	 * @param prefix the name prefix, ending with a dash
	 * @param task the task
	 * @return the started thread
	 */
	public static Thread startDaemon(String prefix, Runnable task) {
		return start(factory(prefix, true), task);
	}

	/**
	 * Start a thread for one task that keeps the JVM alive while it runs.
	 * @param prefix the name prefix, ending with a dash
	 * @param task the task
	 * @return the started thread
	 */
	public static Thread startNonDaemon(String prefix, Runnable task) {
		return start(factory(prefix, false), task);
	}

	private static Thread start(ThreadFactory factory, Runnable task) {
		Thread thread = factory.newThread(task);
		thread.start();
		return thread;
	}

	private static CustomizableThreadFactory factory(String prefix, boolean daemon) {
		CustomizableThreadFactory threads = new CustomizableThreadFactory(prefix);
		threads.setDaemon(daemon);
		return threads;
	}

}
