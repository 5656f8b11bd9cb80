package dev.discordoo.sharding.endpoint;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.endpoint.ShardingEndpoint.InstanceDescriptor;
import dev.discordoo.sharding.endpoint.ShardingEndpoint.RestartDescriptor;
import dev.discordoo.sharding.testbot.ScriptedShardingManager;

import static dev.discordoo.sharding.testbot.ScriptedShardingManager.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ShardingEndpointTests {

	private final ScriptedShardingManager manager = new ScriptedShardingManager(
			instance(0, InstanceState.READY, 2.5, 1000L), instance(1, InstanceState.RESTARTING, null, null));

	private final ShardingEndpoint endpoint = new ShardingEndpoint(this.manager, null);

	@Test
	void listsEveryInstance() {
		assertThat(this.endpoint.instances().instances()).containsExactly(
				new InstanceDescriptor(0, "10000", List.of(0, 1), 8, InstanceState.READY, 4000L, 2.5, 1000L, 0, null,
						null),
				new InstanceDescriptor(1, "10001", List.of(2, 3), 8, InstanceState.RESTARTING, null, null, null, 0,
						null, null));
	}

	@Test
	void showsOneInstanceOrNothingForAnUnknownIndex() {
		assertThat(this.endpoint.instance(1)).isNotNull()
			.satisfies((instance) -> assertThat(instance.state()).isEqualTo(InstanceState.RESTARTING));
		assertThat(this.endpoint.instance(2)).isNull();
		assertThat(this.endpoint.instance(-1)).isNull();
	}

	@Test
	void restartsOneInstanceWithoutWaitingForIt() {
		RestartDescriptor answer = this.endpoint.restart(1);
		assertThat(answer.accepted()).isTrue();
		assertThat(answer.instances()).containsExactly(1);
		assertThat(answer.message()).isEqualTo("Restarting instance 1");
		assertThat(this.manager.restarts).containsExactly(1);
		// the manager's future is still pending: the endpoint answered without waiting
		assertThat(this.manager.restartFutures).singleElement().satisfies((future) -> assertThat(future).isNotDone());
	}

	@Test
	void saysSoWhenTheManagerRefusesARestartAtOnce() {
		this.manager.answerNextRestartWith(
				CompletableFuture.failedFuture(new IllegalStateException("instance 0 is stopping")));
		RestartDescriptor answer = this.endpoint.restart(0);
		assertThat(answer.accepted()).isFalse();
		assertThat(answer.message()).isEqualTo("Instance 0 cannot be restarted: instance 0 is stopping");
	}

	@Test
	void refusesToRestartAnUnknownInstance() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> this.endpoint.restart(7))
			.withMessage("No sharding instance 7");
		assertThat(this.manager.restarts).isEmpty();
	}

	@Test
	void rollingRestartNeedsTheRestartAction() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.restartAll("stop"))
			.withMessageContaining("Unknown action 'stop'");
		assertThat(this.manager.restartAllFutures).isEmpty();
	}

	@Test
	void rollingRestartStartsOnceUntilItIsDone() {
		RestartDescriptor first = this.endpoint.restartAll("restart");
		assertThat(first.accepted()).isTrue();
		assertThat(first.instances()).containsExactly(0, 1);
		assertThat(first.message()).isEqualTo("Restarting 2 instances one at a time");
		RestartDescriptor second = this.endpoint.restartAll("restart");
		assertThat(second.accepted()).isFalse();
		assertThat(second.message()).isEqualTo("A rolling restart is already in progress");
		assertThat(this.manager.restartAllFutures).hasSize(1);
		List<InstanceInfo> restarted = this.manager.instances();
		this.manager.restartAllFutures.peek().complete(restarted);
		assertThat(this.endpoint.restartAll("restart").accepted()).isTrue();
		assertThat(this.manager.restartAllFutures).hasSize(2);
	}

}
