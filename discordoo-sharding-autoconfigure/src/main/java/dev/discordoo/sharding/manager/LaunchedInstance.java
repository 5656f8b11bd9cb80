package dev.discordoo.sharding.manager;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One running attempt of a sharding instance: a child process or an in-JVM worker.
 */
public interface LaunchedInstance {

	/**
	 * Return the process id: the child's, or the manager's own for a worker.
	 * @return the pid
	 */
	long pid();

	/**
	 * Return where the instance's IPC server listens, once it announced it.
	 * @return the address; fails if the instance ended before announcing it
	 */
	CompletableFuture<InetSocketAddress> endpoint();

	/**
	 * Return a future that completes when the instance has ended, with a description of how
	 * (an exit code, a closed context).
	 * @return the end
	 */
	CompletableFuture<String> onExit();

	/**
	 * Ask the instance to end: SIGTERM to a process, closing a worker's context.
	 */
	void destroyGracefully();

	/**
	 * End the instance now: kill the whole process tree, or close a worker's context.
	 */
	void destroyForcibly();

	/**
	 * A spare took over an instance: label what it says in the log accordingly.
	 * @param index the instance index it now runs
	 */
	default void assignedTo(int index) {
	}

}
