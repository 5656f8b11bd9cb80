package dev.discordoo.sharding.ipc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.IntNode;

import dev.discordoo.sharding.protocol.Payloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the link answers itself is handled on the reader thread, not behind user code: a
 * RESPONSE completes its request, and heartbeats keep the link alive, while the side's
 * handler is stuck in a listener.
 */
class IpcHotPathTests {

	private final CountDownLatch unstick = new CountDownLatch(1);

	private final CountDownLatch stuck = new CountDownLatch(1);

	private final IpcTestSupport ipc = new IpcTestSupport(IpcTestSupport.fastSettings(),
			new IpcTestSupport.RecordingListener() {

				@Override
				public void onDispatch(IpcLink link, String event, JsonNode data) {
					if ("STUCK".equals(event)) {
						hold();
					}
					super.onDispatch(link, event, data);
				}

			});

	@AfterEach
	void close() {
		this.unstick.countDown();
		this.ipc.close();
	}

	@Test
	void aResponseCompletesItsRequestWhileTheRequestersHandlerIsStuck() throws Exception {
		this.ipc.managerSide.requestHandlers.put("double",
				(payload) -> CompletableFuture.completedFuture(new IntNode(payload.intValue() * 2)));
		this.ipc.connect();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.ipc.server.managerLink() != null);
		IpcLink instanceLink = this.ipc.server.managerLink();
		// the manager makes the instance's handler wait in a listener
		this.ipc.client.link().dispatch("STUCK", null);
		assertThat(this.stuck.await(5, TimeUnit.SECONDS)).isTrue();
		Payloads.Response doubled = instanceLink.request("double", 21, null, Duration.ofSeconds(3))
			.get(5, TimeUnit.SECONDS);
		assertThat(doubled.ok()).as("response %s", doubled).isTrue();
		assertThat(doubled.result().intValue()).isEqualTo(42);
	}

	@Test
	void heartbeatsKeepTheLinkAliveWhileAHandlerIsStuck() throws Exception {
		IpcLink managerLink = this.ipc.connect();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.ipc.server.managerLink() != null);
		IpcLink instanceLink = this.ipc.server.managerLink();
		managerLink.dispatch("STUCK", null);
		assertThat(this.stuck.await(5, TimeUnit.SECONDS)).isTrue();
		long heardBefore = managerLink.lastHeartbeatEpochMillis();
		long ackedBefore = instanceLink.lastHeartbeatEpochMillis();
		// longer than the tolerance (100 ms x 10): only heartbeats handled as they arrive keep it up
		await().atMost(Duration.ofSeconds(10))
			.during(Duration.ofMillis(1500))
			.until(() -> managerLink.isOpen() && instanceLink.isOpen());
		assertThat(managerLink.lastHeartbeatEpochMillis()).isGreaterThan(heardBefore);
		assertThat(instanceLink.lastHeartbeatEpochMillis()).isGreaterThan(ackedBefore);
		assertThat(this.ipc.managerSide.losses).isEmpty();
		assertThat(this.ipc.instanceSide.losses).isEmpty();
	}

	private void hold() {
		this.stuck.countDown();
		try {
			this.unstick.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
