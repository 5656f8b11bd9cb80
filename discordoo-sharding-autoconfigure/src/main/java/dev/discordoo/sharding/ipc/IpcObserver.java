package dev.discordoo.sharding.ipc;

import java.time.Duration;
import java.util.List;

import dev.discordoo.sharding.protocol.OpCode;

/**
 * Told of the traffic of every IPC connection that shares one {@link IpcResources}: each
 * frame sent or received, and each request this side made once it completed. The hook the
 * metrics hang on, kept free of any metrics library.
 *
 * <p>Called on socket reader threads and on the threads of whoever sends, once per frame:
 * implementations must be thread-safe and fast, and must not block. An exception thrown by
 * an observer is logged and otherwise ignored, so that a faulty observer cannot break a link.
 */
public interface IpcObserver {

	/** Observes nothing. */
	IpcObserver NONE = new IpcObserver() {
	};

	/**
	 * A frame was written to a connection.
	 * @param op the op of the packet in the frame
	 */
	default void onFrameSent(OpCode op) {
	}

	/**
	 * A frame was read from a connection and decoded. Frames that break the framing or the
	 * envelope rules have no op and are not reported.
	 * @param op the op of the packet in the frame
	 */
	default void onFrameReceived(OpCode op) {
	}

	/**
	 * A request this side sent through {@link IpcLink#request} completed.
	 * @param outcome how it ended
	 * @param duration how long it took, from the call to the response
	 */
	default void onRequestCompleted(RequestOutcome outcome, Duration duration) {
	}

	/**
	 * Return an observer that tells each of the given ones in turn.
	 * @param observers the observers
	 * @return {@link #NONE} for none, the observer itself for one, a composite otherwise
	 */
	static IpcObserver of(List<? extends IpcObserver> observers) {
		if (observers.isEmpty()) {
			return NONE;
		}
		if (observers.size() == 1) {
			return observers.get(0);
		}
		List<IpcObserver> all = List.copyOf(observers);
		return new IpcObserver() {

			@Override
			public void onFrameSent(OpCode op) {
				all.forEach((observer) -> observer.onFrameSent(op));
			}

			@Override
			public void onFrameReceived(OpCode op) {
				all.forEach((observer) -> observer.onFrameReceived(op));
			}

			@Override
			public void onRequestCompleted(RequestOutcome outcome, Duration duration) {
				all.forEach((observer) -> observer.onRequestCompleted(outcome, duration));
			}

		};
	}

	/**
	 * How a request ended.
	 */
	enum RequestOutcome {

		/** The peer answered with a successful response. */
		OK,

		/** The peer answered with a failed response, the link was lost, or it could not be sent. */
		ERROR,

		/** No response within the request's timeout. */
		TIMEOUT

	}

}
