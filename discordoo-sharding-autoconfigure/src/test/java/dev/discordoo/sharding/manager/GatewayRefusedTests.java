package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.discordoo.sharding.FailureCause;
import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.InstanceStateChangedEvent;
import dev.discordoo.sharding.Targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A shard that Discord's gateway closes with a code no retry can fix fails its instance at
 * once, without a restart: a restart would spend an identify only to be refused again.
 */
class GatewayRefusedTests {

	@RegisterExtension
	final ManagerExtension managers = new ManagerExtension();

	@Test
	void aRefusedShardFailsItsInstanceWithoutARestartAndLeavesTheOthersServing() throws Exception {
		ManagerTestSupport support = this.managers.start(Map.of("discordoo.sharding.mode", "workers",
				"discordoo.sharding.shards", "4", "discordoo.sharding.shards-per-instance", "2"));
		support.awaitAllReady(Duration.ofSeconds(60));
		String healthy = support.manager.instance(0).id();
		support.transitions.clear();
		// the answer races the link's close: whether it arrives says nothing
		support.manager.request("refuse-shard", 4004, Targets.instances(1), String.class);
		support.awaitInstance(1, Duration.ofSeconds(30), (info) -> info.state() == InstanceState.FAILED);
		InstanceInfo failed = support.manager.instance(1);
		assertThat(failed.lastFailureCause()).isEqualTo(FailureCause.GATEWAY_REFUSED);
		assertThat(failed.lastFailure()).contains("shard 2").contains("close code 4004");
		// its worker context is closed: one instance, one context
		await().atMost(Duration.ofSeconds(10)).until(() -> ManagerTestSupport.instanceTimers() == 1);
		assertThat(support.transitionsOf(1)).containsExactly(InstanceState.LOST, InstanceState.FAILED);
		assertThat(support.transitions).filteredOn((event) -> event.getState() == InstanceState.FAILED)
			.singleElement()
			.extracting(InstanceStateChangedEvent::getCause)
			.isEqualTo(FailureCause.GATEWAY_REFUSED);
		assertThat(support.transitionsOf(0)).isEmpty();
		assertThat(support.manager.instance(0).id()).isEqualTo(healthy);
		// brought back by hand once the cause is fixed
		InstanceInfo back = support.manager.restart(1).get(60, TimeUnit.SECONDS);
		assertThat(back.state()).isEqualTo(InstanceState.READY);
	}

}
