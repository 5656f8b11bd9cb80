package dev.discordoo.sharding.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.discordoo.sharding.ipc.IpcObserver.RequestOutcome;
import dev.discordoo.sharding.protocol.OpCode;

import static org.assertj.core.api.Assertions.assertThat;

class ShardingIpcMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ShardingIpcMetrics metrics = new ShardingIpcMetrics(this.registry);

	@Test
	void everyOpAndDirectionIsRegisteredUpFront() {
		assertThat(this.registry.find("discordoo.sharding.ipc.frames").counters())
			.hasSize(2 * OpCode.values().length)
			.allSatisfy((counter) -> assertThat(counter.count()).isZero());
		assertThat(this.registry.find("discordoo.sharding.requests").timers()).hasSize(3);
	}

	@Test
	void framesAreCountedByDirectionAndOp() {
		this.metrics.onFrameSent(OpCode.DISPATCH);
		this.metrics.onFrameSent(OpCode.DISPATCH);
		this.metrics.onFrameSent(OpCode.HEARTBEAT_ACK);
		this.metrics.onFrameReceived(OpCode.HEARTBEAT);
		assertThat(frames("out", "dispatch").count()).isEqualTo(2);
		assertThat(frames("out", "heartbeat_ack").count()).isEqualTo(1);
		assertThat(frames("in", "heartbeat").count()).isEqualTo(1);
		assertThat(frames("in", "dispatch").count()).isZero();
		assertThat(frames("out", "heartbeat").count()).isZero();
	}

	@Test
	void requestsAreTimedByOutcome() {
		this.metrics.onRequestCompleted(RequestOutcome.OK, Duration.ofMillis(20));
		this.metrics.onRequestCompleted(RequestOutcome.OK, Duration.ofMillis(40));
		this.metrics.onRequestCompleted(RequestOutcome.TIMEOUT, Duration.ofSeconds(60));
		Timer ok = requests("ok");
		assertThat(ok.count()).isEqualTo(2);
		assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(60);
		assertThat(ok.max(TimeUnit.MILLISECONDS)).isEqualTo(40);
		assertThat(requests("timeout").count()).isEqualTo(1);
		assertThat(requests("timeout").totalTime(TimeUnit.SECONDS)).isEqualTo(60);
		assertThat(requests("error").count()).isZero();
	}

	private Counter frames(String direction, String op) {
		return this.registry.get("discordoo.sharding.ipc.frames").tag("direction", direction).tag("op", op).counter();
	}

	private Timer requests(String outcome) {
		return this.registry.get("discordoo.sharding.requests").tag("outcome", outcome).timer();
	}

}
