package dev.discordoo.sharding.listener;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.ipc.RequestFailedException;
import dev.discordoo.sharding.protocol.ErrorCode;

/**
 * Where application events (DISPATCH packets with a non-reserved name) and requests go, on
 * either side.
 */
public interface ShardMessageHandler {

	/** Drops events and answers every request with {@link ErrorCode#NO_HANDLER}. */
	ShardMessageHandler NONE = new ShardMessageHandler() {

		@Override
		public void onDispatch(String event, JsonNode data, ShardEventContext sender) {
		}

		@Override
		public CompletionStage<JsonNode> onRequest(String name, JsonNode payload, ShardEventContext sender) {
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
	void onDispatch(String event, JsonNode data, ShardEventContext sender);

	/**
	 * A request arrived.
	 * @param name the handler name
	 * @param payload its argument, may be {@code null}
	 * @param sender who sent it
	 * @return the result; failing with {@link RequestFailedException} sets the error code
	 */
	CompletionStage<JsonNode> onRequest(String name, JsonNode payload, ShardEventContext sender);

}
