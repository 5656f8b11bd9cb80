package dev.discordoo.sharding.metrics;

import java.time.Duration;
import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.discordoo.sharding.ipc.IpcObserver;
import dev.discordoo.sharding.protocol.OpCode;

/**
 * Counts IPC frames and times requests, as the {@link IpcObserver} of a manager's or an
 * instance's IPC resources:
 * <ul>
 * <li>{@code discordoo.sharding.ipc.frames}, a counter tagged {@code direction}
 * ({@code in} or {@code out}) and {@code op} (the op's name in lower case, such as
 * {@code dispatch} or {@code heartbeat_ack});</li>
 * <li>{@code discordoo.sharding.requests}, a timer of the requests this side sent, tagged
 * {@code outcome} ({@code ok}, {@code error} or {@code timeout}).</li>
 * </ul>
 * Every meter is registered up front, so the per-frame work is one counter increment.
 */
public final class ShardingIpcMetrics implements IpcObserver {

	// by ordinal: every value has its meter from the start
	private final Counter[] sent = new Counter[OpCode.values().length];

	private final Counter[] received = new Counter[OpCode.values().length];

	private final Timer[] requests = new Timer[RequestOutcome.values().length];

	/**
	 * Register the meters.
	 * @param registry the registry to register them with
	 */
	public ShardingIpcMetrics(MeterRegistry registry) {
		for (OpCode op : OpCode.values()) {
			this.sent[op.ordinal()] = frames(registry, "out", op);
			this.received[op.ordinal()] = frames(registry, "in", op);
		}
		for (RequestOutcome outcome : RequestOutcome.values()) {
			this.requests[outcome.ordinal()] = Timer.builder(MeterNames.REQUESTS)
				.description("Requests sent over the sharding IPC links, until their response")
				.tag(MeterNames.TAG_OUTCOME, outcome.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
	}

	private static Counter frames(MeterRegistry registry, String direction, OpCode op) {
		return Counter.builder(MeterNames.IPC_FRAMES)
			.description("Frames sent and received over the sharding IPC links")
			.tag(MeterNames.TAG_DIRECTION, direction)
			.tag(MeterNames.TAG_OP, op.name().toLowerCase(Locale.ROOT))
			.register(registry);
	}

	@Override
	public void onFrameSent(OpCode op) {
		this.sent[op.ordinal()].increment();
	}

	@Override
	public void onFrameReceived(OpCode op) {
		this.received[op.ordinal()].increment();
	}

	@Override
	public void onRequestCompleted(RequestOutcome outcome, Duration duration) {
		this.requests[outcome.ordinal()].record(duration);
	}

}
