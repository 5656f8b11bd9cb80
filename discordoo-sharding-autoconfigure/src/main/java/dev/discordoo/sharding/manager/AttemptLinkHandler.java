package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.FailureCause;
import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.IpcLinkHandler;
import dev.discordoo.sharding.ipc.LinkLossCause;
import dev.discordoo.sharding.ipc.Relay;
import dev.discordoo.sharding.ipc.RequestFailedException;
import dev.discordoo.sharding.ipc.RequestTimeout;
import dev.discordoo.sharding.protocol.ControlEvents;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.Payloads;
import org.jspecify.annotations.Nullable;

/**
 * What the manager does with the packets of one attempt's link: the instance's own life
 * (CONNECTED, CLIENT_START_FAILED, the link's loss) goes to its {@link InstanceHandle}; relays,
 * application traffic and control requests go to the {@link InstanceRouter}.
 */
final class AttemptLinkHandler implements IpcLinkHandler {

	private static final Log logger = LogFactory.getLog(AttemptLinkHandler.class);

	private final InstanceHandle handle;

	private final InstanceAttempt attempt;

	private final InstanceRouter router;

	private final Duration defaultTimeout;

	AttemptLinkHandler(InstanceHandle handle, InstanceAttempt attempt, InstanceRouter router,
			Duration defaultTimeout) {
		this.handle = handle;
		this.attempt = attempt;
		this.router = router;
		this.defaultTimeout = defaultTimeout;
	}

	@Override
	public void onDispatch(IpcLink link, String event, @Nullable JsonNode data, Relay relay) {
		if (relay.targets() != null && !ControlEvents.isReserved(event)) {
			try {
				this.router.relayDispatch(this.handle.index(), event, data, relay.targets());
			}
			catch (IllegalArgumentException ex) {
				logger.warn("Instance " + this.handle.index() + " sent " + event + " with invalid targets: "
						+ ex.getMessage());
				refuse(link, String.valueOf(ex.getMessage()));
			}
			return;
		}
		onDispatch(link, event, data);
	}

	@Override
	public void onDispatch(IpcLink link, String event, @Nullable JsonNode data) {
		if (ControlEvents.CONNECTED.equals(event)) {
			this.handle.connected(this.attempt);
		}
		else if (!ControlEvents.isReserved(event)) {
			this.router.onDispatch(event, data, sender(link, event));
		}
	}

	@Override
	public CompletionStage<JsonNode> onRequest(IpcLink link, Payloads.Request request) {
		if (request.targets() != null) {
			Duration timeout = RequestTimeout.fromPeer(request.timeout(), this.defaultTimeout);
			try {
				return this.router.relayRequest(this.handle.index(), request.name(), request.payload(),
						request.targets(), timeout);
			}
			catch (IllegalArgumentException ex) {
				return CompletableFuture.failedFuture(
						new RequestFailedException(ErrorCode.INVALID_PAYLOAD, String.valueOf(ex.getMessage())));
			}
		}
		if (ManagerControlRequests.isControlRequest(request.name())) {
			return this.handle.answerControlRequest(this.attempt, request);
		}
		return this.router.onRequest(request.name(), request.payload(), sender(link, request.name()));
	}

	@Override
	public void onError(IpcLink link, Payloads.Error error) {
		if (ErrorCode.CLIENT_START_FAILED.equals(error.code())) {
			this.handle.failed(this.attempt, FailureCause.CLIENT_START_FAILED,
					"its local client failed to start: " + error.message());
		}
		else if (ErrorCode.GATEWAY_REFUSED.equals(error.code())) {
			this.handle.failed(this.attempt, FailureCause.GATEWAY_REFUSED,
					"Discord's gateway refused " + error.message());
		}
	}

	@Override
	public void onLost(IpcLink link, LinkLossCause cause, String detail) {
		if (cause != LinkLossCause.CLOSED_LOCALLY) {
			this.handle.failed(this.attempt,
					(cause == LinkLossCause.HEARTBEAT_TIMEOUT) ? FailureCause.HEARTBEAT_TIMEOUT : FailureCause.LINK_LOST,
					"link lost: " + cause + " (" + detail + ")");
		}
	}

	/** Refused, not fatal: one bad broadcast must not cost a healthy instance its link. */
	private void refuse(IpcLink link, String why) {
		try {
			link.sendError(ErrorCode.INVALID_PAYLOAD, why);
		}
		catch (RuntimeException ex) {
			// the link closed meanwhile: its loss is on its way to the handle
			logger.debug("Could not refuse a broadcast of instance " + this.handle.index(), ex);
		}
	}

	private ShardEventContext sender(IpcLink link, String event) {
		return new ShardEventContext(this.handle.index(), link.remoteId(), this.handle.shards(), event);
	}

}
