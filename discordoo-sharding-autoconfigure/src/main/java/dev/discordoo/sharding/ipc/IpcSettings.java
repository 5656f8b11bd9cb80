package dev.discordoo.sharding.ipc;

import java.time.Duration;

/**
 * Timing and size limits of one side of an IPC link.
 *
 * @param maxFrameSize the largest frame body, in bytes, this side accepts and sends
 * @param helloInterval how often the manager resends HELLO until IDENTIFY
 * @param spawnTimeout how long the manager waits for IDENTIFY
 * @param handshakeTimeout how long the instance waits for a valid HELLO on a new connection
 * @param heartbeatInterval how often the instance sends HEARTBEAT
 * @param heartbeatTolerance how many heartbeat intervals may pass without a heartbeat (or ack)
 * before the link counts as lost
 * @param requestTimeout the default timeout of a request
 * @param maxPendingConnections how many connections may wait for HELLO at once; more are closed
 * @param inboundQueueCapacity how many received packets may wait for their handler per
 * connection before the reader stops reading (and TCP pushes back on the sender)
 * @param inboundQueueBytes how many bytes of received frames may wait for their handler per
 * connection before the reader stops reading; at least {@code maxFrameSize}
 * @param outboundQueueBytes how many bytes of frames may wait to be written per connection:
 * beyond it a sender waits, and a relay to that connection is refused; at least
 * {@code maxFrameSize}
 */
public record IpcSettings(int maxFrameSize, Duration helloInterval, Duration spawnTimeout, Duration handshakeTimeout,
		Duration heartbeatInterval, int heartbeatTolerance, Duration requestTimeout, int maxPendingConnections,
		int inboundQueueCapacity, long inboundQueueBytes, long outboundQueueBytes) {

	/** The protocol's default max frame size: 1 MiB. */
	public static final int DEFAULT_MAX_FRAME_SIZE = 1024 * 1024;

	/** The default byte budget of each connection's inbound and outbound queue: 8 MiB. */
	public static final long DEFAULT_QUEUE_BYTES = 8L * 1024 * 1024;

	/**
	 * Validate the settings.
	 */
	public IpcSettings {
		if (maxFrameSize < 2) {
			throw new IllegalArgumentException("maxFrameSize must be at least 2 bytes, was " + maxFrameSize);
		}
		requirePositive("helloInterval", helloInterval);
		requirePositive("spawnTimeout", spawnTimeout);
		requirePositive("handshakeTimeout", handshakeTimeout);
		requirePositive("heartbeatInterval", heartbeatInterval);
		requirePositive("requestTimeout", requestTimeout);
		if (heartbeatTolerance < 1) {
			throw new IllegalArgumentException("heartbeatTolerance must be at least 1, was " + heartbeatTolerance);
		}
		if (maxPendingConnections < 1) {
			throw new IllegalArgumentException("maxPendingConnections must be at least 1, was " + maxPendingConnections);
		}
		if (inboundQueueCapacity < 1) {
			throw new IllegalArgumentException("inboundQueueCapacity must be at least 1, was " + inboundQueueCapacity);
		}
		// a budget below one frame could never let a frame of the maximum size through
		if (inboundQueueBytes < maxFrameSize) {
			throw new IllegalArgumentException("inboundQueueBytes must be at least maxFrameSize (" + maxFrameSize
					+ "), was " + inboundQueueBytes);
		}
		if (outboundQueueBytes < maxFrameSize) {
			throw new IllegalArgumentException("outboundQueueBytes must be at least maxFrameSize (" + maxFrameSize
					+ "), was " + outboundQueueBytes);
		}
	}

	/**
	 * Settings with the default byte budgets of the queues ({@link #DEFAULT_QUEUE_BYTES}, or
	 * the max frame size if that is larger).
	 * @param maxFrameSize the largest frame body, in bytes, this side accepts and sends
	 * @param helloInterval how often the manager resends HELLO until IDENTIFY
	 * @param spawnTimeout how long the manager waits for IDENTIFY
	 * @param handshakeTimeout how long the instance waits for a valid HELLO on a new connection
	 * @param heartbeatInterval how often the instance sends HEARTBEAT
	 * @param heartbeatTolerance how many heartbeat intervals may pass without a heartbeat (or
	 * ack) before the link counts as lost
	 * @param requestTimeout the default timeout of a request
	 * @param maxPendingConnections how many connections may wait for HELLO at once
	 * @param inboundQueueCapacity how many received packets may wait for their handler per
	 * connection
	 */
	public IpcSettings(int maxFrameSize, Duration helloInterval, Duration spawnTimeout, Duration handshakeTimeout,
			Duration heartbeatInterval, int heartbeatTolerance, Duration requestTimeout, int maxPendingConnections,
			int inboundQueueCapacity) {
		this(maxFrameSize, helloInterval, spawnTimeout, handshakeTimeout, heartbeatInterval, heartbeatTolerance,
				requestTimeout, maxPendingConnections, inboundQueueCapacity,
				Math.max(DEFAULT_QUEUE_BYTES, maxFrameSize), Math.max(DEFAULT_QUEUE_BYTES, maxFrameSize));
	}

	/**
	 * The protocol's defaults: 1 MiB frames, HELLO every second for 30 s, 5 s to say HELLO,
	 * heartbeats every 5 s with a tolerance of 3, requests time out after 60 s.
	 * @return the default settings
	 */
	public static IpcSettings defaults() {
		return new IpcSettings(DEFAULT_MAX_FRAME_SIZE, Duration.ofSeconds(1), Duration.ofSeconds(30),
				Duration.ofSeconds(5), Duration.ofSeconds(5), 3, Duration.ofSeconds(60), 16, 10_000);
	}

	/**
	 * Return how long a link may go without a heartbeat (or an ack) before it counts as lost.
	 * @return interval times tolerance
	 */
	public Duration heartbeatTimeout() {
		return this.heartbeatInterval.multipliedBy(this.heartbeatTolerance);
	}

	/**
	 * Copy with another heartbeat interval and tolerance.
	 * @param interval the interval
	 * @param tolerance the tolerance
	 * @return the new settings
	 */
	public IpcSettings withHeartbeat(Duration interval, int tolerance) {
		return new IpcSettings(this.maxFrameSize, this.helloInterval, this.spawnTimeout, this.handshakeTimeout,
				interval, tolerance, this.requestTimeout, this.maxPendingConnections, this.inboundQueueCapacity,
				this.inboundQueueBytes, this.outboundQueueBytes);
	}

	/**
	 * Copy with another max frame size.
	 * @param maxFrameSize the size in bytes
	 * @return the new settings
	 */
	public IpcSettings withMaxFrameSize(int maxFrameSize) {
		// the budgets grow with the frames: each must hold at least one frame
		return new IpcSettings(maxFrameSize, this.helloInterval, this.spawnTimeout, this.handshakeTimeout,
				this.heartbeatInterval, this.heartbeatTolerance, this.requestTimeout, this.maxPendingConnections,
				this.inboundQueueCapacity, Math.max(this.inboundQueueBytes, maxFrameSize),
				Math.max(this.outboundQueueBytes, maxFrameSize));
	}

	/**
	 * Copy with other handshake timings.
	 * @param helloInterval how often HELLO is resent
	 * @param spawnTimeout how long the manager waits for IDENTIFY
	 * @param handshakeTimeout how long the instance waits for HELLO
	 * @return the new settings
	 */
	public IpcSettings withHandshake(Duration helloInterval, Duration spawnTimeout, Duration handshakeTimeout) {
		return new IpcSettings(this.maxFrameSize, helloInterval, spawnTimeout, handshakeTimeout,
				this.heartbeatInterval, this.heartbeatTolerance, this.requestTimeout, this.maxPendingConnections,
				this.inboundQueueCapacity, this.inboundQueueBytes, this.outboundQueueBytes);
	}

	/**
	 * Copy with another default request timeout.
	 * @param requestTimeout the timeout
	 * @return the new settings
	 */
	public IpcSettings withRequestTimeout(Duration requestTimeout) {
		return new IpcSettings(this.maxFrameSize, this.helloInterval, this.spawnTimeout, this.handshakeTimeout,
				this.heartbeatInterval, this.heartbeatTolerance, requestTimeout, this.maxPendingConnections,
				this.inboundQueueCapacity, this.inboundQueueBytes, this.outboundQueueBytes);
	}

	/**
	 * Copy with other byte budgets of the per-connection queues.
	 * @param inboundQueueBytes received bytes that may wait for their handler
	 * @param outboundQueueBytes bytes that may wait to be written
	 * @return the new settings
	 */
	public IpcSettings withQueueBytes(long inboundQueueBytes, long outboundQueueBytes) {
		return new IpcSettings(this.maxFrameSize, this.helloInterval, this.spawnTimeout, this.handshakeTimeout,
				this.heartbeatInterval, this.heartbeatTolerance, this.requestTimeout, this.maxPendingConnections,
				this.inboundQueueCapacity, inboundQueueBytes, outboundQueueBytes);
	}

	private static void requirePositive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
	}

}
