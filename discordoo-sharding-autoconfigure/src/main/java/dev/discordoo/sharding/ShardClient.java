package dev.discordoo.sharding;

/**
 * The local client of a sharding instance: the bot itself, connecting its shards to the
 * Discord gateway. Declare one as a bean; it runs in instances only, never in the manager.
 *
 * <p>Without such a bean an instance logs a warning and reports ready at once.
 */
public interface ShardClient {

	/**
	 * Connect the assigned shards. Return once every shard is ready: the instance then tells
	 * the manager it is ready. Throw if the client cannot start: the instance reports
	 * {@code CLIENT_START_FAILED} and exits, and the manager restarts it under its restart
	 * policy. Runs on a thread of its own, so it may block.
	 * @param assignment the shards to connect
	 * @throws Exception if the client could not start
	 */
	void start(ShardAssignment assignment) throws Exception;

	/**
	 * Self-destruct: close every gateway connection. Called when the manager asks the
	 * instance to stop, and when the instance loses its manager.
	 */
	void destroy();

}
