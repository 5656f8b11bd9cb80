package dev.discordoo.sharding;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The view of a sharding instance on itself and its siblings: a bean in every instance,
 * never in the manager. Broadcasts and requests to other instances are relayed by the
 * manager, with this instance named as their sender.
 */
public interface ShardingInstance {

	/**
	 * Return what this instance runs.
	 * @return the assignment
	 * @throws IllegalStateException before the manager said HELLO
	 */
	ShardAssignment assignment();

	/**
	 * Send an event to the manager.
	 * @param event the event name
	 * @param payload anything Jackson can write
	 * @throws IllegalStateException if the manager link is not up
	 */
	void dispatch(String event, Object payload);

	/**
	 * Send an event to other instances, through the manager. Events from this instance
	 * reach each target in the order they were sent.
	 * @param event the event name
	 * @param payload anything Jackson can write
	 * @param targets where to ({@link Targets#others()} for every other instance)
	 */
	void broadcast(String event, Object payload, Targets targets);

	/**
	 * Ask instances to run a request handler, through the manager, with the configured
	 * timeout. One entry per target, in target order: a target that is down answers
	 * {@code NOT_CONNECTED} at once, one that is too slow {@code TIMEOUT}.
	 * @param <T> the result type
	 * @param name the handler name
	 * @param payload its argument
	 * @param targets where to
	 * @param type the result type, bound with Jackson
	 * @return the results
	 */
	<T> CompletableFuture<List<InstanceResult<T>>> request(String name, Object payload, Targets targets,
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
	<T> CompletableFuture<List<InstanceResult<T>>> request(String name, Object payload, Targets targets,
			Class<T> type, Duration timeout);

	/**
	 * Ask the manager itself to run a request handler.
	 * @param <T> the result type
	 * @param name the handler name
	 * @param payload its argument
	 * @param type the result type, bound with Jackson
	 * @return the manager's answer
	 */
	<T> CompletableFuture<InstanceResult<T>> requestManager(String name, Object payload, Class<T> type);

}
