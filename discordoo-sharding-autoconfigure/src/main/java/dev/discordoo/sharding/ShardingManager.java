package dev.discordoo.sharding;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The sharding manager: spawns the sharding instances, watches them, restarts them and
 * stops them. Available as a bean in the manager, never in an instance.
 */
public interface ShardingManager {

	/**
	 * Return a snapshot of every instance, by index.
	 * @return the instances
	 */
	List<InstanceInfo> instances();

	/**
	 * Return a snapshot of one instance.
	 * @param index the instance index
	 * @return the instance
	 * @throws IllegalArgumentException if there is no such instance
	 */
	InstanceInfo instance(int index);

	/**
	 * Restart one instance: stop it gracefully (forcibly after the shutdown timeout) and spawn
	 * it again. Brings a FAILED instance back and forgets its past restarts.
	 * @param index the instance index
	 * @return completes when the instance is READY again
	 */
	CompletableFuture<InstanceInfo> restart(int index);

	/**
	 * Restart every instance, one at a time: the next only once the previous is READY.
	 * @return completes when the last one is READY again
	 */
	CompletableFuture<List<InstanceInfo>> restartAll();

	/**
	 * Send a DISPATCH to one instance.
	 * @param index the instance index
	 * @param event the event name
	 * @param payload anything Jackson can write
	 * @throws IllegalStateException if the instance has no live link
	 */
	void send(int index, String event, Object payload);

}
