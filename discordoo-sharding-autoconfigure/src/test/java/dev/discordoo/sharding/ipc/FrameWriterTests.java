package dev.discordoo.sharding.ipc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.messaging.Message;

import dev.discordoo.sharding.ipc.FrameWriter.FrameBatch;
import dev.discordoo.sharding.protocol.OpCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * The outbound queue of one connection, on a connection that records what it is asked to
 * write: frames queued while a write is under way leave together, in order, with one flush;
 * and the queue is bounded in bytes.
 */
class FrameWriterTests {

	private final IpcResources resources = new IpcResources("frame-writer-test");

	private final TcpConnection connection = mock(TcpConnection.class);

	private final List<List<byte[]>> writes = new ArrayList<>();

	private final CountDownLatch firstWriteMayFinish = new CountDownLatch(1);

	private final AtomicInteger writesStarted = new AtomicInteger();

	@AfterEach
	void close() {
		this.firstWriteMayFinish.countDown();
		this.resources.close();
	}

	@Test
	void framesQueuedDuringAWriteLeaveTogetherInOrderWithOneFlush() throws Exception {
		recordWrites();
		FrameWriter writer = new FrameWriter(this.connection, this::write, IpcSettings.DEFAULT_QUEUE_BYTES, this.resources);
		// the first frame is written on this thread; the write is held up until released
		Thread first = new Thread(() -> writer.send(OpCode.DISPATCH, body(0)), "first-sender");
		first.start();
		await().atMost(java.time.Duration.ofSeconds(5)).until(() -> this.writesStarted.get() == 1);
		for (int n = 1; n <= 100; n++) {
			writer.send(OpCode.DISPATCH, body(n));
		}
		assertThat(this.writesStarted.get()).as("frames queued behind a write wait for it").isEqualTo(1);
		this.firstWriteMayFinish.countDown();
		first.join(TimeUnit.SECONDS.toMillis(5));
		await().atMost(java.time.Duration.ofSeconds(5)).until(() -> writer.queuedBytes() == 0);
		List<Integer> order = new ArrayList<>();
		synchronized (this.writes) {
			assertThat(this.writes).as("one write for the first frame, one for the 100 queued behind it").hasSize(2);
			this.writes.forEach((batch) -> batch.forEach((frame) -> order.add((int) frame[0])));
		}
		for (int n = 0; n <= 100; n++) {
			assertThat(order.get(n)).isEqualTo(n);
		}
	}

	@Test
	void aRelayIsRefusedOnceTheQueueHoldsItsBudgetAndNeverWaits() throws Exception {
		recordWrites();
		long budget = 10_000;
		FrameWriter writer = new FrameWriter(this.connection, this::write, budget, this.resources);
		// a peer that does not read: the first write never finishes until the test ends
		assertThat(writer.offer(OpCode.DISPATCH, new byte[1000], true)).isTrue();
		await().atMost(java.time.Duration.ofSeconds(5)).until(() -> this.writesStarted.get() == 1);
		int accepted = 0;
		int refused = 0;
		for (int n = 0; n < 100; n++) {
			if (writer.offer(OpCode.DISPATCH, new byte[1000], true)) {
				accepted++;
			}
			else {
				refused++;
			}
		}
		assertThat(writer.queuedBytes()).isLessThanOrEqualTo(budget + 1000 + FrameWriter.HEADER_BYTES);
		assertThat(accepted).isBetween(9, 10);
		assertThat(refused).isEqualTo(100 - accepted);
		// what the protocol owes the peer is queued even so
		assertThat(writer.offer(OpCode.HEARTBEAT_ACK, new byte[20], false)).isTrue();
	}

	/** What the outbound adapter does: write the batch to the connection, here the recording mock. */
	private boolean write(Message<?> message, long timeout) {
		this.connection.send(message);
		return true;
	}

	private void recordWrites() throws Exception {
		given(this.connection.isOpen()).willReturn(true);
		given(this.connection.getConnectionId()).willReturn("test-connection");
		willAnswer((invocation) -> {
			Message<?> message = invocation.getArgument(0);
			if (this.writesStarted.incrementAndGet() == 1) {
				try {
					this.firstWriteMayFinish.await();
				}
				catch (InterruptedException ex) {
					// the resources are closing at the end of the test
					Thread.currentThread().interrupt();
				}
			}
			synchronized (this.writes) {
				this.writes.add(((FrameBatch) message.getPayload()).bodies());
			}
			return null;
		}).given(this.connection).send(any());
	}

	private static byte[] body(int n) {
		return new byte[] { (byte) n, '{', '}' };
	}

}
