package dev.discordoo.sharding;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

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
	void dispatch(String event, @Nullable Object payload);

	/**
	 * Send an event to other instances, through the manager. Events from this instance
	 * reach each target in the order they were sent.
	 * @param event the event name
	 * @param payload anything Jackson can write
	 * @param targets where to ({@link Targets#others()} for every other instance)
	 */
	void broadcast(String event, @Nullable Object payload, Targets targets);

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
	 * Ask the manager itself to run a request handler.
	 * @param <T> the result type
	 * @param name the handler name
	 * @param payload its argument
	 * @param type the result type, bound with Jackson
	 * @return the manager's answer
	 */
	<T> CompletableFuture<InstanceResult<T>> requestManager(String name, @Nullable Object payload, Class<T> type);

	/**
	 * Ask the manager what a Discord client needs to connect: the gateway URL, the bot's total
	 * shard count and {@code max_concurrency}. Instances never call Discord's REST API for it.
	 * @return the gateway information
	 */
	CompletableFuture<GatewayInfo> gateway();

	/**
	 * Ask the manager for leave to send one IDENTIFY for a shard of this instance. The manager
	 * paces identifies for the whole bot (one per bucket per identify interval, buckets in
	 * ascending shard order, the daily budget's reserve kept), so the permit may take minutes:
	 * it is not bound by the request timeout. Report how the identify ended with
	 * {@link #reportIdentify(int, IdentifyOutcome)}. A RESUME needs no permit.
	 * @param shardId one of this instance's shards
	 * @return the permit, once granted; failed with a
	 * {@link dev.discordoo.sharding.ipc.RequestFailedException} whose code is
	 * {@code SHARD_NOT_OWNED} or {@code PERMIT_PENDING} when the manager refuses it, or
	 * {@code LINK_LOST} when the manager link is lost first
	 */
	CompletableFuture<IdentifyPermit> requestIdentify(int shardId);

	/**
	 * Like {@link #requestIdentify(int)}, blocking until the permit is granted: for clients
	 * whose identify hook is synchronous (JDA's {@code SessionController}, a plain gateway
	 * loop).
	 * @param shardId one of this instance's shards
	 * @return the permit
	 * @throws InterruptedException if interrupted while waiting
	 * @throws dev.discordoo.sharding.ipc.RequestFailedException if the manager refused it or
	 * the link was lost
	 */
	IdentifyPermit awaitIdentify(int shardId) throws InterruptedException;

	/**
	 * Tell the manager how a permitted identify ended, which frees the shard's bucket for the
	 * next identify. Without a report the manager frees it after
	 * {@code discordoo.sharding.identify.permit-timeout}.
	 * @param shardId the shard the permit was for
	 * @param outcome how it ended
	 * @return completes once the manager took the report
	 */
	CompletableFuture<Void> reportIdentify(int shardId, IdentifyOutcome outcome);

	/**
	 * Tell the manager that Discord's gateway closed a shard with a code no retry can fix
	 * (4004 authentication failed, 4010 invalid shard, 4011 sharding required, 4012 invalid
	 * API version, 4013 invalid intents, 4014 disallowed intents). The instance then stops its
	 * client and exits, and the manager marks it FAILED with
	 * {@link FailureCause#GATEWAY_REFUSED} instead of restarting it: a restart would spend an
	 * identify of the daily budget only to be refused again. Bring it back with
	 * {@link ShardingManager#restart(int)} once the cause is fixed. Only the first report
	 * counts; a {@link ShardClient#start} that throws after it does not report a start
	 * failure.
	 * @param shardId the shard the gateway closed
	 * @param closeCode the gateway's close code
	 * @param reason what the code means, for the log and the manager's health details
	 */
	void reportGatewayRefused(int shardId, int closeCode, String reason);

}
