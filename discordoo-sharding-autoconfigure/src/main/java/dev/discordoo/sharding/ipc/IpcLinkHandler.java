package dev.discordoo.sharding.ipc;

import java.util.concurrent.CompletionStage;

import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.protocol.Payloads;
import org.jspecify.annotations.Nullable;

/**
 * Receives what arrives on an {@link IpcLink}. Every method runs on a handler thread, never
 * on the socket reader, and the calls for one link come one at a time in arrival order.
 */
public interface IpcLinkHandler {

	/**
	 * A DISPATCH arrived.
	 * @param link the link
	 * @param event the event name ({@code t})
	 * @param data the payload, may be {@code null}
	 */
	void onDispatch(IpcLink link, String event, @Nullable JsonNode data);

	/**
	 * A DISPATCH arrived, with its relay fields. The default ignores them.
	 * @param link the link
	 * @param event the event name ({@code t})
	 * @param data the payload, may be {@code null}
	 * @param relay the instances to relay it to, and the instance it was relayed from
	 */
	default void onDispatch(IpcLink link, String event, @Nullable JsonNode data, Relay relay) {
		onDispatch(link, event, data);
	}

	/**
	 * A REQUEST arrived. The returned stage's value becomes the RESPONSE result; an
	 * exception becomes its error entry ({@link RequestFailedException} sets the code).
	 * @param link the link
	 * @param request the request
	 * @return the result
	 */
	CompletionStage<JsonNode> onRequest(IpcLink link, Payloads.Request request);

	/**
	 * A REQUEST arrived, with the index of the instance the manager relayed it from. The
	 * default ignores it.
	 * @param link the link
	 * @param request the request
	 * @param from the instance it was relayed from, {@code null} when the peer itself asks
	 * @return the result
	 */
	default CompletionStage<JsonNode> onRequest(IpcLink link, Payloads.Request request, @Nullable Integer from) {
		return onRequest(link, request);
	}

	/**
	 * An ERROR arrived that answered no pending request.
	 * @param link the link
	 * @param error the error
	 */
	default void onError(IpcLink link, Payloads.Error error) {
	}

	/**
	 * The link closed: the peer went away, heartbeats stopped, the peer broke the protocol,
	 * or this side closed it. Called once.
	 * @param link the link
	 * @param cause why
	 * @param detail a human-readable detail
	 */
	void onLost(IpcLink link, LinkLossCause cause, String detail);

}
