package dev.discordoo.sharding.ipc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.StringNode;

import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.Payloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class IpcLinkTests {

	private final IpcTestSupport ipc = new IpcTestSupport(IpcTestSupport.fastSettings());

	@AfterEach
	void close() {
		this.ipc.close();
	}

	@Test
	void handshakeLinksBothSides() {
		IpcLink managerLink = this.ipc.connect();
		assertThat(managerLink.side()).isEqualTo(IpcLink.Side.MANAGER);
		assertThat(managerLink.remoteId()).isEqualTo(this.ipc.instanceId);
		assertThat(managerLink.remotePid()).isEqualTo(777);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.ipc.server.managerLink() != null);
		assertThat(this.ipc.server.managerLink().remoteId()).isEqualTo(this.ipc.managerId);
		// the listener hears of the manager on its handler thread, maybe after the manager has its link
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.ipc.instanceSide.hellos.isEmpty());
		assertThat(this.ipc.instanceSide.hellos).singleElement().satisfies((hello) -> {
			assertThat(hello.shards()).containsExactly(0, 1);
			assertThat(hello.totalShards()).isEqualTo(2);
		});
	}

	@Test
	void dispatchesTravelBothWaysOffTheReaderThread() {
		IpcLink managerLink = this.ipc.connect();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.ipc.server.managerLink() != null);
		managerLink.dispatch("GUILD_COUNT", new IntNode(42));
		this.ipc.server.managerLink().dispatch("PONG", new StringNode("hi"));
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.ipc.instanceSide.dispatches.isEmpty()
				&& !this.ipc.managerSide.dispatches.isEmpty());
		IpcTestSupport.Dispatch toInstance = this.ipc.instanceSide.dispatches.peek();
		assertThat(toInstance.event()).isEqualTo("GUILD_COUNT");
		assertThat(toInstance.data().intValue()).isEqualTo(42);
		assertThat(toInstance.thread()).contains("ipc-handler");
		IpcTestSupport.Dispatch toManager = this.ipc.managerSide.dispatches.peek();
		assertThat(toManager.event()).isEqualTo("PONG");
		assertThat(toManager.data().stringValue()).isEqualTo("hi");
	}

	@Test
	void dispatchesFromOneSenderArriveInOrder() {
		IpcLink managerLink = this.ipc.connect();
		int count = 10_000;
		for (int i = 0; i < count; i++) {
			managerLink.dispatch("SEQ", new IntNode(i));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> this.ipc.instanceSide.dispatches.size() == count);
		List<Integer> received = new ArrayList<>();
		this.ipc.instanceSide.dispatches.forEach((dispatch) -> received.add(dispatch.data().intValue()));
		for (int i = 0; i < count; i++) {
			assertThat(received.get(i)).isEqualTo(i);
		}
	}

	@Test
	void heartbeatsMeasureTheRoundTripOnBothSides() {
		IpcLink managerLink = this.ipc.connect();
		await().atMost(Duration.ofSeconds(5)).until(() -> managerLink.latencyMillis() != null);
		assertThat(managerLink.latencyMillis()).isGreaterThan(0.0).isLessThan(5_000.0);
		assertThat(this.ipc.server.managerLink().latencyMillis()).isNotNull().isGreaterThan(0.0);
		assertThat(managerLink.lastHeartbeatEpochMillis()).isLessThanOrEqualTo(System.currentTimeMillis());
	}

	@Test
	void theLatencyIsKnownOnBothSidesRightAfterTheFirstHeartbeatExchange() {
		// an interval far longer than the wait below: only the heartbeats sent at once can count
		try (IpcTestSupport slow = new IpcTestSupport(
				IpcTestSupport.fastSettings().withHeartbeat(Duration.ofSeconds(60), 3))) {
			IpcLink managerLink = slow.connect();
			await().atMost(Duration.ofSeconds(5)).until(() -> managerLink.latencyMillis() != null);
			assertThat(managerLink.latencyMillis()).isGreaterThan(0.0).isLessThan(5_000.0);
			assertThat(slow.server.managerLink().latencyMillis()).isNotNull().isGreaterThan(0.0);
			assertThat(managerLink.isOpen()).isTrue();
		}
	}

	@Test
	void aTimeoutTooLongToCountInNanosecondsStillWaitsAndLeavesNothingPending() {
		this.ipc.instanceSide.requestHandlers.put("echo", CompletableFuture::completedFuture);
		IpcLink managerLink = this.ipc.connect();
		Payloads.Response echoed = managerLink.request("echo", 7, null, Duration.ofSeconds(Long.MAX_VALUE)).join();
		assertThat(echoed.ok()).as("response %s", echoed).isTrue();
		assertThat(echoed.result().intValue()).isEqualTo(7);
		await().atMost(Duration.ofSeconds(5)).until(() -> managerLink.pendingRequests() == 0);
		assertThat(managerLink.isOpen()).isTrue();
	}

	@Test
	void requestsAreAnsweredInBothDirections() {
		this.ipc.instanceSide.requestHandlers.put("double",
				(payload) -> CompletableFuture.completedFuture(new IntNode(payload.intValue() * 2)));
		this.ipc.managerSide.requestHandlers.put("echo", CompletableFuture::completedFuture);
		IpcLink managerLink = this.ipc.connect();
		Payloads.Response doubled = managerLink.request("double", 21, null, null).join();
		assertThat(doubled.ok()).isTrue();
		assertThat(doubled.result().intValue()).isEqualTo(42);
		Payloads.Response echoed = this.ipc.server.managerLink().request("echo", "x", null, null).join();
		assertThat(echoed.ok()).isTrue();
		assertThat(echoed.result().stringValue()).isEqualTo("x");
	}

	@Test
	void concurrentRequestsGetTheirOwnAnswers() {
		this.ipc.instanceSide.requestHandlers.put("double",
				(payload) -> CompletableFuture.completedFuture(new IntNode(payload.intValue() * 2)));
		IpcLink managerLink = this.ipc.connect();
		List<CompletableFuture<Payloads.Response>> responses = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			responses.add(managerLink.request("double", i, null, null));
		}
		for (int i = 0; i < responses.size(); i++) {
			Payloads.Response response = responses.get(i).join();
			assertThat(response.ok()).isTrue();
			assertThat(response.result().intValue()).isEqualTo(i * 2);
		}
	}

	@Test
	void failingUnknownAndSlowHandlersGiveErrorEntries() {
		this.ipc.instanceSide.requestHandlers.put("boom", (payload) -> {
			throw new IllegalStateException("kaput");
		});
		this.ipc.instanceSide.requestHandlers.put("never", (payload) -> new CompletableFuture<>());
		IpcLink managerLink = this.ipc.connect();
		Payloads.Response boom = managerLink.request("boom", null, null, null).join();
		assertThat(boom.ok()).isFalse();
		assertThat(boom.error().name()).isEqualTo("IllegalStateException");
		assertThat(boom.error().message()).isEqualTo("kaput");
		assertThat(boom.error().code()).isEqualTo(ErrorCode.HANDLER_FAILED);
		Payloads.Response unknown = managerLink.request("nope", null, null, null).join();
		assertThat(unknown.error().code()).isEqualTo(ErrorCode.NO_HANDLER);
		long start = System.nanoTime();
		Payloads.Response slow = managerLink.request("never", null, null, Duration.ofMillis(300)).join();
		assertThat(slow.ok()).isFalse();
		assertThat(slow.error().code()).isEqualTo(ErrorCode.TIMEOUT);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void losingTheLinkFailsPendingRequestsAndTellsBothSides() {
		this.ipc.instanceSide.requestHandlers.put("never", (payload) -> new CompletableFuture<>());
		IpcLink managerLink = this.ipc.connect();
		CompletableFuture<Payloads.Response> pending = managerLink.request("never", null, null, Duration.ofSeconds(30));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.ipc.server.managerLink() != null);
		this.ipc.server.close();
		Payloads.Response response = pending.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
		assertThat(response.error().code()).isEqualTo(ErrorCode.LINK_LOST);
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.ipc.managerSide.losses.isEmpty());
		assertThat(this.ipc.managerSide.losses.peek().cause()).isEqualTo(LinkLossCause.CLOSED_BY_PEER);
		assertThat(managerLink.isOpen()).isFalse();
		assertThat(this.ipc.instanceSide.losses).singleElement()
			.satisfies((loss) -> assertThat(loss.cause()).isEqualTo(LinkLossCause.CLOSED_LOCALLY));
	}

	@Test
	void wrongTokenIsRefusedWithInvalidSession() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.ipc.connect(this.ipc.managerId, "wrong-token").get())
			.withCauseInstanceOf(HandshakeException.class)
			.withMessageContaining("token is invalid");
		assertThat(this.ipc.server.managerLink()).isNull();
	}

	@Test
	void wrongManagerIdIsRefusedWithInvalidSession() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> this.ipc.connect("123", this.ipc.token).get())
			.withCauseInstanceOf(HandshakeException.class)
			.withMessageContaining("manager id");
	}

	@Test
	void handshakeGivesUpAfterTheSpawnTimeoutWhenNoIdentifyComes() throws Exception {
		try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
				java.net.InetAddress.getLoopbackAddress())) {
			IpcClient client = new IpcClient("127.0.0.1", silent.getLocalPort(),
					this.ipc.settings.withHandshake(Duration.ofMillis(100), Duration.ofMillis(800),
							Duration.ofMillis(500)),
					this.ipc.managerResources, this.ipc.codec);
			try {
				long start = System.nanoTime();
				assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(() -> client.connect(this.ipc.hello(this.ipc.managerId, this.ipc.token),
							this.ipc.instanceId, this.ipc.managerSide).get())
					.withMessageContaining("no IDENTIFY");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
			}
			finally {
				client.close();
			}
		}
	}

	@Test
	void instanceNoticesAManagerThatStopsAcking() throws Exception {
		try (RawPeer manager = new RawPeer(this.ipc.server.port())) {
			manager.sendJson(helloJson(this.ipc.token));
			assertThat(manager.readUntilOp(1).get("d").get("id").stringValue()).isEqualTo(this.ipc.instanceId);
			// never answer the heartbeats
			await().atMost(Duration.ofSeconds(5)).until(() -> !this.ipc.instanceSide.losses.isEmpty());
			assertThat(this.ipc.instanceSide.losses.peek().cause()).isEqualTo(LinkLossCause.HEARTBEAT_TIMEOUT);
			assertThat(manager.isClosedByPeer()).isTrue();
		}
	}

	@Test
	void managerNoticesAnInstanceThatStopsHeartbeating() throws Exception {
		try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50,
				java.net.InetAddress.getLoopbackAddress())) {
			IpcClient client = new IpcClient("127.0.0.1", listener.getLocalPort(), this.ipc.settings,
					this.ipc.managerResources, this.ipc.codec);
			try {
				Payloads.Hello hello = this.ipc.hello(this.ipc.managerId, this.ipc.token);
				CompletableFuture<IpcLink> linked = client.connect(hello, this.ipc.instanceId, this.ipc.managerSide);
				try (java.net.Socket accepted = listener.accept()) {
					java.io.DataInputStream in = new java.io.DataInputStream(accepted.getInputStream());
					byte[] body = new byte[in.readInt()];
					in.readFully(body);
					java.io.DataOutputStream out = new java.io.DataOutputStream(accepted.getOutputStream());
					byte[] identify = ("{\"op\":1,\"d\":{\"id\":\"" + this.ipc.instanceId + "\",\"event_id\":\""
							+ hello.eventId() + "\",\"pid\":1,\"v\":1}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
					out.writeInt(identify.length);
					out.write(identify);
					out.flush();
					IpcLink link = linked.get(5, java.util.concurrent.TimeUnit.SECONDS);
					// this "instance" never heartbeats: like a SIGSTOPped process
					await().atMost(Duration.ofSeconds(5)).until(() -> !this.ipc.managerSide.losses.isEmpty());
					assertThat(link.isOpen()).isFalse();
					assertThat(this.ipc.managerSide.losses).singleElement()
						.satisfies((loss) -> assertThat(loss.cause()).isEqualTo(LinkLossCause.HEARTBEAT_TIMEOUT));
				}
			}
			finally {
				client.close();
			}
		}
	}

	private String helloJson(String token) {
		return "{\"op\":2,\"d\":{\"id\":\"" + this.ipc.managerId + "\",\"event_id\":\"1\",\"token\":\"" + token
				+ "\",\"heartbeat_interval\":100,\"shards\":[0],\"total_shards\":1,\"instance\":0,\"v\":1}}";
	}

}
