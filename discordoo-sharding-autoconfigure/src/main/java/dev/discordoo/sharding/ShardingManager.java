package dev.discordoo.sharding;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

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
	void send(int index, String event, @Nullable Object payload);

	/**
	 * Send a DISPATCH to every instance that has a live link.
	 * @param event the event name
	 * @param payload anything Jackson can write
	 */
	void broadcast(String event, @Nullable Object payload);

	/**
	 * Ask instances to run a request handler, with the configured timeout. One entry per
	 * target, in target order: a target that is down or unknown answers {@code NOT_CONNECTED}
	 * at once, one that is too slow {@code TIMEOUT}, one whose handler throws with that
	 * error; the others' results still arrive. Never waits forever.
	 * @param <T> the result type
	 * @param name the handler name
	 * @param payload its argument
	 * @param targets where to
	 * @param type the result type, bound with Jackson
	 * @return the results
	 */
	<T> CompletableFuture<List<InstanceResult<T>>> request(String name, @Nullable Object payload, Targets targets,
			Class<T> type);

	/**
	 * Like {@link #request(String, Object, Targets, Class)} with a timeout of its own.
	 * @param <T> the result type
	 * @param name the handler name
	 * @param payload its argument
	 * @param targets where to
	 * @param type the result type, bound with Jackson
	 * @param timeout how long each target may take
	 * @return the results
	 */
	<T> CompletableFuture<List<InstanceResult<T>>> request(String name, @Nullable Object payload, Targets targets,
			Class<T> type, Duration timeout);

	/**
	 * Return the index of the instance that runs a guild's shard.
	 * @param guildId the guild's snowflake
	 * @return the instance index
	 * @throws IllegalArgumentException if no instance of this manager runs that shard
	 */
	int instanceForGuild(long guildId);

}
