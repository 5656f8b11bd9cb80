package dev.discordoo.sharding.listener;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.ipc.RequestFailedException;
import dev.discordoo.sharding.protocol.ErrorCode;
import org.jspecify.annotations.Nullable;

/**
 * Where application events (DISPATCH packets with a non-reserved name) and requests go, on
 * either side. The auto-configuration's is an {@link AnnotatedShardMessageHandler}, which
 * calls the application's {@link dev.discordoo.sharding.ShardEventListener @ShardEventListener}
 * and {@link dev.discordoo.sharding.ShardRequestHandler @ShardRequestHandler} methods; a bean
 * of this type replaces it (and those annotations are then not processed).
 */
public interface ShardMessageHandler {

	/** Drops events and answers every request with {@link ErrorCode#NO_HANDLER}. */
	ShardMessageHandler NONE = new ShardMessageHandler() {

		@Override
		public void onDispatch(String event, @Nullable JsonNode data, ShardEventContext sender) {
		}

		@Override
		public CompletionStage<JsonNode> onRequest(String name, @Nullable JsonNode payload, ShardEventContext sender) {
			return CompletableFuture.failedFuture(
					new RequestFailedException(ErrorCode.NO_HANDLER, "no request handler named '" + name + "'"));
		}

	};

	/**
	 * An application event arrived.
	 * @param event the event name
	 * @param data its payload, may be {@code null}
	 * @param sender who sent it
	 */
	void onDispatch(String event, @Nullable JsonNode data, ShardEventContext sender);

	/**
	 * A request arrived.
	 * @param name the handler name
	 * @param payload its argument, may be {@code null}
	 * @param sender who sent it
	 * @return the result; failing with {@link RequestFailedException} sets the error code
	 */
	CompletionStage<JsonNode> onRequest(String name, @Nullable JsonNode payload, ShardEventContext sender);

}
