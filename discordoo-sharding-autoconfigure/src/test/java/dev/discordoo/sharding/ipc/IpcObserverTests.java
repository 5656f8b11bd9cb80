package dev.discordoo.sharding.ipc;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.IntNode;

import dev.discordoo.sharding.ipc.IpcObserver.RequestOutcome;
import dev.discordoo.sharding.protocol.OpCode;
import dev.discordoo.sharding.protocol.Payloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class IpcObserverTests {

	// fast heartbeats, with a tolerance a loaded machine cannot exceed by accident
	private static final IpcSettings SETTINGS = IpcTestSupport.fastSettings().withHeartbeat(Duration.ofMillis(100), 50);

	private final RecordingObserver managerObserver = new RecordingObserver();

	private final RecordingObserver instanceObserver = new RecordingObserver();

	private IpcTestSupport ipc;

	@AfterEach
	void close() {
		if (this.ipc != null) {
			this.ipc.close();
		}
	}

	@Test
	void everyFrameIsObservedOnTheSideThatSentItAndTheSideThatReadIt() {
		this.ipc = new IpcTestSupport(SETTINGS, this.managerObserver, this.instanceObserver);
		IpcLink managerLink = this.ipc.connect();
		managerLink.dispatch("GUILD_COUNT", new IntNode(1));
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.ipc.instanceSide.dispatches.isEmpty()
				&& this.managerObserver.sent.contains(OpCode.HEARTBEAT_ACK));
		assertThat(this.managerObserver.sent).contains(OpCode.HELLO, OpCode.DISPATCH, OpCode.HEARTBEAT_ACK)
			.doesNotContain(OpCode.IDENTIFY, OpCode.HEARTBEAT);
		assertThat(this.managerObserver.received).contains(OpCode.IDENTIFY, OpCode.HEARTBEAT)
			.doesNotContain(OpCode.HELLO);
		assertThat(this.instanceObserver.received).contains(OpCode.HELLO, OpCode.DISPATCH);
		assertThat(this.instanceObserver.sent).contains(OpCode.IDENTIFY, OpCode.HEARTBEAT)
			.doesNotContain(OpCode.HELLO, OpCode.DISPATCH);
	}

	@Test
	void requestsAreObservedWithTheirOutcomeAndDuration() {
		this.ipc = new IpcTestSupport(SETTINGS, this.managerObserver, this.instanceObserver);
		this.ipc.instanceSide.requestHandlers.put("echo", CompletableFuture::completedFuture);
		this.ipc.instanceSide.requestHandlers.put("boom", (payload) -> {
			throw new IllegalStateException("kaput");
		});
		this.ipc.instanceSide.requestHandlers.put("never", (payload) -> new CompletableFuture<>());
		IpcLink managerLink = this.ipc.connect();
		assertThat(managerLink.request("echo", 1, null, null).join().ok()).isTrue();
		assertThat(managerLink.request("boom", null, null, null).join().ok()).isFalse();
		assertThat(managerLink.request("never", null, null, Duration.ofMillis(200)).join().ok()).isFalse();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.managerObserver.requests.size() == 3);
		assertThat(this.managerObserver.requests).extracting(Request::outcome)
			.containsExactly(RequestOutcome.OK, RequestOutcome.ERROR, RequestOutcome.TIMEOUT);
		assertThat(this.managerObserver.requests).last()
			.satisfies((timedOut) -> assertThat(timedOut.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(200)));
		// the instance answered the requests, it made none
		assertThat(this.instanceObserver.requests).isEmpty();
		assertThat(this.instanceObserver.sent).contains(OpCode.RESPONSE);
	}

	@Test
	void aRequestOnALostLinkIsObservedAsAnError() {
		this.ipc = new IpcTestSupport(SETTINGS, this.managerObserver, this.instanceObserver);
		IpcLink managerLink = this.ipc.connect();
		managerLink.close("test");
		Payloads.Response response = managerLink.request("echo", null, null, null).join();
		assertThat(response.ok()).isFalse();
		assertThat(this.managerObserver.requests).singleElement()
			.satisfies((request) -> assertThat(request.outcome()).isEqualTo(RequestOutcome.ERROR));
	}

	@Test
	void aFailingObserverBreaksNoLink() {
		IpcObserver failing = new IpcObserver() {

			@Override
			public void onFrameSent(OpCode op) {
				throw new IllegalStateException("sent");
			}

			@Override
			public void onFrameReceived(OpCode op) {
				throw new IllegalStateException("received");
			}

			@Override
			public void onRequestCompleted(RequestOutcome outcome, Duration duration) {
				throw new IllegalStateException("request");
			}

		};
		this.ipc = new IpcTestSupport(SETTINGS, failing, failing);
		this.ipc.instanceSide.requestHandlers.put("echo", CompletableFuture::completedFuture);
		IpcLink managerLink = this.ipc.connect();
		Payloads.Response echoed = managerLink.request("echo", 7, null, null).join();
		assertThat(echoed.ok()).isTrue();
		assertThat(echoed.result().intValue()).isEqualTo(7);
		assertThat(managerLink.isOpen()).isTrue();
		assertThat(this.ipc.managerSide.losses).isEmpty();
	}

	@Test
	void ofTellsEveryObserverInTurn() {
		RecordingObserver first = new RecordingObserver();
		RecordingObserver second = new RecordingObserver();
		IpcObserver both = IpcObserver.of(List.of(first, second));
		both.onFrameSent(OpCode.DISPATCH);
		both.onFrameReceived(OpCode.HEARTBEAT);
		both.onRequestCompleted(RequestOutcome.OK, Duration.ofMillis(3));
		for (RecordingObserver observer : List.of(first, second)) {
			assertThat(observer.sent).containsExactly(OpCode.DISPATCH);
			assertThat(observer.received).containsExactly(OpCode.HEARTBEAT);
			assertThat(observer.requests).containsExactly(new Request(RequestOutcome.OK, Duration.ofMillis(3)));
		}
	}

	@Test
	void ofNoneOrOneNeedsNoComposite() {
		RecordingObserver only = new RecordingObserver();
		assertThat(IpcObserver.of(List.of())).isSameAs(IpcObserver.NONE);
		assertThat(IpcObserver.of(List.of(only))).isSameAs(only);
	}

	record Request(RequestOutcome outcome, Duration duration) {
	}

	static final class RecordingObserver implements IpcObserver {

		final Queue<OpCode> sent = new ConcurrentLinkedQueue<>();

		final Queue<OpCode> received = new ConcurrentLinkedQueue<>();

		final Queue<Request> requests = new ConcurrentLinkedQueue<>();

		@Override
		public void onFrameSent(OpCode op) {
			this.sent.add(op);
		}

		@Override
		public void onFrameReceived(OpCode op) {
			this.received.add(op);
		}

		@Override
		public void onRequestCompleted(RequestOutcome outcome, Duration duration) {
			this.requests.add(new Request(outcome, duration));
		}

	}

}
