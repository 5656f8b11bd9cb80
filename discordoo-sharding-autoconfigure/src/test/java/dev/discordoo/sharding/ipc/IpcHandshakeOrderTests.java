package dev.discordoo.sharding.ipc;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.OpCode;
import dev.discordoo.sharding.protocol.Payloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The handshake holds however the threads happen to be scheduled. IDENTIFY must be the first
 * frame an instance sends on its manager link: the manager refuses anything before it
 * (NOT_AUTHENTICATED) and reconnects, and the instance, which took the first connection as
 * its manager link, refuses the next one ("already has a manager connection"), so the start
 * fails. A heartbeat tick that comes while the reader thread is still answering the HELLO must
 * therefore never overtake the IDENTIFY; and should a peer send something before its IDENTIFY
 * anyway, the manager must not make a link of the connection it is closing for that.
 */
class IpcHandshakeOrderTests {

	private final Queue<OpCode> sentByInstance = new ConcurrentLinkedQueue<>();

	private final Queue<OpCode> receivedByManager = new ConcurrentLinkedQueue<>();

	private final FirstTickAtOnceTimer instanceTimer = new FirstTickAtOnceTimer();

	private final IpcTestSupport ipc = new IpcTestSupport(IpcTestSupport.fastSettings(), new IpcObserver() {

		@Override
		public void onFrameReceived(OpCode op) {
			IpcHandshakeOrderTests.this.receivedByManager.add(op);
		}

	}, new IpcResources("instance", new DefaultListableBeanFactory(), (event) -> {
	}, new IpcObserver() {

		@Override
		public void onFrameSent(OpCode op) {
			IpcHandshakeOrderTests.this.sentByInstance.add(op);
		}

	}, this.instanceTimer, NanoClock.SYSTEM));

	@AfterEach
	void close() {
		this.ipc.close();
	}

	@Test
	void aHeartbeatTickDueWhileTheHelloIsAnsweredNeverOvertakesIdentify()
			throws InterruptedException, ExecutionException, TimeoutException {
		IpcLink link = this.ipc.connect(this.ipc.managerId, this.ipc.token).get(10, TimeUnit.SECONDS);
		assertThat(List.copyOf(this.receivedByManager)).first().isEqualTo(OpCode.IDENTIFY);
		// the tick did come early (the instance may still be in it as the manager links up):
		// otherwise this test proves nothing
		await().atMost(Duration.ofSeconds(10)).until(() -> this.instanceTimer.ticksRunEarly.get() > 0);
		// the first heartbeat's ack comes back: the link works past the handshake
		await().atMost(Duration.ofSeconds(10)).until(() -> link.latencyMillis() != null);
		assertThat(List.copyOf(this.sentByInstance)).first().isEqualTo(OpCode.IDENTIFY);
		assertThat(link.isOpen()).isTrue();
		assertThat(this.ipc.server.managerLink()).isNotNull();
		assertThat(this.ipc.server.openConnections()).isEqualTo(1);
		assertThat(this.ipc.managerSide.losses).isEmpty();
		assertThat(this.ipc.instanceSide.losses).isEmpty();
	}

	@Test
	void anIdentifyBehindARefusedPacketDoesNotMakeALinkOfTheRefusedConnection() throws Exception {
		try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			IpcClient client = new IpcClient("127.0.0.1", listener.getLocalPort(), this.ipc.settings,
					this.ipc.managerResources, this.ipc.codec);
			try {
				Payloads.Hello hello = this.ipc.hello(this.ipc.managerId, this.ipc.token);
				CompletableFuture<IpcLink> linked = client.connect(hello, this.ipc.instanceId, this.ipc.managerSide);
				String identify = "{\"op\":1,\"d\":{\"id\":\"" + this.ipc.instanceId + "\",\"event_id\":\""
						+ hello.eventId() + "\",\"pid\":1,\"v\":1}}";
				String heartbeat = "{\"op\":7,\"d\":{\"seq\":1,\"sent_at\":0,\"latency\":null}}";
				try (RawPeer first = RawPeer.accept(listener)) {
					first.readUntilOp(OpCode.HELLO.code());
					// read together: the IDENTIFY is there before the manager has closed the connection
					first.sendJsonTogether(heartbeat, identify);
					JsonNode refusal = first.readUntilOp(OpCode.ERROR.code());
					assertThat(refusal.get("d").get("code").stringValue()).isEqualTo(ErrorCode.NOT_AUTHENTICATED);
					assertThat(first.isClosedByPeer()).isTrue();
				}
				assertThat(linked).isNotDone();
				// the next HELLO tick connects again, and that connection becomes the link
				try (RawPeer second = RawPeer.accept(listener)) {
					second.readUntilOp(OpCode.HELLO.code());
					second.sendJson(identify);
					IpcLink link = linked.get(10, TimeUnit.SECONDS);
					second.sendJson(heartbeat);
					assertThat(second.readUntilOp(OpCode.HEARTBEAT_ACK.code()).get("d").get("seq").intValue())
						.isEqualTo(1);
					assertThat(link.isOpen()).isTrue();
				}
			}
			finally {
				client.close();
			}
		}
	}

	/**
	 * A timer that runs the first tick of every periodic task at once, on its own thread,
	 * while the thread that scheduled the task waits for that tick to end: as if that thread
	 * (the reader answering a HELLO) had been descheduled for a whole period right there, as
	 * happens on a loaded machine.
	 */
	private static final class FirstTickAtOnceTimer extends ScheduledThreadPoolExecutor {

		final AtomicInteger ticksRunEarly = new AtomicInteger();

		FirstTickAtOnceTimer() {
			super(1, (task) -> {
				Thread thread = new Thread(task, "early-tick-timer");
				thread.setDaemon(true);
				return thread;
			});
		}

		@Override
		public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
				TimeUnit unit) {
			ScheduledFuture<?> periodic = super.scheduleAtFixedRate(command, initialDelay, period, unit);
			try {
				super.schedule(command, 0, TimeUnit.NANOSECONDS).get(10, TimeUnit.SECONDS);
				this.ticksRunEarly.incrementAndGet();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | TimeoutException ex) {
				throw new IllegalStateException("the early tick failed", ex);
			}
			return periodic;
		}

	}

}
